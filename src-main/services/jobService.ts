/**
 * Runs the pipeline (src-core runPipeline) for the open project, one run at a time, with progress, typed
 * step events (onStep), log and cancel (AbortController). The edits become template overrides; every run is recorded in the project
 * database (parameters, per-step timings, outputs) before and after. No Electron import.
 */
import type { RunOptions, RunRecord } from '../../src-core/node/pipeline/runner';
import type { StepEvent } from '../../src-core/common/pipeline/stepEvents';
import type { RunStepState, RunSummary } from '../../src-shared/api';
import { STEP_NAMES, isStepName, type StepName } from '../../src-core/node/pipeline/registry';
import type { EventBus } from './events';
import { overridesOf, toSummary, type ProjectService } from './projectService';

export type Runner = (opts: RunOptions) => Promise<RunRecord>;

export class JobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobError';
  }
}

/** The pipeline in its own process when the worker bundle exists (the app), else in-process (tests from source). */
const defaultRunner: Runner = async (opts) =>
  (await import('../../src-core/node/pipeline/processRunner')).runPipelineIsolated(opts);

export class JobService {
  private active: { id: number; ctrl: AbortController; done: Promise<RunSummary> } | null = null;

  constructor(
    private readonly projects: ProjectService,
    private readonly events: EventBus,
    private readonly runner: Runner = defaultRunner,
    private readonly numWorkers?: number,
  ) {
    projects.isRunning = () => this.active !== null;
  }

  get running(): boolean {
    return this.active !== null;
  }

  /** Resolves when the current run (if any) finishes. */
  async wait(): Promise<RunSummary | null> {
    return this.active ? this.active.done : null;
  }

  /**
   * Start a run from `fromStep` (default: where a cancelled or failed run stopped, else the earliest stale
   * step, or the first step if nothing ran) to
   * `toStep` (default: the last step; `load_data` alone is the network editor's "load only").
   * Returns at once with the run's initial summary; progress and the end arrive as events.
   */
  start(fromStep?: string, toStep?: string): RunSummary {
    if (this.active) throw new JobError('a run is already going: wait for it to finish or cancel it');
    const p = this.projects.require();
    const edits = this.projects.editState();
    const lastOk = p.db.runs().find((r) => r.status === 'ok');
    // after a cancelled or failed run, go on where it stopped; else from the first stale step (or the start)
    const from = fromStep ?? edits.continueFrom ?? (lastOk ? (edits.staleFrom ?? STEP_NAMES[0]) : STEP_NAMES[0]);
    if (!isStepName(from)) throw new JobError(`unknown step "${from}": the steps are ${STEP_NAMES.join(', ')}`);
    const i0 = STEP_NAMES.indexOf(from);
    if (toStep !== undefined && !isStepName(toStep))
      throw new JobError(`unknown step "${toStep}": the steps are ${STEP_NAMES.join(', ')}`);
    const i1 = toStep === undefined ? STEP_NAMES.length - 1 : STEP_NAMES.indexOf(toStep);
    if (i1 < i0) throw new JobError(`the run cannot end at ${toStep}: it comes before ${from}`);
    const overrides = overridesOf(p.db.history().current);
    const steps: RunStepState[] = STEP_NAMES.slice(i0, i1 + 1).map((name) => ({ name, status: 'pending' }));
    const id = p.db.startRun(from, overrides, steps);
    const ctrl = new AbortController();
    const db = p.db;
    const save = () => {
      try {
        db.updateRunSteps(id, steps);
      } catch {
        /* the project database was closed under the run (project closed, app quitting): the end is still reported */
      }
    };
    // the run's typed step events: the step list follows them (no log parsing) and the renderer gets them as is
    const onStep = (e: StepEvent<StepName>) => {
      const k = steps.find((s) => s.name === e.step);
      if (k) {
        if (e.status === 'started') k.status = 'running';
        else if (e.status === 'finished') {
          k.status = 'done';
          k.seconds = Math.round(e.seconds * 1000) / 1000;
        } else if (e.status === 'skipped') k.status = 'skipped';
        else {
          k.status = e.status;
          k.seconds = Math.round(e.seconds * 1000) / 1000;
          if (e.status === 'failed') k.error = e.error;
        }
        save();
      }
      this.events.emit('onStep', { runId: id, ...e });
    };
    const t0 = Date.now();
    const done = (async (): Promise<RunSummary> => {
      let status: RunSummary['status'] = 'ok';
      let error: string | undefined;
      let outputs: string[] = [];
      try {
        const rec = await this.runner({
          templatePath: p.templatePath,
          workDir: p.workDir,
          start: from,
          ...(toStep !== undefined ? { end: toStep as StepName } : {}),
          overrides,
          signal: ctrl.signal,
          numWorkers: this.numWorkers,
          onProgress: (pr) => this.events.emit('onProgress', { runId: id, ...pr, step: String(pr.step) }),
          onLog: (message) => this.events.emit('onLog', { runId: id, time: new Date().toISOString(), message }),
          onStep,
        });
        applyRecord(steps, rec);
        outputs = rec.steps.flatMap((s) => s.outputs);
      } catch (e) {
        const rec = (e as { record?: RunRecord }).record;
        if (rec) applyRecord(steps, rec);
        status = ctrl.signal.aborted || (e as Error).name === 'CancelledError' ? 'cancelled' : 'failed';
        const killed = (e as { killed?: boolean }).killed === true;
        error =
          status === 'cancelled'
            ? `cancelled by the user${killed ? `: ${(e as Error).message}` : ''}`
            : (e as Error).message;
        for (const s of steps)
          if (s.status === 'running' || s.status === 'pending')
            s.status = status === 'cancelled' ? 'cancelled' : s.status === 'running' ? 'failed' : 'pending';
        this.events.emit('onLog', { runId: id, time: new Date().toISOString(), message: `run ${status}: ${error}` });
      }
      this.active = null;
      let summary: RunSummary;
      try {
        db.finishRun(id, status, steps, outputs, error);
        summary = toSummary(db.run(id)!);
      } catch {
        // the project database was closed under the run (app quitting): report without the record
        summary = {
          id,
          startedAt: '',
          finishedAt: new Date().toISOString(),
          status,
          fromStep: from,
          steps,
          ...(error ? { error } : {}),
        };
      }
      this.events.emit('onLog', {
        runId: id,
        time: new Date().toISOString(),
        message: `run ${id} ${status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      });
      this.events.emit('onRunFinished', { run: summary });
      try {
        if (this.projects.current?.db === db) this.events.emit('onProjectChanged', await this.projects.info());
      } catch {
        /* the project was closed meanwhile */
      }
      return summary;
    })();
    done.catch(() => {}); // observed through wait(); never an unhandled rejection
    this.active = { id, ctrl, done };
    return toSummary(db.run(id)!);
  }

  /**
   * Ask the run to stop. The pipeline child stops at its next cancel point or is killed after a short grace
   * (src-core/node/pipeline/processRunner.ts); the run slot is free once the run has settled either way
   * (`wait()`).
   */
  cancel(): boolean {
    if (!this.active) return false;
    this.active.ctrl.abort();
    return true;
  }
}

function applyRecord(steps: RunStepState[], rec: RunRecord): void {
  for (const s of rec.steps) {
    const k = steps.find((x) => x.name === s.name);
    if (!k) continue;
    k.status = s.status;
    k.seconds = Math.round(s.seconds * 1000) / 1000;
    if (s.error) k.error = s.error;
  }
}
