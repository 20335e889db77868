/**
 * Cholesky factorisation and solve of a symmetric positive-definite band matrix (lower band storage).
 *
 * Storage: element (j, k) with k ≤ j and j − k ≤ bw lives at `a[j·(bw+1) + (j − k)]` (diagonal at offset 0).
 * With bw ≥ n − 1 this is an ordinary dense Cholesky. Cost O(n·bw²). Used for normal equations of
 * SBAS networks, whose bandwidth is the longest pair span (in acquisitions), usually 2–5.
 */

/** Index of (j, k), k ≤ j, in lower band storage. */
export function bandIndex(j: number, k: number, bw: number): number {
  return j * (bw + 1) + (j - k);
}

/**
 * In-place L·Lᵀ factorisation. Returns false (matrix left partly overwritten) when a pivot is not
 * positive or falls below `relTol` times the original diagonal entry — the caller then falls back to
 * a rank-revealing solver.
 */
export function bandCholesky(a: Float64Array, n: number, bw: number, relTol = 1e-12): boolean {
  const w = bw + 1;
  for (let j = 0; j < n; j++) {
    const k0 = j > bw ? j - bw : 0;
    for (let k = k0; k <= j; k++) {
      // s = a[j][k] − Σ_{p} L[j][p]·L[k][p], p from max(j,k)-bw .. k−1 → max(k0, k−bw)
      let s = a[j * w + (j - k)];
      const p0 = k0 > k - bw ? k0 : k - bw;
      for (let p = p0 < 0 ? 0 : p0; p < k; p++) s -= a[j * w + (j - p)] * a[k * w + (k - p)];
      if (k === j) {
        const d = a[j * w];
        if (!(s > relTol * d) || !(s > 0)) return false;
        a[j * w] = Math.sqrt(s);
      } else {
        a[j * w + (j - k)] = s / a[k * w];
      }
    }
  }
  return true;
}

/** Solve L·Lᵀ·x = b in place (b becomes x) with a factor from `bandCholesky`. */
export function bandCholeskySolve(l: Float64Array, n: number, bw: number, b: Float64Array): void {
  const w = bw + 1;
  // forward: L y = b
  for (let j = 0; j < n; j++) {
    let s = b[j];
    const k0 = j > bw ? j - bw : 0;
    for (let k = k0; k < j; k++) s -= l[j * w + (j - k)] * b[k];
    b[j] = s / l[j * w];
  }
  // backward: Lᵀ x = y
  for (let j = n - 1; j >= 0; j--) {
    let s = b[j];
    const k1 = j + bw < n - 1 ? j + bw : n - 1;
    for (let k = j + 1; k <= k1; k++) s -= l[k * w + (k - j)] * b[k];
    b[j] = s / l[j * w];
  }
}
