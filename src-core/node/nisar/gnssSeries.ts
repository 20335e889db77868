/**
 * GNSS station processing for Method 1 (docs/nisar-secular-validation.md §3.2–3.4): LOS projection,
 * screening (completeness, detrended scatter in mm — the notebook runs this test on metres, so its 10 mm
 * limit never rejects anything; not copied), and the LOS velocity from the §2 model with iterative
 * outlier removal, fitted with the velocity step's kernel (fitTile).
 */
import { daysBetween } from '../../common/time/dates';
import { fitTile } from '../../common/timefunc/fitTile';
import { timeFuncDesign } from '../../common/timefunc/design';
import { numParams, type TimeFuncModel } from '../../common/timefunc/model';
import type { GnssSeries } from '../../common/nisar/gnssFormats';
import { enuToLos, losSigma } from '../../common/nisar/geometry';
import { secularModel } from './velocityField';

export interface LosSeries {
  dates: string[];
  /** mm, relative to the first epoch of the file */
  los: Float64Array;
  /** mm (NaN if the file has no σ) */
  sigma: Float64Array;
}

/** LOS series in mm: d_los = û·(dE, dN, dU), σ_los = √Σ(û_k σ_k)². */
export function gnssLosSeries(s: GnssSeries, u: readonly [number, number, number]): LosSeries {
  const n = s.dates.length;
  const los = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    los[i] = 1000 * enuToLos(u, s.e[i], s.n[i], s.u[i]);
    sigma[i] = 1000 * losSigma(u, s.se[i], s.sn[i], s.su[i]);
  }
  return { dates: [...s.dates], los, sigma };
}

/** the part of a series inside [start, end] (YYYYMMDD, inclusive) */
export function cropSeries(s: LosSeries, start: string, end: string): LosSeries {
  const keep: number[] = [];
  s.dates.forEach((d, i) => {
    if (d >= start && d <= end && Number.isFinite(s.los[i])) keep.push(i);
  });
  return {
    dates: keep.map((i) => s.dates[i]),
    los: Float64Array.from(keep, (i) => s.los[i]),
    sigma: Float64Array.from(keep, (i) => s.sigma[i]),
  };
}

/**
 * Completeness test (a): distinct daily epochs inside [start, end] ≥ fraction × the window's length in
 * days (end − start, as Python's `(end - start).days`).
 */
export function completeness(
  dates: readonly string[],
  start: string,
  end: string,
  fraction = 0.9,
): { epochs: number; days: number; ratio: number; ok: boolean } {
  const inside = new Set(dates.filter((d) => d >= start && d <= end)).size;
  const days = daysBetween(start, end);
  const ratio = days > 0 ? inside / days : 0;
  return { epochs: inside, days, ratio, ok: inside >= fraction * days };
}

/** least-squares line through (t, y); returns the residuals */
function detrend(t: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = y.length;
  let st = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    st += t[i];
    sy += y[i];
  }
  const mt = st / n;
  const my = sy / n;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i] - mt) ** 2;
    sty += (t[i] - mt) * (y[i] - my);
  }
  const b = stt > 0 ? sty / stt : 0;
  return Float64Array.from({ length: n }, (_, i) => y[i] - my - b * (t[i] - mt));
}

function std(x: ArrayLike<number>, ddof = 0): number {
  const n = x.length;
  if (n - ddof <= 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return Math.sqrt(v / (n - ddof));
}

/** Scatter test (b): std (ddof 0) of the linearly detrended LOS series, mm. */
export function detrendedScatterMm(s: LosSeries): number {
  if (s.dates.length < 3) return NaN;
  const t = s.dates.map((d) => daysBetween(s.dates[0], d) / 365.25);
  return std(detrend(t, s.los));
}

export interface LosVelocityFit {
  /** mm/yr (NaN when not estimable) */
  velocity: number;
  /** standard error √([(GᵀG)⁻¹]₁₁ · SSE/(n − p)), mm/yr */
  velocityStd: number;
  /** [c0, v, cos1, sin1, cos½, sin½] (or [c0, v]) in mm, mm/yr */
  params: number[];
  seasonal: boolean;
  /** dates used in the final fit, and the outliers removed (dates) */
  dates: string[];
  outliers: string[];
  /** std of the final residuals, mm */
  residualStd: number;
  passes: number;
  reason?: string;
  /** the model fitted and the window's data (for the per-station plot) */
  model: TimeFuncModel;
  data: LosSeries;
}

export interface LosFitOptions {
  /** the InSAR record window (YYYYMMDD) */
  start: string;
  end: string;
  /** |z| above which an epoch is an outlier (3) */
  zThreshold?: number;
  /** extra fit passes after removing outliers: 1 in the secular notebook (MintPy class default 2) */
  maxOutlierPasses?: number;
}

/**
 * v = m̂[1] of the §2 model fitted to the LOS series cropped to the window, with iterative outlier
 * removal (z = residual / std(residuals), drop |z| > zThreshold, refit). NaN if ≤ 2 epochs or the data
 * span ≤ ¼ of the window (MintPy's rule), or fewer epochs than parameters.
 */
export function fitLosVelocity(series: LosSeries, opts: LosFitOptions): LosVelocityFit {
  const s = cropSeries(series, opts.start, opts.end);
  const sm = secularModel(opts.start, opts.end);
  const nan = (reason: string): LosVelocityFit => ({
    velocity: NaN,
    velocityStd: NaN,
    params: [],
    seasonal: sm.seasonal,
    dates: s.dates,
    outliers: [],
    residualStd: NaN,
    passes: 0,
    reason,
    model: sm.model,
    data: s,
  });
  const window = daysBetween(opts.start, opts.end);
  if (s.dates.length <= 2) return nan(`${s.dates.length} epoch(s) in the window`);
  const span = daysBetween(s.dates[0], s.dates[s.dates.length - 1]);
  if (span <= window / 4) return nan(`data span ${span} d ≤ ¼ of the ${window}-day window`);
  const P = numParams(sm.model);
  const zt = opts.zThreshold ?? 3;
  const maxPasses = opts.maxOutlierPasses ?? 1;
  let dates = s.dates;
  let y = s.los;
  const outliers: string[] = [];
  for (let pass = 0; ; pass++) {
    if (dates.length <= P) return { ...nan(`${dates.length} epochs for ${P} parameters`), outliers };
    // fitTile does not estimate a series whose mean is exactly 0; the offset absorbs a constant shift
    let mean = 0;
    for (const v of y) mean += v;
    const shift = mean === 0 ? 1 : 0;
    const fit = fitTile({
      dates,
      ts: Float32Array.from(y, (v) => v + shift),
      numPixels: 1,
      model: sm.model,
      centerLineUtc: 0,
    });
    const params = Array.from(fit.params);
    params[0] -= shift;
    const G = timeFuncDesign(dates, sm.model, 0);
    const res = new Float64Array(dates.length);
    for (let i = 0; i < dates.length; i++) {
      let m = 0;
      for (let j = 0; j < P; j++) m += G[i * P + j] * params[j];
      res[i] = y[i] - m;
    }
    const sd = std(res);
    const bad: number[] = [];
    if (sd > 0) res.forEach((r, i) => Math.abs(r / sd) > zt && bad.push(i));
    if (pass >= maxPasses || bad.length === 0) {
      return {
        velocity: params[1],
        velocityStd: fit.datasets.velocityStd[0],
        params,
        seasonal: sm.seasonal,
        dates,
        outliers,
        residualStd: sd,
        passes: pass,
        model: sm.model,
        data: s,
      };
    }
    const drop = new Set(bad);
    for (const i of bad) outliers.push(dates[i]);
    dates = dates.filter((_, i) => !drop.has(i));
    y = y.filter((_, i) => !drop.has(i));
  }
}
