/**
 * A `Runner` that runs the pipeline in a child process (src-workers/pipeline.process.ts), so the main
 * process keeps answering the renderer while a step reads and averages the stack; the step's own worker
 * pool runs inside that process. Null when the bundle is missing (tests from source without a build).
 */
import { fork } from 'node:child_process';
import { findWorkerScript } from '../../src-core/node/pipeline/pool';
import type { RunOptions, RunRecord } from '../../src-core/node/pipeline/runner';
import type { PipelineProcessIn, PipelineProcessOut } from '../../src-workers/pipeline.process';
import type { Runner } from './jobService';

export function processRunner(script = findWorkerScript('pipeline.process.js')): Runner | null {
  if (!script) return null;
  return (opts: RunOptions) =>
    new Promise<RunRecord>((resolve, reject) => {
      // a clean Node: no loader hooks or inspector flags inherited from the parent (vitest, Electron)
      const child = fork(script, [], {
        execArgv: [],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const send = (m: PipelineProcessIn) => child.connected && child.send(m);
      const onAbort = () => send({ type: 'cancel' });
      opts.signal?.addEventListener('abort', onAbort);
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
        if (child.connected) child.disconnect();
      };
      child.on('message', (m: PipelineProcessOut) => {
        if (settled) return; // late messages after cancel/finish
        if (m.type === 'progress') opts.onProgress?.(m.progress);
        else if (m.type === 'log') opts.onLog?.(m.message);
        else if (m.type === 'step') opts.onStep?.(m.event);
        else if (m.type === 'done') finish(() => resolve(m.record));
        else finish(() => reject(Object.assign(new Error(m.message), { name: m.name, record: m.record })));
      });
      child.on('error', (e) => finish(() => reject(e)));
      child.on('exit', (code, sig) =>
        finish(() => reject(new Error(`the pipeline process exited (${sig ?? `code ${code}`}) before finishing`))),
      );
      const { signal: _s, onProgress: _p, onLog: _l, onStep: _e, ...plain } = opts;
      send({ type: 'run', opts: plain });
      if (opts.signal?.aborted) onAbort();
    });
}
