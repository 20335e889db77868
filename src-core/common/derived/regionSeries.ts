/**
 * The time series of a region: which pixels a polygon holds (pixel centres inside it, even–odd rule) and,
 * per date, the mean of their values with its spread (population std, and numpy's linear-interpolation
 * percentiles 25 / 50 / 75). A pixel is used when the caller's mask keeps it and its value on the date is
 * finite; MintPy's tsview also drops pixels whose series sums to exactly 0 (never inverted) — the caller
 * passes such pixels as masked. Float64 statistics of float32 values (numpy's mean/std of float32 arrays
 * accumulate pairwise in float32; float64 here is the more exact of the two, and is documented as such).
 */
import type { GeoGrid } from '../formats/grid';
import { lonLatToXY, pixelCenterXY, xyToPixel } from '../geo/gridCoords';
import { pointInPolygon } from '../util/polygon';

/** The polygon's [lat, lon] vertices in the grid's native [y, x] (the same numbers on a lat/lon grid). */
function nativeRing(grid: GeoGrid, polygon: readonly (readonly [number, number])[]): [number, number][] {
  if (polygon.length < 3) throw new RangeError(`a polygon needs at least 3 vertices (got ${polygon.length})`);
  return polygon.map(([lat, lon]) => {
    const [x, y] = lonLatToXY(grid, lon, lat);
    return [y, x];
  });
}

/** Row/column window [r0, r1) × [c0, c1) around a polygon ([lat, lon] vertices), clipped to the grid. */
export function polygonWindow(
  grid: GeoGrid,
  polygon: readonly (readonly [number, number])[],
): { r0: number; r1: number; c0: number; c1: number } | null {
  const px = nativeRing(grid, polygon).map(([y, x]) => xyToPixel(grid, x, y));
  const rows = px.map(([r]) => r);
  const cols = px.map(([, c]) => c);
  const r0 = Math.max(0, Math.floor(Math.min(...rows)));
  const r1 = Math.min(grid.length, Math.ceil(Math.max(...rows)));
  const c0 = Math.max(0, Math.floor(Math.min(...cols)));
  const c1 = Math.min(grid.width, Math.ceil(Math.max(...cols)));
  return r1 > r0 && c1 > c0 ? { r0, r1, c0, c1 } : null;
}

/**
 * Indices (row·width + col, ascending) of the pixels whose centre lies inside the polygon ([lat, lon]
 * vertices; on a projected grid the test is made in the grid's own x/y, where its pixels are squares).
 */
export function polygonPixels(grid: GeoGrid, polygon: readonly (readonly [number, number])[]): Int32Array {
  const w = polygonWindow(grid, polygon);
  if (!w) return new Int32Array(0);
  const ring = nativeRing(grid, polygon);
  const out: number[] = [];
  for (let r = w.r0; r < w.r1; r++)
    for (let c = w.c0; c < w.c1; c++) {
      const [x, y] = pixelCenterXY(grid, r, c);
      if (pointInPolygon(y, x, ring)) out.push(r * grid.width + c);
    }
  return Int32Array.from(out);
}

export interface RegionStats {
  /** pixels used on each date */
  count: Int32Array;
  mean: Float64Array;
  /** population standard deviation (ddof = 0, numpy's default) */
  std: Float64Array;
  p25: Float64Array;
  median: Float64Array;
  p75: Float64Array;
}

/** numpy.percentile(sorted, q) with the default 'linear' method, of an ascending array. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const t = pos - lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * t;
}

/**
 * Statistics per date of a region's values: `values[d]` holds the region's pixels on date d (same pixel
 * order every date); non-finite values are skipped. A date without any value gives NaN and count 0.
 */
export function regionStats(values: readonly ArrayLike<number>[]): RegionStats {
  const n = values.length;
  const out: RegionStats = {
    count: new Int32Array(n),
    mean: new Float64Array(n),
    std: new Float64Array(n),
    p25: new Float64Array(n),
    median: new Float64Array(n),
    p75: new Float64Array(n),
  };
  for (let d = 0; d < n; d++) {
    const v = values[d];
    const finite: number[] = [];
    for (let k = 0; k < v.length; k++) if (Number.isFinite(v[k])) finite.push(v[k]);
    const m = finite.length;
    out.count[d] = m;
    if (!m) {
      out.mean[d] = out.std[d] = out.p25[d] = out.median[d] = out.p75[d] = NaN;
      continue;
    }
    let s = 0;
    for (const x of finite) s += x;
    const mean = s / m;
    let s2 = 0;
    for (const x of finite) s2 += (x - mean) ** 2;
    out.mean[d] = mean;
    out.std[d] = Math.sqrt(s2 / m);
    finite.sort((a, b) => a - b);
    out.p25[d] = percentileSorted(finite, 25);
    out.median[d] = percentileSorted(finite, 50);
    out.p75[d] = percentileSorted(finite, 75);
  }
  return out;
}
