/**
 * Runs the pipeline in its own process so the process that serves the UI (Electron main, the browser host)
 * or the CLI's terminal never blocks on the synchronous parts of a step (HDF5 reads, map averaging), and a
 * cancel can end it at once (src-core/node/pipeline/processRunner.ts). A child process rather than a worker
 * thread: some dependencies (geotiff's `web-worker`) take over any worker thread they are loaded in.
 *
 * Started by either Electron's `utilityProcess.fork` (the desktop app: messages through `process.parentPort`,
 * so Electron's RunAsNode fuse can stay off) or Node's `child_process.fork` (browser host, CLI, tests:
 * `process.send`). Messages in: `run` (options without callbacks), `cancel`, `exit`. Messages out:
 * `progress`, `log`, `step` (typed step events), `grace` (a cancel needs longer to clean up from now on: a
 * Slurm array to scancel), then `done` (the run record) or `error` (name, message, the partial record, and a
 * file error's code/path, so user errors keep their class and wording). SIGINT cancels the run like the
 * `cancel` message (Ctrl-C in the CLI's terminal reaches the whole process group; the parent decides).
 * The parent kills this process if it does not stop within a grace period after `cancel`.
 */
import { runPipeline, type RunRecord } from '../src-core/node/pipeline/runner';
import type { PipelineProcessIn, PipelineProcessOut } from '../src-core/node/pipeline/processRunner';

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
// Ctrl-C in a terminal goes to the CLI and to this child: a cancel, not a sudden death (SIGTERM stays a
// kill: Electron's utilityProcess.kill() sends it)
process.on('SIGINT', () => ctrl.abort());

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
      onCancelGrace: (ms) => post({ type: 'grace', ms }),
    }).then(
      (record) => post({ type: 'done', record }),
      (e: Error & { record?: RunRecord; code?: unknown; path?: unknown }) =>
        post({
          type: 'error',
          name: e.name,
          message: e.message,
          record: e.record,
          ...(typeof e.code === 'string' ? { code: e.code } : {}),
          ...(typeof e.path === 'string' ? { path: e.path } : {}),
          ...(e.stack ? { stack: e.stack } : {}),
        }),
    );
});
