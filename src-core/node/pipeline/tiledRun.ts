/**
 * The shared loop of every tiled step: plan-independent part — a checkpoint keyed by the step's inputs and
 * settings, the worker pool, progress with ETA, cancellation, resume. A step either reads the finished
 * tiles back from the checkpoint afterwards to assemble its outputs (then clears it), or — `openOutputs` —
 * has every tile written straight into its partial outputs, kept in the checkpoint's folder so that a
 * killed run resumes from them: no second copy of the results, nothing read back.
 * With mintpy.compute.cluster = slurm the same tasks run as a Slurm job array (cluster/slurmArray.ts) that
 * writes the same checkpoint tiles, so where the tiles ran does not change the outputs.
 */
import { open } from 'node:fs/promises';
import { createPool } from './pool';
import { TileCheckpoint, paramsHash, runTileLoop, type Tile } from './tiles';
import type { TileTask, TileTaskResult } from './tileTasks';
import type { StepContext } from '../../common/pipeline/types';
import { clusterKind } from './cluster/config';
import { runTiledStepOnSlurm } from './cluster/slurmArray';

/** A step's outputs being written tile by tile (see runTiledStep's `openOutputs`). */
export interface TileOutputs {
  /** tiles already in the outputs (taken over from an interrupted run's outputs when they were opened) */
  readonly written: ReadonlySet<number>;
  /** write one tile's results (this thread) */
  write(t: Tile, arrays: Record<string, Float32Array>): void;
  /** everything written so far on disk (flushed and fsynced) when the promise resolves */
  sync(): Promise<void>;
}

/**
 * Opens a step's outputs in the checkpoint's folder; the tiles the checkpoint marks done are in the
 * outputs an interrupted run left there: take them over, and `unmark` those that cannot be (they are
 * computed again).
 */
export type OpenTileOutputs = (checkpoint: TileCheckpoint) => Promise<TileOutputs>;

export async function runTiledStep(
  ctx: StepContext,
  step: string,
  tiles: Tile[],
  /** everything that determines the result (inputs' identity, settings): a change discards stale tiles */
  identity: unknown,
  task: (t: Tile) => TileTask,
  numWorkers: number,
  /** called in this thread with each tile computed in this run, before it is checkpointed */
  onTile?: (t: Tile, result: TileTaskResult) => void,
  /** the step's outputs, written tile by tile as the tiles arrive (with it, every tile is in them at the end) */
  openOutputs?: OpenTileOutputs,
): Promise<{ checkpoint: TileCheckpoint; resumed: number; seconds: number }> {
  const hash = paramsHash({ identity, tiles: tiles.map((t) => [t.r0, t.r1]) });
  if (clusterKind(ctx.template, ctx.cluster) === 'slurm') {
    const r = await runTiledStepOnSlurm(ctx, step, tiles, hash, task);
    if (openOutputs) writeTileFiles(tiles, r.checkpoint, await openOutputs(r.checkpoint));
    return r;
  }
  const checkpoint = new TileCheckpoint(ctx.workDir, step, hash);
  const outputs = openOutputs ? await openOutputs(checkpoint) : null;
  const pool = createPool(numWorkers);
  const results = new Map<number, TileTaskResult>();
  const t0 = performance.now();
  try {
    const { resumed } = await runTileLoop(
      tiles,
      checkpoint,
      (t, signal) =>
        pool.run(task(t), signal).then((r) => {
          results.set(t.index, r);
          return r.arrays;
        }),
      {
        signal: ctx.signal,
        concurrency: pool.size,
        onTile: (t) => {
          const r = results.get(t.index)!;
          results.delete(t.index);
          onTile?.(t, r);
        },
        save: outputs ? durableWrites(checkpoint, outputs) : undefined,
        onProgress: (done, total, eta) => ctx.progress({ step, done, total, label: 'tiles', etaSeconds: eta }),
      },
    );
    if (outputs) writeTileFiles(tiles, checkpoint, outputs);
    if (resumed) ctx.log(`${step}: resumed, ${resumed} of ${tiles.length} tiles were already done`);
    return { checkpoint, resumed, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await pool.destroy();
  }
}

/** Tiles finished as files (a Slurm array, an earlier run's) and not yet in the outputs, written into them. */
function writeTileFiles(tiles: Tile[], checkpoint: TileCheckpoint, outputs: TileOutputs): void {
  for (const t of tiles)
    if (!outputs.written.has(t.index) && checkpoint.hasFile(t.index)) outputs.write(t, checkpoint.load(t.index));
}

/**
 * runTileLoop's `save` for a step with outputs: the tile is written into them at once; it counts as done
 * when a sync of the outputs that started after that write has finished, then it is marked in the
 * checkpoint. Tiles arriving while a sync runs share the next one (one flush and fsync for several
 * tiles), and the fsync runs off this thread.
 */
function durableWrites(
  checkpoint: TileCheckpoint,
  outputs: TileOutputs,
): (t: Tile, arrays: Record<string, Float32Array>) => Promise<void> {
  /** the latest sync (the one the tiles of `batch` wait for) */
  let synced: Promise<void> = Promise.resolve();
  let batch: number[] | null = null;
  return (t, arrays) => {
    outputs.write(t, arrays);
    if (batch) {
      batch.push(t.index);
      return synced;
    }
    const ks = (batch = [t.index]);
    synced = synced.then(async () => {
      batch = null; // tiles written from now on wait for the next sync
      await outputs.sync();
      for (const k of ks) checkpoint.markDone(k);
    });
    return synced;
  };
}

/** fsync files (off this thread); for TileOutputs.sync after the writers' flush. */
export async function fsyncFiles(paths: string[]): Promise<void> {
  await Promise.all(
    paths.map(async (p) => {
      const fh = await open(p, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }),
  );
}
