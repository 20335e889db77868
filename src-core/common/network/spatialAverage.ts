/**
 * Per-pair spatial average of `coherence` (MintPy `ifgramStack.spatial_average`), fed by row blocks:
 * pixels where the mask is 0 (or 1 with reverseMask), outside the AOI box, coherence == 0 or NaN are
 * ignored; with a threshold, the value averaged is 1 where coherence > threshold else 0 (the coherent
 * area ratio). Sums are accumulated in float64 and the mean is rounded to float32 like MintPy's output.
 */

/** (x0, y0, x1, y1), end-exclusive, MintPy's box order */
export type PixelBox = [number, number, number, number];

export interface SpatialAverageOptions {
  length: number;
  width: number;
  /** AOI; default the whole image */
  box?: PixelBox | null;
  /** area-ratio mode: average of (coh > threshold) */
  threshold?: number | null;
  /** use pixels where mask == 0 instead of mask != 0 */
  reverseMask?: boolean;
}

export class SpatialAverager {
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  readonly box: PixelBox;
  private readonly thr: number | null;

  constructor(
    readonly numPairs: number,
    private readonly opts: SpatialAverageOptions,
  ) {
    this.sum = new Float64Array(numPairs);
    this.count = new Float64Array(numPairs);
    this.box = opts.box ?? [0, 0, opts.width, opts.length];
    this.thr = opts.threshold == null ? null : Math.fround(opts.threshold);
  }

  /**
   * Add rows [r0, r0+rows) of every pair: `coh` is pair-major (pairs × rows × width) as read from the
   * stack; `mask` (rows × width) is optional (no mask = every pixel).
   */
  add(coh: ArrayLike<number>, r0: number, rows: number, mask?: ArrayLike<number> | null): void {
    const b = this.blockSums(coh, r0, rows, mask);
    this.addSums(b.sum, b.count);
  }

  /**
   * The block's per-pair sums and counts without adding them (a worker computes them; `addSums` in block
   * order then gives the same float64 totals as `add`).
   */
  blockSums(
    coh: ArrayLike<number>,
    r0: number,
    rows: number,
    mask?: ArrayLike<number> | null,
  ): { sum: Float64Array; count: Float64Array } {
    const { width } = this.opts;
    if (coh.length !== this.numPairs * rows * width)
      throw new Error(`spatial average: block has ${coh.length} values, expected ${this.numPairs}×${rows}×${width}`);
    const sum = new Float64Array(this.numPairs);
    const count = new Float64Array(this.numPairs);
    const [x0, y0, x1, y1] = this.box;
    const ra = Math.max(r0, y0);
    const rb = Math.min(r0 + rows, y1);
    if (ra >= rb) return { sum, count };
    const rev = this.opts.reverseMask === true;
    const thr = this.thr;
    // the mask as 0/1 bytes, 1 = use (mask ≠ 0, or = 0 with reverseMask), once per block
    let use: Uint8Array | null = null;
    if (mask) {
      use = new Uint8Array(rows * width);
      for (let i = 0; i < use.length; i++) use[i] = (mask[i] !== 0) !== rev ? 1 : 0;
    }
    const data = coh instanceof Float32Array ? coh : Float32Array.from(coh);
    for (let p = 0; p < this.numPairs; p++) {
      const base = p * rows * width;
      const r =
        thr === null
          ? sumValid(data, base, width, ra - r0, rb - r0, x0, x1, use)
          : sumAbove(data, base, width, ra - r0, rb - r0, x0, x1, use, thr);
      sum[p] = r.s;
      count[p] = r.c;
    }
    return { sum, count };
  }

  /** Add one block's sums (from `blockSums`), in block order. */
  addSums(sum: ArrayLike<number>, count: ArrayLike<number>): void {
    for (let p = 0; p < this.numPairs; p++) {
      this.sum[p] += sum[p];
      this.count[p] += count[p];
    }
  }

  /** float32 means per pair; NaN where no pixel qualified (numpy's nanmean of an all-NaN slice). */
  result(): Float32Array {
    return Float32Array.from(this.sum, (s, i) => (this.count[i] > 0 ? s / this.count[i] : NaN));
  }
}

/** NaN-ignoring mean of float32 values, returned as float32 (np.nanmean of a float32 list). */
export function nanmean32(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) {
      s += v;
      c++;
    }
  }
  return c ? Math.fround(s / c) : NaN;
}

/** Σ and count of the non-zero, non-NaN values of one pair's block rows [a, b) × cols [x0, x1) where use ≠ 0. */
function sumValid(
  v: Float32Array,
  base: number,
  width: number,
  a: number,
  b: number,
  x0: number,
  x1: number,
  use: Uint8Array | null,
): { s: number; c: number } {
  let s = 0;
  let c = 0;
  for (let r = a; r < b; r++) {
    const o = r * width;
    for (let x = x0; x < x1; x++) {
      if (use !== null && use[o + x] === 0) continue;
      const d = v[base + o + x];
      if (d === 0 || d !== d) continue;
      s += d;
      c++;
    }
  }
  return { s, c };
}

/** The area-ratio variant: values > thr count 1, ≤ thr count 0 (MintPy's thresholding). */
function sumAbove(
  v: Float32Array,
  base: number,
  width: number,
  a: number,
  b: number,
  x0: number,
  x1: number,
  use: Uint8Array | null,
  thr: number,
): { s: number; c: number } {
  let s = 0;
  let c = 0;
  for (let r = a; r < b; r++) {
    const o = r * width;
    for (let x = x0; x < x1; x++) {
      if (use !== null && use[o + x] === 0) continue;
      const d = v[base + o + x];
      if (d === 0 || d !== d) continue;
      s += d > thr ? 1 : d <= thr ? 0 : d;
      c++;
    }
  }
  return { s, c };
}
