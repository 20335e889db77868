/**
 * Runs the pipeline in its own process so the process that serves the UI (Electron main, the browser host)
 * never blocks on the synchronous parts of a step (HDF5 reads, map averaging). A child process rather than a
 * worker thread: some dependencies (geotiff's `web-worker`) take over any worker thread they are loaded in.
 * Messages in: `run` (options without callbacks), `cancel`. Messages out: `progress`, `log`, `step` (typed step events), then `done`
 * (the run record) or `error` (name, message and the partial record, so user errors keep their class and wording).
 */
import { runPipeline, type RunOptions, type RunRecord } from '../src-core/node/pipeline/runner';
import type { StepEvent } from '../src-core/common/pipeline/types';

export type PipelineProcessIn =
  { type: 'run'; opts: Omit<RunOptions, 'signal' | 'onProgress' | 'onLog' | 'onStep'> } | { type: 'cancel' };
export type PipelineProcessOut =
  | { type: 'progress'; progress: Parameters<NonNullable<RunOptions['onProgress']>>[0] }
  | { type: 'log'; message: string }
  | { type: 'step'; event: StepEvent }
  | { type: 'done'; record: RunRecord }
  | { type: 'error'; name: string; message: string; record?: RunRecord };

if (!process.send) throw new Error('pipeline.process must be started with an IPC channel (child_process.fork)');
const ctrl = new AbortController();
const post = (m: PipelineProcessOut) => process.connected && process.send?.(m);
let running: Promise<unknown> | null = null;
process.on('message', (m: PipelineProcessIn) => {
  if (m.type === 'cancel') ctrl.abort();
  else
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
// the parent went away: nothing to report to — but a run's Slurm array is cancelled first (scancel)
process.on('disconnect', () => {
  if (!running) process.exit(0);
  ctrl.abort();
  const exit = () => process.exit(0);
  running.then(exit, exit);
  setTimeout(exit, 15_000).unref();
});
