/**
 * MintPy's `modify_network` pair-selection rules (mintpy-algorithms.md §2, modify_network.py 1.5.1).
 * The selection is recomputed from scratch over all pairs; the drop set is the union of every active
 * rule. Each dropped pair carries the reason(s) it was dropped, for the app to show.
 */
import { daysBetween, yyyymmdd } from '../time/dates';
import { datesOfDate12, minimumSpanningTree, splitDate12 } from './mst';

export interface NetworkRules {
  /** max |t2 − t1| in days */
  tempBaseMax: number | null;
  /** max |bperp| in m */
  perpBaseMax: number | null;
  /** keep only pairs to the n nearest earlier acquisitions (over all dates) */
  connNumMax: number | null;
  /** YYYYMMDD; pairs with a date before it are dropped */
  startDate: string | null;
  endDate: string | null;
  /** YYYYMMDD dates; pairs containing one are dropped */
  excludeDate: string[];
  /** 0-based pair indices (already expanded, see parseExcludeIfgIndex) */
  excludeIfgIndex: number[];
  /** date12 list of a reference network; pairs not in it are dropped */
  referenceDate12: string[] | null;
  coherenceBased: boolean;
  minCoherence: number;
  areaRatioBased: boolean;
  minAreaRatio: number;
  keepMinSpanTree: boolean;
}

export const DEFAULT_RULES: NetworkRules = {
  tempBaseMax: null,
  perpBaseMax: null,
  connNumMax: null,
  startDate: null,
  endDate: null,
  excludeDate: [],
  excludeIfgIndex: [],
  referenceDate12: null,
  coherenceBased: false,
  minCoherence: 0.7,
  areaRatioBased: false,
  minAreaRatio: 0.75,
  keepMinSpanTree: true,
};

export interface NetworkInput {
  /** 'YYYYMMDD_YYYYMMDD' per pair, in stack order */
  date12: string[];
  /** perpendicular baseline per pair, m */
  bperp: ArrayLike<number>;
  /** per-pair spatial-average coherence (needed when coherenceBased) */
  coherence?: ArrayLike<number>;
  /** per-pair coherent-area ratio (needed when areaRatioBased) */
  areaRatio?: ArrayLike<number>;
}

export interface NetworkSelection {
  /** true = keep (MintPy's dropIfgram convention) */
  keep: boolean[];
  /** date12 → why it was dropped (only dropped pairs appear) */
  reasons: Record<string, string[]>;
  /** pairs protected by the minimum spanning tree (coherence/area-ratio rules) */
  mstDate12: string[];
  /** true when no rule is active: MintPy's reset (keep all) */
  reset: boolean;
}

export class NetworkRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkRuleError';
  }
}

/**
 * MintPy's `read_input_index_list`: ['2', '3:5', '10'] → [2, 3, 4, 5, 10] ("a:b" inclusive, 0-based),
 * sorted, unique; indices ≥ numPairs are dropped silently as MintPy does.
 */
export function parseExcludeIfgIndex(items: readonly string[] | string, numPairs?: number): number[] {
  const list = typeof items === 'string' ? items.replace(/[[\]]/g, '').split(/[,\s]+/) : items;
  const out = new Set<number>();
  for (const raw of list) {
    const item = raw.trim();
    if (!item || /^(no|none|auto)$/i.test(item)) continue;
    const parts = item.split(':').map((s) => s.trim());
    const nums = parts.map((s) => (/^-?\d+$/.test(s) ? Number(s) : NaN));
    if (nums.some((n) => Number.isNaN(n)) || nums.length > 2)
      throw new NetworkRuleError(`excludeIfgIndex: "${item}" is not an index or an "a:b" range of indices`);
    nums.sort((a, b) => a - b);
    if (nums.length === 2) for (let i = nums[0]; i <= nums[1]; i++) out.add(i);
    else out.add(nums[0]);
  }
  let res = [...out].sort((a, b) => a - b);
  if (numPairs !== undefined) res = res.filter((i) => i < numPairs);
  return res;
}

export { yyyymmdd };

/** `select_pairs_sequential`: pairs (d[i−k], d[i]), k = 1..n over the sorted dates. */
export function sequentialPairs(dates: readonly string[], numConn: number): Set<string> {
  const d = [...dates].sort();
  const out = new Set<string>();
  for (let i = 0; i < d.length; i++) for (let k = 1; k <= numConn; k++) if (i - k >= 0) out.add(`${d[i - k]}_${d[i]}`);
  return out;
}

/** |t2 − t1| in days per pair (MintPy's tbaseIfgram, float32). */
export function temporalBaselines(date12: readonly string[]): Float32Array {
  return Float32Array.from(date12, (d) => {
    const [a, b] = splitDate12(d);
    return daysBetween(a, b);
  });
}

/** Any rule active? (MintPy resets the network to keep-all otherwise.) */
export function anyRuleActive(r: NetworkRules): boolean {
  return Boolean(
    r.referenceDate12 ||
    r.tempBaseMax ||
    r.perpBaseMax ||
    r.connNumMax ||
    r.excludeIfgIndex.length ||
    r.excludeDate.length ||
    r.coherenceBased ||
    r.areaRatioBased ||
    r.startDate ||
    r.endDate,
  );
}

/**
 * Apply the rules in MintPy's order. The data-driven rules (coherence, area ratio) keep the MST of the
 * network left by the rules before them.
 */
export function selectNetwork(input: NetworkInput, rules: NetworkRules): NetworkSelection {
  const { date12 } = input;
  const m = date12.length;
  if (input.bperp.length !== m) throw new NetworkRuleError(`${m} pairs but ${input.bperp.length} bperp values`);
  const reasons: Record<string, string[]> = {};
  const drop = (d: string, why: string) => {
    const list = (reasons[d] ??= []);
    if (!list.includes(why)) list.push(why);
  };
  const reset = !anyRuleActive(rules);
  const mstAll = new Set<string>();
  if (!reset) {
    if (rules.referenceDate12) {
      const ref = new Set(rules.referenceDate12.map((d) => d.split('_').map(yyyymmdd).join('_')));
      for (const d of date12) if (!ref.has(d)) drop(d, 'not in the reference network');
    }
    if (rules.tempBaseMax) {
      const tb = temporalBaselines(date12);
      const thr = Math.fround(rules.tempBaseMax);
      date12.forEach((d, i) => {
        if (Math.abs(tb[i]) > thr) drop(d, `temporal baseline ${tb[i]} days > ${rules.tempBaseMax}`);
      });
    }
    if (rules.perpBaseMax) {
      const thr = Math.fround(rules.perpBaseMax);
      date12.forEach((d, i) => {
        const b = Math.fround(input.bperp[i]);
        if (Math.abs(b) > thr) drop(d, `perpendicular baseline |${b.toFixed(1)}| m > ${rules.perpBaseMax}`);
      });
    }
    if (rules.connNumMax) {
      const seq = sequentialPairs(datesOfDate12(date12), Math.trunc(rules.connNumMax));
      for (const d of date12) if (!seq.has(d)) drop(d, `beyond ${Math.trunc(rules.connNumMax)} nearest neighbours`);
    }
    for (const i of rules.excludeIfgIndex) if (i >= 0 && i < m) drop(date12[i], `excluded by index ${i}`);
    if (rules.excludeDate.length) {
      const ex = new Set(rules.excludeDate.map(yyyymmdd));
      for (const d of date12) {
        const hit = splitDate12(d).filter((x) => ex.has(x));
        if (hit.length) drop(d, `contains excluded date ${hit.join(', ')}`);
      }
    }
    if (rules.startDate) {
      const min = Number(yyyymmdd(rules.startDate));
      for (const d of date12)
        if (splitDate12(d).some((x) => Number(x) < min)) drop(d, `date before startDate ${rules.startDate}`);
    }
    if (rules.endDate) {
      const max = Number(yyyymmdd(rules.endDate));
      for (const d of date12)
        if (splitDate12(d).some((x) => Number(x) > max)) drop(d, `date after endDate ${rules.endDate}`);
    }
    const dataDriven = (
      values: ArrayLike<number> | undefined,
      min: number,
      name: string,
      fmt: (v: number) => string,
    ) => {
      if (!values || values.length !== m) throw new NetworkRuleError(`${name}: need one value per pair (${m})`);
      // the MST is taken over the network left by the criteria applied so far
      const keptSoFar = date12.map((d, i) => [d, i] as const).filter(([d]) => !(d in reasons));
      const mst = rules.keepMinSpanTree
        ? new Set(
            minimumSpanningTree(
              keptSoFar.map(([d]) => d),
              keptSoFar.map(([, i]) => values[i]),
            ),
          )
        : new Set<string>();
      for (const d of mst) mstAll.add(d);
      const thr = Math.fround(min);
      date12.forEach((d, i) => {
        const v = Math.fround(values[i]);
        // MintPy keeps pairs with value ≥ min (NaN fails) or in the MST
        if (!(v >= thr) && !mst.has(d))
          drop(d, `${name} ${fmt(v)} < ${min}${rules.keepMinSpanTree ? ' and not in the minimum spanning tree' : ''}`);
      });
    };
    if (rules.coherenceBased)
      dataDriven(input.coherence, rules.minCoherence, 'average coherence', (v) =>
        Number.isNaN(v) ? 'NaN' : v.toFixed(4),
      );
    if (rules.areaRatioBased)
      dataDriven(input.areaRatio, rules.minAreaRatio, 'coherent area ratio', (v) =>
        Number.isNaN(v) ? 'NaN' : v.toFixed(4),
      );
  }
  const keep = date12.map((d) => !(d in reasons));
  if (!keep.some(Boolean))
    throw new NetworkRuleError('zero interferograms left: adjust the network settings and try again');
  return { keep, reasons, mstDate12: date12.filter((d) => mstAll.has(d)), reset };
}
