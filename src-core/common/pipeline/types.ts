/**
 * The contract of a pipeline step (MintPy's smallbaselineApp steps): a named, re-runnable unit that reads
 * the template and earlier outputs in `workDir` and writes MintPy-named files there atomically. Each step
 * file describes itself once with `defineStep` (name, run, when it applies, the template keys it reads, the
 * files it writes, the layers the app shows, its tiled task); the registry (src-core/node/pipeline/
 * registry.ts) lists them in MintPy's order and everything else derives from the descriptors.
 */
import type { Template } from '../../node/config/template';
import type { TileTask } from '../../node/pipeline/tileTasks';

import type { LayerSpec } from './layers';
import type { ClusterProgress } from './clusterProgress';
export type { ClusterProgress } from './clusterProgress';
export type { StepEvent } from './stepEvents';
export type { LayerKind, LayerSpec, StepInfo } from './layers';

export interface Progress {
  step: string;
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
  /**
   * Tell whoever ends a cancelled run that does not stop in time (the pipeline process runner) that a cancel
   * now needs up to `ms` to clean up (a Slurm array to scancel); 0 gives the default back.
   */
  cancelGrace?: (ms: number) => void;
}

export interface StepResult {
  /** files written (absolute paths) */
  outputs: string[];
  /** short machine-readable facts for the run record (kept pairs, reference pixel, …) */
  summary: Record<string, unknown>;
}

export type StepFn = (ctx: StepContext) => Promise<StepResult>;

/** Everything there is to know about one step, declared once in its own file. */
export interface StepDescriptor<N extends string = string> {
  /** MintPy's step name */
  readonly name: N;
  /** one line (the CLI usage, the run panel, ARCHITECTURE's table) */
  readonly description: string;
  readonly run: StepFn;
  /** Why the step does not apply to this template/work dir (it is then recorded as skipped); null: it runs. */
  readonly skip?: (t: Template, workDir: string) => string | null;
  /**
   * The template keys that determine its outputs: exact keys, or `prefix.*` for every key under the prefix.
   * Editing one re-runs this step and every later one (src-core/node/pipeline/staleness.ts).
   */
  readonly keys: readonly string[];
  /** what it reads (work-dir-relative files, or a short phrase), for the docs */
  readonly reads: readonly string[];
  /** work-dir-relative files it writes (or rewrites) */
  readonly writes: readonly string[];
  /** datasets of its files the app shows as layers (in the layer list's order) */
  readonly layers?: readonly LayerSpec[];
  /** the worker-pool task kind when it runs on row tiles */
  readonly tiled?: TileTask['kind'];
}

/** Declare a step (identity: keeps the name's literal type for the registry's StepName). */
export function defineStep<const N extends string>(d: StepDescriptor<N>): StepDescriptor<N> {
  return d;
}

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
