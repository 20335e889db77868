/**
 * Minimum spanning tree of an interferogram network, as MintPy's
 * `network.threshold_coherence_based_mst` computes it: nodes = the sorted dates of the given pairs,
 * a dense N×N weight matrix with 1/c for each pair (both triangles) and +∞ everywhere else (including
 * the diagonal and pairs whose value is NaN), then scipy's `minimum_spanning_tree` (Kruskal over the
 * matrix entries in row-major order, sorted by numpy's argsort, which decides ties). When the pairs do
 * not connect all dates, scipy also links the pieces through +∞ entries; those "pairs" do not exist and
 * are not returned.
 */
import { numpyArgsort } from './numpyArgsort';

/** Sorted unique dates of 'YYYYMMDD_YYYYMMDD' pairs. */
export function datesOfDate12(date12: readonly string[]): string[] {
  const s = new Set<string>();
  for (const d of date12) {
    const [a, b] = splitDate12(d);
    s.add(a);
    s.add(b);
  }
  return [...s].sort();
}

export function splitDate12(d: string): [string, string] {
  const p = d.split('_');
  if (p.length !== 2) throw new Error(`"${d}" is not a date12 (expected YYYYMMDD_YYYYMMDD)`);
  return [p[0], p[1]];
}

/**
 * The pairs (among `date12`) in the minimum spanning tree with edge weight 1/value[i].
 * Returned in the order of `date12`.
 */
export function minimumSpanningTree(date12: readonly string[], value: ArrayLike<number>): string[] {
  if (date12.length !== value.length) throw new Error(`mst: ${date12.length} pairs but ${value.length} values`);
  const dates = datesOfDate12(date12);
  const n = dates.length;
  if (n < 2) return [];
  const idx = new Map(dates.map((d, i) => [d, i]));
  const w = new Float64Array(n * n).fill(Infinity);
  // coherence_matrix takes the value of the first occurrence of a date12; NaN stays +∞
  const first = new Map<string, number>();
  date12.forEach((d, k) => {
    if (!first.has(d)) first.set(d, k);
  });
  for (let k = 0; k < date12.length; k++) {
    const [a, b] = splitDate12(date12[k]);
    const i = idx.get(a) as number;
    const j = idx.get(b) as number;
    const c = Number(value[first.get(date12[k]) as number]);
    const wt = Number.isNaN(c) ? Infinity : 1 / c;
    w[i * n + j] = wt;
    w[j * n + i] = wt;
  }
  // csr_matrix(dense) keeps every non-zero entry in row-major order (1/c is never 0)
  const order = numpyArgsort(w);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const rank = new Int32Array(n);
  const root = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r];
    // path compression as scipy does
    while (parent[v] !== r) {
      const nx = parent[v];
      parent[v] = r;
      v = nx;
    }
    return r;
  };
  const kept = new Set<string>();
  let edges = 0;
  for (let s = 0; s < order.length && edges < n - 1; s++) {
    const e = order[s];
    const v1 = Math.floor(e / n);
    const v2 = e % n;
    const r1 = root(v1);
    const r2 = root(v2);
    if (r1 === r2) continue;
    edges++;
    if (rank[r1] > rank[r2]) parent[r2] = r1;
    else if (rank[r1] < rank[r2]) parent[r1] = r2;
    else {
      parent[r2] = r1;
      rank[r1] += 1;
    }
    const [lo, hi] = v1 < v2 ? [v1, v2] : [v2, v1];
    kept.add(`${dates[lo]}_${dates[hi]}`);
  }
  return date12.filter((d) => kept.has(d));
}
