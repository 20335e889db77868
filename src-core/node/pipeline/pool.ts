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
  const piscina = new Piscina({
    filename: script,
    minThreads: numWorkers,
    maxThreads: numWorkers,
    idleTimeout: 30_000,
  });
  return {
    size: numWorkers,
    threaded: true,
    run: (task, signal) => piscina.run(task, { signal }) as Promise<TileTaskResult>,
    destroy: () => piscina.destroy(),
  };
}
