/**
 * Fit the time functions to one tile of a displacement time series (MintPy 1.5.1 timeseries2velocity,
 * mintpy-algorithms.md §6). Pure: typed arrays in, typed arrays out; pixels are independent, so tiling
 * does not change the results (except MintPy's own per-block rule for periodic phases, see below).
 *
 * - dates used: selectDates(startDate/endDate/excludeDate); G from timeFuncDesign (float32 entries);
 * - pixels estimated: nanmean over the used dates is non-NaN and ≠ 0, plus the reference pixel;
 *   pixels with a NaN on some used date (MintPy would abort) are not estimated either;
 * - m = lstsq(G, d) (min-norm, cond = float32 eps), e2 = Σ residual²;
 * - residue: σ_k = √([(GᵀG)⁻¹]_kk · e2/(N_u − P)), residue = √e2. Like MintPy, [(GᵀG)⁻¹]_kk is the float32
 *   inverse of the float32 GᵀG, replayed bit for bit by float32Gram (MintPy's own round-off: about
 *   cond(GᵀG)·2⁻²⁴ relative, 1e-4 with exp/log terms) and the product and root are rounded to float32;
 * - covariance: σ = √diag(G⁺·C·G⁺ᵀ) from a time-series (co)variance (falls back to residue without one);
 * - bootstrap (polynomial 1 only): `bootstrapCount` resamplings of the dates with replacement (sorted,
 *   τ relative to the first drawn date), m = mean, σ = std (ddof 0). MintPy's generator is unseeded;
 *   here it is a seeded xoshiro128** so runs are reproducible;
 * - periodic: amplitude √(c² + s²); phase atan2(c, s) on estimated pixels unless every estimated
 *   pixel of the tile has s == 0 (MintPy's per-block guard), then 0.
 * Pixels not estimated get 0 in every dataset.
 */
import { InputError } from '../pipeline/types';
import { pinv, svdJacobi } from '../linalg/svd';
import { selectDates, timeFuncDesign, type DateSelection } from './design';
import { mintpyGramInvDiag } from './float32Gram';
import {
  datasetSpecs,
  numParams,
  validateModel,
  type DatasetSpec,
  type TimeFuncModel,
  type UncertaintyMethod,
} from './model';

export interface FitTileInput extends DateSelection {
  /** all dates of the time-series file (N) */
  dates: readonly string[];
  /** displacement, date-major (N × numPixels), metres */
  ts: Float32Array;
  numPixels: number;
  model: TimeFuncModel;
  /** CENTER_LINE_UTC in seconds (0 if absent) */
  centerLineUtc?: number;
  /** 'covariance' needs `tsCov`; without it MintPy (and this) falls back to 'residue' */
  uncertainty?: UncertaintyMethod | 'covariance';
  /**
   * time-series (co)variance for 'covariance', over ALL dates (MintPy subsets it to the used dates):
   * 'variance' = N × numPixels (date-major), 'covariance' = N × N × numPixels; m², float32.
   */
  tsCov?: { kind: 'variance' | 'covariance'; data: Float32Array };
  bootstrapCount?: number;
  /** seed of the bootstrap generator (default 0) */
  seed?: number;
  /**
   * explicit resamplings instead of the generator's: one list of N_u indices into the used dates per draw
   * (sorted here, as MintPy sorts its own). Replays a MintPy run whose draws were recorded; bootstrapCount
   * is then the number of lists.
   */
  bootstrapDraws?: readonly (readonly number[])[];
  /** index of the reference pixel inside the tile, if any (always estimated) */
  refPixel?: number;
  /**
   * the parameters only (the edit preview): without bootstrapping, the residual and the stds are not
   * computed (their datasets hold 0); the parameters are the same numbers
   */
  valuesOnly?: boolean;
}

export interface FitTileOutput {
  /** dates used for the fit */
  datesUsed: string[];
  /** normalised model (integer characteristic times) */
  model: TimeFuncModel;
  /** datasets in MintPy's order with units */
  specs: DatasetSpec[];
  /** one float32 array (numPixels) per dataset name */
  datasets: Record<string, Float32Array>;
  /** parameters (P × numPixels, float64) and the estimation mask, for residual series or plots */
  params: Float64Array;
  mask: Uint8Array;
  /**
   * condition number s_max/s_min of G. MintPy solves in float32: above ~1e4 its own results lose
   * digits (and its Std can turn NaN) while these float64 ones do not — worth a warning in the log.
   */
  condition: number;
}

const EPS32 = 1.1920928955078125e-7;

/** xoshiro128** — small, fast, seedable; uniform integers in [0, n). */
export class Xoshiro128 {
  private s = new Uint32Array(4);
  constructor(seed: number) {
    // splitmix32 to fill the state
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
  /** uniform integer in [0, n) without modulo bias */
  int(n: number): number {
    const lim = Math.floor(0x100000000 / n) * n;
    let v: number;
    do v = this.nextU32();
    while (v >= lim);
    return v % n;
  }
}
const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** m = G⁺ d for the whole tile's mask; returns the pseudo-inverse with MintPy's rank rule checked. */
function solver(G: Float64Array, N: number, P: number): { Gp: Float64Array; diagInv: Float64Array; condition: number } {
  if (N <= P)
    throw new InputError(
      `time function: ${N} dates for ${P} parameters — the design matrix G is redundant/rank-deficient (need more dates than parameters)`,
    );
  const { p: Gp, rank } = pinv(G, N, P, EPS32);
  if (rank < P)
    throw new InputError(
      `time function: the design matrix G is rank-deficient (rank ${rank} < ${P} parameters); check periods, step/exp/log onsets and characteristic times`,
    );
  // diag((GᵀG)⁻¹) = Σ_j v_kj² / s_j²
  const svd = svdJacobi(G, N, P);
  const diagInv = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    let s = 0;
    for (let j = 0; j < P; j++) s += (svd.v[k * P + j] * svd.v[k * P + j]) / (svd.s[j] * svd.s[j]);
    diagInv[k] = s;
  }
  return { Gp, diagInv, condition: svd.s[0] / svd.s[P - 1] };
}

export function fitTile(input: FitTileInput): FitTileOutput {
  const { dates, ts, numPixels: NP } = input;
  if (ts.length !== dates.length * NP)
    throw new Error(`fitTile: ts has ${ts.length} values, expected ${dates.length} dates × ${NP} pixels`);
  const sel = selectDates(dates, input);
  const datesUsed = sel.used;
  const model = validateModel(input.model, datesUsed);
  let uq: UncertaintyMethod | 'covariance' = input.uncertainty ?? 'residue';
  if (uq === 'covariance' && !input.tsCov) uq = 'residue';
  if (input.tsCov) {
    const Na = dates.length;
    const want = input.tsCov.kind === 'variance' ? Na * NP : Na * Na * NP;
    if (input.tsCov.data.length !== want)
      throw new Error(`fitTile: tsCov (${input.tsCov.kind}) has ${input.tsCov.data.length} values, expected ${want}`);
  }
  const bootstrapCount = input.bootstrapDraws?.length ?? input.bootstrapCount ?? 400;
  const useBoot = uq === 'bootstrap' && bootstrapCount > 1;
  const valuesOnly = input.valuesOnly === true && !useBoot;
  if (
    useBoot &&
    (model.polynomial !== 1 || model.periodic.length || model.stepDate.length || model.exp.length || model.log.length)
  )
    throw new InputError(
      'time function: bootstrapping supports a polynomial of order 1 only (no periodic/step/exp/log terms)',
    );
  const Nu = datesUsed.length;
  const P = numParams(model);
  const clu = input.centerLineUtc ?? 0;
  const G = timeFuncDesign(datesUsed, model, clu);
  const { Gp, diagInv, condition } = solver(G, Nu, P);
  // MintPy's float32 diag(inv(GᵀG)) (null beyond what is replayed: then the float64 one)
  const diag32 = uq === 'residue' && !valuesOnly ? mintpyGramInvDiag(G, Nu, P) : null;

  // mask: nanmean over used dates non-NaN and non-zero (+ REF); no NaN on any used date
  const idx = sel.index;
  const mask = new Uint8Array(NP);
  for (let p = 0; p < NP; p++) {
    let s = 0;
    let cnt = 0;
    let anyNaN = false;
    for (let k = 0; k < Nu; k++) {
      const v = ts[idx[k] * NP + p];
      if (v === v) {
        s += v;
        cnt++;
      } else anyNaN = true;
    }
    mask[p] = cnt > 0 && s / cnt !== 0 && !anyNaN ? 1 : 0;
  }
  if (input.refPixel !== undefined && input.refPixel >= 0 && input.refPixel < NP) {
    let anyNaN = false;
    for (let k = 0; k < Nu; k++)
      if (!(ts[idx[k] * NP + input.refPixel] === ts[idx[k] * NP + input.refPixel])) anyNaN = true;
    if (!anyNaN) mask[input.refPixel] = 1;
  }

  const m = new Float64Array(P * NP);
  const mStd = new Float64Array(P * NP);
  const e2 = new Float64Array(NP);
  const d = new Float64Array(Nu);

  if (!useBoot) {
    for (let p = 0; p < NP; p++) {
      if (!mask[p]) continue;
      for (let k = 0; k < Nu; k++) d[k] = ts[idx[k] * NP + p];
      for (let j = 0; j < P; j++) {
        let s = 0;
        for (let k = 0; k < Nu; k++) s += Gp[j * Nu + k] * d[k];
        m[j * NP + p] = s;
      }
      if (valuesOnly) continue;
      let ee = 0;
      for (let k = 0; k < Nu; k++) {
        let r = d[k];
        for (let j = 0; j < P; j++) r -= G[k * P + j] * m[j * NP + p];
        ee += r * r;
      }
      e2[p] = ee;
      if (uq === 'covariance') {
        // σ_j = √((G⁺ C G⁺ᵀ)_jj) with C the (co)variance of the used dates
        const cov = input.tsCov!;
        const Na = dates.length;
        for (let j = 0; j < P; j++) {
          let v = 0;
          if (cov.kind === 'variance') {
            for (let k = 0; k < Nu; k++) v += Gp[j * Nu + k] * Gp[j * Nu + k] * cov.data[idx[k] * NP + p];
          } else {
            for (let k = 0; k < Nu; k++) {
              let row = 0;
              for (let l = 0; l < Nu; l++) row += cov.data[(idx[k] * Na + idx[l]) * NP + p] * Gp[j * Nu + l];
              v += Gp[j * Nu + k] * row;
            }
          }
          mStd[j * NP + p] = Math.sqrt(v);
        }
      } else {
        if (diag32) {
          // m_var = e2 / (N − P) and diag·m_var in float32, as numpy does with MintPy's float32 arrays
          const sig2 = Math.fround(Math.fround(ee) / (Nu - P));
          for (let j = 0; j < P; j++) mStd[j * NP + p] = Math.fround(Math.sqrt(Math.fround(diag32[j] * sig2)));
        } else {
          const sig2 = ee / (Nu - P);
          for (let j = 0; j < P; j++) mStd[j * NP + p] = Math.sqrt(diagInv[j] * sig2);
        }
      }
    }
  } else {
    // The draws depend on the seed only, so every tile sees the same resamplings (tiling-invariant).
    // Each draw's estimator m_b = G_b⁺·d[draw] is folded into weights over the used dates, so a pixel
    // costs bootstrapCount·P·N_u multiply-adds with no gathers.
    const rng = new Xoshiro128(input.seed ?? 0);
    const draw = new Int32Array(Nu);
    const bootDates: string[] = new Array(Nu);
    const Wb = new Float64Array(bootstrapCount * P * Nu);
    for (let b = 0; b < bootstrapCount; b++) {
      const given = input.bootstrapDraws?.[b];
      if (given && given.length !== Nu)
        throw new Error(`fitTile: bootstrap draw ${b} has ${given.length} indices, expected ${Nu} (dates used)`);
      for (let k = 0; k < Nu; k++) {
        draw[k] = given ? given[k] : rng.int(Nu);
        if (given && !(Number.isInteger(given[k]) && given[k] >= 0 && given[k] < Nu))
          throw new Error(`fitTile: bootstrap draw ${b} holds ${given[k]}, not an index into the ${Nu} dates used`);
      }
      draw.sort();
      for (let k = 0; k < Nu; k++) bootDates[k] = datesUsed[draw[k]];
      const Gb = timeFuncDesign(bootDates, model, clu);
      const { p: Gbp } = pinv(Gb, Nu, P, EPS32);
      const o = b * P * Nu;
      for (let j = 0; j < P; j++) for (let k = 0; k < Nu; k++) Wb[o + j * Nu + draw[k]] += Gbp[j * Nu + k];
    }
    // mean_b(W_b·d) = W̄·d and var_b(W_b·d) = dᵀ·C_j·d with C_j = mean_b[(W_b − W̄)_jᵀ (W_b − W̄)_j]:
    // the same statistics as evaluating every draw, for P·N_u² operations per pixel
    const Wm = new Float64Array(P * Nu);
    for (let b = 0; b < bootstrapCount; b++) for (let i = 0; i < P * Nu; i++) Wm[i] += Wb[b * P * Nu + i];
    for (let i = 0; i < P * Nu; i++) Wm[i] /= bootstrapCount;
    const C = new Float64Array(P * Nu * Nu);
    const dev = new Float64Array(Nu);
    for (let b = 0; b < bootstrapCount; b++)
      for (let j = 0; j < P; j++) {
        const o = (b * P + j) * Nu;
        for (let k = 0; k < Nu; k++) dev[k] = Wb[o + k] - Wm[j * Nu + k];
        const c0 = j * Nu * Nu;
        for (let k = 0; k < Nu; k++) {
          const dk = dev[k];
          if (dk === 0) continue;
          for (let l = 0; l < Nu; l++) C[c0 + k * Nu + l] += dk * dev[l];
        }
      }
    for (let i = 0; i < C.length; i++) C[i] /= bootstrapCount;
    for (let p = 0; p < NP; p++) {
      if (!mask[p]) continue;
      for (let k = 0; k < Nu; k++) d[k] = ts[idx[k] * NP + p];
      for (let j = 0; j < P; j++) {
        let mean = 0;
        for (let k = 0; k < Nu; k++) mean += Wm[j * Nu + k] * d[k];
        let v = 0;
        const c0 = j * Nu * Nu;
        for (let k = 0; k < Nu; k++) {
          let row = 0;
          for (let l = 0; l < Nu; l++) row += C[c0 + k * Nu + l] * d[l];
          v += d[k] * row;
        }
        m[j * NP + p] = mean;
        mStd[j * NP + p] = Math.sqrt(Math.max(v, 0));
      }
    }
  }

  // datasets
  const specs = datasetSpecs(model, uq === 'bootstrap' && !useBoot ? 'residue' : uq);
  const datasets: Record<string, Float32Array> = {};
  for (const s of specs) {
    const out = new Float32Array(NP);
    if (s.kind === 'value') for (let p = 0; p < NP; p++) out[p] = mask[p] ? m[s.param * NP + p] : 0;
    else if (valuesOnly && (s.kind === 'std' || s.kind === 'residue')) {
      // not computed (all 0)
    } else if (s.kind === 'std') for (let p = 0; p < NP; p++) out[p] = mask[p] ? mStd[s.param * NP + p] : 0;
    else if (s.kind === 'residue') for (let p = 0; p < NP; p++) out[p] = mask[p] ? Math.sqrt(e2[p]) : 0;
    else if (s.kind === 'amplitude') {
      for (let p = 0; p < NP; p++) if (mask[p]) out[p] = Math.hypot(m[s.param * NP + p], m[(s.param + 1) * NP + p]);
    } else {
      let allZero = true;
      for (let p = 0; p < NP; p++) if (mask[p] && Math.fround(m[(s.param + 1) * NP + p]) !== 0) allZero = false;
      if (!allZero)
        for (let p = 0; p < NP; p++) if (mask[p]) out[p] = Math.atan2(m[s.param * NP + p], m[(s.param + 1) * NP + p]);
    }
    datasets[s.name] = out;
  }
  return { datesUsed, model, specs, datasets, params: m, mask, condition };
}

/**
 * The fitted model at arbitrary dates (e.g. to draw the curve over one pixel's time series):
 * params in the order of the model's parameters (intercept, velocity, …), τ relative to `refDate`
 * (the first date used in the fit, as MintPy), CENTER_LINE_UTC applied as in the fit.
 */
export function evaluateModel(
  model: TimeFuncModel,
  params: ArrayLike<number>,
  dates: readonly string[],
  refDate: string,
  centerLineUtc = 0,
): Float64Array {
  const P = numParams(model);
  if (params.length !== P) throw new Error(`evaluateModel: ${params.length} parameters given, the model has ${P}`);
  const all = [refDate, ...dates];
  const G = timeFuncDesign(all, model, centerLineUtc, refDate);
  const out = new Float64Array(dates.length);
  for (let i = 0; i < dates.length; i++) {
    let s = 0;
    for (let j = 0; j < P; j++) s += G[(i + 1) * P + j] * params[j];
    out[i] = s;
  }
  return out;
}
