import { describe, expect, test } from 'vitest';
import { valueStats } from '../../src-core/common/util/valueStats';

describe('valueStats: what the app shows of a map and its default colour limits', () => {
  test('finite values only; percentiles are sorted[round(p·(n−1))]', () => {
    // 0 … 100 shuffled, with NaN and ±Infinity left out
    const vals = Array.from({ length: 101 }, (_, i) => (i * 37) % 101);
    const v = Float32Array.from([...vals, NaN, Infinity, -Infinity]);
    const s = valueStats(v);
    expect(s).toEqual({ min: 0, max: 100, mean: 50, p2: 2, p98: 98, validCount: 101 });
  });

  test('flags: only the values whose flag is kept', () => {
    const v = Float32Array.from([1, 2, 3, 4]);
    const flags = Uint8Array.from([0, 2, 0, 1]);
    expect(valueStats(v, flags, [0])).toMatchObject({ min: 1, max: 3, mean: 2, validCount: 2 });
    expect(valueStats(v, flags, [0, 2])).toMatchObject({ min: 1, max: 3, mean: 2, validCount: 3 });
    expect(valueStats(v, flags, []).validCount).toBe(0);
  });

  test('a large map: the percentiles come from a strided sample of at most 200k valid values', () => {
    const n = 1_000_000;
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = i % 2 ? NaN : i / 2; // 500k valid values 0 … 499999
    const s = valueStats(v);
    expect(s.validCount).toBe(500_000);
    expect(s.min).toBe(0);
    expect(s.max).toBe(499_999);
    // stride 2 over the valid values: the sample is 0, 2, …, 499998 (250k values)
    expect(s.p2).toBe(2 * Math.round(0.02 * 249_999));
    expect(s.p98).toBe(2 * Math.round(0.98 * 249_999));
  });
});
