/**
 * The fitted curve drawn over a pixel's time series, rebuilt from velocity.h5 (model from its
 * mintpy.timeFunc.* attributes, parameters from its datasets) and checked against MintPy's own `residue`
 * dataset: √Σ(ts − model)² over the fitted dates must equal residue.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { H5Reader } from '../../src-core/node/formats/h5';
import { LayerService } from '../../src-main/services/layerService';
import { describeParity, fx } from '../helpers/fixtures';

async function residueCheck(velocityFile: string, pixels: [number, number][]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'insar-fit-'));
  mkdirSync(join(dir, 'inputs'));
  symlinkSync(fx('mintpy', 'timeseries.h5'), join(dir, 'timeseries.h5'));
  symlinkSync(velocityFile, join(dir, 'velocity.h5'));
  const layers = new LayerService(() => dir);
  const v = await H5Reader.open(velocityFile);
  let worst = 0;
  try {
    for (const [r, c] of pixels) {
      const s = await layers.pixelSeries(r, c);
      expect(s.model.length).toBe(s.dates.length);
      let e2 = 0;
      for (let i = 0; i < s.dates.length; i++) e2 += (s.values[i] - s.model[i]) ** 2;
      const residue = Number(v.readRows('residue', r, r + 1)[c]);
      expect(s.velocity).toBe(Number(v.readRows('velocity', r, r + 1)[c]));
      worst = Math.max(worst, Math.abs(Math.sqrt(e2) - residue) / Math.max(residue, 1e-6));
    }
  } finally {
    v.close();
  }
  return worst;
}

const PIXELS: [number, number][] = [
  [11, 11],
  [30, 40],
  [50, 80],
  [70, 120],
  [90, 150],
];

describeParity('fitted model at a pixel vs MintPy residue', () => {
  test('linear model (velocity.h5): relative |√Σres² − residue| < 2.3e-7 (measured 7.5e-8)', async () => {
    const worst = await residueCheck(fx('mintpy', 'velocity.h5'), PIXELS);
    console.log(`linear: worst relative residue mismatch ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(2.3e-7);
  });
  test('annual + semi-annual + step model (velocity_periodic_step.h5): relative mismatch < 3.4e-7 (measured 1.1e-7)', async () => {
    const worst = await residueCheck(fx('mintpy', 'variants', 'velocity_periodic_step.h5'), PIXELS);
    console.log(`periodic+step: worst relative residue mismatch ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(3.4e-7);
  });
  test('quadratic model (velocity_poly2.h5): relative mismatch < 4.2e-7 (measured 1.4e-7)', async () => {
    const worst = await residueCheck(fx('mintpy', 'variants', 'velocity_poly2.h5'), PIXELS);
    console.log(`poly2: worst relative residue mismatch ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(4.2e-7);
  });
});

describe('residualRms (the ± band around the fitted model)', () => {
  test('RMS over the dates where both the series and the model exist', async () => {
    const { residualRms } = await import('../../src-core/node/derived/pixelSeries');
    expect(residualRms([1, 2, 3, NaN], [1, 1, 1, 1])).toBeCloseTo(Math.sqrt((0 + 1 + 4) / 3), 12);
    expect(residualRms([1, 2], [])).toBeNaN();
  });
});
