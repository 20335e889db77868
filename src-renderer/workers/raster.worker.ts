/// <reference lib="webworker" />
/** Off-main-thread pixel work: colour a layer with a colormap, compute a hillshade; returns PNG blobs. */
import { applyColormap, getColormap } from '../../src-core/colormap/index';
import type { ColorizeParams, HillshadeParams, WorkerRequest, WorkerResponse } from './messages';

async function toBlob(rgba: Uint8ClampedArray, w: number, h: number): Promise<Blob> {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d')!;
  ctx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return c.convertToBlob({ type: 'image/png' });
}

async function colorize(p: ColorizeParams): Promise<{ blob: Blob }> {
  const n = p.width * p.height;
  const v = p.values;
  if (p.scale !== 1 || p.mask) {
    for (let i = 0; i < n; i++) {
      if (p.mask && p.mask[i] === 0) v[i] = NaN;
      else v[i] *= p.scale;
    }
  }
  const out = new Uint8ClampedArray(n * 4);
  applyColormap(v, getColormap(p.cmap), p.vmin, p.vmax, out as unknown as Uint8Array);
  return { blob: await toBlob(out, p.width, p.height) };
}

/** Horn's method; light from azimuth/altitude; NaN/no-data transparent; grey with alpha for multiply-like look. */
async function hillshade(p: HillshadeParams): Promise<{ blob: Blob }> {
  const { height: z, width: w, length: h } = p;
  const out = new Uint8ClampedArray(w * h * 4);
  const az = ((360 - p.azimuthDeg + 90) * Math.PI) / 180;
  const zen = ((90 - p.altitudeDeg) * Math.PI) / 180;
  const at = (r: number, c: number) => {
    const rr = Math.min(h - 1, Math.max(0, r));
    const cc = Math.min(w - 1, Math.max(0, c));
    const x = z[rr * w + cc];
    return Number.isFinite(x) ? x : z[r * w + c];
  };
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (!Number.isFinite(z[i])) continue;
      const dzdx = (at(r - 1, c + 1) + 2 * at(r, c + 1) + at(r + 1, c + 1) - (at(r - 1, c - 1) + 2 * at(r, c - 1) + at(r + 1, c - 1))) / (8 * p.dx);
      const dzdy = (at(r + 1, c - 1) + 2 * at(r + 1, c) + at(r + 1, c + 1) - (at(r - 1, c - 1) + 2 * at(r - 1, c) + at(r - 1, c + 1))) / (8 * p.dy);
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const s = Math.cos(zen) * Math.cos(slope) + Math.sin(zen) * Math.sin(slope) * Math.cos(az - aspect);
      const g = Math.max(0, Math.min(255, Math.round(255 * s)));
      out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = g;
      out[4 * i + 3] = 255;
    }
  return { blob: await toBlob(out, w, h) };
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, task, params } = e.data;
  try {
    const result = task === 'colorize' ? await colorize(params as ColorizeParams) : await hillshade(params as HillshadeParams);
    (self as unknown as Worker).postMessage({ id, result } satisfies WorkerResponse);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: (err as Error).message } satisfies WorkerResponse);
  }
};
