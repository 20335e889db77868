import { describe, expect, it } from 'vitest';
import {
  WeightTable,
  numLooksFromAttrs,
  parseWeightFunc,
  phaseVarianceLut,
  rintHalfEven,
} from '../../src-core/common/inversion/weights';

// mintpy-algorithms.md §10: 1/σ² from MintPy's coherence2weight at these coherences
const GAMMAS = [0.05, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];
const VECTORS: Record<string, number[]> = {
  'var L=1': [0.315265, 0.369341, 0.475173, 0.667445, 0.8446, 1.17238, 2.04434, 3.54918, 11.901],
  'var L=5': [0.338388, 0.523351, 1.126, 3.14896, 5.90525, 12.2214, 31.6991, 69.151, 314.232],
  'var L=20': [0.385959, 1.08227, 5.61208, 19.9936, 35.0537, 65.6364, 157.096, 334.27, 1497.09],
  'var L=41': [0.435392, 2.14559, 13.8343, 43.5633, 75.1195, 139.442, 331.953, 704.94, 3003.92],
  'var L=80': [0.515496, 4.9375, 28.7084, 87.1273, 149.418, 276.436, 656.633, 1393.17, 4333.51],
  'fim L=41': [0.205514, 3.41667, 15.619, 46.125, 78.7843, 145.778, 349.579, 759.025, 4038.61],
};

describe('inversion weights (§5 step 4, §10 test vectors)', () => {
  for (const [name, expected] of Object.entries(VECTORS)) {
    it(`${name} matches MintPy to 1e-4 relative`, () => {
      const [func, l] = name.split(' ');
      const table = new WeightTable(parseWeightFunc(func), Number(l.slice(2)));
      let worst = 0;
      GAMMAS.forEach((g, i) => {
        const w = table.weight(g);
        worst = Math.max(worst, Math.abs(w - expected[i]) / expected[i]);
      });
      // the vectors are printed to 6 significant digits
      expect(worst, `max rel. error ${worst.toExponential(2)}`).toBeLessThan(1e-4);
    });
  }

  it('caps L at 80 for var (L=200 gives the L=80 weights)', () => {
    const a = new WeightTable('var', 200);
    const b = new WeightTable('var', 80);
    for (const g of GAMMAS) expect(a.weight(g)).toBe(b.weight(g));
  });

  it('clips coherence: NaN and < 0.05 behave as 0.05; coh returns γ; no returns 1', () => {
    const t = new WeightTable('var', 41);
    expect(t.weight(Number.NaN)).toBe(t.weight(0.05));
    expect(t.weight(0)).toBe(t.weight(0.05));
    expect(t.weight(-3)).toBe(t.weight(0.05));
    const c = new WeightTable('coh', 41);
    expect(c.weight(0.5)).toBe(0.5);
    expect(c.weight(0.01)).toBe(Math.fround(0.05));
    expect(new WeightTable('no', 41).sqrtWeight(0.3)).toBe(1);
    const f = new WeightTable('fim', 41);
    expect(f.weight(1)).toBeCloseTo((2 * 41 * 0.999 ** 2) / (1 - 0.999 ** 2), 6);
  });

  it('sqrtWeight is the float32 sqrt of the float32 weight', () => {
    const t = new WeightTable('var', 61);
    const w = t.sqrtWeight(0.77);
    expect(w).toBe(Math.fround(w));
    expect(w).toBe(Math.fround(Math.sqrt(Math.fround(t.weight(0.77)))));
  });

  it('variance LUT is positive and decreasing with coherence', () => {
    const v = phaseVarianceLut(20);
    expect(v.length).toBe(200);
    for (let i = 1; i < 200; i++) expect(v[i]).toBeLessThanOrEqual(v[i - 1] * (1 + 1e-12));
    expect(Math.min(...v)).toBeGreaterThan(0);
  });

  it('number of looks from attributes', () => {
    expect(numLooksFromAttrs({ ALOOKS: '4', RLOOKS: '20' })).toBe(41); // 41.24 → 41 (§10)
    expect(numLooksFromAttrs({ NCORRLOOKS: '61.29302259485575', ALOOKS: '7', RLOOKS: '19' })).toBe(61);
    expect(numLooksFromAttrs({ ALOOKS: '1', RLOOKS: '1' })).toBe(1); // 0.52 → 1 → max(1, ·)
    expect(numLooksFromAttrs({ NCORRLOOKS: '0.2' })).toBe(1);
    expect(rintHalfEven(2.5)).toBe(2);
    expect(rintHalfEven(3.5)).toBe(4);
    expect(() => parseWeightFunc('banana')).toThrow('un-recognized weight function');
    expect(parseWeightFunc('sbas')).toBe('no');
    expect(parseWeightFunc('fisher')).toBe('fim');
  });
});
