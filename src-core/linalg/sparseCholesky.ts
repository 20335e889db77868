/**
 * Sparse Cholesky factorisation L·Lᵀ of a symmetric positive-definite matrix whose sparsity pattern is
 * known in advance and shared by many matrices (the weighted graph Laplacians of an SBAS network: one
 * pattern per network, one matrix per pixel).
 *
 * `analyzeCholesky` runs once per pattern: a minimum-degree elimination order, the fill-in of that order
 * and a flat "program" of the multiply–adds of the up-looking (row-by-row) factorisation. The numeric
 * phase (`choleskyFactor`, `choleskySolve`) then only walks precomputed index lists: its cost is the
 * number of non-zero products (O(n) for a banded network plus a few long pairs instead of the O(n·bw²)
 * of a band solver whose bandwidth one long pair blows up).
 *
 * Storage: the factor lives in one Float64Array of `nnz` values, in the permuted order, row by row; row j
 * holds its off-diagonal entries (ascending column) and then its diagonal. Matrix entries are loaded
 * into the same slots (`slotOf`) before factorising in place; unused slots must be zero.
 */

export interface CholeskyPattern {
  /** matrix order */
  n: number;
  /** perm[k] = original index of the k-th eliminated variable */
  perm: Int32Array;
  /** iperm[i] = position of original index i in the elimination order */
  iperm: Int32Array;
  /** row j (permuted) occupies slots rowPtr[j] … rowPtr[j+1]−1; the last one is the diagonal */
  rowPtr: Int32Array;
  /** permuted column of each slot */
  col: Int32Array;
  /** number of slots (non-zeros of L, diagonal included) */
  nnz: number;
  /** for each slot: range [opPtr[e], opPtr[e+1]) of (opA, opB) slot pairs whose products it subtracts */
  opPtr: Int32Array;
  opA: Int32Array;
  opB: Int32Array;
  /** for each slot: the diagonal slot of its column (the divisor of an off-diagonal entry) */
  divSlot: Int32Array;
  /** multiply–adds of one numeric factorisation */
  flops: number;
}

/**
 * Minimum-degree elimination order of the graph with `n` vertices and the given undirected edges
 * (ties broken by the lowest index, so the order is deterministic). Exact elimination-graph updates:
 * O(n³) worst case, meant for the few hundred dates of a network.
 */
export function minimumDegreeOrder(n: number, edges: ArrayLike<number>): Int32Array {
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let e = 0; e + 1 < edges.length; e += 2) {
    const a = edges[e];
    const b = edges[e + 1];
    if (a === b) continue;
    adj[a].add(b);
    adj[b].add(a);
  }
  const done = new Uint8Array(n);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let best = -1;
    let bestDeg = Infinity;
    for (let v = 0; v < n; v++)
      if (!done[v] && adj[v].size < bestDeg) {
        best = v;
        bestDeg = adj[v].size;
      }
    order[k] = best;
    done[best] = 1;
    const nb = [...adj[best]];
    for (const u of nb) adj[u].delete(best);
    for (let i = 0; i < nb.length; i++)
      for (let j = i + 1; j < nb.length; j++) {
        adj[nb[i]].add(nb[j]);
        adj[nb[j]].add(nb[i]);
      }
    adj[best].clear();
  }
  return order;
}

/**
 * Symbolic analysis for matrices of order `n` whose off-diagonal non-zeros lie on `edges`
 * (flat [i0, j0, i1, j1, …], original indices, either orientation, duplicates allowed).
 * `order` (optional) overrides the minimum-degree order.
 */
export function analyzeCholesky(n: number, edges: ArrayLike<number>, order?: Int32Array): CholeskyPattern {
  const perm = order ?? minimumDegreeOrder(n, edges);
  if (perm.length !== n) throw new Error(`analyzeCholesky: order has ${perm.length} entries for n = ${n}`);
  const iperm = new Int32Array(n);
  for (let k = 0; k < n; k++) iperm[perm[k]] = k;
  // filled graph: eliminating k connects its higher-numbered neighbours
  const lower: Set<number>[] = Array.from({ length: n }, () => new Set<number>()); // lower[j] = {k < j : L[j,k] ≠ 0}
  const upper: Set<number>[] = Array.from({ length: n }, () => new Set<number>()); // upper[k] = {j > k : L[j,k] ≠ 0}
  for (let e = 0; e + 1 < edges.length; e += 2) {
    const a = iperm[edges[e]];
    const b = iperm[edges[e + 1]];
    if (a === b) continue;
    const [hi, lo] = a > b ? [a, b] : [b, a];
    lower[hi].add(lo);
    upper[lo].add(hi);
  }
  for (let k = 0; k < n; k++) {
    const nb = [...upper[k]].sort((x, y) => x - y);
    for (let i = 0; i < nb.length; i++)
      for (let j = i + 1; j < nb.length; j++) {
        lower[nb[j]].add(nb[i]);
        upper[nb[i]].add(nb[j]);
      }
  }
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  for (let j = 0; j < n; j++) {
    const r = [...lower[j]].sort((x, y) => x - y);
    for (const k of r) cols.push(k);
    cols.push(j);
    rowPtr[j + 1] = cols.length;
  }
  const nnz = cols.length;
  const col = Int32Array.from(cols);
  const divSlot = new Int32Array(nnz);
  for (let j = 0; j < n; j++) for (let e = rowPtr[j]; e < rowPtr[j + 1]; e++) divSlot[e] = rowPtr[col[e] + 1] - 1;
  // program: slot (j,k) −= Σ_{p<k} L[j,p]·L[k,p] over the common columns of rows j and k
  const opPtr = new Int32Array(nnz + 1);
  const opA: number[] = [];
  const opB: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let e = rowPtr[j]; e < rowPtr[j + 1]; e++) {
      const k = col[e];
      let a = rowPtr[j];
      let b = rowPtr[k];
      const aEnd = rowPtr[j + 1] - 1;
      const bEnd = rowPtr[k + 1] - 1;
      while (a < aEnd && b < bEnd && col[a] < k && col[b] < k) {
        if (col[a] === col[b]) {
          opA.push(a++);
          opB.push(b++);
        } else if (col[a] < col[b]) a++;
        else b++;
      }
      opPtr[e + 1] = opA.length;
    }
  }
  return {
    n,
    perm,
    iperm,
    rowPtr,
    col,
    nnz,
    opPtr,
    opA: Int32Array.from(opA),
    opB: Int32Array.from(opB),
    divSlot,
    flops: opA.length,
  };
}

/** Slot of entry (i, j) (original indices) in the factor storage, or −1 if not in the pattern. */
export function slotOf(pat: CholeskyPattern, i: number, j: number): number {
  let a = pat.iperm[i];
  let b = pat.iperm[j];
  if (a < b) [a, b] = [b, a];
  for (let e = pat.rowPtr[a]; e < pat.rowPtr[a + 1]; e++) if (pat.col[e] === b) return e;
  return -1;
}

/**
 * Factorise in place (entries loaded into their slots, other slots 0). The diagonal slots then hold
 * 1/L_jj (multiplications instead of divisions in the factorisation and the solves). Returns false when
 * a pivot is not positive or falls below `relTol` × the matrix's diagonal entry (numerically singular:
 * the caller falls back to a rank-revealing solver).
 */
export function choleskyFactor(pat: CholeskyPattern, l: Float64Array, relTol = 1e-12): boolean {
  const { opPtr, opA, opB, divSlot, rowPtr, n } = pat;
  let e = 0;
  for (let j = 0; j < n; j++) {
    const last = rowPtr[j + 1] - 1;
    for (; e < last; e++) {
      let s = l[e];
      for (let q = opPtr[e]; q < opPtr[e + 1]; q++) s -= l[opA[q]] * l[opB[q]];
      l[e] = s * l[divSlot[e]];
    }
    const d = l[e];
    let s = d;
    for (let q = opPtr[e]; q < opPtr[e + 1]; q++) s -= l[opA[q]] * l[opB[q]];
    if (!(s > relTol * d) || !(s > 0)) return false;
    l[e] = 1 / Math.sqrt(s);
    e++;
  }
  return true;
}

/**
 * Solve L·Lᵀ·x = b for a factor from `choleskyFactor`; `b` and the result are in the PERMUTED order
 * (b[k] belongs to original index perm[k]), solved in place.
 */
export function choleskySolvePermuted(pat: CholeskyPattern, l: Float64Array, b: Float64Array): void {
  const { rowPtr, col, n } = pat;
  for (let j = 0; j < n; j++) {
    let s = b[j];
    const last = rowPtr[j + 1] - 1;
    for (let e = rowPtr[j]; e < last; e++) s -= l[e] * b[col[e]];
    b[j] = s * l[last];
  }
  for (let j = n - 1; j >= 0; j--) {
    const last = rowPtr[j + 1] - 1;
    const xj = b[j] * l[last];
    b[j] = xj;
    for (let e = rowPtr[j]; e < last; e++) b[col[e]] -= l[e] * xj;
  }
}

/** Solve L·Lᵀ·x = b in the original order (allocates a permuted copy; for tests and one-off use). */
export function choleskySolve(pat: CholeskyPattern, l: Float64Array, b: ArrayLike<number>): Float64Array {
  const w = new Float64Array(pat.n);
  for (let i = 0; i < pat.n; i++) w[pat.iperm[i]] = b[i];
  choleskySolvePermuted(pat, l, w);
  const x = new Float64Array(pat.n);
  for (let i = 0; i < pat.n; i++) x[i] = w[pat.iperm[i]];
  return x;
}

/** A factorisation and solve specialised to one pattern (straight-line code, no index arrays). */
export interface CompiledCholesky {
  /** same contract as `choleskyFactor(pat, l, relTol)` */
  factor(l: Float64Array, relTol: number): boolean;
  /** same contract as `choleskySolvePermuted(pat, l, b)` */
  solve(l: Float64Array, b: Float64Array): void;
}

/**
 * Generate straight-line JavaScript for the factorisation and the solves of one pattern: every index
 * is a constant, the right-hand side lives in local variables. About 2× faster than the interpreted
 * index lists for the ~30–300 dates of a network; the arithmetic (order of operations) is the same, so
 * the results are bit-identical to `choleskyFactor` / `choleskySolvePermuted`. Returns null when the
 * pattern is too large for generated code (`maxOps` multiply–adds) or code generation is not allowed
 * (e.g. a content-security policy): use the interpreted functions then.
 */
export function compileCholesky(pat: CholeskyPattern, maxOps = 40000): CompiledCholesky | null {
  const { n, rowPtr, col, opPtr, opA, opB, divSlot, nnz } = pat;
  if (pat.flops + 2 * nnz > maxOps) return null;
  const f: string[] = ['let s, d;'];
  let e = 0;
  for (let j = 0; j < n; j++) {
    const last = rowPtr[j + 1] - 1;
    for (; e < last; e++) {
      let t = `s = l[${e}]`;
      for (let q = opPtr[e]; q < opPtr[e + 1]; q++) t += ` - l[${opA[q]}] * l[${opB[q]}]`;
      f.push(`${t};`, `l[${e}] = s * l[${divSlot[e]}];`);
    }
    let t = `d = l[${e}]; s = d`;
    for (let q = opPtr[e]; q < opPtr[e + 1]; q++) t += ` - l[${opA[q]}] * l[${opB[q]}]`;
    f.push(`${t};`, `if (!(s > relTol * d) || !(s > 0)) return false;`, `l[${e}] = 1 / Math.sqrt(s);`);
    e++;
  }
  f.push('return true;');
  // forward L·y = b (rows), then backward Lᵀ·x = y (columns, in the same order as the interpreted loop)
  const s: string[] = [];
  for (let j = 0; j < n; j++) {
    const last = rowPtr[j + 1] - 1;
    let t = `let b${j} = b[${j}]`;
    // the interpreted loop subtracts left to right: s = ((b − l·y) − l·y) …
    for (let k = rowPtr[j]; k < last; k++) t += ` - l[${k}] * b${col[k]}`;
    s.push(`${t};`, `b${j} *= l[${last}];`);
  }
  for (let j = n - 1; j >= 0; j--) {
    const last = rowPtr[j + 1] - 1;
    s.push(`b${j} *= l[${last}];`, `b[${j}] = b${j};`);
    for (let k = rowPtr[j]; k < last; k++) s.push(`b${col[k]} -= l[${k}] * b${j};`);
  }
  try {
    const factor = new Function('l', 'relTol', f.join('\n')) as CompiledCholesky['factor'];
    const solve = new Function('l', 'b', s.join('\n')) as CompiledCholesky['solve'];
    return { factor, solve };
  } catch {
    return null;
  }
}
