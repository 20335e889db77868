import { describe, expect, it } from 'vitest';
import { nonZeroMeanMask, temporalMeanBlock } from '../../src-core/common/masks/stackAverages';

describe('nonZeroMeanMask', () => {
  it('equals temporalMeanBlock ≠ 0 (NaN → 0) on zeros, NaN, negatives that cancel, +Inf', () => {
    const M = 7;
    const P = 4000;
    let s = 3;
    const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const block = new Float32Array(M * P);
    for (let p = 0; p < P; p++) {
      const kind = p % 8;
      for (let i = 0; i < M; i++) {
        let v = r();
        if (kind === 1) v = 0;
        if (kind === 2) v = r() < 0.5 ? NaN : 0;
        if (kind === 3) v = i === 0 ? 0.25 : i === 1 ? -0.25 : 0; // cancels to exactly 0
        if (kind === 4) v = r() - 0.5;
        if (kind === 5) v = i === 2 ? Infinity : 0;
        if (kind === 6) v = NaN;
        block[i * P + p] = v;
      }
    }
    const mean = temporalMeanBlock(block, M, P);
    const want = Uint8Array.from(mean, (m) => (m && !Number.isNaN(m) ? 1 : 0));
    expect(Array.from(nonZeroMeanMask(block, M, P))).toEqual(Array.from(want));
    expect(want[3]).toBe(0); // the cancelling pixel
    expect(want[0]).toBe(1);
  });
});
