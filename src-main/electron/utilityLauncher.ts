/**
 * The pipeline child in Electron's `utilityProcess` (not `child_process.fork`, which re-runs Electron's own
 * binary as Node and so needs the RunAsNode fuse on). No Electron import here: main.ts passes Electron's
 * `utilityProcess`, the tests a stand-in with the same surface.
 *
 * Electron's UtilityProcess: `fork(modulePath, args, { serviceName, stdio, env })` → an emitter of 'spawn',
 * 'message' (the structured-cloned value), 'exit' (code); `postMessage(value)`, `kill()`, `pid`. In the
 * child, `process.parentPort` receives `{ data }` and has `postMessage` (src-workers/pipeline.process.ts).
 */
import type { ChildLauncher, PipelineProcessOut } from '../../src-core/node/pipeline/processRunner';

export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'spawn', cb: () => void): unknown;
  on(event: 'message', cb: (message: unknown) => void): unknown;
  on(event: 'exit', cb: (code: number) => void): unknown;
  on(event: 'error', cb: (type: string, location: string) => void): unknown;
}
export interface UtilityForkLike {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: 'inherit' | 'ignore' | 'pipe'; env?: NodeJS.ProcessEnv },
  ): UtilityProcessLike;
}

export function utilityLauncher(utility: UtilityForkLike, env?: NodeJS.ProcessEnv): ChildLauncher {
  return (script) => {
    const child = utility.fork(script, [], {
      serviceName: 'InSAR Studio pipeline',
      stdio: 'inherit',
      ...(env ? { env } : {}),
    });
    // messages posted before the process is up are held, then sent in order
    let queue: unknown[] | null = [];
    let exited = false;
    child.on('spawn', () => {
      const q = queue ?? [];
      queue = null;
      for (const m of q) child.postMessage(m);
    });
    child.on('exit', () => {
      exited = true;
      queue = null;
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (m) => {
        if (exited) return;
        if (queue) queue.push(m);
        else child.postMessage(m);
      },
      onMessage: (cb) => void child.on('message', (m) => cb(m as PipelineProcessOut)),
      onExit: (cb) => void child.on('exit', (code) => cb(code, null)),
      onError: (cb) =>
        void child.on('error', (type, location) =>
          cb(new Error(`the pipeline process failed (${type}${location ? ` at ${location}` : ''})`)),
        ),
      kill: () => {
        if (!exited) child.kill();
      },
    };
  };
}
