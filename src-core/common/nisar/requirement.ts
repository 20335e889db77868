/**
 * NISAR L2 requirement 658 (secular) pass/fail test (docs/nisar-secular-validation.md §1).
 *
 * Every point pair gives a distance (km) and an absolute residual (mm/yr). Pairs with a NaN residual are
 * dropped, the rest are binned by distance (pandas `pd.cut` semantics: bins are (lo, hi], so a pair at
 * exactly the lowest edge is dropped, one at exactly the highest edge is kept; pairs outside the bins are
 * dropped). Per bin n_pass = #(residual < 2) (strictly), f = n_pass / n_total, and the bin passes when
 * f > 0.683 (strictly). The Total row pools the counts of all bins; the notebook's PASSED/FAILED is the
 * Total row alone. The ATBD's two other readings — every bin passes, and the mean of the per-bin fractions
 * > 0.683 — are reported beside it.
 */

/** 2 mm/yr, constant over 0.1–50 km (it does not grow with L). */
export const SECULAR_REQUIREMENT_MM_YR = 2;
/** a bin passes when its fraction below the requirement is strictly greater than this (1-σ, 68.3%) */
export const PASS_FRACTION = 0.683;
/** length scales of the requirement, km */
export const SECULAR_DISTANCE_KM: [number, number] = [0.1, 50];

/**
 * Distance binning.
 * - linear: `n` equal bins over `range` (ATBD text and the 2022 – mid-2025 notebooks: 0.1–50 km, 10 bins).
 * - log: HEAD `display_validation` (Aug 2025): edges 10^(log10Min + k·(log10(maxKm) − log10Min)/n) with
 *   log10Min hard-coded to 0.011 (≈ 1.03 km) whatever the lower range, so pairs under ~1 km are dropped.
 */
export type BinningSpec =
  { kind: 'linear'; range: [number, number]; n: number } | { kind: 'log'; maxKm: number; n: number; log10Min?: number };

export const LINEAR_BINNING: BinningSpec = { kind: 'linear', range: [0.1, 50], n: 10 };
/** HEAD's display: distance_rqmt = [0.1, 100] turned into log bins from 10^0.011 to 100 km */
export const HEAD_LOG_BINNING: BinningSpec = { kind: 'log', maxKm: 100, n: 10, log10Min: 0.011 };

export function binEdges(spec: BinningSpec): number[] {
  if (!(spec.n >= 1 && Number.isInteger(spec.n))) throw new Error(`binning: ${spec.n} bins is not a positive integer`);
  const out: number[] = [];
  if (spec.kind === 'linear') {
    const [a, b] = spec.range;
    if (!(b > a)) throw new Error(`binning: range [${a}, ${b}] is empty`);
    // numpy.linspace: a + k·step, last edge exactly b
    const step = (b - a) / spec.n;
    for (let k = 0; k < spec.n; k++) out.push(a + k * step);
    out.push(b);
  } else {
    const lo = spec.log10Min ?? 0.011;
    const hi = Math.log10(spec.maxKm);
    if (!(hi > lo)) throw new Error(`binning: log range 10^${lo} … ${spec.maxKm} km is empty`);
    const step = (hi - lo) / spec.n;
    for (let k = 0; k < spec.n; k++) out.push(10 ** (lo + k * step));
    out.push(10 ** hi);
  }
  return out;
}

/** How an empty bin counts in the ATBD per-bin verdicts (the pooled Total is not affected). */
export type EmptyBinRule = 'ignore' | 'fail' | 'pass';

export interface BinRow {
  /** (lo, hi] km */
  lo: number;
  hi: number;
  total: number;
  /** residual < requirement */
  passed: number;
  /** passed / total; NaN for an empty bin */
  fraction: number;
  /** fraction > threshold (false for an empty bin, as pandas' NaN > 0.683) */
  pass: boolean;
  /** 68.3% quantile of |residual| in the bin (linear interpolation, as pandas); NaN if empty */
  quantile: number;
}

export interface Verdict {
  pass: boolean;
  /** the number the verdict compares with the threshold (fraction), or the failing-bin count for allBins */
  value: number;
  label: string;
}

export interface RequirementTable {
  requirement: number;
  threshold: number;
  binning: BinningSpec;
  edges: number[];
  rows: BinRow[];
  /** pooled counts over all bins */
  total: BinRow;
  /** pairs given, dropped as NaN, dropped outside the bins */
  pairsGiven: number;
  pairsNaN: number;
  pairsOutside: number;
  emptyBins: EmptyBinRule;
  verdicts: {
    /** the notebook's PASSED/FAILED: the pooled Total row */
    pooled: Verdict;
    /** ATBD approach 1: every bin passes */
    allBins: Verdict;
    /** ATBD approach 2: mean of the per-bin fractions > threshold */
    meanOfBins: Verdict;
  };
}

/** numpy/pandas quantile with linear interpolation on sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const i = Math.floor(h);
  const f = h - i;
  return i + 1 < n ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** index k such that edges[k] < d ≤ edges[k+1], or −1 */
export function binIndex(edges: readonly number[], d: number): number {
  const n = edges.length - 1;
  if (!(d > edges[0] && d <= edges[n])) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d <= edges[mid + 1]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface RequirementOptions {
  binning?: BinningSpec;
  requirement?: number;
  threshold?: number;
  emptyBins?: EmptyBinRule;
}

/**
 * The pass/fail table for a set of pairs (distance in km, absolute residual in mm/yr). Residuals are used
 * as |value| (the statistic is defined on absolute residuals).
 */
export function evaluateRequirement(
  distanceKm: ArrayLike<number>,
  residual: ArrayLike<number>,
  opts: RequirementOptions = {},
): RequirementTable {
  if (distanceKm.length !== residual.length)
    throw new Error(`evaluateRequirement: ${distanceKm.length} distances but ${residual.length} residuals`);
  const binning = opts.binning ?? LINEAR_BINNING;
  const req = opts.requirement ?? SECULAR_REQUIREMENT_MM_YR;
  const thr = opts.threshold ?? PASS_FRACTION;
  const emptyBins = opts.emptyBins ?? 'ignore';
  const edges = binEdges(binning);
  const nb = edges.length - 1;
  const perBin: number[][] = Array.from({ length: nb }, () => []);
  let nan = 0;
  let outside = 0;
  for (let i = 0; i < residual.length; i++) {
    const r = residual[i];
    if (Number.isNaN(r)) {
      nan++;
      continue;
    }
    const k = binIndex(edges, distanceKm[i]);
    if (k < 0) {
      outside++;
      continue;
    }
    perBin[k].push(Math.abs(r));
  }
  const rows: BinRow[] = perBin.map((vals, k) => {
    const sorted = Float64Array.from(vals).sort();
    let passed = 0;
    for (const v of sorted) if (v < req) passed++;
    const total = sorted.length;
    const fraction = total ? passed / total : NaN;
    return {
      lo: edges[k],
      hi: edges[k + 1],
      total,
      passed,
      fraction,
      pass: fraction > thr,
      quantile: quantileSorted(sorted, thr),
    };
  });
  const all = Float64Array.from(perBin.flat()).sort();
  const tTotal = rows.reduce((s, r) => s + r.total, 0);
  const tPassed = rows.reduce((s, r) => s + r.passed, 0);
  const tFrac = tTotal ? tPassed / tTotal : NaN;
  const total: BinRow = {
    lo: edges[0],
    hi: edges[nb],
    total: tTotal,
    passed: tPassed,
    fraction: tFrac,
    pass: tFrac > thr,
    quantile: quantileSorted(all, thr),
  };
  // per-bin verdicts with the empty-bin rule
  const counted = rows.filter((r) => r.total > 0 || emptyBins !== 'ignore');
  const fracOf = (r: BinRow) => (r.total > 0 ? r.fraction : emptyBins === 'pass' ? 1 : 0);
  const passOf = (r: BinRow) => (r.total > 0 ? r.pass : emptyBins === 'pass');
  const failing = counted.filter((r) => !passOf(r)).length;
  const meanFrac = counted.length ? counted.reduce((s, r) => s + fracOf(r), 0) / counted.length : NaN;
  const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  return {
    requirement: req,
    threshold: thr,
    binning,
    edges,
    rows,
    total,
    pairsGiven: residual.length,
    pairsNaN: nan,
    pairsOutside: outside,
    emptyBins,
    verdicts: {
      pooled: {
        pass: total.pass,
        value: tFrac,
        label: `pooled Total row: ${tPassed}/${tTotal} = ${pct(tFrac)} ${total.pass ? '>' : '≤'} ${pct(thr)} (the notebook's PASSED/FAILED)`,
      },
      allBins: {
        pass: counted.length > 0 && failing === 0,
        value: failing,
        label: `every bin passes (ATBD approach 1): ${counted.length - failing}/${counted.length} bins pass${
          emptyBins === 'ignore'
            ? `, ${nb - counted.length} empty bin(s) ignored`
            : `, empty bins count as ${emptyBins}`
        }`,
      },
      meanOfBins: {
        pass: meanFrac > thr,
        value: meanFrac,
        label: `mean of per-bin fractions (ATBD approach 2): ${pct(meanFrac)} ${meanFrac > thr ? '>' : '≤'} ${pct(thr)}`,
      },
    },
  };
}
