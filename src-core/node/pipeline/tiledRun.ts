/**
 * The shared loop of every tiled step: plan-independent part — a checkpoint keyed by the step's inputs and
 * settings, the worker pool, progress with ETA, cancellation, resume. The step builds one task per tile and
 * afterwards reads the finished tiles back from the checkpoint to assemble its outputs (then clears it).
 * With mintpy.compute.cluster = slurm the same tasks run as a Slurm job array (cluster/slurmArray.ts) that
 * writes the same checkpoint tiles, so where the tiles ran does not change the outputs.
 */
import { createPool } from './pool';
import { TileCheckpoint, paramsHash, runTileLoop, type Tile } from './tiles';
import type { TileTask, TileTaskResult } from './tileTasks';
import type { StepContext } from '../../common/pipeline/types';
import { clusterKind } from './cluster/config';
import { runTiledStepOnSlurm } from './cluster/slurmArray';

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
): Promise<{ checkpoint: TileCheckpoint; resumed: number; seconds: number }> {
  const hash = paramsHash({ identity, tiles: tiles.map((t) => [t.r0, t.r1]) });
  if (clusterKind(ctx.template, ctx.cluster) === 'slurm') return runTiledStepOnSlurm(ctx, step, tiles, hash, task);
  const checkpoint = new TileCheckpoint(ctx.workDir, step, hash);
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
        onProgress: (done, total, eta) => ctx.progress({ step, done, total, label: 'tiles', etaSeconds: eta }),
      },
    );
    if (resumed) ctx.log(`${step}: resumed, ${resumed} of ${tiles.length} tiles were already done`);
    return { checkpoint, resumed, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await pool.destroy();
  }
}
