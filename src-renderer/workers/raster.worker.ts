/// <reference lib="webworker" />
/** Off-main-thread pixel work: colour a layer, compute a hillshade; returns PNG blobs (typed arrays arrive transferred). */
import type { WorkerRequest, WorkerResponse, ColorizeParams, HillshadeParams } from './messages';
import { colorizeRgba, hillshadeRgba } from './rasterOps';

async function toBlob(rgba: Uint8ClampedArray, w: number, h: number): Promise<Blob> {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d')!;
  ctx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return c.convertToBlob({ type: 'image/png' });
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, task, params } = e.data;
  try {
    let blob: Blob;
    if (task === 'colorize') {
      const p = params as ColorizeParams;
      blob = await toBlob(colorizeRgba(p), p.width, p.height);
    } else {
      const p = params as HillshadeParams;
      blob = await toBlob(hillshadeRgba(p), p.width, p.length);
    }
    (self as unknown as Worker).postMessage({ id, result: { blob } } satisfies WorkerResponse);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: (err as Error).message } satisfies WorkerResponse);
  }
};
