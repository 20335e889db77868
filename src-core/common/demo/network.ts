/**
 * The demo's acquisition dates and interferogram network: nearest-k neighbours in time, plus the
 * first–last pair, minus one dropped short pair (the cv-tiny fixture's shape), or an exact pair count.
 */
import { formatDate, parseDate } from '../time/dates';
import { InputError } from '../pipeline/types';

/** A pair of date indices, i < j (i = earlier = MintPy's date1). */
export interface IndexPair {
  i: number;
  j: number;
}

/** `n` dates every `intervalDays` from `start` (YYYYMMDD). */
export function demoDates(start: string, n: number, intervalDays: number): string[] {
  const t0 = parseDate(start).getTime();
  return Array.from({ length: n }, (_, k) => formatDate(new Date(t0 + k * intervalDays * 86_400_000)));
}

function countConnected(n: number, pairs: readonly IndexPair[]): boolean {
  const parent = Array.from({ length: n }, (_, k) => k);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const { i, j } of pairs) parent[find(i)] = find(j);
  const root = find(0);
  for (let k = 1; k < n; k++) if (find(k) !== root) return false;
  return true;
}

export interface NetworkOptions {
  numDates: number;
  neighbours: number;
  numPairs: number | null;
  annualPair: boolean;
  dropPair: boolean;
}

/** The network sorted by (earlier, later) date, as ARIA-tools lists its pairs. */
export function demoNetwork(o: NetworkOptions): IndexPair[] {
  const n = o.numDates;
  const key = (p: IndexPair) => p.i * n + p.j;
  const build = (k: number): IndexPair[] => {
    const set = new Map<number, IndexPair>();
    for (let i = 0; i < n; i++) for (let j = i + 1; j <= Math.min(n - 1, i + k); j++) set.set(key({ i, j }), { i, j });
    if (o.annualPair && n - 1 > k) set.set(key({ i: 0, j: n - 1 }), { i: 0, j: n - 1 });
    if (o.dropPair && k >= 2) {
      // the fixture drops the 12-day pair at 30 % of the series; the gap-2 pairs keep it connected
      const i = Math.min(n - 2, Math.floor(n * 0.3));
      set.delete(key({ i, j: i + 1 }));
    }
    return [...set.values()];
  };
  let pairs: IndexPair[];
  if (o.numPairs === null) {
    pairs = build(o.neighbours);
  } else {
    let k = 1;
    while (k < n - 1 && build(k).length < o.numPairs) k++;
    pairs = build(k);
    // thin the longest level (gap k) evenly until the count matches
    const longest = pairs.filter((p) => p.j - p.i === k && !(p.i === 0 && p.j === n - 1 && k < n - 1));
    let excess = pairs.length - o.numPairs;
    if (excess > longest.length) throw new InputError(`demo options: cannot make a network of ${o.numPairs} pairs`);
    const drop = new Set<number>();
    for (let m = 0; m < excess; m++) drop.add(key(longest[Math.floor(((m + 0.5) * longest.length) / excess)]));
    pairs = pairs.filter((p) => !drop.has(key(p)));
    excess = pairs.length - o.numPairs;
    if (excess !== 0) throw new InputError(`demo options: cannot make a network of ${o.numPairs} pairs`);
  }
  if (!countConnected(n, pairs))
    throw new InputError(`demo options: the network of ${pairs.length} pairs does not connect all ${n} dates`);
  return pairs.sort((a, b) => a.i - b.i || a.j - b.j);
}
