/** The raster worker's pixel work as pure functions (testable in Node): colouring and hillshade. */
import { applyColormap, getColormap } from '../../src-core/common/colormap/index';
import { applyOffset } from '../../src-core/common/derived/displayReference';
import type { ColorizeParams, HillshadeParams } from './messages';

/**
 * RGBA bytes of a layer: (values − offset) × scale through the colormap (the offset: a display reference
 * pixel's value, src-core applyOffset as the readout); NaN and mask = 0 transparent. Mutates `values`.
 */
export function colorizeRgba(p: ColorizeParams): Uint8ClampedArray {
  const n = p.width * p.height;
  const v = p.values;
  const off = p.offset ?? 0;
  if (p.scale !== 1 || p.mask || off !== 0) {
    for (let i = 0; i < n; i++) {
      if (p.mask && p.mask[i] === 0) v[i] = NaN;
      else v[i] = applyOffset(v[i], off) * p.scale;
    }
  }
  const out = new Uint8ClampedArray(n * 4);
  applyColormap(v, getColormap(p.cmap), p.vmin, p.vmax, out as unknown as Uint8Array);
  return out;
}

/**
 * Hillshade (Horn's 3×3 gradient, GDAL's formula) as opaque grey RGBA; no-data (NaN) transparent.
 * Edges reuse the nearest valid neighbour.
 */
export function hillshadeRgba(p: HillshadeParams): Uint8ClampedArray {
  const { height: z, width: w, length: h } = p;
  const out = new Uint8ClampedArray(w * h * 4);
  const az = ((360 - p.azimuthDeg + 90) * Math.PI) / 180;
  const zen = ((90 - p.altitudeDeg) * Math.PI) / 180;
  const at = (r: number, c: number, r0: number, c0: number) => {
    const rr = Math.min(h - 1, Math.max(0, r));
    const cc = Math.min(w - 1, Math.max(0, c));
    const x = z[rr * w + cc];
    return Number.isFinite(x) ? x : z[r0 * w + c0];
  };
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (!Number.isFinite(z[i])) continue;
      const a = (dr: number, dc: number) => at(r + dr, c + dc, r, c);
      const dzdx = (a(-1, 1) + 2 * a(0, 1) + a(1, 1) - (a(-1, -1) + 2 * a(0, -1) + a(1, -1))) / (8 * p.dx);
      const dzdy = (a(1, -1) + 2 * a(1, 0) + a(1, 1) - (a(-1, -1) + 2 * a(-1, 0) + a(-1, 1))) / (8 * p.dy);
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const s = Math.cos(zen) * Math.cos(slope) + Math.sin(zen) * Math.sin(slope) * Math.cos(az - aspect);
      const g = Math.max(0, Math.min(255, Math.round(255 * s)));
      out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = g;
      out[4 * i + 3] = 255;
    }
  return out;
}
