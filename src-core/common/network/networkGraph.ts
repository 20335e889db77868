/**
 * Network facts for the app's network plot and warnings: per-date perpendicular baseline (MintPy's
 * `get_perp_baseline_timeseries`: least squares over the pairs, first date 0, minimum-norm when the
 * network is split), connected components of the kept network, dates left without a pair, and the
 * coherence-matrix layout of `plot_coherence_matrix` / `plot_network`.
 */
import { datesOfDate12, splitDate12 } from './mst';
import { UnionFind } from '../util/unionFind';

/** Solve the dense n×n system M x = r (Gaussian elimination, partial pivoting); M, r are overwritten. */
function solveDense(M: Float64Array, r: Float64Array, n: number): Float64Array {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i * n + c]) > Math.abs(M[p * n + c])) p = i;
    if (M[p * n + c] === 0) throw new Error('singular system');
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = M[c * n + j];
        M[c * n + j] = M[p * n + j];
        M[p * n + j] = t;
      }
      const t = r[c];
      r[c] = r[p];
      r[p] = t;
    }
    for (let i = c + 1; i < n; i++) {
      const f = M[i * n + c] / M[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) M[i * n + j] -= f * M[c * n + j];
      r[i] -= f * r[c];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = r[i];
    for (let j = i + 1; j < n; j++) s -= M[i * n + j] * x[j];
    x[i] = s / M[i * n + i];
  }
  return x;
}

/**
 * Per-date perpendicular baseline from the pairs' bperp: lstsq(A, bperp) with the first date fixed at 0
 * (numpy lstsq's minimum-norm answer when the network is split: every piece without the first date
 * gets zero mean). Returned as float32 like MintPy, with the sorted dates.
 */
export function perpBaselineTimeseries(
  date12: readonly string[],
  bperp: ArrayLike<number>,
): { dates: string[]; bperp: Float32Array } {
  const dates = datesOfDate12(date12);
  const n = dates.length;
  const idx = new Map(dates.map((d, i) => [d, i]));
  const uf = new UnionFind(n);
  const pairs = date12.map((d) => splitDate12(d).map((x) => idx.get(x) as number) as [number, number]);
  for (const [a, b] of pairs) uf.union(a, b);
  const out = new Float64Array(n);
  // component by component: pin its first (smallest-index) date at 0, solve the normal equations
  const comps = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    if (!comps.has(r)) comps.set(r, []);
    (comps.get(r) as number[]).push(i);
  }
  for (const members of comps.values()) {
    const pin = members[0];
    const vars = members.slice(1);
    const k = vars.length;
    if (k === 0) continue;
    const pos = new Map(vars.map((v, i) => [v, i]));
    const M = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    pairs.forEach(([a, b], p) => {
      if (uf.find(a) !== uf.find(pin)) return;
      // row: −1 at a, +1 at b
      const y = Number(bperp[p]);
      const ia = pos.get(a);
      const ib = pos.get(b);
      if (ia !== undefined) {
        M[ia * k + ia] += 1;
        rhs[ia] -= y;
      }
      if (ib !== undefined) {
        M[ib * k + ib] += 1;
        rhs[ib] += y;
      }
      if (ia !== undefined && ib !== undefined) {
        M[ia * k + ib] -= 1;
        M[ib * k + ia] -= 1;
      }
    });
    const x = solveDense(M, rhs, k);
    vars.forEach((v, i) => (out[v] = x[i]));
    if (pin !== 0) {
      // not connected to the first date: minimum norm = zero mean over the piece
      let mean = 0;
      for (const v of members) mean += out[v];
      mean /= members.length;
      for (const v of members) out[v] -= mean;
    }
  }
  out[0] = 0;
  return { dates, bperp: Float32Array.from(out) };
}

export interface Connectivity {
  /** number of connected pieces of the kept network (over dates that still have a kept pair) */
  numComponents: number;
  /** the dates of each piece, largest piece first */
  components: string[][];
  /** dates of the stack that no kept pair uses */
  datesWithoutPair: string[];
  /**
   * Redundant pairs: kept pairs − (dates used − parts), the network's cycle rank. 0 = a tree per part (e.g. a
   * nearest-neighbour chain of n − 1 pairs): every pair is needed, every residual is zero, and temporal
   * coherence is 1 everywhere.
   */
  redundantPairs: number;
}

/**
 * What temporal coherence means for this network: null when the network has redundancy, else a sentence
 * for the run log and the network panel saying that it filters nothing.
 */
export function temporalCoherenceNote(
  c: Pick<Connectivity, 'redundantPairs' | 'numComponents'>,
  numPairs: number,
): string | null {
  if (c.redundantPairs > 0 || numPairs === 0) return null;
  return (
    `the kept network has no redundancy (${numPairs} pairs, ${c.numComponents > 1 ? `${c.numComponents} trees` : 'a tree'}` +
    ', e.g. a nearest-neighbour chain of n − 1 pairs): every residual is zero, so temporal coherence is 1 everywhere ' +
    'and mintpy.networkInversion.minTempCoh / maskTempCoh.h5 filter nothing'
  );
}

/** Connected components of the kept network and the dates it no longer uses. */
export function networkConnectivity(date12: readonly string[], keep: readonly boolean[]): Connectivity {
  const all = datesOfDate12(date12);
  const kept = date12.filter((_, i) => keep[i]);
  const used = datesOfDate12(kept);
  const idx = new Map(used.map((d, i) => [d, i]));
  const uf = new UnionFind(used.length);
  for (const d of kept) {
    const [a, b] = splitDate12(d);
    uf.union(idx.get(a) as number, idx.get(b) as number);
  }
  const groups = new Map<number, string[]>();
  used.forEach((d, i) => {
    const r = uf.find(i);
    if (!groups.has(r)) groups.set(r, []);
    (groups.get(r) as string[]).push(d);
  });
  const components = [...groups.values()].sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
  const usedSet = new Set(used);
  return {
    numComponents: components.length,
    components,
    datesWithoutPair: all.filter((d) => !usedSet.has(d)),
    redundantPairs: kept.length - (used.length - components.length),
  };
}

/**
 * Coherence matrix (N×N over all dates, row-major): [i,j] (i<j, upper) = value of pair (i,j) if kept,
 * [j,i] (lower) = value of every pair, NaN where there is no pair and on the diagonal.
 */
export function coherenceMatrix(
  date12: readonly string[],
  value: ArrayLike<number>,
  keep: readonly boolean[],
): { dates: string[]; matrix: Float64Array } {
  const dates = datesOfDate12(date12);
  const n = dates.length;
  const idx = new Map(dates.map((d, i) => [d, i]));
  const matrix = new Float64Array(n * n).fill(NaN);
  date12.forEach((d, p) => {
    const [a, b] = splitDate12(d);
    const i = Math.min(idx.get(a) as number, idx.get(b) as number);
    const j = Math.max(idx.get(a) as number, idx.get(b) as number);
    const v = Number(value[p]);
    matrix[j * n + i] = v;
    if (keep[p]) matrix[i * n + j] = v;
  });
  return { dates, matrix };
}

/** The kept date12 list, one per line (MintPy's network_kept.txt style). */
export function formatDate12List(date12: readonly string[], keep?: readonly boolean[]): string {
  const list = keep ? date12.filter((_, i) => keep[i]) : [...date12];
  return list.map((d) => `${d}\n`).join('');
}
