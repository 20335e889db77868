/**
 * numpy 1.24's default `np.argsort` (kind='quicksort' = introsort: median-of-3 quicksort, insertion sort
 * for partitions of ≤ 16 elements, heapsort past the depth limit) for float64 values, reproduced
 * step by step so that the order of *tied* values is the same as numpy's. scipy's
 * `minimum_spanning_tree` sorts its edge weights this way, so ties in the MST are broken identically.
 * NaN sorts last (numpy's `a < b || (b != b && a == a)`).
 */

const SMALL_QUICKSORT = 15;

function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** floor(log2(n)) for n ≥ 1, 0 for n ≤ 1 (numpy's npy_get_msb). */
function msb(n: number): number {
  let d = 0;
  while ((n = Math.floor(n / 2)) > 0) d++;
  return d;
}

/** Heap sort of tosort[lo .. lo+n) by v (numpy's aheapsort_). */
function aheapsort(v: ArrayLike<number>, tosort: Int32Array, lo: number, n: number): void {
  // 1-based indexing: a[k] = tosort[lo + k - 1]
  const get = (k: number) => tosort[lo + k - 1];
  const set = (k: number, x: number) => {
    tosort[lo + k - 1] = x;
  };
  let i: number, j: number, tmp: number;
  for (let l = n >> 1; l > 0; --l) {
    tmp = get(l);
    for (i = l, j = l << 1; j <= n;) {
      if (j < n && less(v[get(j)], v[get(j + 1)])) j += 1;
      if (less(v[tmp], v[get(j)])) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1;) {
    tmp = get(n);
    set(n, get(1));
    n -= 1;
    for (i = 1, j = 2; j <= n;) {
      if (j < n && less(v[get(j)], v[get(j + 1)])) j++;
      if (less(v[tmp], v[get(j)])) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}

/** Indices that sort `v` ascending, with numpy 1.24's (unstable) tie order. */
export function numpyArgsort(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const t = new Int32Array(num);
  for (let i = 0; i < num; i++) t[i] = i;
  if (num < 2) return t;
  const swap = (a: number, b: number) => {
    const x = t[a];
    t[a] = t[b];
    t[b] = x;
  };
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depth: number[] = [];
  let cdepth = msb(num) * 2;
  for (;;) {
    let skipInsertion = false;
    if (cdepth < 0) {
      aheapsort(v, t, pl, pr - pl + 1);
      skipInsertion = true;
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[t[pm]], v[t[pl]])) swap(pm, pl);
        if (less(v[t[pr]], v[t[pm]])) swap(pr, pm);
        if (less(v[t[pm]], v[t[pl]])) swap(pm, pl);
        const vp = v[t[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[t[pi]], vp));
          do --pj;
          while (less(vp, v[t[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        const pk = pr - 1;
        swap(pi, pk);
        // push the larger partition on the stack
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depth.push(--cdepth);
      }
    }
    if (!skipInsertion) {
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = t[pi];
        const vp = v[vi];
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && less(vp, v[t[pk]])) t[pj--] = t[pk--];
        t[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
    cdepth = depth.pop() as number;
  }
  return t;
}
