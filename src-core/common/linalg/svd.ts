/**
 * One-sided (Hestenes) Jacobi SVD in float64, and the minimum-norm least-squares solve built on it.
 *
 * `lstsqMinNorm(..., rcond)` is the equivalent of LAPACK gelsd / `scipy.linalg.lstsq(a, b, cond=rcond)`:
 * singular values s_i < rcond·s_max are treated as zero and the minimum-norm solution is returned.
 * One-sided Jacobi is slower than Golub–Kahan but small, dependency-free and accurate to a few ulps in the
 * singular values (relative accuracy even for tiny ones), which is what a rank cut-off needs.
 *
 * Matrices are dense, row-major Float64Arrays.
 */

export interface Svd {
  /** number of rows / columns of the input */
  m: number;
  n: number;
  /** singular values, length n, sorted descending (zeros included when m < n) */
  s: Float64Array;
  /** left singular vectors, m × n row-major; column i is u_i (zero column where s_i == 0) */
  u: Float64Array;
  /** right singular vectors, n × n row-major; column i is v_i */
  v: Float64Array;
}

/** Scratch space for `svdJacobi` so hot loops need not allocate. Sized for m × n. */
export class SvdWorkspace {
  readonly w: Float64Array; // working copy, column-major m × n
  readonly v: Float64Array; // n × n, column-major
  readonly s: Float64Array;
  readonly order: Int32Array;
  constructor(
    readonly maxM: number,
    readonly maxN: number,
  ) {
    this.w = new Float64Array(maxM * maxN);
    this.v = new Float64Array(maxN * maxN);
    this.s = new Float64Array(maxN);
    this.order = new Int32Array(maxN);
  }
}

const EPS = 2.220446049250313e-16;

/**
 * Core one-sided Jacobi on a column-major working copy. After the call, ws.w holds U·Σ (columns
 * mutually orthogonal), ws.v holds V (column-major), ws.s the column norms (unsorted).
 */
function jacobiCore(ws: SvdWorkspace, m: number, n: number, maxSweeps = 60): void {
  const { w, v, s } = ws;
  for (let i = 0; i < n * n; i++) v[i] = 0;
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const op = p * m;
      for (let q = p + 1; q < n; q++) {
        const oq = q * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < m; k++) {
          const a = w[op + k];
          const b = w[oq + k];
          alpha += a * a;
          beta += b * b;
          gamma += a * b;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let k = 0; k < m; k++) {
          const a = w[op + k];
          const b = w[oq + k];
          w[op + k] = c * a - sn * b;
          w[oq + k] = sn * a + c * b;
        }
        const vp = p * n;
        const vq = q * n;
        for (let k = 0; k < n; k++) {
          const a = v[vp + k];
          const b = v[vq + k];
          v[vp + k] = c * a - sn * b;
          v[vq + k] = sn * a + c * b;
        }
      }
    }
    if (!rotated) break;
  }
  for (let j = 0; j < n; j++) {
    let ss = 0;
    const o = j * m;
    for (let k = 0; k < m; k++) ss += w[o + k] * w[o + k];
    s[j] = Math.sqrt(ss);
  }
}

/** Load a row-major m × n matrix into the workspace (column-major). */
function load(ws: SvdWorkspace, a: ArrayLike<number>, m: number, n: number): void {
  if (m > ws.maxM || n > ws.maxN) throw new Error(`SvdWorkspace too small: ${m}×${n} > ${ws.maxM}×${ws.maxN}`);
  const w = ws.w;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j];
}

/** Full thin SVD a = U Σ Vᵀ of a row-major m × n matrix. */
export function svdJacobi(a: ArrayLike<number>, m: number, n: number, ws = new SvdWorkspace(m, n)): Svd {
  load(ws, a, m, n);
  jacobiCore(ws, m, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => ws.s[y] - ws.s[x]);
  const s = new Float64Array(n);
  const u = new Float64Array(m * n);
  const v = new Float64Array(n * n);
  order.forEach((j, col) => {
    s[col] = ws.s[j];
    for (let k = 0; k < n; k++) v[k * n + col] = ws.v[j * n + k];
    if (ws.s[j] > 0) for (let k = 0; k < m; k++) u[k * n + col] = ws.w[j * m + k] / ws.s[j];
  });
  return { m, n, s, u, v };
}

/**
 * Minimum-norm least squares min ‖a·x − b‖ with the gelsd rank rule (s_i < rcond·s_max dropped).
 * a: row-major m × n; b: m values (one right-hand side); x written to `out` (length n).
 * Returns the effective rank.
 */
export function lstsqMinNorm(
  a: ArrayLike<number>,
  m: number,
  n: number,
  b: ArrayLike<number>,
  out: Float64Array,
  rcond: number,
  ws = new SvdWorkspace(m, n),
): number {
  load(ws, a, m, n);
  jacobiCore(ws, m, n);
  const { w, v, s } = ws;
  let smax = 0;
  for (let j = 0; j < n; j++) if (s[j] > smax) smax = s[j];
  const cut = rcond * smax;
  for (let k = 0; k < n; k++) out[k] = 0;
  let rank = 0;
  for (let j = 0; j < n; j++) {
    const sj = s[j];
    if (!(sj > cut) || sj === 0) continue;
    rank++;
    // (U Σ)_j · b / s_j² = u_jᵀ b / s_j
    let d = 0;
    const o = j * m;
    for (let k = 0; k < m; k++) d += w[o + k] * b[k];
    d /= sj * sj;
    const vo = j * n;
    for (let k = 0; k < n; k++) out[k] += v[vo + k] * d;
  }
  return rank;
}

/**
 * Moore–Penrose pseudo-inverse (n × m row-major) with the rank rule of `lstsqMinNorm`.
 * Returns the matrix and the effective rank.
 */
export function pinv(a: ArrayLike<number>, m: number, n: number, rcond: number): { p: Float64Array; rank: number } {
  const ws = new SvdWorkspace(m, n);
  load(ws, a, m, n);
  jacobiCore(ws, m, n);
  const { w, v, s } = ws;
  let smax = 0;
  for (let j = 0; j < n; j++) if (s[j] > smax) smax = s[j];
  const cut = rcond * smax;
  const p = new Float64Array(n * m);
  let rank = 0;
  for (let j = 0; j < n; j++) {
    const sj = s[j];
    if (!(sj > cut) || sj === 0) continue;
    rank++;
    const inv2 = 1 / (sj * sj);
    for (let r = 0; r < n; r++) {
      const vr = v[j * n + r] * inv2;
      if (vr === 0) continue;
      const o = r * m;
      for (let k = 0; k < m; k++) p[o + k] += vr * w[j * m + k];
    }
  }
  return { p, rank };
}
