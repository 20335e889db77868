/**
 * The statistics the app shows of a map and takes its default colour limits from: minimum, maximum, mean and
 * count of the finite values, and the 2nd / 98th percentiles (sorted[round(p·(n−1))]) of a strided sample of at
 * most 200k of them — enough for colour limits, bounded for a 66 Mpx layer.
 */
export interface ValueStats {
  min: number;
  max: number;
  mean: number;
  /** 2nd / 98th percentiles of finite values */
  p2: number;
  p98: number;
  validCount: number;
}

const MAX_SAMPLE = 200_000;

/** Statistics of the finite values; with `flags`, only of the values whose flag is in `keep`. */
export function valueStats(values: Float32Array, flags?: Uint8Array, keep: readonly number[] = []): ValueStats {
  const ok = new Uint8Array(256);
  for (const f of keep) ok[f] = 1;
  const v = new Float32Array(values.length);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if ((flags === undefined || ok[flags[i]]) && Number.isFinite(x)) {
      v[n++] = x;
      sum += x;
    }
  }
  if (!n) return { min: NaN, max: NaN, mean: NaN, p2: NaN, p98: NaN, validCount: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (v[i] < min) min = v[i];
    if (v[i] > max) max = v[i];
  }
  const stride = Math.max(1, Math.floor(n / MAX_SAMPLE));
  const s = new Float32Array(Math.ceil(n / stride));
  for (let i = 0, k = 0; i < n; i += stride) s[k++] = v[i];
  s.sort();
  const m = s.length;
  const q = (p: number) => s[Math.min(m - 1, Math.max(0, Math.round(p * (m - 1))))];
  return { min, max, mean: sum / n, p2: q(0.02), p98: q(0.98), validCount: n };
}
