/**
 * Pixel-wise reductions over the kept pairs of an ifgramStack row block (pure; blocks are pair-major
 * `pairs × rows × width` as read from the stack):
 * - `nonzeroMaskBlock`: MintPy `ifgramStack.nonzero_mask` (maskConnComp.h5): 1 where every kept pair
 *   is non-zero and not NaN.
 * - `temporalMeanBlock`: MintPy `ifgramStack.temporal_average` (avgSpatialCoh.h5 for coherence;
 *   avgPhaseVelocity.h5 for unwrapPhase with per-pair reference value and scale −λ/(4π)/Δt_years),
 *   reproducing numpy's float32 arithmetic: subtract, multiply and the NaN-skipping sum over pairs are
 *   each rounded to float32 in pair order, the mean is the float32 of sum/count (NaN if no pair is valid).
 */

/** Mask (rows×width, 1 = valid) of pixels non-zero and non-NaN in every kept pair. */
export function nonzeroMaskBlock(
  block: ArrayLike<number>,
  numPairs: number,
  pixels: number,
  keep?: readonly boolean[],
): Uint8Array {
  if (block.length !== numPairs * pixels)
    throw new Error(`nonzero mask: block has ${block.length} values, expected ${numPairs}×${pixels}`);
  const mask = new Uint8Array(pixels).fill(1);
  for (let p = 0; p < numPairs; p++) {
    if (keep && !keep[p]) continue;
    const off = p * pixels;
    if (block instanceof Int16Array) {
      // integers are never NaN (connected components)
      for (let i = 0; i < pixels; i++) if (block[off + i] === 0) mask[i] = 0;
      continue;
    }
    for (let i = 0; i < pixels; i++) {
      const v = block[off + i];
      if (v === 0 || v !== v) mask[i] = 0;
    }
  }
  return mask;
}

export interface TemporalMeanOptions {
  /** pairs to use (default all) */
  keep?: readonly boolean[];
  /** per-pair value subtracted first (phase at the reference pixel) */
  refValue?: ArrayLike<number> | null;
  /** per-pair factor applied after referencing, rounded to float32 as numpy does */
  scale?: ArrayLike<number> | null;
}

/** numpy `np.nanmean(data[keep], axis=0)` of a float32 block, with optional referencing and scaling. */
export function temporalMeanBlock(
  block: ArrayLike<number>,
  numPairs: number,
  pixels: number,
  opts: TemporalMeanOptions = {},
): Float32Array {
  if (block.length !== numPairs * pixels)
    throw new Error(`temporal mean: block has ${block.length} values, expected ${numPairs}×${pixels}`);
  const sum = new Float32Array(pixels);
  const cnt = new Int32Array(pixels);
  const f = Math.fround;
  const data = block instanceof Float32Array ? block : null;
  for (let p = 0; p < numPairs; p++) {
    if (opts.keep && !opts.keep[p]) continue;
    const ref = opts.refValue ? f(opts.refValue[p]) : null;
    const s = opts.scale ? f(opts.scale[p]) : null;
    const off = p * pixels;
    if (data) {
      // float32 input: the same operations in monomorphic loops (a Float32Array store rounds the sum)
      if (ref === null && s === null) accumulate(data, off, pixels, sum, cnt);
      else accumulateScaled(data, off, pixels, ref ?? 0, ref !== null, s ?? 1, s !== null, sum, cnt);
      continue;
    }
    for (let i = 0; i < pixels; i++) {
      let v = f(block[off + i]);
      if (ref !== null) v = f(v - ref);
      if (s !== null) v = f(v * s);
      if (Number.isNaN(v)) continue;
      sum[i] = f(sum[i] + v);
      cnt[i]++;
    }
  }
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = cnt[i] ? sum[i] / cnt[i] : NaN;
  return out;
}

/**
 * Per-pair factor converting unwrapped phase to phase velocity: −λ/(4π) / (Δt_days/365.25) in float64
 * (MintPy: phase2range / tbase, with tbase from the float32 day counts).
 */
export function phaseVelocityScale(wavelength: number, tbaseDays: ArrayLike<number>): Float64Array {
  const phase2range = (-1 * wavelength) / (4.0 * Math.PI);
  return Float64Array.from(tbaseDays as ArrayLike<number>, (d) => phase2range / (Math.fround(d) / 365.25));
}

/**
 * `temporalMeanBlock(block, …) != 0` as a 0/1 mask (NaN → 0: invert_network skips pixels whose
 * avgSpatialCoh is 0 or NaN), without the float32 sums where the answer is certain: a pixel whose
 * non-NaN values are all ≥ 0 has a mean > 0 iff one of them is > 0 (adding non-negative float32 values
 * cannot give 0 or cancel). Pixels with a negative value get the exact mean.
 */
export function nonZeroMeanMask(block: Float32Array, numPairs: number, pixels: number): Uint8Array {
  if (block.length !== numPairs * pixels)
    throw new Error(`non-zero mean mask: block has ${block.length} values, expected ${numPairs}×${pixels}`);
  const pos = new Uint8Array(pixels);
  const neg = new Uint8Array(pixels);
  for (let p = 0; p < numPairs; p++) {
    const off = p * pixels;
    for (let i = 0; i < pixels; i++) {
      const v = block[off + i];
      if (v > 0) pos[i] = 1;
      else if (v < 0) neg[i] = 1;
    }
  }
  const out = new Uint8Array(pixels);
  const one = new Float32Array(numPairs);
  for (let i = 0; i < pixels; i++) {
    if (!neg[i]) {
      out[i] = pos[i];
      continue;
    }
    for (let p = 0; p < numPairs; p++) one[p] = block[p * pixels + i];
    const m = temporalMeanBlock(one, numPairs, 1)[0];
    out[i] = m && !Number.isNaN(m) ? 1 : 0;
  }
  return out;
}

function accumulate(d: Float32Array, off: number, n: number, sum: Float32Array, cnt: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const v = d[off + i];
    if (v !== v) continue;
    sum[i] = sum[i] + v;
    cnt[i]++;
  }
}

function accumulateScaled(
  d: Float32Array,
  off: number,
  n: number,
  ref: number,
  useRef: boolean,
  s: number,
  useScale: boolean,
  sum: Float32Array,
  cnt: Int32Array,
): void {
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    let v = d[off + i];
    if (useRef) v = f(v - ref);
    if (useScale) v = f(v * s);
    if (v !== v) continue;
    sum[i] = sum[i] + v;
    cnt[i]++;
  }
}
