/**
 * A `Runner` that runs the pipeline in a child process (src-workers/pipeline.process.ts), so the main
 * process keeps answering the renderer while a step reads and averages the stack; the step's own worker
 * pool runs inside that process. Null when the bundle is missing (tests from source without a build).
 *
 * One seam chooses how the child starts (`launch`): Node's `child_process.fork` here (browser host, tests),
 * Electron's `utilityProcess.fork` in the desktop app (src-main/electron/utilityLauncher.ts), where the
 * RunAsNode fuse is off and `fork` of Electron's own binary would not work.
 *
 * Cancel escalates: the child is asked to stop (`cancel`; the runner stops between tiles and reports its
 * record), and if it has not settled within `graceMs` it is killed and the run rejects with a
 * CancelledError marked `killed`, so a hung child never keeps the run slot busy. A settled child is told
 * to exit and killed if it has not within `graceMs`. The grace (20 s) exceeds what the child itself allows
 * a Slurm run to cancel its job array on the way out (15 s), so a cluster run is cleaned up, not orphaned.
 */
import { fork } from 'node:child_process';
import { findWorkerScript } from '../../src-core/node/pipeline/pool';
import type { RunOptions, RunRecord } from '../../src-core/node/pipeline/runner';
import type { PipelineProcessIn, PipelineProcessOut } from '../../src-workers/pipeline.process';
import type { Runner } from './jobService';

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

export const DEFAULT_CANCEL_GRACE_MS = 20_000;

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
  constructor(graceMs: number) {
    super(`the pipeline process did not stop within ${(graceMs / 1000).toFixed(1)} s of cancel and was killed`);
    this.name = 'CancelledError';
  }
}

export interface ProcessRunnerOptions {
  launch?: ChildLauncher;
  /** how long a cancelled (or finished) child may take to stop before it is killed */
  graceMs?: number;
}

export function processRunner(
  script = findWorkerScript('pipeline.process.js'),
  { launch = forkLauncher, graceMs = DEFAULT_CANCEL_GRACE_MS }: ProcessRunnerOptions = {},
): Runner | null {
  if (!script) return null;
  return (opts: RunOptions) =>
    new Promise<RunRecord>((resolve, reject) => {
      const child = launch(script);
      let exited = false;
      let settled = false;
      let killedAfterCancel = false;
      let killTimer: NodeJS.Timeout | null = null;
      const killLater = (onKill?: () => void) => {
        if (killTimer || exited) return;
        killTimer = setTimeout(() => {
          if (exited) return;
          onKill?.();
          child.kill();
        }, graceMs);
      };
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
        if (!exited) {
          child.send({ type: 'exit' });
          killLater();
        }
      };
      const onAbort = () => {
        if (settled) return;
        child.send({ type: 'cancel' });
        // the run settles when the killed child is gone (its 'exit'), so the slot is free only then
        killLater(() => (killedAfterCancel = true));
      };
      opts.signal?.addEventListener('abort', onAbort);
      child.onMessage((m) => {
        if (settled || !m || typeof m !== 'object') return; // late messages after cancel/finish
        if (m.type === 'progress') opts.onProgress?.(m.progress);
        else if (m.type === 'log') opts.onLog?.(m.message);
        else if (m.type === 'step') opts.onStep?.(m.event);
        else if (m.type === 'done') finish(() => resolve(m.record));
        else if (m.type === 'error')
          finish(() => reject(Object.assign(new Error(m.message), { name: m.name, record: m.record })));
      });
      child.onError((e) => finish(() => reject(e)));
      child.onExit((code, sig) => {
        exited = true;
        if (killTimer) clearTimeout(killTimer);
        finish(() =>
          reject(
            killedAfterCancel
              ? new CancelKilledError(graceMs)
              : new Error(`the pipeline process exited (${sig ?? `code ${code}`}) before finishing`),
          ),
        );
      });
      const { signal: _s, onProgress: _p, onLog: _l, onStep: _e, ...plain } = opts;
      child.send({ type: 'run', opts: plain });
      if (opts.signal?.aborted) onAbort();
    });
}
