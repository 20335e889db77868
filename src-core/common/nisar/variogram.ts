/**
 * Structure function / semivariogram (the notebooks' variogram.py; docs/nisar-secular-validation.md §4):
 * a diagnostic, not used for pass/fail. γ_ij = ½(z_i − z_j)² over all pairs of a random subset of the
 * (de-ramped) points, averaged in distance bins over [0, max distance] (scipy binned_statistic: equal
 * bins, the last one closed), then fitted with γ(h) = b(1 − e^(−h/a)) (sill b, range a).
 * For zero-mean Gaussian differences the 68.3% quantile of |Δv| at lag h is ≈ √(2γ(h)), so a bin passes
 * roughly when γ(h) < req²/2 = 2 (mm/yr)².
 */
import { SeededRandom, sampleWithoutReplacement } from './prng';

export interface Variogram {
  /** mean distance in each bin (km), NaN for empty bins */
  lag: Float64Array;
  /** mean semivariance, (mm/yr)² */
  gamma: Float64Array;
  count: Float64Array;
  edges: Float64Array;
  points: number;
}

export interface VariogramOptions {
  /** points drawn for the all-pairs computation (2000 → ~2 M pairs) */
  maxPoints?: number;
  seed?: number;
  nBins?: number;
  /** [0, max pair distance] by default */
  range?: [number, number];
}

export function empiricalVariogram(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  opts: VariogramOptions = {},
): Variogram {
  const n = z.length;
  const nb = opts.nBins ?? 20;
  const pick =
    n > (opts.maxPoints ?? 2000)
      ? Array.from(sampleWithoutReplacement(n, opts.maxPoints ?? 2000, new SeededRandom(opts.seed ?? 2))).sort(
          (a, b) => a - b,
        )
      : Array.from({ length: n }, (_, i) => i);
  const m = pick.length;
  const px = Float64Array.from(pick, (i) => x[i]);
  const py = Float64Array.from(pick, (i) => y[i]);
  const pz = Float64Array.from(pick, (i) => z[i]);
  const lo = opts.range?.[0] ?? 0;
  let hi = opts.range?.[1] ?? NaN;
  if (!Number.isFinite(hi)) {
    hi = 0;
    for (let a = 0; a < m; a++)
      for (let b = a + 1; b < m; b++) hi = Math.max(hi, Math.hypot(px[a] - px[b], py[a] - py[b]));
  }
  const edges = Float64Array.from({ length: nb + 1 }, (_, k) => lo + ((hi - lo) * k) / nb);
  const sd = new Float64Array(nb);
  const sg = new Float64Array(nb);
  const cnt = new Float64Array(nb);
  const w = hi - lo;
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const d = Math.hypot(px[a] - px[b], py[a] - py[b]);
      if (d < lo || d > hi || !(w > 0)) continue;
      let k = Math.floor(((d - lo) / w) * nb);
      if (k >= nb) k = nb - 1;
      sd[k] += d;
      sg[k] += 0.5 * (pz[a] - pz[b]) ** 2;
      cnt[k]++;
    }
  return {
    lag: Float64Array.from(sd, (s, k) => (cnt[k] ? s / cnt[k] : NaN)),
    gamma: Float64Array.from(sg, (s, k) => (cnt[k] ? s / cnt[k] : NaN)),
    count: cnt,
    edges,
    points: m,
  };
}

export interface ExponentialFit {
  /** sill b, (mm/yr)² */
  sill: number;
  /** range a, km */
  range: number;
  /** RMS misfit over the bins used, (mm/yr)² */
  rms: number;
}

/** model γ(h) = b(1 − e^(−h/a)) */
export function exponentialModel(h: number, fit: { sill: number; range: number }): number {
  return fit.sill * (1 - Math.exp(-h / fit.range));
}

/**
 * Least-squares fit of γ(h) = b(1 − e^(−h/a)) to the non-empty bins (unweighted, as curve_fit): for a
 * given a the best b is linear, so a is found by a log-spaced scan refined with golden-section search.
 */
export function fitExponentialVariogram(lag: ArrayLike<number>, gamma: ArrayLike<number>): ExponentialFit {
  const h: number[] = [];
  const g: number[] = [];
  for (let k = 0; k < lag.length; k++)
    if (Number.isFinite(lag[k]) && Number.isFinite(gamma[k])) {
      h.push(lag[k]);
      g.push(gamma[k]);
    }
  if (h.length < 2) return { sill: NaN, range: NaN, rms: NaN };
  const hmax = Math.max(...h);
  const hmin = Math.max(Math.min(...h.filter((v) => v > 0)), hmax * 1e-4);
  const cost = (a: number): [number, number] => {
    let num = 0;
    let den = 0;
    const f = h.map((x) => 1 - Math.exp(-x / a));
    for (let k = 0; k < h.length; k++) {
      num += f[k] * g[k];
      den += f[k] * f[k];
    }
    const b = den > 0 ? num / den : 0;
    let e = 0;
    for (let k = 0; k < h.length; k++) e += (g[k] - b * f[k]) ** 2;
    return [e, b];
  };
  // scan log10(a) over [hmin/10, 100·hmax]
  const l0 = Math.log10(hmin / 10);
  const l1 = Math.log10(hmax * 100);
  let best = l0;
  let bestE = Infinity;
  const N = 400;
  for (let k = 0; k <= N; k++) {
    const l = l0 + ((l1 - l0) * k) / N;
    const [e] = cost(10 ** l);
    if (e < bestE) [bestE, best] = [e, l];
  }
  let a = best - (l1 - l0) / N;
  let b = best + (l1 - l0) / N;
  const gr = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 100; it++) {
    const c = b - gr * (b - a);
    const d = a + gr * (b - a);
    if (cost(10 ** c)[0] < cost(10 ** d)[0]) b = d;
    else a = c;
  }
  const range = 10 ** ((a + b) / 2);
  const [e, sill] = cost(range);
  return { sill, range, rms: Math.sqrt(e / h.length) };
}
