import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nonzeroMaskBlock, phaseVelocityScale, temporalMeanBlock } from '../../src-core/common/masks/stackAverages';
import { maskTempCoh, writeMaskTempCoh } from '../../src-core/node/masks/tempCohMask';
import { readMaskFile, waterMaskFromGeometry } from '../../src-core/node/masks/waterMask';
import { rowBlocks, validityFromPhaseVelocity } from '../../src-core/node/masks/stackMaps';
import { H5Reader } from '../../src-core/node/formats/h5';
import { InputError } from '../../src-core/common/pipeline/types';

describe('stack reductions over kept pairs', () => {
  // 3 pairs × 4 pixels, pair-major
  const block = Float32Array.from([1, 0, 3, NaN, /**/ 2, 5, 0, 4, /**/ 0, 0, 0, 0]);

  it('maskConnComp: non-zero and non-NaN in every kept pair', () => {
    expect(Array.from(nonzeroMaskBlock(block, 3, 4, [true, true, false]))).toEqual([1, 0, 0, 0]);
    expect(Array.from(nonzeroMaskBlock(block, 3, 4, [false, true, false]))).toEqual([1, 1, 0, 1]);
    expect(Array.from(nonzeroMaskBlock(block, 3, 4))).toEqual([0, 0, 0, 0]);
  });

  it('temporal mean is a nanmean over kept pairs, zeros included', () => {
    const m = temporalMeanBlock(block, 3, 4, { keep: [true, true, false] });
    expect(Array.from(m)).toEqual([1.5, 2.5, 1.5, 4]);
    const all = temporalMeanBlock(block, 3, 4);
    expect(all[0]).toBe(1);
    const onlyNaN = temporalMeanBlock(Float32Array.from([NaN, 1]), 1, 2);
    expect(onlyNaN[0]).toBeNaN();
  });

  it('phase velocity: referenced, scaled by −λ/4π/Δt in float32', () => {
    const wl = 0.05546576;
    const scale = phaseVelocityScale(wl, [12, 24]);
    expect(scale[0]).toBeCloseTo(-wl / (4 * Math.PI) / (12 / 365.25), 12);
    // 2 pairs × 2 pixels; reference values 1 and 2 rad
    const phase = Float32Array.from([3, 1, 6, 2]);
    const v = temporalMeanBlock(phase, 2, 2, { refValue: [1, 2], scale });
    const f = Math.fround;
    const expected0 = f((f(f(3 - 1) * f(scale[0])) + f(f(6 - 2) * f(scale[1]))) / 2);
    expect(v[0]).toBe(expected0);
    expect(v[1]).toBe(0); // the reference pixel itself
    expect(Array.from(validityFromPhaseVelocity(v))).toEqual([1, 0]);
  });

  it('row blocks cover the image within the byte budget', () => {
    const b = rowBlocks(10, 4, 100, 4 * 100 * 4 * 3);
    expect(b).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 10],
    ]);
    expect(rowBlocks(5, 1000, 1000, 1)).toHaveLength(5);
  });
});

describe('maskTempCoh', () => {
  it('tcoh ≥ min (float32 compare), NaN and shadow → 0', () => {
    const tcoh = Float32Array.from([0.7, 0.69999, 1, NaN, 0.9, 0.95]);
    const shadow = Uint8Array.from([0, 0, 0, 0, 1, 0]);
    const r = maskTempCoh(tcoh, shadow, 0.7, 2);
    expect(Array.from(r.mask)).toEqual([1, 0, 1, 0, 0, 1]);
    expect(r.numPixel).toBe(3);
    expect(maskTempCoh(tcoh, null, 0.7, 1).numPixel).toBe(4);
  });

  it('fewer than minNumPixel pixels is an InputError naming the count', () => {
    const tcoh = Float32Array.from([0.9, 0.1, 0.2]);
    expect(() => maskTempCoh(tcoh, null, 0.7, 100)).toThrow(InputError);
    expect(() => maskTempCoh(tcoh, null, 0.7, 100)).toThrow(/Not enough reliable pixels: 1 pixels .*minimum 100/);
  });

  it('writes maskTempCoh.h5 with the config attributes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-'));
    const p = join(dir, 'maskTempCoh.h5');
    await writeMaskTempCoh(
      p,
      Uint8Array.from([1, 0, 1, 1, 0, 0]),
      { LENGTH: '2', WIDTH: '3', FILE_TYPE: 'temporalCoherence' },
      0.7,
      true,
    );
    const r = await H5Reader.open(p);
    expect(r.attrs.FILE_TYPE).toBe('mask');
    expect(r.attrs['mintpy.networkInversion.minTempCoh']).toBe('0.7');
    expect(r.attrs['mintpy.networkInversion.shadowMask']).toBe('True');
    expect(r.shape('mask')).toEqual([2, 3]);
    r.close();
    const m = await readMaskFile(p);
    expect(Array.from(m.mask)).toEqual([1, 0, 1, 1, 0, 0]);
    expect(m.dataset).toBe('mask');
  });
});

describe('waterMask from geometry', () => {
  it('land = waterMask ≠ 0, and 0 where latitude or longitude is exactly 0', () => {
    const w = waterMaskFromGeometry([1, 1, 0, 1], [36.1, 0, 36.2, 36.3], [-119, -119, -119, 0]);
    expect(Array.from(w)).toEqual([1, 0, 0, 0]);
    expect(Array.from(waterMaskFromGeometry([1, 0, 1]))).toEqual([1, 0, 1]);
  });
});
