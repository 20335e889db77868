/** Ramp fit (src-core/common/deramp/ramp.ts) and the residual_RMS analysis (src-core/node/steps/residualRms.ts). */
import { describe, expect, it } from 'vitest';
import { deramp2d, evalRamp, fitRamp, maskedRms, rampFitMask, rampTerms } from '../../src-core/common/deramp/ramp';
import { analyzeRms, rmsText, rmsThreshold } from '../../src-core/node/steps/residualRms';

const L = 30;
const W = 40;
/** a quadratic surface with MintPy's column order [y², x², xy, y, x, 1] */
const C = [2e-5, -1e-5, 3e-6, 1e-3, -2e-3, 0.05];
const surf = (y: number, x: number) => C[0] * y * y + C[1] * x * x + C[2] * x * y + C[3] * y + C[4] * x + C[5];

function field(): Float32Array {
  const d = new Float32Array(L * W);
  for (let y = 0; y < L; y++) for (let x = 0; x < W; x++) d[y * W + x] = surf(y, x);
  return d;
}

describe('rampTerms', () => {
  it('uses MintPy column orders', () => {
    expect(rampTerms('linear', 2, 3)).toEqual([2, 3, 1]);
    expect(rampTerms('quadratic', 2, 3)).toEqual([4, 9, 6, 2, 3, 1]);
    expect(rampTerms('linear_range', 2, 3)).toEqual([3, 1]);
    expect(rampTerms('linear_azimuth', 2, 3)).toEqual([2, 1]);
    expect(rampTerms('quadratic_range', 2, 3)).toEqual([9, 3, 1]);
    expect(rampTerms('quadratic_azimuth', 2, 3)).toEqual([4, 2, 1]);
  });
});

describe('deramp2d', () => {
  it('recovers a quadratic surface and references it at REF', () => {
    const d = field();
    const { out, ramp, coeffs } = deramp2d(d, L, W, null, 'quadratic', [5, 7]);
    C.forEach((c, j) => expect(Math.abs(coeffs[j] - c)).toBeLessThan(1e-7 + 1e-4 * Math.abs(c)));
    expect(ramp[5 * W + 7]).toBe(0);
    // out = d − (ramp − ramp(REF)) = ramp(REF) everywhere
    const r0 = surf(5, 7);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - r0)).toBeLessThan(2e-6);
  });

  it('fits only mask ≠ 0, non-NaN, non-zero pixels and keeps zeros at zero', () => {
    const d = field();
    const mask = new Uint8Array(L * W).fill(1);
    // a blob of outliers outside the mask would spoil the fit if it were used
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 10; x++) {
        d[y * W + x] += 1;
        mask[y * W + x] = 0;
      }
    d[20 * W + 20] = 0;
    d[21 * W + 21] = NaN;
    const fm = rampFitMask(d, L, W, mask);
    expect(fm[20 * W + 20]).toBe(0);
    expect(fm[21 * W + 21]).toBe(0);
    expect(fm[0]).toBe(0);
    const { out, ramp } = deramp2d(d, L, W, mask, 'quadratic', null);
    expect(ramp[20 * W + 20]).toBe(0);
    expect(out[20 * W + 20]).toBe(0);
    expect(Number.isNaN(out[21 * W + 21])).toBe(true);
    expect(Math.abs(out[25 * W + 30])).toBeLessThan(2e-6);
    expect(Math.abs(out[0] - 1)).toBeLessThan(2e-6); // masked pixels are still deramped
  });

  it('linear ramp: pinv solution of [y, x, 1]', () => {
    const d = new Float32Array(L * W);
    for (let y = 0; y < L; y++) for (let x = 0; x < W; x++) d[y * W + x] = 0.01 * y - 0.002 * x + 0.3;
    const fm = rampFitMask(d, L, W, null);
    const { coeffs, numPixels } = fitRamp(d, L, W, fm, 'linear');
    expect(numPixels).toBe(L * W);
    expect(Math.abs(coeffs[0] - 0.01)).toBeLessThan(1e-7);
    expect(Math.abs(coeffs[1] + 0.002)).toBeLessThan(1e-7);
    expect(Math.abs(coeffs[2] - 0.3)).toBeLessThan(1e-6);
    const r = evalRamp(coeffs, 'linear', d, L, W, [0, 0]);
    expect(Math.abs(r[W - 1] - -0.002 * (W - 1))).toBeLessThan(1e-6);
  });

  it('sub-samples uniformly above maxNumSample (every step-th row/column from step/2)', () => {
    const d = new Float32Array(L * W).fill(1);
    const fm = rampFitMask(d, L, W, null, true, 100); // 1200 pixels → step = ceil(√12) = 4, offset 2
    let n = 0;
    for (let y = 0; y < L; y++)
      for (let x = 0; x < W; x++)
        if (fm[y * W + x]) {
          n++;
          expect((y - 2) % 4).toBe(0);
          expect((x - 2) % 4).toBe(0);
        }
    expect(n).toBe(7 * 10);
  });
});

describe('residual RMS analysis', () => {
  it('maskedRms: √ mean of squares over mask ≠ 0, NaN ignored', () => {
    const d = Float32Array.from([3, 4, NaN, 100]);
    expect(maskedRms(d, Uint8Array.from([1, 1, 1, 0]))).toBe(Math.fround(Math.sqrt(12.5)));
    expect(Number.isNaN(maskedRms(d, Uint8Array.from([0, 0, 1, 0])))).toBe(true);
  });

  it('threshold is cutoff · 0.67449 · median (1.5.1: MAD about 0), reference = argmin', () => {
    const rms = [0.01, 0.02, 0.012, 0.05, 0.011, 0.009].map(Math.fround);
    const med = (Math.fround(0.011) + Math.fround(0.012)) / 2;
    expect(rmsThreshold(rms, 3)).toBe(3 * (med * 0.67449));
    const dates = ['20180101', '20180113', '20180125', '20180206', '20180218', '20180302'];
    const a = analyzeRms(dates, rms, 3);
    expect(a.refDate).toBe('20180302');
    expect(a.excluded).toEqual(['20180206']);
    expect(analyzeRms(dates, rms, 10).excluded).toEqual([]);
  });

  it('writes the text np.savetxt writes (Python float repr)', () => {
    const t = rmsText(
      ['20180101', '20180113'],
      [Math.fround(0.00934232771396637), 1e-5],
      'timeseriesResidual_ramp.h5',
      'maskTempCoh.h5',
    );
    expect(t).toBe(
      '# Root Mean Square in space for each acquisition of time-series\n# Timeseries file: timeseriesResidual_ramp.h5\n# Mask file: maskTempCoh.h5\n# Date\t\tRMS (m)\n' +
        '20180101\t0.00934232771396637\n20180113\t1e-05\n',
    );
  });
});
