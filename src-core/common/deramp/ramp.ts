/**
 * Phase-ramp removal of one 2-D field, MintPy 1.5.1 objects/ramp.py `deramp` (as used by deramp and
 * residual_RMS): fit a surface on mask ≠ 0, non-NaN, non-zero pixels (uniformly sub-sampled above 1e6),
 * X = pinv(G, rcond=1e-15)·d, ramp = G·X (float32), shifted so ramp(REF) = 0, set to 0 where the data are 0;
 * out = d − ramp. x = column, y = row.
 */
import { lstsqMinNorm } from '../linalg/svd';

export const RAMP_TYPES = [
  'linear',
  'quadratic',
  'linear_range',
  'linear_azimuth',
  'quadratic_range',
  'quadratic_azimuth',
] as const;
export type RampType = (typeof RAMP_TYPES)[number];

export function isRampType(s: string): s is RampType {
  return (RAMP_TYPES as readonly string[]).includes(s);
}

/** MintPy's columns for pixel (y, x), float32 like its meshgrid. */
export function rampTerms(type: RampType, y: number, x: number): number[] {
  const f = Math.fround;
  switch (type) {
    case 'linear':
      return [y, x, 1];
    case 'quadratic':
      return [f(y * y), f(x * x), f(y * x), y, x, 1];
    case 'linear_range':
      return [x, 1];
    case 'linear_azimuth':
      return [y, 1];
    case 'quadratic_range':
      return [f(x * x), x, 1];
    case 'quadratic_azimuth':
      return [f(y * y), y, 1];
  }
}

export interface RampFit {
  /** coefficients in MintPy's column order */
  coeffs: Float64Array;
  /** number of pixels used */
  numPixels: number;
}

/** The pixels MintPy fits: mask ≠ 0 (all when null), value non-NaN and (ignoreZero) ≠ 0, sub-sampled above maxNumSample. */
export function rampFitMask(
  data: ArrayLike<number>,
  length: number,
  width: number,
  mask: ArrayLike<number | boolean> | null,
  ignoreZero = true,
  maxNumSample = 1e6,
): Uint8Array {
  const n = length * width;
  const m = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    const ok = (mask === null || Number(mask[i]) !== 0) && !Number.isNaN(v) && (!ignoreZero || v !== 0);
    if (ok) {
      m[i] = 1;
      count++;
    }
  }
  if (maxNumSample && count > maxNumSample) {
    const step = Math.ceil(Math.sqrt(count / maxNumSample));
    if (step > 1) {
      const h = Math.trunc(step / 2);
      for (let r = 0; r < length; r++)
        for (let c = 0; c < width; c++)
          if ((r - h) % step !== 0 || (c - h) % step !== 0 || r < h || c < h) m[r * width + c] = 0;
    }
  }
  return m;
}

/** Least-squares ramp coefficients over the fitting pixels (pinv with rcond 1e-15). */
export function fitRamp(
  data: ArrayLike<number>,
  length: number,
  width: number,
  fitMask: Uint8Array,
  type: RampType,
): RampFit {
  const P = rampTerms(type, 0, 0).length;
  let k = 0;
  for (let i = 0; i < fitMask.length; i++) if (fitMask[i]) k++;
  const coeffs = new Float64Array(P);
  if (k === 0) return { coeffs, numPixels: 0 };
  const G = new Float64Array(k * P);
  const d = new Float64Array(k);
  let r = 0;
  for (let y = 0; y < length; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!fitMask[i]) continue;
      G.set(rampTerms(type, y, x), r * P);
      d[r] = data[i];
      r++;
    }
  lstsqMinNorm(G, k, P, d, coeffs, 1e-15);
  return { coeffs, numPixels: k };
}

/** The ramp at every pixel (float32), shifted to 0 at `ref` (row, col) and 0 where data == 0 (ignoreZero). */
export function evalRamp(
  coeffs: Float64Array,
  type: RampType,
  data: ArrayLike<number>,
  length: number,
  width: number,
  ref: [number, number] | null,
  ignoreZero = true,
): Float32Array {
  const ramp = new Float32Array(length * width);
  for (let y = 0; y < length; y++)
    for (let x = 0; x < width; x++) {
      const t = rampTerms(type, y, x);
      let s = 0;
      for (let j = 0; j < t.length; j++) s += t[j] * coeffs[j];
      ramp[y * width + x] = s;
    }
  if (ref) {
    const r0 = ramp[ref[0] * width + ref[1]];
    for (let i = 0; i < ramp.length; i++) ramp[i] = ramp[i] - r0;
  }
  if (ignoreZero) for (let i = 0; i < ramp.length; i++) if (data[i] === 0) ramp[i] = 0;
  return ramp;
}

/** MintPy `deramp(data, mask, ramp_type, metadata)` for one 2-D field: { out = data − ramp, ramp, coeffs }. */
export function deramp2d(
  data: ArrayLike<number>,
  length: number,
  width: number,
  mask: ArrayLike<number | boolean> | null,
  type: RampType,
  ref: [number, number] | null,
): { out: Float32Array; ramp: Float32Array; coeffs: Float64Array } {
  const fm = rampFitMask(data, length, width, mask);
  const { coeffs } = fitRamp(data, length, width, fm, type);
  const ramp = evalRamp(coeffs, type, data, length, width, ref);
  const out = new Float32Array(length * width);
  for (let i = 0; i < out.length; i++) out[i] = data[i] - ramp[i];
  return { out, ramp, coeffs };
}

/** √(nanmean of d² over mask ≠ 0), MintPy timeseries.timeseries_rms for one date (NaN if nothing is left). */
export function maskedRms(data: ArrayLike<number>, mask: ArrayLike<number | boolean> | null): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    if (mask && Number(mask[i]) === 0) continue;
    const v = data[i];
    if (Number.isNaN(v)) continue;
    s += v * v;
    n++;
  }
  return n ? Math.fround(Math.sqrt(s / n)) : NaN;
}
