/**
 * The weighted graph Laplacian of an SBAS network over A's columns (every date but the reference date):
 * (AᵀWA)·φ = AᵀWy. A pair (a, b) adds w to the diagonal entries of a and b, −w to (a, b), and ∓√w·(√w·y)
 * to the right-hand side — O(1) per pair. The sparse Cholesky pattern (minimum-degree order and fill,
 * linalg/sparseCholesky.ts) is computed once for the whole network; a pixel with invalid pairs fills a
 * subset of the same pattern, so it costs the same as a complete one.
 */
import { analyzeCholesky, slotOf, type CholeskyPattern } from '../linalg/sparseCholesky';
import type { NetworkDesign } from './design';

export class NetworkLaplacian {
  readonly pattern: CholeskyPattern;
  /** permuted position of each pair's first / second date column, −1 for the reference date */
  readonly pp1: Int32Array;
  readonly pp2: Int32Array;
  /** factor-storage slot of the diagonal entry of each pair's first / second date, −1 for the reference date */
  readonly sd1: Int32Array;
  readonly sd2: Int32Array;
  /** slot of each pair's off-diagonal entry, −1 when one of its dates is the reference date */
  readonly so: Int32Array;
  /** permuted position of each date (−1 = the reference date, φ = 0) */
  readonly datePos: Int32Array;
  /**
   * Branch-free assembly: per pair [diag slot 1, diag slot 2, off-diagonal slot, position 1, position 2],
   * with the reference date's entries sent to a dummy slot (`nnz`) / position (`n`). Factor storage and
   * right-hand side therefore need nnz + 1 and n + 1 entries.
   */
  readonly asm: Int32Array;

  constructor(design: NetworkDesign) {
    const M = design.numPairs;
    const N = design.numDates;
    const n = N - 1;
    const ref = design.refDateIndex;
    const colOf = (d: number) => (d === ref ? -1 : d < ref ? d : d - 1);
    const edges: number[] = [];
    for (let i = 0; i < M; i++) {
      const a = colOf(design.idx1[i]);
      const b = colOf(design.idx2[i]);
      if (a >= 0 && b >= 0) edges.push(a, b);
    }
    const pat = (this.pattern = analyzeCholesky(n, edges));
    this.pp1 = new Int32Array(M);
    this.pp2 = new Int32Array(M);
    this.sd1 = new Int32Array(M);
    this.sd2 = new Int32Array(M);
    this.so = new Int32Array(M);
    for (let i = 0; i < M; i++) {
      const a = colOf(design.idx1[i]);
      const b = colOf(design.idx2[i]);
      this.pp1[i] = a >= 0 ? pat.iperm[a] : -1;
      this.pp2[i] = b >= 0 ? pat.iperm[b] : -1;
      this.sd1[i] = a >= 0 ? pat.rowPtr[pat.iperm[a] + 1] - 1 : -1;
      this.sd2[i] = b >= 0 ? pat.rowPtr[pat.iperm[b] + 1] - 1 : -1;
      this.so[i] = a >= 0 && b >= 0 ? slotOf(pat, a, b) : -1;
    }
    const ds = pat.nnz;
    const dp = n;
    this.asm = new Int32Array(5 * M);
    for (let i = 0; i < M; i++) {
      const o = 5 * i;
      this.asm[o] = this.sd1[i] >= 0 ? this.sd1[i] : ds;
      this.asm[o + 1] = this.sd2[i] >= 0 ? this.sd2[i] : ds;
      this.asm[o + 2] = this.so[i] >= 0 ? this.so[i] : ds;
      this.asm[o + 3] = this.pp1[i] >= 0 ? this.pp1[i] : dp;
      this.asm[o + 4] = this.pp2[i] >= 0 ? this.pp2[i] : dp;
    }
    this.datePos = Int32Array.from({ length: N }, (_, d) => (colOf(d) < 0 ? -1 : pat.iperm[colOf(d)]));
  }
}

/**
 * Edge connectivity λ of the network (the fewest pairs whose removal disconnects the dates; 0 when it
 * is already disconnected): min over t of the max-flow between date 0 and date t with unit capacities
 * (augmenting paths). A pixel with fewer than λ invalid pairs is therefore still connected, with no
 * per-pixel graph search.
 */
export function edgeConnectivity(numDates: number, idx1: ArrayLike<number>, idx2: ArrayLike<number>): number {
  const N = numDates;
  const M = idx1.length;
  if (N < 2) return 0;
  // adjacency: arc 2i goes idx1→idx2, arc 2i+1 the reverse; residual capacity per arc
  const head = new Int32Array(N).fill(-1);
  const next = new Int32Array(2 * M);
  const to = new Int32Array(2 * M);
  for (let a = 0; a < 2 * M; a++) {
    const i = a >> 1;
    const from = a & 1 ? idx2[i] : idx1[i];
    to[a] = a & 1 ? idx1[i] : idx2[i];
    next[a] = head[from];
    head[from] = a;
  }
  const cap = new Int8Array(2 * M);
  const prevArc = new Int32Array(N);
  const queue = new Int32Array(N);
  let best = Infinity;
  for (let t = 1; t < N; t++) {
    cap.fill(1);
    let flow = 0;
    while (flow < best) {
      prevArc.fill(-2);
      prevArc[0] = -1;
      let qh = 0;
      let qt = 0;
      queue[qt++] = 0;
      while (qh < qt && prevArc[t] === -2) {
        const u = queue[qh++];
        for (let a = head[u]; a >= 0; a = next[a])
          if (cap[a] > 0 && prevArc[to[a]] === -2) {
            prevArc[to[a]] = a;
            queue[qt++] = to[a];
          }
      }
      if (prevArc[t] === -2) break;
      for (let v = t; v !== 0;) {
        const a = prevArc[v];
        cap[a]--;
        cap[a ^ 1]++;
        v = a & 1 ? idx2[a >> 1] : idx1[a >> 1];
      }
      flow++;
    }
    best = Math.min(best, flow);
    if (best === 0) break;
  }
  return best;
}
