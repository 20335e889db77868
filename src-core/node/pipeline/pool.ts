/**
 * The worker pool for tiled steps: piscina threads running `src-workers/tile.worker.ts` (bundled to
 * out/node/workers/tile.worker.js), or the same task function in-process when `numWorkers` is 0 or the
 * bundle is missing (tests, tiny stacks). Results come back as transferred Float32Arrays.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { executeTileTask, type TileTask, type TileTaskResult } from './tileTasks';

export interface TilePool {
  readonly size: number;
  readonly threaded: boolean;
  run(task: TileTask, signal?: AbortSignal): Promise<TileTaskResult>;
  destroy(): Promise<void>;
}

/**
 * `INSAR_STUDIO_WORKER` (a tile worker script to use instead of the bundled one) is honoured only in
 * development and tests (NODE_ENV development/test): an environment variable must not choose code that a
 * released app runs. The packaged Electron app also deletes it at start (src-main/electron/security.ts).
 */
export function workerOverride(env: NodeJS.ProcessEnv = process.env): string | null {
  const p = env.INSAR_STUDIO_WORKER;
  const devOrTest = env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
  return p && devOrTest && existsSync(p) ? p : null;
}

/**
 * Find a bundled worker (`tile.worker.js`, `pipeline.process.js`): beside this module when bundled, or
 * <repo>/out/node/workers when run from source.
 */
export function findWorkerScript(name = 'tile.worker.js'): string | null {
  const override = name === 'tile.worker.js' ? workerOverride() : null;
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const c of [join(dir, 'workers', name), join(dir, 'out', 'node', 'workers', name)])
      if (existsSync(c)) return c;
    dir = resolve(dir, '..');
  }
  return null;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Threads of a finished pool kept this long for the next step: starting a worker and loading h5wasm in
 * it costs ≈ 0.5 s, once per run instead of once per step; the threads also keep the WebAssembly kernel
 * compiled and the network's plan. Idle piscina threads and this timer are unref'd: a process that is
 * done exits without waiting.
 */
const KEEP_MS = 20_000;

interface SharedPool {
  piscina: Piscina;
  size: number;
  script: string;
  users: number;
  timer: ReturnType<typeof setTimeout> | null;
}
let shared: SharedPool | null = null;

export function createPool(numWorkers = defaultWorkers()): TilePool {
  const script = numWorkers > 0 ? findWorkerScript() : null;
  if (!script) {
    return {
      size: 1,
      threaded: false,
      run: async (task) => executeTileTask(task),
      destroy: async () => {},
    };
  }
  if (shared && (shared.size !== numWorkers || shared.script !== script) && shared.users === 0) {
    if (shared.timer) clearTimeout(shared.timer);
    void shared.piscina.destroy();
    shared = null;
  }
  let s: SharedPool;
  if (shared && shared.size === numWorkers && shared.script === script) s = shared;
  else {
    s = {
      piscina: new Piscina({ filename: script, minThreads: numWorkers, maxThreads: numWorkers, idleTimeout: 30_000 }),
      size: numWorkers,
      script,
      users: 0,
      timer: null,
    };
    // a pool of another size in use keeps its own threads; this one becomes the shared one when free
    if (!shared) shared = s;
  }
  if (s.timer) clearTimeout(s.timer);
  s.timer = null;
  s.users++;
  let released = false;
  return {
    size: numWorkers,
    threaded: true,
    run: (task, signal) => s.piscina.run(task, { signal }) as Promise<TileTaskResult>,
    destroy: async () => {
      if (released) return;
      released = true;
      s.users--;
      if (s.users > 0) return;
      if (s !== shared) return s.piscina.destroy();
      s.timer = setTimeout(() => {
        if (shared === s && s.users === 0) {
          shared = null;
          void s.piscina.destroy();
        }
      }, KEEP_MS);
      s.timer.unref();
    },
  };
}
