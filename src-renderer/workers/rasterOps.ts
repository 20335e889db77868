/** The raster worker's pixel work as pure functions (testable in Node): colouring tiles and hillshading. */
import { applyColormap, getColormap } from '../../src-core/common/colormap/index';
import { applyOffset } from '../../src-core/common/derived/displayReference';
import type { ColorImageParams, ColorTileParams, HillshadeTileParams } from './messages';

/** Flags of tile samples (main's tiles/noData.ts). */
export const VALID = 0;
export const NO_DATA = 1;
export const MASKED = 2;

/**
 * RGBA bytes of the inner size × size of a tile: (values − offset) × scale through the shared colormap
 * (matplotlib's rule; the offset: a display reference pixel's value, src-core applyOffset as the readout); no data transparent with the mask on, in the no-data colour with it off; masked pixels transparent
 * with the mask on, coloured by value with it off.
 */
export function colorTileRgba(p: ColorTileParams): Uint8ClampedArray {
  const size = p.n - 2 * p.pad;
  const v = new Float32Array(size * size);
  const off = p.offset ?? 0;
  for (let i = 0; i < size; i++) {
    const src = (i + p.pad) * p.n + p.pad;
    for (let j = 0; j < size; j++) {
      const f = p.flags[src + j];
      v[i * size + j] =
        f === VALID || (f === MASKED && !p.maskOn) ? applyOffset(p.values[src + j], off) * p.scale : NaN;
    }
  }
  const out = new Uint8ClampedArray(size * size * 4);
  applyColormap(v, getColormap(p.cmap), p.vmin, p.vmax, out as unknown as Uint8Array);
  if (!p.maskOn) {
    const [r, g, b, a] = p.noDataRgba;
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++)
        if (p.flags[(i + p.pad) * p.n + p.pad + j] === NO_DATA) {
          const o = 4 * (i * size + j);
          out[o] = r;
          out[o + 1] = g;
          out[o + 2] = b;
          out[o + 3] = a;
        }
  }
  if (p.outline) keepOutline(p, out);
  return out;
}

/** The dark casing outside an outline, so that it reads over any colour under it. */
export const OUTLINE_CASING_RGBA: [number, number, number, number] = [25, 25, 25, 255];

/**
 * An outline instead of a fill: the pixels on the edge of the drawn, non-zero ones keep their colour (a mask's
 * boundary) and the pixels just outside them are drawn in a dark casing (a cased line, visible over any layer);
 * the rest turns transparent. A pixel is on the edge when one of its 4 neighbours is not drawn or zero; the
 * tile's padding (pad ≥ 1) gives the neighbours across the tile's border, so outlines run on across tiles
 * without a seam.
 */
function keepOutline(p: ColorTileParams, out: Uint8ClampedArray): void {
  const { n, pad } = p;
  const size = n - 2 * pad;
  const inside = (r: number, c: number): boolean => {
    const k = r * n + c;
    const f = p.flags[k];
    const v = p.values[k];
    return (f === VALID || (f === MASKED && !p.maskOn)) && Number.isFinite(v) && v !== 0;
  };
  const known = (r: number, c: number) => r >= 0 && c >= 0 && r < n && c < n;
  /** neighbour (r, c) is outside the shape (a neighbour beyond the samples is taken as inside: no edge there) */
  const out4 = (r: number, c: number) => known(r, c) && !inside(r, c);
  const in4 = (r: number, c: number) => known(r, c) && inside(r, c);
  const [cr, cg, cb, ca] = OUTLINE_CASING_RGBA;
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) {
      const r = i + pad;
      const c = j + pad;
      const o = 4 * (i * size + j);
      if (inside(r, c)) {
        if (!(out4(r - 1, c) || out4(r + 1, c) || out4(r, c - 1) || out4(r, c + 1))) out[o + 3] = 0;
      } else if (in4(r - 1, c) || in4(r + 1, c) || in4(r, c - 1) || in4(r, c + 1)) {
        out[o] = cr;
        out[o + 1] = cg;
        out[o + 2] = cb;
        out[o + 3] = ca;
      } else out[o + 3] = 0;
    }
}

/** RGBA bytes of a whole small raster (the edit preview): values × scale through the colormap, NaN transparent. */
export function colorImageRgba(p: ColorImageParams): Uint8ClampedArray {
  const n = p.width * p.height;
  if (p.values.length !== n) throw new Error(`colorImage: ${p.values.length} values for ${p.width} × ${p.height}`);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = p.values[i] * p.scale;
  const out = new Uint8ClampedArray(n * 4);
  applyColormap(v, getColormap(p.cmap), p.vmin, p.vmax, out as unknown as Uint8Array);
  return out;
}

/**
 * Hillshade (Horn's 3×3 gradient, GDAL's formula) of the inner size × size of padded heights, as opaque grey
 * RGBA; no data (NaN) transparent. A missing neighbour is replaced by the pixel itself.
 */
export function hillshadeTileRgba(p: HillshadeTileParams): Uint8ClampedArray {
  const { heights: z, n, pad } = p;
  const size = n - 2 * pad;
  const out = new Uint8ClampedArray(size * size * 4);
  const az = ((360 - p.azimuthDeg + 90) * Math.PI) / 180;
  const zen = ((90 - p.altitudeDeg) * Math.PI) / 180;
  const cz = Math.cos(zen);
  const sz = Math.sin(zen);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) {
      const r = i + pad;
      const c = j + pad;
      const z0 = z[r * n + c];
      if (!Number.isFinite(z0)) continue;
      const a = (dr: number, dc: number) => {
        const rr = Math.min(n - 1, Math.max(0, r + dr));
        const cc = Math.min(n - 1, Math.max(0, c + dc));
        const x = z[rr * n + cc];
        return Number.isFinite(x) ? x : z0;
      };
      const dzdx = (a(-1, 1) + 2 * a(0, 1) + a(1, 1) - (a(-1, -1) + 2 * a(0, -1) + a(1, -1))) / (8 * p.dx);
      const dzdy = (a(1, -1) + 2 * a(1, 0) + a(1, 1) - (a(-1, -1) + 2 * a(-1, 0) + a(-1, 1))) / (8 * p.dy);
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const s = cz * Math.cos(slope) + sz * Math.sin(slope) * Math.cos(az - aspect);
      const g = Math.max(0, Math.min(255, Math.round(255 * s)));
      const o = 4 * (i * size + j);
      out[o] = out[o + 1] = out[o + 2] = g;
      out[o + 3] = 255;
    }
  return out;
}
