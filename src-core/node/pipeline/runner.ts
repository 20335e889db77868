/**
 * Runs smallbaselineApp-style steps in order on a template: `--dostep`, `--start/--end`, progress,
 * cancellation, and a record of what ran (the app stores it in the project database).
 */
import { mkdirSync } from 'node:fs';
import { Template } from '../config/template';
import {
  CancelledError,
  InputError,
  type Progress,
  type StepContext,
  type StepEvent,
} from '../../common/pipeline/types';
import { STEP_NAMES, stepOf, type StepName } from './registry';
import { runKeys } from './stepKeys';
import { isLegacyKey } from '../../common/config/check';
import { clusterKind, slurmOptions, SLURM_KEYS } from './cluster/config';
import { SlurmClient } from './cluster/slurmClient';

export interface RunOptions {
  templatePath: string;
  /** defaults to the template's folder (MintPy: outputs beside the template) */
  workDir?: string;
  dostep?: StepName;
  start?: StepName;
  end?: StepName;
  /** template keys overriding the file (the app's edits: excluded pairs, reference point, …) */
  overrides?: Record<string, string | undefined>;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onLog?: (message: string) => void;
  /** typed step events (started, then finished / skipped / failed / cancelled) */
  onStep?: (e: StepEvent<StepName>) => void;
  /**
   * A step needs this long (ms) to clean up on cancel from now on (a Slurm array to scancel); 0 = back to
   * the default. For whoever kills the run when it does not stop in time (processRunner.ts).
   */
  onCancelGrace?: (ms: number) => void;
  numWorkers?: number;
  /** where the tiled steps run, overriding mintpy.compute.cluster: 'slurm' | 'local' | 'no' (CLI --cluster) */
  cluster?: string;
}

export interface StepRecord {
  name: StepName;
  status: 'done' | 'skipped' | 'failed' | 'cancelled';
  seconds: number;
  outputs: string[];
  summary: Record<string, unknown>;
  error?: string;
}

export interface RunRecord {
  templatePath: string;
  workDir: string;
  startedAt: string;
  steps: StepRecord[];
  ok: boolean;
  /** MintPy steps the template enables that were not run (see unimplementedSteps) */
  skippedMintpySteps: string[];
}

/** Steps selected by dostep / start / end, in MintPy order. */
export function selectSteps(opts: Pick<RunOptions, 'dostep' | 'start' | 'end'>): StepName[] {
  const check = (s: string | undefined, what: string) => {
    if (s !== undefined && !STEP_NAMES.includes(s as StepName))
      throw new InputError(`unknown step "${s}" for ${what}; steps are: ${STEP_NAMES.join(', ')}`);
  };
  check(opts.dostep, '--dostep');
  check(opts.start, '--start');
  check(opts.end, '--end');
  if (opts.dostep) return [opts.dostep];
  const i0 = opts.start ? STEP_NAMES.indexOf(opts.start) : 0;
  const i1 = opts.end ? STEP_NAMES.indexOf(opts.end) : STEP_NAMES.length - 1;
  if (i1 < i0) throw new InputError(`--end ${opts.end} comes before --start ${opts.start}`);
  return STEP_NAMES.slice(i0, i1 + 1);
}

/**
 * MintPy steps InSAR Studio does not implement yet, when the template turns them on: the run goes on without
 * them (the outputs then equal MintPy's with those steps off), and says so.
 */
export function unimplementedSteps(t: Template): string[] {
  const out: string[] = [];
  const on = (k: string) => !/^(no|none|false)$/i.test(t.get(k));
  if (on('mintpy.unwrapError.method'))
    out.push(`correct_unwrap_error (mintpy.unwrapError.method = ${t.get('mintpy.unwrapError.method')})`);
  if (on('mintpy.solidEarthTides')) out.push('correct_SET (mintpy.solidEarthTides = yes)');
  if (on('mintpy.troposphericDelay.method'))
    out.push(`correct_troposphere (mintpy.troposphericDelay.method = ${t.get('mintpy.troposphericDelay.method')})`);
  if (on('mintpy.deramp')) out.push(`deramp (mintpy.deramp = ${t.get('mintpy.deramp')})`);
  return out;
}

export async function runPipeline(opts: RunOptions): Promise<RunRecord> {
  const base = Template.read(opts.templatePath);
  const template = opts.overrides ? base.with(opts.overrides) : base;
  const log = opts.onLog ?? (() => {});
  const steps = selectSteps(opts);
  // bad values and misspelled keys of the steps this run does stop it here, before any work
  for (const w of template.check(runKeys(steps), Object.keys(SLURM_KEYS))) log(w);
  // tiled steps on Slurm: its commands and the partition checked now, not after the steps before them
  if (clusterKind(template, opts.cluster) === 'slurm')
    await new SlurmClient().preflight({ templatePath: template.path, partition: slurmOptions(template).partition });
  const workDir = opts.workDir ?? template.dir;
  mkdirSync(workDir, { recursive: true });
  const signal = opts.signal ?? new AbortController().signal;
  const onStep = opts.onStep ?? (() => {});
  const record: RunRecord = {
    templatePath: template.path,
    workDir,
    startedAt: new Date().toISOString(),
    steps: [],
    ok: true,
    skippedMintpySteps: [],
  };
  const missing = unimplementedSteps(template);
  record.skippedMintpySteps = missing;
  if (missing.length)
    log(
      `warning: the template turns on MintPy steps InSAR Studio does not run yet: ${missing.join('; ')}. ` +
        'The results equal MintPy\'s with these steps off; set them to "no" in the template to silence this.',
    );
  const legacy = Object.keys(template.values).filter(isLegacyKey);
  if (legacy.length)
    log(
      `${legacy.join(', ')}: ignored, as MintPy 1.5.1 does (the velocity step reads mintpy.timeFunc.*; use those keys)`,
    );

  for (const name of steps) {
    if (signal.aborted) throw new CancelledError();
    const step = stepOf(name);
    const reason = step.skip?.(template, workDir) ?? null;
    if (reason) {
      record.steps.push({ name, status: 'skipped', seconds: 0, outputs: [], summary: { reason } });
      log(`skip ${name}: ${reason}`);
      onStep({ step: name, status: 'skipped', reason });
      continue;
    }
    const ctx: StepContext = {
      template,
      workDir,
      log,
      signal,
      numWorkers: opts.numWorkers,
      cluster: opts.cluster,
      progress: (p) => opts.onProgress?.({ ...p, step: name }),
      ...(opts.onCancelGrace ? { cancelGrace: opts.onCancelGrace } : {}),
    };
    log(`step ${name}`);
    onStep({ step: name, status: 'started' });
    const t0 = performance.now();
    try {
      const res = await step.run(ctx);
      // a step that finds itself switched off (e.g. reference_date without a reference date) says so
      const skipped = res.summary.skipped === true;
      const seconds = (performance.now() - t0) / 1000;
      record.steps.push({ name, status: skipped ? 'skipped' : 'done', seconds, ...res });
      onStep(
        skipped
          ? { step: name, status: 'skipped', reason: String(res.summary.reason ?? 'nothing to do') }
          : { step: name, status: 'finished', seconds, outputs: res.outputs },
      );
    } catch (e) {
      const cancelled = e instanceof CancelledError || signal.aborted;
      const seconds = (performance.now() - t0) / 1000;
      record.steps.push({
        name,
        status: cancelled ? 'cancelled' : 'failed',
        seconds,
        outputs: [],
        summary: {},
        error: (e as Error).message,
      });
      onStep(
        cancelled
          ? { step: name, status: 'cancelled', seconds }
          : { step: name, status: 'failed', seconds, error: (e as Error).message },
      );
      record.ok = false;
      (e as Error & { record?: RunRecord }).record = record;
      throw e;
    }
  }
  return record;
}
