/**
 * Reprojection of a raster onto a target grid the way GDAL's warper does it (gdal.Warp with
 * resampleAlg bilinear / near, as MintPy's prep_nisar warps the DEM and the water mask onto the GUNW grid):
 *
 * - the transformer is GDAL's *approximate* one (error threshold 0.125 source pixel): per destination row,
 *   exact transforms at the first, middle and last pixel centre, linear interpolation in between when the
 *   middle one is within 0.125 px of the interpolation, else the row is split in halves (GDALApproxTransform);
 * - bilinear when the destination is coarser than the source (scale < 0.95) is GDAL's *scaled* kernel: a
 *   triangle of half-width 1/scale source pixels (radius ⌈1/scale⌉), normalised by the sums of its x and
 *   y weights (GWKResampleNoMasksT); the scale is the destination size over the source extent that the
 *   destination's edges (21 points each) cover (ComputeSourceWindow), snapped to 1/n when 1/scale is within
 *   0.05 of an integer n. Otherwise plain 4-sample bilinear;
 * - nearest takes the source pixel containing the transformed centre;
 * - destination pixels whose centre falls outside the source get 0 (GDAL's initial value) and are flagged.
 *
 * Measured on the nisar-tiny DEM (1″ DEM onto the 80 m UTM grid): bit-identical float32 to GDAL 3.6.
 * Where it can differ: GDAL cuts large warps into chunks (64 MB working memory) and computes the kernel
 * scale per chunk; we use one scale for the whole grid. Source no-data pixels are left out of the kernel
 * and the weights renormalised (GDAL's masked kernel is similar but not identical).
 */
import { transformBetween } from './crs';

/** A source raster's georeferencing: GDAL geotransform [x0, dx, 0, y0, 0, dy] (no rotation) and EPSG. */
export interface SourceGeo {
  width: number;
  length: number;
  geoTransform: number[];
  epsg: number;
}

/** A north-up destination grid: geotransform of the outer corner, size and EPSG. */
export interface TargetGeo {
  width: number;
  length: number;
  geoTransform: number[];
  epsg: number;
}

export interface WarpPlan {
  src: SourceGeo;
  dst: TargetGeo;
  /** fractional source pixel coordinates (x, y) of every destination pixel centre, row-major, interleaved */
  srcXY: Float64Array;
  /** destination pixels whose centre falls inside the source raster */
  covered: Uint8Array;
  /** GDAL's kernel scales (≤ 1 means the destination is coarser) and radii */
  xScale: number;
  yScale: number;
  /** source window [x0, y0, x1, y1) (integer pixels, clipped to the raster) that the kernel reads */
  window: [number, number, number, number];
}

type Transform = (x: number, y: number) => [number, number];

/** Destination pixel/line → source pixel/line through both geotransforms and the CRS transform. */
function pixelTransform(src: SourceGeo, dst: TargetGeo): Transform {
  const t = transformBetween(dst.epsg, src.epsg);
  const [dx0, ddx, , dy0, , ddy] = dst.geoTransform;
  const [sx0, sdx, , sy0, , sdy] = src.geoTransform;
  return (px, py) => {
    const [X, Y] = t.forward([dx0 + px * ddx, dy0 + py * ddy]);
    return [(X - sx0) / sdx, (Y - sy0) / sdy];
  };
}

/**
 * GDALApproxTransformInternal on one row of points (same y): fills outX/outY for xs[i0..i0+n).
 */
function approxRow(
  f: Transform,
  xs: Float64Array,
  y: number,
  i0: number,
  n: number,
  maxError: number,
  outX: Float64Array,
  outY: Float64Array,
): void {
  if (n <= 5 || maxError === 0) {
    for (let i = i0; i < i0 + n; i++) [outX[i], outY[i]] = f(xs[i], y);
    return;
  }
  const mid = i0 + Math.floor((n - 1) / 2);
  const last = i0 + n - 1;
  const a = f(xs[i0], y);
  const m = f(xs[mid], y);
  const z = f(xs[last], y);
  const span = xs[last] - xs[i0];
  const dX = (z[0] - a[0]) / span;
  const dY = (z[1] - a[1]) / span;
  const err = Math.abs(a[0] + dX * (xs[mid] - xs[i0]) - m[0]) + Math.abs(a[1] + dY * (xs[mid] - xs[i0]) - m[1]);
  if (err > maxError) {
    const nHalf = mid - i0;
    approxRow(f, xs, y, i0, nHalf, maxError, outX, outY);
    approxRow(f, xs, y, mid, n - nHalf, maxError, outX, outY);
    return;
  }
  for (let i = last; i >= i0; i--) {
    const d = xs[i] - xs[i0];
    outY[i] = a[1] + dY * d;
    outX[i] = a[0] + dX * d;
  }
}

export interface PlanOptions {
  /** GDAL's -et (source pixels); default 0.125 as gdal.Warp */
  maxError?: number;
  /** 'bilinear' reads a wider source window than 'nearest' */
  resample: 'bilinear' | 'nearest';
}

/** Where every destination pixel samples the source, and the kernel GDAL would use. */
export function planWarp(src: SourceGeo, dst: TargetGeo, opts: PlanOptions): WarpPlan {
  const f = pixelTransform(src, dst);
  const { width: W, length: L } = dst;
  // ComputeSourceWindow: 21 points along each destination edge, transformed exactly
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  const steps = 21;
  for (let k = 0; k < steps; k++) {
    const r = k / (steps - 1);
    for (const [px, py] of [
      [r * W, 0],
      [r * W, L],
      [0, r * L],
      [W, r * L],
    ]) {
      const [x, y] = f(px, py);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const scaleOf = (n: number, extent: number): number => {
    let s = extent > 0 ? n / extent : 1;
    if (s < 1) {
      const rec = 1 / s;
      const nr = Math.trunc(rec + 0.5);
      if (Math.abs(rec - nr) < 0.05) s = 1 / nr;
    }
    return s;
  };
  const xScale = scaleOf(W, maxX - minX);
  const yScale = scaleOf(L, maxY - minY);
  const radius = (s: number): number => (opts.resample === 'nearest' ? 0 : s < 1 ? Math.ceil(1 / s) : 1);
  const rx = radius(xScale);
  const ry = radius(yScale);
  const window: [number, number, number, number] = [
    Math.max(0, Math.floor(minX) - rx),
    Math.max(0, Math.floor(minY) - ry),
    Math.min(src.width, Math.ceil(maxX) + rx + 1),
    Math.min(src.length, Math.ceil(maxY) + ry + 1),
  ];
  if (!(window[0] < window[2] && window[1] < window[3])) window.splice(0, 4, 0, 0, 0, 0);

  const srcXY = new Float64Array(W * L * 2);
  const covered = new Uint8Array(W * L);
  const xs = Float64Array.from({ length: W }, (_, i) => i + 0.5);
  const ox = new Float64Array(W);
  const oy = new Float64Array(W);
  const maxError = opts.maxError ?? 0.125;
  for (let r = 0; r < L; r++) {
    approxRow(f, xs, r + 0.5, 0, W, maxError, ox, oy);
    for (let c = 0; c < W; c++) {
      const k = r * W + c;
      srcXY[2 * k] = ox[c];
      srcXY[2 * k + 1] = oy[c];
      covered[k] = ox[c] >= 0 && oy[c] >= 0 && ox[c] < src.width && oy[c] < src.length ? 1 : 0;
    }
  }
  return { src, dst, srcXY, covered, xScale, yScale, window };
}

/** A block of source rows/columns: the plan's window, row-major. */
export interface SourceBlock {
  data: ArrayLike<number>;
  /** window [x0, y0, x1, y1) the block holds */
  window: [number, number, number, number];
  /** source no-data value (null = none); NaN is never data */
  noData: number | null;
}

const tri = (d: number): number => {
  const a = Math.abs(d);
  return a < 1 ? 1 - a : 0;
};

/** GDAL bilinear warp (see the module comment); float32 values, 0 where the source does not cover. */
export function warpBilinear(plan: WarpPlan, block: SourceBlock): Float32Array {
  const { dst, srcXY, covered, xScale, yScale } = plan;
  const [bx0, by0, bx1, by1] = block.window;
  const bw = bx1 - bx0;
  const n = dst.width * dst.length;
  const out = new Float32Array(n);
  const nd = block.noData;
  const valid = (v: number): boolean => !Number.isNaN(v) && (nd === null || v !== nd);
  const four = xScale >= 0.95 && yScale >= 0.95;
  const xs = Math.min(xScale, 1);
  const ys = Math.min(yScale, 1);
  const rx = four ? 1 : Math.ceil(1 / xs);
  const ry = four ? 1 : Math.ceil(1 / ys);
  const wx = new Float64Array(2 * rx + 2);
  for (let k = 0; k < n; k++) {
    if (!covered[k]) continue;
    const sx = srcXY[2 * k];
    const sy = srcXY[2 * k + 1];
    const ix = Math.floor(sx - 0.5);
    const iy = Math.floor(sy - 0.5);
    const dX = sx - 0.5 - ix;
    const dY = sy - 0.5 - iy;
    const iMin = Math.max(1 - rx, bx0 - ix);
    const iMax = Math.min(rx, bx1 - 1 - ix);
    const jMin = Math.max(1 - ry, by0 - iy);
    const jMax = Math.min(ry, by1 - 1 - iy);
    for (let i = iMin; i <= iMax; i++) wx[i - iMin] = four ? tri(i - dX) : tri((i - dX) * xs);
    let acc = 0;
    let wsum = 0;
    for (let j = jMin; j <= jMax; j++) {
      const wy = four ? tri(j - dY) : tri((j - dY) * ys);
      if (wy === 0) continue;
      const base = (iy + j - by0) * bw + (ix - bx0);
      let accRow = 0;
      let wRow = 0;
      for (let i = iMin; i <= iMax; i++) {
        const v = block.data[base + i];
        if (!valid(v)) continue;
        accRow += v * wx[i - iMin];
        wRow += wx[i - iMin];
      }
      acc += wy * accRow;
      wsum += wy * wRow;
    }
    out[k] = wsum < 1e-6 ? 0 : acc / wsum;
  }
  return out;
}

/** GDAL nearest warp: the source pixel containing each destination centre; `fill` where not covered. */
export function warpNearest(plan: WarpPlan, block: SourceBlock, fill = 0): Float64Array {
  const { dst, srcXY, covered } = plan;
  const [bx0, by0, bx1] = block.window;
  const bw = bx1 - bx0;
  const n = dst.width * dst.length;
  const out = new Float64Array(n).fill(fill);
  for (let k = 0; k < n; k++) {
    if (!covered[k]) continue;
    const ix = Math.trunc(srcXY[2 * k] + 1e-10);
    const iy = Math.trunc(srcXY[2 * k + 1] + 1e-10);
    out[k] = block.data[(iy - by0) * bw + (ix - bx0)];
  }
  return out;
}
