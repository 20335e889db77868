/**
 * The interferogram network as the network editor shows it: pairs, per-pair average coherence, per-date
 * perpendicular baseline and connectivity of the kept pairs. Reads inputs/ifgramStack.h5 (row blocks).
 */
import { H5Reader } from '../../src-core/formats/h5';
import { daysBetween } from '../../src-core/time/dates';
import type { PairInfo } from '../../src-shared/api';

export interface StackNetwork {
  dates: string[];
  dateBperp: number[];
  pairs: PairInfo[];
}

/** Spatial mean coherence of every pair, ignoring NaN (and zero-filled no-data) pixels. */
export function meanCoherence(r: H5Reader, numPairs: number, length: number, width: number): number[] {
  const sum = new Float64Array(numPairs);
  const cnt = new Float64Array(numPairs);
  const block = Math.max(1, Math.floor(8_000_000 / Math.max(1, numPairs * width)));
  for (let r0 = 0; r0 < length; r0 += block) {
    const r1 = Math.min(length, r0 + block);
    const a = r.readRows('coherence', r0, r1);
    const per = (r1 - r0) * width;
    for (let p = 0; p < numPairs; p++) {
      let s = 0;
      let c = 0;
      for (let i = p * per, e = i + per; i < e; i++) {
        const v = a[i];
        if (Number.isFinite(v)) {
          s += v;
          c++;
        }
      }
      sum[p] += s;
      cnt[p] += c;
    }
  }
  return Array.from(sum, (s, i) => (cnt[i] ? s / cnt[i] : NaN));
}

/** Per-date bperp from the pair bperps: walk the network from the first date (bperp(first) = 0). */
export function dateBperpFromPairs(
  dates: string[],
  pairs: { date1: string; date2: string; bperp: number }[],
): number[] {
  const idx = new Map(dates.map((d, i) => [d, i]));
  const bp = new Array<number>(dates.length).fill(NaN);
  if (!dates.length) return bp;
  bp[0] = 0;
  let changed = true;
  while (changed) {
    changed = false;
    for (const p of pairs) {
      const i = idx.get(p.date1)!;
      const j = idx.get(p.date2)!;
      if (Number.isNaN(bp[j]) && !Number.isNaN(bp[i])) {
        bp[j] = bp[i] + p.bperp;
        changed = true;
      } else if (Number.isNaN(bp[i]) && !Number.isNaN(bp[j])) {
        bp[i] = bp[j] - p.bperp;
        changed = true;
      }
    }
  }
  return bp.map((x) => (Number.isNaN(x) ? 0 : x));
}

export async function readStackNetwork(
  path: string,
  cachedCoherence?: number[],
): Promise<StackNetwork & { coherence: number[] }> {
  const r = await H5Reader.open(path);
  try {
    const shape = r.shape('unwrapPhase');
    const d = r.readStrings('date');
    const bperp = r.read('bperp');
    const n = shape[0];
    const coherence =
      cachedCoherence && cachedCoherence.length === n
        ? cachedCoherence
        : r.has('coherence')
          ? meanCoherence(r, n, shape[1], shape[2])
          : new Array<number>(n).fill(NaN);
    const pairs: PairInfo[] = [];
    for (let i = 0; i < n; i++) {
      const date1 = d[2 * i];
      const date2 = d[2 * i + 1];
      pairs.push({
        index: i,
        date1,
        date2,
        bperp: Number(bperp[i]),
        coherence: coherence[i],
        days: daysBetween(date1, date2),
      });
    }
    const dates = [...new Set(pairs.flatMap((p) => [p.date1, p.date2]))].sort();
    return { dates, dateBperp: dateBperpFromPairs(dates, pairs), pairs, coherence };
  } finally {
    r.close();
  }
}
