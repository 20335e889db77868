import { describe, expect, it } from 'vitest';
import { bandCholesky, bandCholeskySolve, bandIndex } from '../../src-core/common/linalg/bandCholesky';
import { lstsqMinNorm, pinv, svdJacobi } from '../../src-core/common/linalg/svd';

/** deterministic pseudo-random numbers in [-1, 1) */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) c[i * n + j] += a[i * k + t] * b[t * n + j];
  return c;
}

describe('linalg: one-sided Jacobi SVD', () => {
  it('singular values of [[3,0],[4,5]] are √45 and √5', () => {
    const { s } = svdJacobi([3, 0, 4, 5], 2, 2);
    expect(s[0]).toBeCloseTo(Math.sqrt(45), 13);
    expect(s[1]).toBeCloseTo(Math.sqrt(5), 13);
  });

  it('reconstructs a random 9×5 matrix with orthonormal U, V', () => {
    const r = lcg(1);
    const m = 9;
    const n = 5;
    const a = Float64Array.from({ length: m * n }, r);
    const { u, s, v } = svdJacobi(a, m, n);
    for (let i = 1; i < n; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
    const us = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) us[i * n + j] = u[i * n + j] * s[j];
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[i * n + j] = v[j * n + i];
    const back = matmul(us, vt, m, n, n);
    let err = 0;
    for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs(back[i] - a[i]));
    expect(err).toBeLessThan(1e-13);
    // VᵀV = I, UᵀU = I
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let dv = 0;
        let du = 0;
        for (let k = 0; k < n; k++) dv += v[k * n + i] * v[k * n + j];
        for (let k = 0; k < m; k++) du += u[k * n + i] * u[k * n + j];
        expect(dv).toBeCloseTo(i === j ? 1 : 0, 12);
        expect(du).toBeCloseTo(i === j ? 1 : 0, 12);
      }
  });

  it('Hilbert 6×6: smallest singular value to high relative accuracy', () => {
    const n = 6;
    const h = Float64Array.from({ length: n * n }, (_, k) => 1 / (Math.floor(k / n) + (k % n) + 1));
    const { s } = svdJacobi(h, n, n);
    // known: σ_max(H6) = 1.6188998589243, σ_min(H6) = 1.0827994845e-7
    expect(s[0]).toBeCloseTo(1.6188998589243, 11);
    expect(Math.abs(s[5] - 1.0827994845e-7) / 1.0827994845e-7).toBeLessThan(1e-6);
  });
});

describe('linalg: minimum-norm least squares (gelsd rule)', () => {
  it('rank-1 [[1,1],[1,1]]·x = [2,2] → x = [1,1] (minimum norm)', () => {
    const x = new Float64Array(2);
    const rank = lstsqMinNorm([1, 1, 1, 1], 2, 2, [2, 2], x, 1e-5);
    expect(rank).toBe(1);
    expect(x[0]).toBeCloseTo(1, 14);
    expect(x[1]).toBeCloseTo(1, 14);
  });

  it('full-rank overdetermined system equals the normal-equation solution', () => {
    const r = lcg(7);
    const m = 12;
    const n = 4;
    const a = Float64Array.from({ length: m * n }, r);
    const b = Float64Array.from({ length: m }, r);
    const x = new Float64Array(n);
    expect(lstsqMinNorm(a, m, n, b, x, 1e-5)).toBe(n);
    // AᵀA x = Aᵀb
    for (let j = 0; j < n; j++) {
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < m; i++) {
        let ax = 0;
        for (let k = 0; k < n; k++) ax += a[i * n + k] * x[k];
        lhs += a[i * n + j] * ax;
        rhs += a[i * n + j] * b[i];
      }
      expect(lhs).toBeCloseTo(rhs, 12);
    }
  });

  it('drops singular values below rcond·s_max', () => {
    // diag(1, 1e-6): with rcond 1e-5 the second direction is cut, with 1e-7 it is kept
    const a = [1, 0, 0, 1e-6];
    const x = new Float64Array(2);
    expect(lstsqMinNorm(a, 2, 2, [3, 1e-6], x, 1e-5)).toBe(1);
    expect(Array.from(x)).toEqual([3, 0]);
    expect(lstsqMinNorm(a, 2, 2, [3, 1e-6], x, 1e-7)).toBe(2);
    expect(x[1]).toBeCloseTo(1, 9);
  });

  it('underdetermined (m < n): minimum-norm solution', () => {
    // x1 + 2 x2 + 2 x3 = 9 → x = 9·[1,2,2]/9 = [1,2,2]
    const x = new Float64Array(3);
    expect(lstsqMinNorm([1, 2, 2], 1, 3, [9], x, 1e-5)).toBe(1);
    expect(x[0]).toBeCloseTo(1, 13);
    expect(x[1]).toBeCloseTo(2, 13);
    expect(x[2]).toBeCloseTo(2, 13);
  });

  it('pinv satisfies the Penrose conditions A·A⁺·A = A on a rank-deficient matrix', () => {
    const r = lcg(3);
    const m = 6;
    const n = 4;
    const b = Float64Array.from({ length: m * 2 }, r);
    const c = Float64Array.from({ length: 2 * n }, r);
    const a = matmul(b, c, m, 2, n); // rank 2
    const { p, rank } = pinv(a, m, n, 1e-10);
    expect(rank).toBe(2);
    const apa = matmul(matmul(a, p, m, n, m), a, m, m, n);
    for (let i = 0; i < m * n; i++) expect(apa[i]).toBeCloseTo(a[i], 12);
    const pap = matmul(matmul(p, a, n, m, n), p, n, n, m);
    for (let i = 0; i < m * n; i++) expect(pap[i]).toBeCloseTo(p[i], 10);
  });
});

describe('linalg: band Cholesky', () => {
  it('solves an SPD band system (bw 2) like the dense solve, and dense when bw = n − 1', () => {
    const r = lcg(11);
    const n = 9;
    for (const bw of [2, n - 1]) {
      // A = GᵀG + I with G banded
      const dense = new Float64Array(n * n);
      for (let i = 0; i < n; i++) dense[i * n + i] = 1;
      for (let row = 0; row < n; row++) {
        const g = new Float64Array(n);
        for (let k = row; k <= Math.min(n - 1, row + bw); k++) g[k] = r();
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dense[i * n + j] += g[i] * g[j];
      }
      const band = new Float64Array(n * (bw + 1));
      for (let j = 0; j < n; j++)
        for (let k = Math.max(0, j - bw); k <= j; k++) band[bandIndex(j, k, bw)] = dense[j * n + k];
      const xTrue = Float64Array.from({ length: n }, r);
      const b = matmul(dense, xTrue, n, n, 1);
      expect(bandCholesky(band, n, bw)).toBe(true);
      bandCholeskySolve(band, n, bw, b);
      for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(xTrue[i], 11);
    }
  });

  it('reports a singular matrix instead of returning garbage', () => {
    // [[1,1],[1,1]] is singular
    const band = Float64Array.from([1, 0, 1, 1]); // (0,0)=1; (1,1)=1, (1,0)=1 with bw 1
    expect(bandCholesky(band, 2, 1)).toBe(false);
  });
});

describe('linalg: fast exp(j·e) sums', () => {
  it('sin/cos agree with Math.sin/Math.cos to 1e-10 over ±1000 rad', async () => {
    const { fastSinCos, absSumCis } = await import('../../src-core/common/linalg/cis');
    const r = lcg(5);
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      const e = r() * (i < 10000 ? 4 : 1000);
      const [s, c] = fastSinCos(e);
      worst = Math.max(worst, Math.abs(s - Math.sin(e)), Math.abs(c - Math.cos(e)));
    }
    expect(worst, `max error ${worst.toExponential(2)}`).toBeLessThan(1e-10);
    for (const e of [0, Math.PI, -Math.PI, Math.PI / 2, 2 * Math.PI]) {
      const [s, c] = fastSinCos(e);
      expect(s).toBeCloseTo(Math.sin(e), 9);
      expect(c).toBeCloseTo(Math.cos(e), 9);
    }
    const e = Float64Array.from({ length: 50 }, () => r() * 3);
    let re = 0;
    let im = 0;
    for (const v of e) {
      re += Math.cos(v);
      im += Math.sin(v);
    }
    expect(absSumCis(e, 50)).toBeCloseTo(Math.hypot(re, im), 9);
    expect(absSumCis(new Float64Array(5), 5)).toBe(5);
  });
});

describe('linalg: sparse Cholesky with a precomputed pattern', () => {
  it('solves SPD systems on a graph pattern like a dense solve; fill follows the minimum-degree order', async () => {
    const {
      analyzeCholesky,
      choleskyFactor,
      choleskySolve,
      choleskySolvePermuted,
      compileCholesky,
      slotOf,
      minimumDegreeOrder,
    } = await import('../../src-core/common/linalg/sparseCholesky');
    const r0 = lcg(17);
    const r = () => (r0() + 1) / 2; // [0, 1)
    const n = 30;
    // nearest-3 chain plus long edges 0–29, 5–25, 10–28
    const edges: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 1; k <= 3 && i + k < n; k++) edges.push(i, i + k);
    edges.push(0, 29, 5, 25, 10, 28);
    const pat = analyzeCholesky(n, edges);
    expect(Array.from(pat.perm).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(pat.nnz).toBeLessThan(8 * n); // dense would be 465
    for (let trial = 0; trial < 5; trial++) {
      // weighted Laplacian + diagonal shift (SPD)
      const A = new Float64Array(n * n);
      for (let e = 0; e < edges.length; e += 2) {
        const [a, b] = [edges[e], edges[e + 1]];
        const w = 0.1 + 10 * r();
        A[a * n + a] += w;
        A[b * n + b] += w;
        A[a * n + b] -= w;
        A[b * n + a] -= w;
      }
      for (let i = 0; i < n; i++) A[i * n + i] += 0.01 + r();
      const l = new Float64Array(pat.nnz);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          if (A[i * n + j] === 0) continue;
          const s = slotOf(pat, i, j);
          expect(s).toBeGreaterThanOrEqual(0);
          l[s] += A[i * n + j];
        }
      const b = Float64Array.from({ length: n }, () => r() - 0.5);
      // the generated straight-line code gives bit-identical factors and solutions
      const compiled = compileCholesky(pat)!;
      expect(compiled).not.toBeNull();
      const l2 = l.slice();
      expect(compiled.factor(l2, 1e-12)).toBe(true);
      expect(choleskyFactor(pat, l)).toBe(true);
      expect(Array.from(l2)).toEqual(Array.from(l));
      // … also when the generated code is cut into many small functions
      const chunked = compileCholesky(pat, 200000, 15)!;
      const lc = new Float64Array(pat.nnz);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) if (A[i * n + j] !== 0) lc[slotOf(pat, i, j)] += A[i * n + j];
      expect(chunked.factor(lc, 1e-12)).toBe(true);
      expect(Array.from(lc)).toEqual(Array.from(l));
      const bp = new Float64Array(n);
      for (let i = 0; i < n; i++) bp[pat.iperm[i]] = b[i];
      const bp2 = bp.slice();
      const bp3 = bp.slice();
      choleskySolvePermuted(pat, l, bp);
      compiled.solve(l, bp2);
      chunked.solve(l, bp3);
      expect(Array.from(bp2)).toEqual(Array.from(bp));
      expect(Array.from(bp3)).toEqual(Array.from(bp));
      const x = choleskySolve(pat, l, b);
      let res = 0;
      for (let i = 0; i < n; i++) {
        let s = -b[i];
        for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
        res = Math.max(res, Math.abs(s));
      }
      expect(res, `residual ${res}`).toBeLessThan(1e-11);
    }
    // a pure Laplacian (singular: constant null vector) fails the pivot test instead of returning garbage
    const l = new Float64Array(pat.nnz);
    for (let e = 0; e < edges.length; e += 2) {
      l[slotOf(pat, edges[e], edges[e])] += 1;
      l[slotOf(pat, edges[e + 1], edges[e + 1])] += 1;
      l[slotOf(pat, edges[e], edges[e + 1])] -= 1;
    }
    expect(compileCholesky(pat)!.factor(l.slice(), 1e-12)).toBe(false);
    expect(choleskyFactor(pat, l)).toBe(false);
    expect(compileCholesky(pat, 10)).toBeNull(); // larger than maxOps: interpreted
    // entries outside the pattern have no slot; a path graph is ordered from its ends (no fill)
    expect(slotOf(pat, 0, 15)).toBe(-1);
    const path = analyzeCholesky(6, [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(path.nnz).toBe(6 + 5);
    expect(Array.from(minimumDegreeOrder(3, [0, 1, 1, 2]))).toEqual([0, 1, 2]);
  });
});

describe('linalg: table sin/cos', () => {
  it('negative, large and huge angles (whole-turn reduction) to 1e-10', async () => {
    const { fastSinCos, absSumCis } = await import('../../src-core/common/linalg/cis');
    for (const e of [-0.3, -3.2, -1000.7, 9999.9, -12345.6, 3e7 + 0.25, -5e8]) {
      const [s, c] = fastSinCos(e);
      expect(Math.abs(s - Math.sin(e)), `sin ${e}`).toBeLessThan(1e-10 * Math.max(1, Math.abs(e) / 1e4));
      expect(Math.abs(c - Math.cos(e)), `cos ${e}`).toBeLessThan(1e-10 * Math.max(1, Math.abs(e) / 1e4));
    }
    expect(absSumCis(Float64Array.from([Math.PI, 0]), 2)).toBeCloseTo(0, 12);
  });
});
