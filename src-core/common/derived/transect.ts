/**
 * Profiles along a line, as MintPy 1.5.1's `ut.transect_yx` / `ut.transect_lalo` (plot_transection):
 * n = int(hypot(Δx, Δy)) samples at linspace(start, end, n) (float32), values by map_coordinates order 1
 * (linear, constant mode) or nearest (rint), distance with R = 6.3781e6 m, samples that are NaN or 0
 * removed. On a projected (UTM) grid the distance is in grid metres from X/Y_STEP (MintPy 1.5.1 would take
 * the steps for degrees) and end points in degrees are transformed first. Plus a swath profile (statistics of all pixels within a width around the line).
 */
import type { GeoGrid } from '../formats/grid';
import { isProjectedGrid, userLatLonToRowCol, userLatLonToXY, xyToPixel } from '../geo/gridCoords';
import { percentileSorted } from './regionSeries';

export const EARTH_RADIUS = 6.3781e6;

export interface Raster2D {
  data: ArrayLike<number>;
  length: number;
  width: number;
}

export interface Transect {
  /** row coordinate of each kept sample (float32) */
  y: Float32Array;
  /** column coordinate (float32) */
  x: Float32Array;
  value: Float32Array;
  /** distance from the start point (float32, metres or pixels) */
  distance: Float32Array;
  distanceUnit: 'm' | 'pixel';
  /** samples before NaN/0 removal */
  numSamples: number;
}

export interface TransectOptions {
  interpolation?: 'linear' | 'nearest';
  /** geo grid (distance in metres from X/Y_STEP); without it, `pixelSize` or pixel units */
  grid?: GeoGrid | null;
  /** ground pixel size in metres [x (range), y (azimuth)] for radar-coded data */
  pixelSize?: [number, number];
}

/** numpy's rint: round half to even. */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy.linspace(a, b, n) in float64, cast to float32. */
function linspace32(a: number, b: number, n: number): Float32Array {
  const out = new Float32Array(n);
  if (n === 1) {
    out[0] = a;
    return out;
  }
  const step = (b - a) / (n - 1);
  for (let k = 0; k < n; k++) out[k] = step === 0 ? (k / (n - 1)) * (b - a) + a : k * step + a;
  out[n - 1] = b;
  return out;
}

/** scipy.ndimage.map_coordinates(z, [[y], [x]], order=1, mode='constant', cval=0) at one point. */
export function bilinearAt(r: Raster2D, y: number, x: number): number {
  const { data, length, width } = r;
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const ty = y - y0;
  const tx = x - x0;
  const wy = [1 - ty, ty];
  const wx = [1 - tx, tx];
  let t = 0;
  for (let a = 0; a < 2; a++) {
    const yy = y0 + a;
    for (let b = 0; b < 2; b++) {
      const xx = x0 + b;
      const v = yy >= 0 && yy < length && xx >= 0 && xx < width ? data[yy * width + xx] : 0;
      t += v * (wy[a] * wx[b]);
    }
  }
  return Math.fround(t);
}

/** Distance steps per pixel [x, y] as MintPy: geo → degrees × π/180 × R (× cos(lat_c) for x); UTM: metres. */
function stepsOf(opts: TransectOptions, y0: number, y1: number): { dx: number; dy: number; unit: 'm' | 'pixel' } {
  const g = opts.grid;
  if (g && isProjectedGrid(g)) return { dx: g.xStep, dy: g.yStep, unit: 'm' };
  if (g) {
    const lat0 = (y0 + 0.5) * g.yStep + g.yFirst;
    const lat1 = (y1 + 0.5) * g.yStep + g.yFirst;
    const latc = (lat0 + lat1) / 2;
    return {
      dx: ((g.xStep * Math.PI) / 180.0) * EARTH_RADIUS * Math.cos((latc * Math.PI) / 180),
      dy: ((g.yStep * Math.PI) / 180.0) * EARTH_RADIUS,
      unit: 'm',
    };
  }
  if (opts.pixelSize) return { dx: opts.pixelSize[0], dy: opts.pixelSize[1], unit: 'm' };
  return { dx: 1, dy: 1, unit: 'pixel' };
}

/** MintPy's transect_yx between [y0, x0] and [y1, x1] (row/column, inside the grid). */
export function transectYx(
  r: Raster2D,
  start: [number, number],
  end: [number, number],
  opts: TransectOptions = {},
): Transect {
  const [y0, x0] = start;
  const [y1, x1] = end;
  for (const [y, x] of [start, end])
    if (!(x >= 0 && x < r.width && y >= 0 && y < r.length))
      throw new RangeError(`transect point (row ${y}, col ${x}) is outside the data (${r.length} × ${r.width})`);
  const n = Math.trunc(Math.hypot(x1 - x0, y1 - y0));
  const ys = linspace32(y0, y1, n);
  const xs = linspace32(x0, x1, n);
  const interp = opts.interpolation ?? 'linear';
  const z = new Float32Array(n);
  for (let k = 0; k < n; k++)
    z[k] = interp === 'nearest' ? r.data[rint(ys[k]) * r.width + rint(xs[k])] : bilinearAt(r, ys[k], xs[k]);
  const { dx, dy, unit } = stepsOf(opts, y0, y1);
  const fdx = Math.fround(dx);
  const fdy = Math.fround(dy);
  const keep: number[] = [];
  for (let k = 0; k < n; k++) if (!Number.isNaN(z[k]) && z[k] !== 0) keep.push(k);
  const out: Transect = {
    y: new Float32Array(keep.length),
    x: new Float32Array(keep.length),
    value: new Float32Array(keep.length),
    distance: new Float32Array(keep.length),
    distanceUnit: unit,
    numSamples: n,
  };
  keep.forEach((k, i) => {
    out.y[i] = ys[k];
    out.x[i] = xs[k];
    out.value[i] = z[k];
    const ddx = Math.fround(Math.fround(xs[k] - x0) * fdx);
    const ddy = Math.fround(Math.fround(ys[k] - y0) * fdy);
    out.distance[i] = Math.hypot(ddx, ddy);
  });
  return out;
}

/** MintPy's transect_lalo: end points → rows/cols with the +0.01 guard, then transect_yx. */
export function transectLalo(
  r: Raster2D,
  grid: GeoGrid,
  start: [number, number],
  end: [number, number],
  opts: Omit<TransectOptions, 'grid'> = {},
): Transect {
  return transectYx(r, userLatLonToRowCol(grid, start[0], start[1]), userLatLonToRowCol(grid, end[0], end[1]), {
    ...opts,
    grid,
  });
}

export interface SwathBin {
  /** distance of the bin centre from the start (m or pixel) */
  distance: number;
  count: number;
  mean: number;
  /** population standard deviation (ddof = 0, as numpy's default) */
  std: number;
  min: number;
  max: number;
  /** numpy's linear-interpolation percentiles of the bin's values */
  p25: number;
  median: number;
  p75: number;
}

/**
 * Swath profile: every pixel whose centre lies within `widthKm`/2 of the line start→end (projected
 * in the same local metric as the transect) and between its ends, binned along the line in bins of
 * `binM` metres (default: the line length / int(hypot) samples, i.e. about one pixel). NaN and 0 are
 * ignored, as in the transect.
 */
export function swathProfile(
  r: Raster2D,
  grid: GeoGrid,
  start: [number, number],
  end: [number, number],
  widthKm: number,
  binM?: number,
): { bins: SwathBin[]; lengthM: number } {
  const pix = (p: [number, number]): [number, number] => {
    const [x, y] = userLatLonToXY(grid, p[0], p[1]);
    return xyToPixel(grid, x, y);
  };
  // continuous pixel coordinates of the ends (pixel centres at k + 0.5)
  const [ra, ca] = pix(start);
  const [rb, cb] = pix(end);
  const ya = ra - 0.5;
  const xa = ca - 0.5;
  const yb = rb - 0.5;
  const xb = cb - 0.5;
  const { dx, dy } = stepsOf({ grid }, Math.floor(ya), Math.floor(yb));
  const ex = (xb - xa) * dx;
  const ey = (yb - ya) * dy;
  const lengthM = Math.hypot(ex, ey);
  if (!(lengthM > 0)) throw new RangeError('swath: start and end are the same point');
  const ux = ex / lengthM;
  const uy = ey / lengthM;
  const half = (widthKm * 1000) / 2;
  const nPix = Math.max(1, Math.trunc(Math.hypot(xb - xa, yb - ya)));
  const bin = binM ?? lengthM / nPix;
  const nb = Math.max(1, Math.ceil(lengthM / bin - 1e-9));
  const acc = Array.from({ length: nb }, () => ({ n: 0, min: Infinity, max: -Infinity, vals: [] as number[] }));
  // bounding box in pixels
  const padX = Math.ceil(half / Math.abs(dx)) + 1;
  const padY = Math.ceil(half / Math.abs(dy)) + 1;
  const r0 = Math.max(0, Math.floor(Math.min(ya, yb)) - padY);
  const r1 = Math.min(r.length - 1, Math.ceil(Math.max(ya, yb)) + padY);
  const c0 = Math.max(0, Math.floor(Math.min(xa, xb)) - padX);
  const c1 = Math.min(r.width - 1, Math.ceil(Math.max(xa, xb)) + padX);
  for (let i = r0; i <= r1; i++)
    for (let j = c0; j <= c1; j++) {
      const v = r.data[i * r.width + j];
      if (Number.isNaN(v) || v === 0) continue;
      const px = (j - xa) * dx;
      const py = (i - ya) * dy;
      const t = px * ux + py * uy;
      const a = -px * uy + py * ux;
      if (t < 0 || t > lengthM || Math.abs(a) > half) continue;
      const b = Math.min(nb - 1, Math.floor(t / bin));
      const A = acc[b];
      A.n++;
      A.vals.push(v);
      if (v < A.min) A.min = v;
      if (v > A.max) A.max = v;
    }
  const bins: SwathBin[] = [];
  acc.forEach((A, k) => {
    if (!A.n) return;
    let s = 0;
    for (const v of A.vals) s += v;
    const mean = s / A.n;
    let s2 = 0;
    for (const v of A.vals) s2 += (v - mean) ** 2;
    const sorted = Float64Array.from(A.vals).sort();
    bins.push({
      distance: (k + 0.5) * bin,
      count: A.n,
      mean,
      std: Math.sqrt(s2 / A.n),
      min: A.min,
      max: A.max,
      p25: percentileSorted(sorted, 25),
      median: percentileSorted(sorted, 50),
      p75: percentileSorted(sorted, 75),
    });
  });
  return { bins, lengthM };
}
