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
 * Generate straight-line JavaScript for the factorisation and the solves of one pattern: every index is
 * a constant. The code is cut into functions of at most `chunkOps` operations each, because V8 only
 * optimises functions up to a bytecode size (one long function for a 50-date network ran ~6× slower than
 * the interpreted lists; chunks of ~400 run 2–5× faster). The arithmetic (order of operations) is the
 * same, so the results are bit-identical to `choleskyFactor` / `choleskySolvePermuted`. Returns null
 * when the pattern is larger than `maxOps` operations or code generation is not allowed (e.g. a
 * content-security policy): use the interpreted functions then.
 */
export function compileCholesky(pat: CholeskyPattern, maxOps = 200000, chunkOps = 400): CompiledCholesky | null {
  const { n, rowPtr, col, opPtr, opA, opB, divSlot, nnz } = pat;
  if (pat.flops + 2 * nnz > maxOps) return null;
  // factor: statements grouped per row, rows packed into chunks
  const fChunks: string[][] = [[]];
  let size = 0;
  const addF = (stmts: string[], ops: number) => {
    if (size > 0 && size + ops > chunkOps) {
      fChunks.push([]);
      size = 0;
    }
    fChunks[fChunks.length - 1].push(...stmts);
    size += ops;
  };
  let e = 0;
  for (let j = 0; j < n; j++) {
    const last = rowPtr[j + 1] - 1;
    const row: string[] = [];
    let ops = 0;
    for (; e < last; e++) {
      let t = `s = l[${e}]`;
      for (let q = opPtr[e]; q < opPtr[e + 1]; q++) t += ` - l[${opA[q]}] * l[${opB[q]}]`;
      row.push(`${t};`, `l[${e}] = s * l[${divSlot[e]}];`);
      ops += 1 + opPtr[e + 1] - opPtr[e];
    }
    let t = `d = l[${e}]; s = d`;
    for (let q = opPtr[e]; q < opPtr[e + 1]; q++) t += ` - l[${opA[q]}] * l[${opB[q]}]`;
    row.push(`${t};`, `if (!(s > relTol * d) || !(s > 0)) return false;`, `l[${e}] = 1 / Math.sqrt(s);`);
    ops += 1 + opPtr[e + 1] - opPtr[e];
    e++;
    addF(row, ops);
  }
  // solve: forward L·y = b by rows, then backward Lᵀ·x = y by columns (order of the interpreted loops)
  const sChunks: string[][] = [[]];
  size = 0;
  const addS = (stmt: string, ops: number) => {
    if (size > 0 && size + ops > chunkOps) {
      sChunks.push([]);
      size = 0;
    }
    sChunks[sChunks.length - 1].push(stmt);
    size += ops;
  };
  for (let j = 0; j < n; j++) {
    const last = rowPtr[j + 1] - 1;
    let t = `b[${j}] = (b[${j}]`;
    for (let k = rowPtr[j]; k < last; k++) t += ` - l[${k}] * b[${col[k]}]`;
    addS(`${t}) * l[${last}];`, 1 + last - rowPtr[j]);
  }
  for (let j = n - 1; j >= 0; j--) {
    const last = rowPtr[j + 1] - 1;
    let t = `x = b[${j}] * l[${last}]; b[${j}] = x;`;
    for (let k = rowPtr[j]; k < last; k++) t += ` b[${col[k]}] -= l[${k}] * x;`;
    addS(t, 1 + last - rowPtr[j]);
  }
  try {
    const fParts = fChunks.map(
      (c) =>
        new Function('l', 'relTol', `let s, d;\n${c.join('\n')}\nreturn true;`) as (
          l: Float64Array,
          relTol: number,
        ) => boolean,
    );
    const sParts = sChunks.map(
      (c) => new Function('l', 'b', `let x;\n${c.join('\n')}`) as (l: Float64Array, b: Float64Array) => void,
    );
    const factor =
      fParts.length === 1
        ? fParts[0]
        : (l: Float64Array, relTol: number) => {
            for (let k = 0; k < fParts.length; k++) if (!fParts[k](l, relTol)) return false;
            return true;
          };
    const solve =
      sParts.length === 1
        ? sParts[0]
        : (l: Float64Array, b: Float64Array) => {
            for (let k = 0; k < sParts.length; k++) sParts[k](l, b);
          };
    return { factor, solve };
  } catch {
    return null;
  }
}
