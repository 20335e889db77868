/**
 * Method 2: noise-only relative velocities over a stable area (docs/nisar-secular-validation.md §4).
 *
 * The grid becomes local km as the notebook's `load_geo`: 111.195 km per degree of latitude and
 * 111.195·cos(φ₀) per degree of longitude, origin at pixel (L − ⌊L/2⌋ − 1, W − ⌊W/2⌋ − 1) and φ₀ taken
 * at that row from Y_FIRST (the outer edge, as the notebook). Non-NaN pixels (optionally inside a stable
 * polygon / mask) are flattened, optionally de-ramped (plane a·x + b·y + c), then `numSamples` pixels are
 * drawn without replacement with a fixed seed and paired consecutively (2k with 2k+1, an odd last one is
 * dropped): disjoint pairs, Euclidean distance in km, value v(p) − v(q).
 *
 * The notebook seeds numpy with 1; its draws cannot be reproduced (see prng.ts). Same seed → same pairs.
 */
import type { GeoGrid } from '../formats/mintpyFiles';
import { isProjectedGrid, rowColToLatLonGeo as rowColToLatLon } from '../../common/geo/gridCoords';
import { transectYx } from '../../common/derived/transect';
import { haversineKm } from '../../common/nisar/geometry';
import type { PairSet } from './method1';
import { SeededRandom, sampleWithoutReplacement } from '../../common/nisar/prng';

export const KM_PER_DEGREE = 111.195;

/** local km coordinates of the columns (x, east) and rows (y, north) */
export function localKmAxes(g: GeoGrid): { x: Float64Array; y: Float64Array } {
  const { length: L, width: W } = g;
  const yEnd = Math.floor(L / 2);
  const yFirstIx = -(L - yEnd - 1);
  const xEnd = Math.floor(W / 2);
  const xFirstIx = -(W - xEnd - 1);
  const yOrigin = g.yFirst + g.yStep * -yFirstIx;
  // a projected (UTM) grid is already in metres
  const dx = isProjectedGrid(g) ? g.xStep / 1000 : Math.cos((yOrigin * Math.PI) / 180) * g.xStep * KM_PER_DEGREE;
  const dy = isProjectedGrid(g) ? g.yStep / 1000 : g.yStep * KM_PER_DEGREE;
  // numpy.linspace(first·d, end·d, n)
  const lin = (a: number, b: number, n: number) => {
    const out = new Float64Array(n);
    const step = n > 1 ? (b - a) / (n - 1) : 0;
    for (let k = 0; k < n; k++) out[k] = a + k * step;
    if (n > 1) out[n - 1] = b;
    return out;
  };
  return { x: lin(xFirstIx * dx, xEnd * dx, W), y: lin(yFirstIx * dy, yEnd * dy, L) };
}

import { pointInPolygon } from '../../common/util/polygon';
export { pointInPolygon };

/** 1 where the pixel centre lies inside the polygon */
export function polygonMask(g: GeoGrid, poly: readonly (readonly [number, number])[]): Uint8Array {
  const out = new Uint8Array(g.length * g.width);
  for (let r = 0; r < g.length; r++)
    for (let c = 0; c < g.width; c++) {
      const [lat, lon] = rowColToLatLon(g, r, c);
      if (pointInPolygon(lat, lon, poly)) out[r * g.width + c] = 1;
    }
  return out;
}

/** parse "lat,lon;lat,lon;…" (at least 3 vertices) */
export function parsePolygon(text: string): [number, number][] {
  const pts = text
    .split(/[;\s]+/)
    .filter(Boolean)
    .map((p) => {
      const [a, b] = p.split(',').map(Number);
      if (!Number.isFinite(a) || !Number.isFinite(b) || p.split(',').length !== 2)
        throw new Error(`polygon vertex "${p}" is not LAT,LON`);
      return [a, b] as [number, number];
    });
  if (pts.length < 3) throw new Error(`a polygon needs at least 3 vertices (got ${pts.length})`);
  return pts;
}

/** least-squares plane a·x + b·y + c; returns [a, b, c] */
export function fitPlane(x: ArrayLike<number>, y: ArrayLike<number>, v: ArrayLike<number>): [number, number, number] {
  // normal equations on centred coordinates (well conditioned)
  const n = v.length;
  let mx = 0;
  let my = 0;
  let mv = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
    mv += v[i];
  }
  mx /= n;
  my /= n;
  mv /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sxv = 0;
  let syv = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    const dv = v[i] - mv;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
    sxv += dx * dv;
    syv += dy * dv;
  }
  const det = sxx * syy - sxy * sxy;
  let a = 0;
  let b = 0;
  if (Math.abs(det) > 1e-12 * (sxx * syy || 1)) {
    a = (sxv * syy - syv * sxy) / det;
    b = (syv * sxx - sxv * sxy) / det;
  } else if (sxx > 0) a = sxv / sxx;
  else if (syy > 0) b = syv / syy;
  return [a, b, mv - a * mx - b * my];
}

/** the valid pixels of a field as flat arrays (x, y km; v; pixel index) */
export interface FlatPoints {
  x: Float64Array;
  y: Float64Array;
  v: Float64Array;
  index: Int32Array;
}

export function flattenValid(data: ArrayLike<number>, g: GeoGrid, keep: Uint8Array | null = null): FlatPoints {
  const { x, y } = localKmAxes(g);
  const idx: number[] = [];
  for (let p = 0; p < data.length; p++) if (!Number.isNaN(data[p]) && (!keep || keep[p])) idx.push(p);
  const W = g.width;
  return {
    x: Float64Array.from(idx, (p) => x[p % W]),
    y: Float64Array.from(idx, (p) => y[Math.floor(p / W)]),
    v: Float64Array.from(idx, (p) => data[p]),
    index: Int32Array.from(idx),
  };
}

export interface SampleOptions {
  /** pixels drawn (1,000,000) */
  numSamples?: number;
  /** generator seed (1, as the notebook's value; the draws differ from numpy's) */
  seed?: number;
  /** remove a best-fit plane first (off by default) */
  deramp?: boolean;
}

export interface Method2Sample {
  pairs: PairSet;
  /** valid pixels available and drawn */
  available: number;
  drawn: number;
  plane: [number, number, number] | null;
  /** the (possibly de-ramped) flattened points, for the variogram */
  points: FlatPoints;
}

/** draw, pair consecutively, Euclidean distance (km) and Δv = v(2k) − v(2k+1) */
export function samplePairs(pts: FlatPoints, opts: SampleOptions = {}): Method2Sample {
  const n = pts.v.length;
  let plane: [number, number, number] | null = null;
  let v = pts.v;
  if (opts.deramp && n >= 3) {
    plane = fitPlane(pts.x, pts.y, pts.v);
    const [a, b, c] = plane;
    v = Float64Array.from(pts.v, (z, i) => z - (a * pts.x[i] + b * pts.y[i] + c));
  }
  const rng = new SeededRandom(opts.seed ?? 1);
  const draw = sampleWithoutReplacement(n, opts.numSamples ?? 1_000_000, rng);
  const m = Math.floor(draw.length / 2);
  const pairs: PairSet = {
    i: new Int32Array(m),
    j: new Int32Array(m),
    distanceKm: new Float64Array(m),
    value: new Float64Array(m),
    sigma: new Float64Array(m).fill(NaN),
  };
  for (let k = 0; k < m; k++) {
    const p = draw[2 * k];
    const q = draw[2 * k + 1];
    pairs.i[k] = pts.index[p];
    pairs.j[k] = pts.index[q];
    pairs.distanceKm[k] = Math.hypot(pts.x[p] - pts.x[q], pts.y[p] - pts.y[q]);
    pairs.value[k] = v[p] - v[q];
  }
  return { pairs, available: n, drawn: draw.length, plane, points: { ...pts, v } };
}

export interface ProfileOptions {
  /** pixel pairs drawn (20,000): 2× as many pixels, without replacement */
  numProfiles?: number;
  seed?: number;
  /** profile lengths kept, km, exclusive (0.1, 50) */
  lengthKm?: [number, number];
}

/**
 * Profile sampling (optional, slow; the notebooks' `profile_samples`): pairs of random valid pixels whose
 * haversine distance (R = 6378 km) lies in (0.1, 50) km; along each, MintPy's transect (nearest
 * neighbour, NaN/0 samples removed, distance with R = 6.3781e6 m); a line fitted to value vs distance;
 * the pair's value is the line's difference between the two ends, its distance the transect's maximum.
 * Profiles with fewer than two samples give NaN (dropped by the test).
 */
export function profilePairs(
  data: ArrayLike<number>,
  g: GeoGrid,
  keep: Uint8Array | null,
  opts: ProfileOptions = {},
): PairSet & { drawn: number } {
  const [dmin, dmax] = opts.lengthKm ?? [0.1, 50];
  const valid: number[] = [];
  for (let p = 0; p < data.length; p++) if (!Number.isNaN(data[p]) && (!keep || keep[p])) valid.push(p);
  const draw = sampleWithoutReplacement(
    valid.length,
    2 * (opts.numProfiles ?? 20000),
    new SeededRandom(opts.seed ?? 1),
  );
  const W = g.width;
  const raster = {
    data: keep ? Float32Array.from(data, (v, p) => (keep[p] ? v : NaN)) : data,
    length: g.length,
    width: W,
  };
  const out = { i: [] as number[], j: [] as number[], d: [] as number[], v: [] as number[] };
  for (let k = 0; k + 1 < draw.length; k += 2) {
    const p = valid[draw[k]];
    const q = valid[draw[k + 1]];
    const [la0, lo0] = rowColToLatLon(g, Math.floor(p / W), p % W);
    const [la1, lo1] = rowColToLatLon(g, Math.floor(q / W), q % W);
    const dist = haversineKm(la0, lo0, la1, lo1);
    if (!(dist > dmin && dist < dmax)) continue;
    const t = transectYx(raster, [Math.floor(p / W), p % W], [Math.floor(q / W), q % W], {
      interpolation: 'nearest',
      grid: g,
    });
    let value = NaN;
    let dkm = NaN;
    if (t.distance.length >= 2) {
      const n = t.distance.length;
      let sx = 0;
      let sy = 0;
      for (let s = 0; s < n; s++) {
        sx += t.distance[s] / 1000;
        sy += t.value[s];
      }
      const mx = sx / n;
      const my = sy / n;
      let sxx = 0;
      let sxy = 0;
      dkm = 0;
      for (let s = 0; s < n; s++) {
        const x = t.distance[s] / 1000;
        sxx += (x - mx) ** 2;
        sxy += (x - mx) * (t.value[s] - my);
        dkm = Math.max(dkm, x);
      }
      value = sxx > 0 ? (sxy / sxx) * dkm : NaN;
    }
    out.i.push(p);
    out.j.push(q);
    out.d.push(dkm);
    out.v.push(value);
  }
  return {
    i: Int32Array.from(out.i),
    j: Int32Array.from(out.j),
    distanceKm: Float64Array.from(out.d),
    value: Float64Array.from(out.v),
    sigma: new Float64Array(out.v.length).fill(NaN),
    drawn: draw.length,
  };
}
