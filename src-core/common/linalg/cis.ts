/**
 * |Σ exp(j·e_i)| — the core of the temporal coherence — with a table-driven sin/cos that is several
 * times faster than Math.sin + Math.cos and accurate to ~1e-12 absolute per term (far below float32
 * resolution).
 *
 * e = k·δ + b with δ = 2π/CIS_N, k = round(e/δ), |b| ≤ δ/2 ≈ 0.0123; sin/cos of k·δ come from a table of
 * CIS_N entries (index k mod CIS_N), sin/cos of b from short Taylor series (truncation < 3e-14), and
 * sin e = S_k·cos b + C_k·sin b, cos e = C_k·cos b − S_k·sin b. Angles beyond ±1e4 rad are first
 * reduced by whole turns (keeps k a small integer).
 * In hot loops, k = (e/δ + 2^20 + ½) | 0 − 2^20 is round(e/δ) without Math.round (valid for |e| ≤ CIS_BIG).
 */
const TWO_PI = 2 * Math.PI;
const INV_TWO_PI = 1 / TWO_PI;

/** table size (power of two) */
export const CIS_N = 256;
/** CIS_N / 2π */
export const CIS_INV_STEP = CIS_N / TWO_PI;
/** 2π / CIS_N */
export const CIS_STEP = TWO_PI / CIS_N;
/** CIS_SIN[k] = sin(k·2π/CIS_N), CIS_COS[k] = cos(k·2π/CIS_N) */
export const CIS_SIN = Float64Array.from({ length: CIS_N }, (_, k) => Math.sin(k * CIS_STEP));
export const CIS_COS = Float64Array.from({ length: CIS_N }, (_, k) => Math.cos(k * CIS_STEP));
/** Taylor coefficients (multiplications only: a division is several times slower) */
export const S3 = 1 / 6;
export const S5 = 1 / 120;
export const C4 = 1 / 24;
export const C6 = 1 / 720;
/** |angles| above this are reduced by whole turns first */
export const CIS_BIG = 1e4;

/** sin and cos of one angle (for tests and single use); returns [sin, cos]. */
export function fastSinCos(e: number): [number, number] {
  let x = e;
  if (!(Math.abs(x) <= CIS_BIG)) x -= TWO_PI * Math.round(x * INV_TWO_PI);
  const k = Math.round(x * CIS_INV_STEP);
  const b = x - k * CIS_STEP;
  const b2 = b * b;
  const sb = b * (1 - b2 * (S3 - b2 * S5));
  const cb = 1 - b2 * (0.5 - b2 * (C4 - b2 * C6));
  const t = k & (CIS_N - 1);
  return [CIS_SIN[t] * cb + CIS_COS[t] * sb, CIS_COS[t] * cb - CIS_SIN[t] * sb];
}

/** |Σ_{i<count} exp(j·e[i])| */
export function absSumCis(e: Float64Array, count: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < count; i++) {
    let x = e[i];
    if (!(Math.abs(x) <= CIS_BIG)) x -= TWO_PI * Math.round(x * INV_TWO_PI);
    const k = Math.round(x * CIS_INV_STEP);
    const b = x - k * CIS_STEP;
    const b2 = b * b;
    const sb = b * (1 - b2 * (S3 - b2 * S5));
    const cb = 1 - b2 * (0.5 - b2 * (C4 - b2 * C6));
    const t = k & (CIS_N - 1);
    im += CIS_SIN[t] * cb + CIS_COS[t] * sb;
    re += CIS_COS[t] * cb - CIS_SIN[t] * sb;
  }
  return Math.sqrt(re * re + im * im);
}
