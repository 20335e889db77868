/// <reference lib="webworker" />
/**
 * Off-main-thread pixel work: colour a data tile, hillshade a height tile (ImageBitmaps, transferred); colour
 * the edit preview's small raster into a PNG blob (for a MapLibre image source).
 */
import type { ColorImageParams, ColorTileParams, HillshadeTileParams, WorkerRequest, WorkerResponse } from './messages';
import { colorImageRgba, colorTileRgba, hillshadeTileRgba } from './rasterOps';

function bitmap(rgba: Uint8ClampedArray, size: number): Promise<ImageBitmap> {
  return createImageBitmap(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, size, size));
}

async function png(rgba: Uint8ClampedArray, w: number, h: number): Promise<Blob> {
  const c = new OffscreenCanvas(w, h);
  c.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return c.convertToBlob({ type: 'image/png' });
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, task, params } = e.data;
  try {
    if (task === 'colorImage') {
      const p = params as ColorImageParams;
      const blob = await png(colorImageRgba(p), p.width, p.height);
      (self as unknown as Worker).postMessage({ id, result: { blob } } satisfies WorkerResponse);
      return;
    }
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
