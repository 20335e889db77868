/**
 * The contract of a pipeline step (MintPy's smallbaselineApp steps): a named, re-runnable unit that reads
 * the template and earlier outputs in `workDir` and writes MintPy-named files there atomically.
 */
import type { Template } from '../../node/config/template';

import type { StepName } from './stepNames';
export { STEP_NAMES, type StepName } from './stepNames';
import type { ClusterProgress } from './clusterProgress';
export type { ClusterProgress } from './clusterProgress';
export type { StepEvent } from './stepEvents';

export interface Progress {
  step: StepName | string;
  done: number;
  total: number;
  /** e.g. 'tile 3/16' */
  label?: string;
  /** seconds remaining, if known */
  etaSeconds?: number;
  /** the step's tiles as a Slurm job array: its tasks' counts */
  cluster?: ClusterProgress;
}

export interface StepContext {
  template: Template;
  /** MintPy's work directory: outputs go here, inputs/ holds the stack and geometry */
  workDir: string;
  log: (message: string) => void;
  progress: (p: Progress) => void;
  signal: AbortSignal;
  /** number of worker threads for tiled steps (default: cores) */
  numWorkers?: number;
  /** where tiled steps run, overriding mintpy.compute.cluster: 'slurm' | 'local' | 'no' (CLI --cluster, the app) */
  cluster?: string;
}

export interface StepResult {
  /** files written (absolute paths) */
  outputs: string[];
  /** short machine-readable facts for the run record (kept pairs, reference pixel, …) */
  summary: Record<string, unknown>;
}

export type StepFn = (ctx: StepContext) => Promise<StepResult>;

/** An error caused by the user's data or settings: the CLI prints its message and exits 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
