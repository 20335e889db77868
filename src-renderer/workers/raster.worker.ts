/// <reference lib="webworker" />
/** Off-main-thread pixel work: colour a data tile, hillshade a height tile; returns ImageBitmaps (transferred). */
import type { ColorTileParams, HillshadeTileParams, WorkerRequest, WorkerResponse } from './messages';
import { colorTileRgba, hillshadeTileRgba } from './rasterOps';

function bitmap(rgba: Uint8ClampedArray, size: number): Promise<ImageBitmap> {
  return createImageBitmap(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, size, size));
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, task, params } = e.data;
  try {
    let b: ImageBitmap;
    if (task === 'colorTile') {
      const p = params as ColorTileParams;
      b = await bitmap(colorTileRgba(p), p.n - 2 * p.pad);
    } else {
      const p = params as HillshadeTileParams;
      b = await bitmap(hillshadeTileRgba(p), p.n - 2 * p.pad);
    }
    (self as unknown as Worker).postMessage({ id, result: { bitmap: b } } satisfies WorkerResponse, [b]);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: (err as Error).message } satisfies WorkerResponse);
  }
};
