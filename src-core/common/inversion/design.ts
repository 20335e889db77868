/**
 * Design matrices of the SBAS network inversion (mintpy-algorithms.md §5.1; MintPy
 * objects/stack.py ifgramStack.get_design_matrix4timeseries).
 *
 * For pair i = (d1, d2): A[i, d1] = −1, A[i, d2] = +1; B[i, k] = Δt_k for the intervals between them.
 * Δt is in years, float32, computed as MintPy does: tbase = float32(days)/365.25 in float32, then
 * float32 differences. The reference-date column (the first date, or the common first date of a
 * single-reference network) is removed from A and the last column from B; both are M × (N−1).
 */
import { lstsqMinNorm } from '../linalg/svd';
import { datesOfPairs, daysBetween } from '../time/dates';

export interface NetworkDesign {
  /** sorted dates of the kept pairs (N) */
  dates: string[];
  /** the kept pairs, as given (M) */
  pairs: [string, string][];
  /** index into `dates` of each pair's first / second date */
  idx1: Int32Array;
  idx2: Int32Array;
  /** time since dates[0] in years, float32 as MintPy */
  tbase: Float32Array;
  /** Δt_k = tbase[k+1] − tbase[k] (float32), length N−1 */
  tbaseDiff: Float32Array;
  /** index of the date removed from A */
  refDateIndex: number;
  /** dense A (M × (N−1), row-major, float32 values) */
  A: Float32Array;
  /** dense B (M × (N−1), row-major, float32 values) */
  B: Float32Array;
  numPairs: number;
  numDates: number;
}

/** Parse 'YYYYMMDD_YYYYMMDD' strings or pass pairs through. */
export function toPairs(list: readonly (string | readonly [string, string])[]): [string, string][] {
  return list.map((p) => {
    if (typeof p !== 'string') return [p[0], p[1]];
    const parts = p.trim().split('_');
    if (parts.length !== 2) throw new Error(`"${p}" is not a pair (expected YYYYMMDD_YYYYMMDD)`);
    return [parts[0], parts[1]];
  });
}

/** MintPy's float32 temporal baseline in years: float32(days) / 365.25 in float32. */
export function tbaseYearsFloat32(dates: readonly string[]): Float32Array {
  return Float32Array.from(dates, (d) => Math.fround(Math.fround(daysBetween(dates[0], d)) / 365.25));
}

/**
 * Build A and B for the kept pairs. `refDate`: undefined = MintPy's default (common first date of a
 * single-reference network, else the first date).
 */
export function networkDesign(
  pairsIn: readonly (string | readonly [string, string])[],
  refDate?: string,
): NetworkDesign {
  const pairs = toPairs(pairsIn);
  if (pairs.length === 0) throw new Error('the network has no pairs');
  const dates = datesOfPairs(pairs);
  const N = dates.length;
  const M = pairs.length;
  const pos = new Map(dates.map((d, i) => [d, i]));
  const idx1 = new Int32Array(M);
  const idx2 = new Int32Array(M);
  pairs.forEach(([a, b], i) => {
    idx1[i] = pos.get(a)!;
    idx2[i] = pos.get(b)!;
    if (idx1[i] === idx2[i]) throw new Error(`pair ${a}_${b} has the same date twice`);
  });
  const tbase = tbaseYearsFloat32(dates);
  const tbaseDiff = new Float32Array(Math.max(N - 1, 0));
  for (let k = 0; k < N - 1; k++) tbaseDiff[k] = Math.fround(tbase[k + 1] - tbase[k]);

  let ref = refDate;
  if (ref === undefined) {
    const d1 = new Set(pairs.map((p) => p[0]));
    ref = d1.size === 1 ? pairs[0][0] : dates[0];
  }
  const refDateIndex = pos.get(ref);
  if (refDateIndex === undefined) throw new Error(`reference date ${ref} is not a date of the network`);

  const n = N - 1;
  const A = new Float32Array(M * n);
  const B = new Float32Array(M * n);
  for (let i = 0; i < M; i++) {
    const a = idx1[i];
    const b = idx2[i];
    const colA = (j: number) => (j < refDateIndex ? j : j - 1);
    if (a !== refDateIndex) A[i * n + colA(a)] = -1;
    if (b !== refDateIndex) A[i * n + colA(b)] = 1;
    if (a < b) {
      for (let k = a; k < b; k++) if (k < n) B[i * n + k] = tbaseDiff[k];
    } else {
      for (let k = b; k < a; k++) if (k < n) B[i * n + k] = -tbaseDiff[k];
    }
  }
  return { dates, pairs, idx1, idx2, tbase, tbaseDiff, refDateIndex, A, B, numPairs: M, numDates: N };
}

/**
 * Perpendicular baseline per date for timeseries.h5 (MintPy ifgramStack.get_perp_baseline_timeseries):
 * [0, lstsq(A, bperp_pairs, rcond=None)] — numpy solves in float64 with the cut-off eps·max(M, N−1);
 * the result is stored as float32. `bperp` holds the kept pairs' baselines in the order of `pairs`.
 */
export function bperpTimeseries(
  pairs: readonly (string | readonly [string, string])[],
  bperp: ArrayLike<number>,
): Float32Array {
  const d = networkDesign(pairs);
  const M = d.numPairs;
  const n = d.numDates - 1;
  if (bperp.length !== M) throw new Error(`bperp has ${bperp.length} values for ${M} pairs`);
  const x = new Float64Array(n);
  lstsqMinNorm(
    d.A,
    M,
    n,
    Float64Array.from(bperp, (v) => Math.fround(v)),
    x,
    2.220446049250313e-16 * Math.max(M, n),
  );
  const out = new Float32Array(n + 1);
  out.set(x, 1);
  return out;
}
