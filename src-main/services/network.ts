/**
 * The interferogram network as the network editor shows it: pairs, per-pair average coherence, per-date
 * perpendicular baseline and connectivity of the kept pairs. Reads inputs/ifgramStack.h5 (row blocks).
 */
import { H5Reader } from '../../src-core/node/formats/h5';
import { daysBetween } from '../../src-core/common/time/dates';
import { perpBaselineTimeseries } from '../../src-core/common/network/networkGraph';
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
    // MintPy's plot_network: least squares over all pairs, first date 0 (ifgramStack.get_perp_baseline_timeseries)
    const bp = perpBaselineTimeseries(
      pairs.map((p) => `${p.date1}_${p.date2}`),
      pairs.map((p) => p.bperp),
    );
    return { dates: bp.dates, dateBperp: Array.from(bp.bperp), pairs, coherence };
  } finally {
    r.close();
  }
}
