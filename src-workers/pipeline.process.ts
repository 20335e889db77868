/**
 * Runs the pipeline in its own process so the process that serves the UI (Electron main, the browser host)
 * never blocks on the synchronous parts of a step (HDF5 reads, map averaging). A child process rather than a
 * worker thread: some dependencies (geotiff's `web-worker`) take over any worker thread they are loaded in.
 *
 * Started by either Electron's `utilityProcess.fork` (the desktop app: messages through `process.parentPort`,
 * so Electron's RunAsNode fuse can stay off) or Node's `child_process.fork` (browser host, tests: `process.send`).
 * Messages in: `run` (options without callbacks), `cancel`, `exit`. Messages out: `progress`, `log`, `step`
 * (typed step events), then `done` (the run record) or `error` (name, message and the partial record, so
 * user errors keep their class and wording). The parent kills this process if it does not stop within a
 * grace period after `cancel`.
 */
import { runPipeline, type RunOptions, type RunRecord } from '../src-core/node/pipeline/runner';
import type { StepEvent } from '../src-core/common/pipeline/types';
import type { StepName } from '../src-core/node/pipeline/registry';

export type PipelineProcessIn =
  | { type: 'run'; opts: Omit<RunOptions, 'signal' | 'onProgress' | 'onLog' | 'onStep'> }
  | { type: 'cancel' }
  | { type: 'exit' };
export type PipelineProcessOut =
  | { type: 'progress'; progress: Parameters<NonNullable<RunOptions['onProgress']>>[0] }
  | { type: 'log'; message: string }
  | { type: 'step'; event: StepEvent<StepName> }
  | { type: 'done'; record: RunRecord }
  | { type: 'error'; name: string; message: string; record?: RunRecord };

/** Electron's utility-process side of the channel (`process.parentPort`, a MessagePortMain). */
interface ParentPortLike {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
const ctrl = new AbortController();
let running: Promise<unknown> | null = null;
let post: (m: PipelineProcessOut) => void;
let listen: (cb: (m: PipelineProcessIn) => void) => void;
if (parentPort) {
  // utilityProcess: Electron ends the child with the app
  post = (m) => parentPort.postMessage(m);
  listen = (cb) => parentPort.on('message', (e) => cb(e.data as PipelineProcessIn));
} else if (process.send) {
  post = (m) => void (process.connected && process.send?.(m));
  listen = (cb) => process.on('message', (m) => cb(m as PipelineProcessIn));
  // the parent went away: nothing to report to — but a run's Slurm array is cancelled first (scancel)
  process.on('disconnect', () => {
    if (!running) process.exit(0);
    ctrl.abort();
    const exit = () => process.exit(0);
    running.then(exit, exit);
    setTimeout(exit, 15_000).unref();
  });
} else {
  throw new Error('pipeline.process must be started by utilityProcess.fork or child_process.fork (no IPC channel)');
}

listen((m) => {
  if (!m || typeof m !== 'object') return;
  if (m.type === 'cancel') ctrl.abort();
  else if (m.type === 'exit') process.exit(0);
  else if (m.type === 'run' && !running)
    running = runPipeline({
      ...m.opts,
      signal: ctrl.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onLog: (message) => post({ type: 'log', message }),
      onStep: (event) => post({ type: 'step', event }),
    }).then(
      (record) => post({ type: 'done', record }),
      (e: Error & { record?: RunRecord }) =>
        post({ type: 'error', name: e.name, message: e.message, record: e.record }),
    );
});
