/** Worker task of the velocity step: read a row tile of the time series and fit the time functions. */
import { H5Reader, type HeapBlock } from '../formats/h5';
import { fitTile } from '../../common/timefunc/fitTile';
import type { TimeFuncModel, UncertaintyMethod } from '../../common/timefunc/model';

export interface FitTask {
  kind: 'fit';
  timeseriesFile: string;
  dataset: string;
  r0: number;
  r1: number;
  width: number;
  dates: string[];
  startDate?: string;
  endDate?: string;
  excludeDate: string[];
  model: TimeFuncModel;
  centerLineUtc: number;
  uncertainty: UncertaintyMethod;
  bootstrapCount: number;
  /** the same seed for every tile: MintPy draws one bootstrap sample set per block, so tiles agree */
  seed: number;
  refYX: [number, number] | null;
}

export async function executeFitTask(t: FitTask): Promise<{ arrays: Record<string, Float32Array> }> {
  const h5 = await H5Reader.open(t.timeseriesFile);
  let blk: HeapBlock | null = null;
  try {
    // float32 rows straight into h5wasm's heap (no copies out: the tile's memory is the read itself);
    // no h5wasm call below while the view is in use
    const N = h5.shape(t.dataset)[0];
    blk = h5.readRowsToHeap(t.dataset, t.r0, t.r1, [0, N]);
    const ts = blk ? blk.view() : Float32Array.from(h5.readRows(t.dataset, t.r0, t.r1));
    const numPixels = (t.r1 - t.r0) * t.width;
    const ref =
      t.refYX && t.refYX[0] >= t.r0 && t.refYX[0] < t.r1 ? (t.refYX[0] - t.r0) * t.width + t.refYX[1] : undefined;
    const out = fitTile({
      dates: t.dates,
      ts,
      numPixels,
      model: t.model,
      startDate: t.startDate,
      endDate: t.endDate,
      excludeDate: t.excludeDate,
      centerLineUtc: t.centerLineUtc,
      uncertainty: t.uncertainty,
      bootstrapCount: t.bootstrapCount,
      seed: t.seed,
      refPixel: ref,
    });
    return { arrays: out.datasets };
  } finally {
    blk?.free();
    h5.close();
  }
}
