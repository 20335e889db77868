/**
 * Piscina worker: executes one tile task (read the tile's rows from the HDF5 files, run the pure kernel)
 * and returns the result arrays as transferables so nothing large is copied back.
 */
import { move } from 'piscina';
import { executeTileTask, type TileTask } from '../src-core/pipeline/tileTasks';

export default async function run(task: TileTask) {
  const res = await executeTileTask(task);
  for (const k of Object.keys(res.arrays)) res.arrays[k] = move(res.arrays[k]) as Float32Array;
  return res;
}
