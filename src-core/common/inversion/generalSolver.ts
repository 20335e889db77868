/**
 * The general per-pixel solver of the network inversion, for the pixels the Laplacian fast path
 * (invertTile.ts) does not take: disconnected valid-pair graphs (minimum-norm), pivot failures, and the
 * `solver: 'svd'` reference path. Works on G = B (minNormVelocity) or A with MintPy's float32 products
 * √w·G, √w·y.
 *
 *  - connected: banded Cholesky of the normal equations (bandwidth = longest pair span);
 *  - disconnected into c subsets: the null space of G is known exactly (one vector per subset without the
 *    first/reference date), and (GᵀG + Z·Zᵀ)·x = Gᵀy yields the minimum-norm solution G⁺y, i.e. what
 *    gelsd returns once its 1e-5 cut-off has removed the (numerically zero) singular values of the split;
 *  - one-sided Jacobi SVD with the gelsd cut-off as fallback (pivot failure) and reference.
 */
import { bandCholesky, bandCholeskySolve } from '../linalg/bandCholesky';
import { SvdWorkspace, lstsqMinNorm } from '../linalg/svd';
import type { NetworkDesign } from './design';

interface RowCsr {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array; // float32 values of G
  bw: number;
}

function rowsOf(design: NetworkDesign, useB: boolean): RowCsr {
  const M = design.numPairs;
  const n = design.numDates - 1;
  const G = useB ? design.B : design.A;
  const start = new Int32Array(M + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  let bw = 0;
  for (let i = 0; i < M; i++) {
    let lo = -1;
    for (let c = 0; c < n; c++) {
      const v = G[i * n + c];
      if (v !== 0) {
        cols.push(c);
        vals.push(v);
        if (lo < 0) lo = c;
        bw = Math.max(bw, c - lo);
      }
    }
    start[i + 1] = cols.length;
  }
  return { start, col: Int32Array.from(cols), val: Float64Array.from(vals), bw };
}

export { UnionFind } from '../util/unionFind';
import { UnionFind } from '../util/unionFind';

export interface GeneralSolveStats {
  svdFallback: number;
  nullSpace: number;
}

export class GeneralSolver {
  private readonly G: RowCsr;
  private readonly N: number;
  private readonly n: number;
  private readonly bw: number;
  private readonly bw1: number;
  private readonly entStart: Int32Array;
  private readonly entIdx: Int32Array;
  private readonly entA: Int32Array;
  private readonly entB: Int32Array;
  private readonly band: Float64Array;
  private readonly rhs: Float64Array;
  private readonly gbuf: Float64Array;
  private readonly dense: Float64Array;
  private readonly yw: Float64Array;
  private readonly svdWs: SvdWorkspace;
  private readonly full: Float64Array;
  private readonly compRoot: Int32Array;
  private readonly zvec: Float64Array;
  private readonly tbaseDiff: Float32Array;
  private readonly refDateIdx: number;

  constructor(
    design: NetworkDesign,
    private readonly useB: boolean,
    private readonly rcond: number,
  ) {
    const M = design.numPairs;
    const N = (this.N = design.numDates);
    const n = (this.n = N - 1);
    const nn = Math.max(n, 1);
    const G = (this.G = rowsOf(design, useB));
    this.bw = Math.min(G.bw, Math.max(n - 1, 0));
    const bw1 = (this.bw1 = this.bw + 1);
    this.tbaseDiff = design.tbaseDiff;
    this.refDateIdx = design.refDateIndex;
    // per-row list of (band index, local a, local b) products for the banded normal matrix
    const entStart = new Int32Array(M + 1);
    const ent: number[] = [];
    for (let i = 0; i < M; i++) {
      const c0 = G.start[i];
      const len = G.start[i + 1] - c0;
      for (let a = 0; a < len; a++)
        for (let b = 0; b <= a; b++) {
          const ca = G.col[c0 + a];
          const cb = G.col[c0 + b];
          ent.push(ca * bw1 + (ca - cb), a, b);
        }
      entStart[i + 1] = ent.length / 3;
    }
    this.entStart = entStart;
    this.entIdx = Int32Array.from({ length: ent.length / 3 }, (_, k) => ent[3 * k]);
    this.entA = Int32Array.from({ length: ent.length / 3 }, (_, k) => ent[3 * k + 1]);
    this.entB = Int32Array.from({ length: ent.length / 3 }, (_, k) => ent[3 * k + 2]);
    this.band = new Float64Array(nn * bw1);
    this.rhs = new Float64Array(nn);
    this.gbuf = new Float64Array(nn);
    this.dense = new Float64Array(M * nn);
    this.yw = new Float64Array(M);
    this.svdWs = new SvdWorkspace(M, nn);
    this.full = new Float64Array(nn * nn);
    this.compRoot = new Int32Array(N);
    this.zvec = new Float64Array(nn);
  }

  /**
   * Solve for one pixel: `rows[0..mp)` are the valid pairs, y[i] / sw[i] their referenced phase and √w
   * (indexed by pair), `comps` the number of connected components of the valid-pair graph (with `uf`
   * holding that graph). Writes the parameters of G (velocities for B, phases for A) to `x`.
   */
  solve(
    rows: Int32Array,
    mp: number,
    y: Float64Array,
    sw: Float64Array,
    comps: number,
    uf: UnionFind,
    forceSvd: boolean,
    x: Float64Array,
    stats: GeneralSolveStats,
  ): void {
    const n = this.n;
    if (!forceSvd) {
      if (comps === 1) {
        this.buildBand(rows, mp, y, sw);
        if (bandCholesky(this.band, n, this.bw)) {
          x.set(this.rhs);
          bandCholeskySolve(this.band, n, this.bw, x);
          return;
        }
      } else {
        this.buildDense(rows, mp, y, sw);
        this.addNullSpace(comps, uf);
        if (bandCholesky(this.full, n, n - 1)) {
          x.set(this.rhs);
          bandCholeskySolve(this.full, n, n - 1, x);
          stats.nullSpace++;
          return;
        }
      }
    }
    // forced reference path, or a pivot failure: minimum-norm SVD solve with the gelsd cut-off
    stats.svdFallback++;
    const { G, dense, yw } = this;
    dense.fill(0, 0, mp * n);
    for (let r = 0; r < mp; r++) {
      const i = rows[r];
      const s = sw[i];
      yw[r] = Math.fround(y[i] * s);
      for (let c = G.start[i]; c < G.start[i + 1]; c++)
        dense[r * n + G.col[c]] = s === 1 ? G.val[c] : Math.fround(G.val[c] * s);
    }
    lstsqMinNorm(dense, mp, n, yw, x, this.rcond, this.svdWs);
  }

  /** banded weighted normal equations over the valid rows (precomputed product lists) */
  private buildBand(rows: Int32Array, mp: number, y: Float64Array, sw: Float64Array): void {
    const { G, band: target, rhs, gbuf, bw1, entStart, entIdx, entA, entB } = this;
    const contiguous = this.useB; // B rows cover consecutive intervals
    target.fill(0);
    rhs.fill(0);
    for (let r = 0; r < mp; r++) {
      const i = rows[r];
      const s = sw[i];
      const c0 = G.start[i];
      const len = G.start[i + 1] - c0;
      if (contiguous && len <= 3) {
        // unrolled products for the common short pairs
        const col = G.col[c0];
        const ywi = s === 1 ? y[i] : Math.fround(y[i] * s);
        const g0 = s === 1 ? G.val[c0] : Math.fround(G.val[c0] * s);
        const d0 = col * bw1;
        target[d0] += g0 * g0;
        rhs[col] += g0 * ywi;
        if (len >= 2) {
          const g1 = s === 1 ? G.val[c0 + 1] : Math.fround(G.val[c0 + 1] * s);
          const d1 = d0 + bw1;
          target[d1] += g1 * g1;
          target[d1 + 1] += g1 * g0;
          rhs[col + 1] += g1 * ywi;
          if (len === 3) {
            const g2 = s === 1 ? G.val[c0 + 2] : Math.fround(G.val[c0 + 2] * s);
            const d2 = d1 + bw1;
            target[d2] += g2 * g2;
            target[d2 + 1] += g2 * g1;
            target[d2 + 2] += g2 * g0;
            rhs[col + 2] += g2 * ywi;
          }
        }
        continue;
      }
      if (s === 1) for (let a = 0; a < len; a++) gbuf[a] = G.val[c0 + a];
      else for (let a = 0; a < len; a++) gbuf[a] = Math.fround(G.val[c0 + a] * s);
      const ywi = s === 1 ? y[i] : Math.fround(y[i] * s);
      for (let a = 0; a < len; a++) rhs[G.col[c0 + a]] += gbuf[a] * ywi;
      for (let e = entStart[i]; e < entStart[i + 1]; e++) target[entIdx[e]] += gbuf[entA[e]] * gbuf[entB[e]];
    }
  }

  /** dense weighted normal equations (bw = n − 1) over the valid rows, for the null-space solve */
  private buildDense(rows: Int32Array, mp: number, y: Float64Array, sw: Float64Array): void {
    const { G, full, rhs, gbuf, n } = this;
    full.fill(0);
    rhs.fill(0);
    for (let r = 0; r < mp; r++) {
      const i = rows[r];
      const s = sw[i];
      const c0 = G.start[i];
      const c1 = G.start[i + 1];
      for (let c = c0; c < c1; c++) gbuf[c - c0] = s === 1 ? G.val[c] : Math.fround(G.val[c] * s);
      const ywi = s === 1 ? y[i] : Math.fround(y[i] * s);
      for (let a = c0; a < c1; a++) {
        const ca = G.col[a];
        const ga = gbuf[a - c0];
        rhs[ca] += ga * ywi;
        for (let b = c0; b <= a; b++) full[ca * n + (ca - G.col[b])] += ga * gbuf[b - c0];
      }
    }
  }

  /**
   * Add Σ_K s·z_K z_Kᵀ to `full`, for every component K of the valid-pair graph without the reference
   * date: with B (velocity) z_K,k = (1_K(k+1) − 1_K(k))/Δt_k; with A (phase) z_K = 1_K on A's columns.
   * s scales zzᵀ to the size of the normal matrix. Uses the union-find state of the current pixel.
   */
  private addNullSpace(comps: number, uf: UnionFind): void {
    const { full, n, N, compRoot, zvec, tbaseDiff, refDateIdx, useB } = this;
    const fw = n; // band width + 1 of `full`
    let tr = 0;
    for (let j = 0; j < n; j++) tr += full[j * fw];
    const scaleBase = tr > 0 ? tr / n : 1;
    const refRoot = useB ? uf.find(0) : uf.find(refDateIdx);
    for (let d = 0; d < N; d++) compRoot[d] = uf.find(d);
    let done = 0;
    for (let d = 0; d < N && done < comps - 1; d++) {
      const root = compRoot[d];
      if (root === refRoot) continue;
      // process each component once, at its first date
      let seen = false;
      for (let e = 0; e < d; e++)
        if (compRoot[e] === root) {
          seen = true;
          break;
        }
      if (seen) continue;
      done++;
      let nz = 0;
      if (useB) {
        for (let k = 0; k < n; k++) {
          const v = ((compRoot[k + 1] === root ? 1 : 0) - (compRoot[k] === root ? 1 : 0)) / tbaseDiff[k];
          zvec[k] = v;
          nz += v * v;
        }
      } else {
        for (let dd = 0; dd < N; dd++) {
          if (dd === refDateIdx) continue;
          const c = dd < refDateIdx ? dd : dd - 1;
          zvec[c] = compRoot[dd] === root ? 1 : 0;
          nz += zvec[c];
        }
      }
      const sc = scaleBase / nz;
      for (let j = 0; j < n; j++) {
        const zj = zvec[j] * sc;
        if (zj === 0) continue;
        for (let k = 0; k <= j; k++) full[j * fw + (j - k)] += zj * zvec[k];
      }
    }
  }
}
