/**
 * Piscina worker: executes one tile task (read the tile's rows from the HDF5 files, run the pure kernel)
 * and returns the result with every array's buffer in the transfer list, so nothing large is copied back.
 * (Piscina only transfers a top-level movable value, hence the small wrapper.)
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { executeTileTask, type TileTask, type TileTaskResult } from '../src-core/node/pipeline/tileTasks';

class TransferableResult {
  constructor(private readonly result: TileTaskResult) {}
  get [transferableSymbol](): ArrayBuffer[] {
    const seen = new Set<ArrayBuffer>();
    for (const a of Object.values(this.result.arrays)) seen.add(a.buffer as ArrayBuffer);
    for (const a of Object.values(this.result.extra ?? {})) seen.add(a.buffer as ArrayBuffer);
    return [...seen];
  }
  get [valueSymbol](): TileTaskResult {
    return this.result;
  }
}

export default async function run(task: TileTask) {
  return move(new TransferableResult(await executeTileTask(task)) as never);
}
