/**
 * diag((GᵀG)⁻¹) exactly as MintPy 1.5.1 computes it for the residue uncertainty of timeseries2velocity:
 *
 *     G_inv = scipy.linalg.inv(np.dot(G.T, G))          # G float32 → everything float32
 *     m_std = sqrt(diag(G_inv) · e2 / (N − P))
 *
 * Why this exists: GᵀG squares the condition number of G. With exp/log columns cond(GᵀG) reaches 1e4–1e6, and
 * MintPy's float32 inverse carries a relative error of about cond(GᵀG)·2⁻²⁴ in every diagonal entry — 1.4e-4
 * for the model (polynomial 1, annual + semi-annual, a step, exp 20180601/60 d, log 20180801/90 d),
 * uniform over the pixels because G is common to all of them. The float64 diagonal is the mathematically exact
 * one; to give the numbers MintPy gives, this module replays MintPy's float32 arithmetic operation by operation.
 *
 * What is replayed (Debian's OpenBLAS 0.3.21, the SkylakeX/Cooperlake kernels of the development machines,
 * which numpy and scipy call):
 *  - `np.dot(G.T, G)` → ssyrk: per entry, float32 fused multiply-adds in date order, in K chunks of at most 320
 *    dates (syrk_k.c: a remainder between 320 and 640 splits in two halves, the first ⌈K/2⌉) added together;
 *  - `scipy.linalg.inv` → LAPACK sgetrf + sgetri. For n ≤ 17 OpenBLAS's getrf is its unblocked left-looking
 *    getf2 (strided sdot with a double accumulator, sgemv_n, isamax, scaling by the reciprocal pivot); sgetri
 *    inverts U with strtri → trti2 (trmv by saxpy) and then solves inv(A)·L = inv(U) column by column (sgemv_n);
 *  - sgemv_n for n ≤ 48 columns, n ≠ 4 (the AVX-512 kernel): per row, a float32 FMA chain over the columns,
 *    then y = fma(acc, α, y); for exactly 4 columns the Haswell 4×4 kernel (two accumulators for the 4- and
 *    8-row blocks, one per row for 16-row blocks, a scalar FMA chain for the last m mod 4 rows).
 * test/core/timefunc.expLog.parity.test.ts asserts it bit for bit against scipy on this machine: 114 MintPy
 * design matrices (P = 2 … 17, 12 … 30 dates) and GᵀG of 300 … 1500 dates. For P ≥ 18 OpenBLAS switches to its blocked recursive getrf, which is not
 * replayed: `mintpyGramInvDiag` returns null and the caller uses the float64 diagonal (closer to MintPy's on
 * average than another float32 rounding sequence would be). Other OpenBLAS kernels (Haswell, Zen) round
 * differently and change MintPy's own stds by up to about cond(GᵀG)·2⁻²⁴.
 */

const f32 = Math.fround;

// scratch for reading a double's bits (midpoint test of fma32)
const scratch = new DataView(new ArrayBuffer(8));

/**
 * float32 fused multiply-add a·b + c with a single rounding (a, b, c float32 values). a·b is exact in
 * float64; the sum is rounded once to float64 and once to float32, which is wrong only when the float64 sum
 * lands exactly on a float32 rounding midpoint — then the sign of the float64 rounding error decides.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f32(s);
  if (r === s || !Number.isFinite(s)) return r;
  scratch.setFloat64(0, s);
  // a float32 midpoint has its float64 mantissa's low 29 bits equal to 1 followed by 28 zeros
  if ((scratch.getUint32(4) & 0x1fffffff) !== 0x10000000) return r;
  // TwoSum: the exact p + c = s + e
  const bb = s - p;
  const e = p - (s - bb) + (c - bb);
  if (e === 0) return r; // a true tie: round half to even, as fround did
  const h = Math.abs(r - s);
  return e > 0 ? f32(s + h) : f32(s - h);
}

/** syrk's split of the K (date) dimension: chunk lengths, as OpenBLAS 0.3.21 driver/level3/syrk_k.c. */
function syrkChunks(K: number, Q = 320): number[] {
  const out: number[] = [];
  let ls = 0;
  while (ls < K) {
    let m = K - ls;
    if (m >= 2 * Q) m = Q;
    else if (m > Q) m = (m + 1) >> 1;
    out.push(m);
    ls += m;
  }
  return out;
}

/**
 * GᵀG as float32 `np.dot(G.T, G)` gives it (G row-major N × P holding float32 values). Returns P × P,
 * symmetric (so row- and column-major alike).
 */
export function gramFloat32(G: ArrayLike<number>, N: number, P: number): Float32Array {
  const A = new Float32Array(P * P);
  const chunks = syrkChunks(N);
  for (let i = 0; i < P; i++)
    for (let j = i; j < P; j++) {
      let c = 0;
      let k0 = 0;
      chunks.forEach((len, ci) => {
        let acc = 0;
        for (let k = k0; k < k0 + len; k++) acc = fma32(G[k * P + i], G[k * P + j], acc);
        c = ci === 0 ? acc : f32(c + acc);
        k0 += len;
      });
      A[i * P + j] = c;
      A[j * P + i] = c;
    }
  return A;
}

/** OpenBLAS sgemv_n: y[yo + i] += α·Σ_j a[ao + j·lda + i]·x[xo + j], i < m, j < n (see the header). */
function sgemvN(
  m: number,
  n: number,
  alpha: number,
  a: Float32Array,
  ao: number,
  lda: number,
  x: Float32Array,
  xo: number,
  y: Float32Array,
  yo: number,
): void {
  if (m < 1 || n < 1) return;
  if (n !== 4) {
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc = fma32(a[ao + j * lda + i], x[xo + j], acc);
      y[yo + i] = fma32(acc, alpha, y[yo + i]);
    }
    return;
  }
  const col = (j: number, r: number) => a[ao + j * lda + r];
  const x0 = x[xo];
  const x1 = x[xo + 1];
  const x2 = x[xo + 2];
  const x3 = x[xo + 3];
  const twoAcc = (r: number) => {
    const a4 = fma32(col(2, r), x2, fma32(col(0, r), x0, 0));
    const a5 = fma32(col(3, r), x3, fma32(col(1, r), x1, 0));
    y[yo + r] = f32(y[yo + r] + f32(f32(a4 + a5) * alpha));
  };
  const oneAcc = (r: number) => {
    let acc = 0;
    for (let j = 0; j < 4; j++) acc = fma32(col(j, r), x[xo + j], acc);
    y[yo + r] = fma32(alpha, acc, y[yo + r]);
  };
  const nb = m - (m & 3);
  let i = 0;
  if (nb & 4) {
    for (let r = i; r < i + 4; r++) twoAcc(r);
    i += 4;
  }
  if (nb & 8) {
    for (let r = i; r < i + 8; r++) twoAcc(r);
    i += 8;
  }
  for (; i < nb; i++) oneAcc(i);
  // the last m mod 4 rows: the kernel's scalar loop (its lda == m special cases need lda ≤ 3 < n + 1)
  for (let r = nb; r < m; r++) oneAcc(r);
}

/**
 * inv(A) of a float32 n × n matrix (column-major) as scipy.linalg.inv → OpenBLAS sgetrf (getf2) + sgetri
 * computes it, for n ≤ 17 (see the header). Returns null when a pivot is exactly zero (scipy raises).
 */
export function invFloat32(A: Float32Array, n: number): Float32Array | null {
  const a = Float32Array.from(A);
  const ipiv = new Int32Array(n);
  // getf2: left-looking LU with partial pivoting
  for (let j = 0; j < n; j++) {
    const b = j * n;
    for (let i = 0; i < j; i++) {
      const ip = ipiv[i];
      if (ip !== i) {
        const t = a[b + i];
        a[b + i] = a[b + ip];
        a[b + ip] = t;
      }
    }
    for (let i = 1; i < j; i++) {
      // sdot(i, row i of L (stride n), column j): float32 pairs, accumulated in float64
      let d = 0;
      let k = 0;
      for (; k + 1 < i; k += 2) d += fma32(a[b + k], a[k * n + i], f32(a[b + k + 1] * a[(k + 1) * n + i]));
      if (k < i) d += f32(a[b + k] * a[k * n + i]);
      a[b + i] = f32(a[b + i] - f32(d));
    }
    sgemvN(n - j, j, -1, a, j, n, a, b, a, b + j);
    let jp = j;
    let best = Math.abs(a[b + j]);
    for (let i = j + 1; i < n; i++)
      if (Math.abs(a[b + i]) > best) {
        best = Math.abs(a[b + i]);
        jp = i;
      }
    ipiv[j] = jp;
    const piv = a[b + jp];
    if (piv === 0) return null;
    const r = f32(1 / piv);
    if (jp !== j)
      for (let k = 0; k <= j; k++) {
        const t = a[k * n + j];
        a[k * n + j] = a[k * n + jp];
        a[k * n + jp] = t;
      }
    for (let k = j + 1; k < n; k++) a[b + k] = f32(a[b + k] * r);
  }
  // strtri → trti2 (upper, non-unit): column j of inv(U) = −inv(U_jj)·inv(U[0:j,0:j])·U[0:j,j]
  for (let j = 0; j < n; j++) {
    const cj = j * n;
    const ajj = f32(1 / a[cj + j]);
    a[cj + j] = ajj;
    for (let i = 0; i < j; i++) {
      const xi = a[cj + i];
      for (let k = 0; k < i; k++) a[cj + k] = fma32(xi, a[i * n + k], a[cj + k]);
      a[cj + i] = f32(xi * a[i * n + i]);
    }
    const nj = -ajj;
    for (let k = 0; k < j; k++) a[cj + k] = f32(a[cj + k] * nj);
  }
  // sgetri, unblocked (n < 64): inv(A)·L = inv(U), right to left
  const work = new Float32Array(n);
  for (let j = n - 1; j >= 0; j--) {
    for (let i = j + 1; i < n; i++) {
      work[i] = a[j * n + i];
      a[j * n + i] = 0;
    }
    if (j < n - 1) sgemvN(n, n - 1 - j, -1, a, (j + 1) * n, n, work, j + 1, a, j * n);
  }
  for (let j = n - 2; j >= 0; j--) {
    const jp = ipiv[j];
    if (jp !== j)
      for (let k = 0; k < n; k++) {
        const t = a[j * n + k];
        a[j * n + k] = a[jp * n + k];
        a[jp * n + k] = t;
      }
  }
  return a;
}

/** Largest P whose inverse is replayed bit for bit (OpenBLAS uses getf2 up to here). */
export const MAX_REPLAYED_PARAMS = 17;

/**
 * diag of MintPy's float32 inv(GᵀG) for G (row-major N × P, float32 values), or null where it is not
 * replayed (P > 17) or scipy would fail (a zero pivot).
 */
export function mintpyGramInvDiag(G: ArrayLike<number>, N: number, P: number): Float32Array | null {
  if (P > MAX_REPLAYED_PARAMS) return null;
  const inv = invFloat32(gramFloat32(G, N, P), P);
  if (!inv) return null;
  const d = new Float32Array(P);
  for (let k = 0; k < P; k++) d[k] = inv[k * P + k];
  return d;
}
