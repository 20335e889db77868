/**
 * The pipeline in a child process of its own (src-workers/pipeline.process.ts), for the app (Electron main,
 * the browser host) and the CLI's `run`: the process that talks to the user never blocks on a step, and a
 * cancel is honoured at once whatever the step is doing. Null when the bundle is missing (tests from source).
 *
 * One seam chooses how the child starts (`launch`): Node's `child_process.fork` here (browser host, CLI,
 * tests), Electron's `utilityProcess.fork` in the desktop app (src-main/electron/utilityLauncher.ts), where
 * the RunAsNode fuse is off and `fork` of Electron's own binary would not work.
 *
 * Cancel: the child is asked to stop (`cancel`): its steps stop at their next cancel point (between blocks,
 * tiles in flight aborted) and it reports its record. A step can be inside one long synchronous call (a
 * 20 MB fsync, an HDF5 open, a PNG of the whole map) where it hears nothing, so if the child has not
 * settled within `graceMs` (0.3 s) it is killed, and the temp files it was writing are removed here: every
 * output is written to a temp name carrying the writer's pid and renamed into place (H5Writer,
 * writeFileAtomic, the tile checkpoint), so a kill leaves either the old file or the new one, never half of
 * one, and the checkpoint's finished tiles stay for a resume. The run then rejects with a CancelledError
 * marked `killed`. While a step waits on a Slurm job array the child asks for a longer grace (`grace`
 * message) so it can scancel the array on the way out instead of orphaning it.
 *
 * A settled child is told to exit and killed if it has not within `graceMs`.
 */
import { fork } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { findWorkerScript } from './pool';
import type { RunOptions, RunRecord } from './runner';
import type { StepEvent } from '../../common/pipeline/types';
import type { StepName } from './registry';
import { removeTempFilesOf } from '../util/atomicFile';

/** Messages to the pipeline child. */
export type PipelineProcessIn =
  | { type: 'run'; opts: Omit<RunOptions, 'signal' | 'onProgress' | 'onLog' | 'onStep' | 'onCancelGrace'> }
  | { type: 'cancel' }
  | { type: 'exit' };
/** Messages from the pipeline child. */
export type PipelineProcessOut =
  | { type: 'progress'; progress: Parameters<NonNullable<RunOptions['onProgress']>>[0] }
  | { type: 'log'; message: string }
  | { type: 'step'; event: StepEvent<StepName> }
  /** from now on a cancel may need this long to clean up (0: the default) */
  | { type: 'grace'; ms: number }
  | { type: 'done'; record: RunRecord }
  | {
      type: 'error';
      name: string;
      message: string;
      record?: RunRecord;
      /** a file-system error's code and path, a bug's stack: what the CLI's one-line report needs */
      code?: string;
      path?: string;
      stack?: string;
    };

/** One started pipeline child, however it was started. */
export interface PipelineChild {
  readonly pid: number | undefined;
  send(m: PipelineProcessIn): void;
  onMessage(cb: (m: PipelineProcessOut) => void): void;
  /** the process ended (by itself, crashed, or killed) */
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  /** it could not be started */
  onError(cb: (e: Error) => void): void;
  /** end it now (SIGKILL / utilityProcess.kill) */
  kill(): void;
}
export type ChildLauncher = (script: string) => PipelineChild;

/**
 * How long a cancelled child may take to stop by itself before it is killed. Short: the issue's promise is
 * "cancel honoured within 0.5 s in every step", and a kill is safe (atomic outputs, temp files removed).
 */
export const DEFAULT_CANCEL_GRACE_MS = 300;

/** `child_process.fork`: a clean Node (no loader hooks or inspector flags inherited from vitest/Electron). */
export const forkLauncher: ChildLauncher = (script) => {
  const child = fork(script, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (m) => {
      if (child.connected) child.send(m, (e) => void e); // a send racing the child's exit is not an error
    },
    onMessage: (cb) => void child.on('message', (m) => cb(m as PipelineProcessOut)),
    onExit: (cb) => void child.on('exit', (code, sig) => cb(code, sig)),
    onError: (cb) => void child.on('error', cb),
    kill: () => void child.kill('SIGKILL'),
  };
};

export class CancelKilledError extends Error {
  readonly killed = true;
  constructor(graceMs: number, removed: number) {
    super(
      `the pipeline process had not stopped ${(graceMs / 1000).toFixed(1)} s after cancel and was killed` +
        (removed ? ` (${removed} temp file(s) it was writing removed)` : ''),
    );
    this.name = 'CancelledError';
  }
}

export interface ProcessRunnerOptions {
  launch?: ChildLauncher;
  /** how long a cancelled (or finished) child may take to stop before it is killed */
  graceMs?: number;
}

export type ProcessRunner = (opts: RunOptions) => Promise<RunRecord>;

export function processRunner(
  script = findWorkerScript('pipeline.process.js'),
  { launch = forkLauncher, graceMs = DEFAULT_CANCEL_GRACE_MS }: ProcessRunnerOptions = {},
): ProcessRunner | null {
  if (!script) return null;
  return (opts: RunOptions) =>
    new Promise<RunRecord>((resolvePromise, reject) => {
      const startedAt = Date.now();
      const child = launch(script);
      const pid = child.pid;
      const workDir = resolve(opts.workDir ?? dirname(resolve(opts.templatePath)));
      let exited = false;
      let settled = false;
      let killedAfterCancel = false;
      let killTimer: NodeJS.Timeout | null = null;
      /** what the child asked for (a Slurm array to scancel), else the default */
      let cancelGrace = graceMs;
      const killLater = (ms: number, onKill?: () => void) => {
        if (killTimer || exited) return;
        killTimer = setTimeout(() => {
          if (exited) return;
          onKill?.();
          child.kill();
        }, ms);
      };
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
        if (!exited) {
          child.send({ type: 'exit' });
          killLater(graceMs);
        }
      };
      const onAbort = () => {
        if (settled) return;
        child.send({ type: 'cancel' });
        // the run settles when the killed child is gone (its 'exit'), so the slot is free only then
        killLater(cancelGrace, () => (killedAfterCancel = true));
      };
      opts.signal?.addEventListener('abort', onAbort);
      child.onMessage((m) => {
        if (settled || !m || typeof m !== 'object') return; // late messages after cancel/finish
        if (m.type === 'progress') opts.onProgress?.(m.progress);
        else if (m.type === 'log') opts.onLog?.(m.message);
        else if (m.type === 'step') opts.onStep?.(m.event);
        else if (m.type === 'grace') cancelGrace = Math.max(graceMs, m.ms);
        else if (m.type === 'done') finish(() => resolvePromise(m.record));
        else if (m.type === 'error')
          finish(() => {
            const { type: _t, ...fields } = m;
            reject(Object.assign(new Error(m.message), fields));
          });
      });
      child.onError((e) => finish(() => reject(e)));
      child.onExit((code, sig) => {
        exited = true;
        if (killTimer) clearTimeout(killTimer);
        // a child that died mid-write (killed, crashed) leaves temp files carrying its pid: not outputs
        const removed = pid !== undefined && !settled ? removeTempFilesOf(workDir, pid, startedAt - 1000) : 0;
        finish(() =>
          reject(
            killedAfterCancel
              ? new CancelKilledError(cancelGrace, removed)
              : new Error(`the pipeline process exited (${sig ?? `code ${code}`}) before finishing`),
          ),
        );
      });
      const { signal: _s, onProgress: _p, onLog: _l, onStep: _e, onCancelGrace: _g, ...plain } = opts;
      child.send({ type: 'run', opts: plain });
      if (opts.signal?.aborted) onAbort();
    });
}

/**
 * Run the pipeline as the app and the CLI do: in its own process when the bundle exists (a cancel honoured at
 * once), else in this process (tests from source). The pipeline's code is loaded only in that case.
 */
export async function runPipelineIsolated(opts: RunOptions): Promise<RunRecord> {
  const child = processRunner();
  if (child) return child(opts);
  const { runPipeline } = await import('./runner');
  return runPipeline(opts);
}
