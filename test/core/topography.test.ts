/** DEM-error kernel (src-core/common/topography/demError.ts) on synthetic series with known answers. */
import { describe, expect, it } from 'vitest';
import {
  demErrorDefoDesign,
  demErrorPixelMask,
  demErrorTbase,
  demErrorTile,
  type DemErrorTileInput,
} from '../../src-core/common/topography/demError';
import { decimalYear } from '../../src-core/common/time/dates';

function dateList(n: number, start = Date.UTC(2018, 0, 9), stepDays = 12): string[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(start + i * stepDays * 86400000);
    return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  });
}

const N = 24;
const dates = dateList(N);
const pbase = Float64Array.from({ length: N }, (_, i) => Math.fround(150 * Math.sin(1.7 * i + 0.3)));
pbase.forEach((_, i) => (pbase[i] = Math.fround(pbase[i] - pbase[0])));
const tau = dates.map((d) => decimalYear(d) - decimalYear(dates[0]));
const R = 850000;
const INC = 34;

/** ts[i, p] = g_i(p)·dz_p + c_p + v_p·τ + a_p·τ²/2, with g = Bperp/(r·sin θ) of each pixel. */
function synth(
  dz: number[],
  r: number[],
  inc: number[],
  pb: (i: number, p: number) => number = (i) => pbase[i],
): Float32Array {
  const n = dz.length;
  const ts = new Float32Array(N * n);
  for (let p = 0; p < n; p++) {
    const g = (i: number) => pb(i, p) / (r[p] * Math.sin((inc[p] * Math.PI) / 180));
    for (let i = 0; i < N; i++)
      ts[i * n + p] = g(i) * dz[p] + 0.01 * p + (0.02 - 0.004 * p) * tau[i] + (0.01 * tau[i] ** 2) / 2;
  }
  return ts;
}

function input(ts: Float32Array, n: number, over: Partial<DemErrorTileInput> = {}): DemErrorTileInput {
  const { G, P } = demErrorDefoDesign(dates, { polyOrder: 2, periodic: [], phaseVelocity: false }, 0);
  return {
    N,
    n,
    ts,
    pbase,
    rangeDist: R,
    incAngle: INC,
    tcoh: null,
    dateFlag: dates.map(() => true),
    Gdefo: G,
    P,
    phaseVelocity: false,
    tbase: demErrorTbase(dates),
    ...over,
  };
}

describe('demErrorDefoDesign', () => {
  it('is [1, τ, τ²/2] in decimal years, float32-rounded', () => {
    const { G, P } = demErrorDefoDesign(dates, { polyOrder: 2, periodic: [], phaseVelocity: false }, 0);
    expect(P).toBe(3);
    expect(G[5 * 3]).toBe(1);
    expect(G[5 * 3 + 1]).toBe(Math.fround(tau[5]));
    expect(G[5 * 3 + 2]).toBe(Math.fround(tau[5] ** 2 / 2));
    expect(demErrorDefoDesign(dates, { polyOrder: 1, periodic: [1], phaseVelocity: false }, 0).P).toBe(4);
  });
  it('tbase is float32(days)/365.25', () => {
    const tb = demErrorTbase(['20191225', '20200106']);
    expect(tb[1]).toBe(Math.fround(12 / 365.25));
  });
});

describe('demErrorTile', () => {
  it('recovers the DEM error of each pixel with scene-centre geometry', () => {
    const dz = [12.5, -30, 0.7, 45];
    const ts = synth(
      dz,
      dz.map(() => R),
      dz.map(() => INC),
    );
    const out = demErrorTile(input(ts, dz.length));
    expect(out.numEstimated).toBe(4);
    dz.forEach((z, p) => expect(Math.abs(out.demErr[p] - z)).toBeLessThan(2e-3));
    // corrected series = deformation only; residual ≈ 0
    for (let p = 0; p < dz.length; p++)
      for (let i = 0; i < N; i++) {
        const defo = 0.01 * p + (0.02 - 0.004 * p) * tau[i] + (0.01 * tau[i] ** 2) / 2;
        expect(Math.abs(out.tsCor[i * dz.length + p] - defo)).toBeLessThan(1e-6);
        expect(Math.abs(out.tsRes[i * dz.length + p])).toBeLessThan(1e-6);
      }
  });

  it('pixelwise geometry: each pixel with its own range and incidence', () => {
    const dz = [10, -20, 35];
    const r = [800000, 830000, 870000];
    const inc = [30, 36.5, 44];
    const ts = synth(dz, r, inc);
    const out = demErrorTile(input(ts, 3, { rangeDist: Float32Array.from(r), incAngle: Float32Array.from(inc) }));
    dz.forEach((z, p) => expect(Math.abs(out.demErr[p] - z)).toBeLessThan(2e-3));
    // the same data read with the scene geometry gives a different (wrong) Δz for pixels 0 and 2
    const scene = demErrorTile(input(ts, 3));
    expect(Math.abs(scene.demErr[2] - dz[2])).toBeGreaterThan(1);
  });

  it('per-pixel 3-D Bperp', () => {
    const dz = [8, -16];
    const pb3 = (i: number, p: number) => Math.fround(pbase[i] * (1 + 0.2 * p));
    const ts = synth(dz, [R, R], [INC, INC], pb3);
    const pixPb = new Float64Array(N * 2);
    for (let i = 0; i < N; i++) for (let p = 0; p < 2; p++) pixPb[i * 2 + p] = pb3(i, p);
    const out = demErrorTile(input(ts, 2, { pbase: pixPb }));
    dz.forEach((z, p) => expect(Math.abs(out.demErr[p] - z)).toBeLessThan(2e-3));
  });

  it('excluded dates do not enter the fit but are corrected', () => {
    const dz = [20];
    const ts = synth(dz, [R], [INC]);
    ts[7] += 0.05; // an outlier date
    const flag = dates.map((_, i) => i !== 7);
    const out = demErrorTile(input(ts, 1, { dateFlag: flag }));
    expect(Math.abs(out.demErr[0] - 20)).toBeLessThan(2e-3);
    expect(Math.abs(out.tsRes[7] - 0.05)).toBeLessThan(1e-6);
    // without the exclusion the outlier pulls the estimate
    expect(Math.abs(demErrorTile(input(ts, 1)).demErr[0] - 20)).toBeGreaterThan(0.05);
  });

  it('phaseVelocity: fits differences, drops the constant', () => {
    const dz = [25, -5];
    const ts = synth(dz, [R, R], [INC, INC]);
    const out = demErrorTile(input(ts, 2, { phaseVelocity: true }));
    dz.forEach((z, p) => expect(Math.abs(out.demErr[p] - z)).toBeLessThan(5e-3));
    // the constant term is not modelled: the residual keeps it (pixel 1 has c = 0.01)
    expect(Math.abs(out.tsRes[1] - 0.01)).toBeLessThan(1e-5);
  });

  it('skips zero, NaN, zero-coherence and zero-geometry pixels and writes 0 there', () => {
    const ts = synth([5, 5, 5, 5, 5], [R, R, R, R, R], [INC, INC, INC, INC, INC]);
    const n = 5;
    for (let i = 0; i < N; i++) ts[i * n + 0] = 0; // all zero
    ts[3 * n + 1] = NaN; // one NaN
    const tcoh = Float32Array.from([1, 1, 0, 1, 1]);
    const rng = Float32Array.from([R, R, R, 0, R]);
    const inc = Float32Array.from([INC, INC, INC, INC, INC]);
    const inp = input(ts, n, { tcoh, rangeDist: rng, incAngle: inc });
    expect(Array.from(demErrorPixelMask(inp))).toEqual([0, 0, 0, 0, 1]);
    const out = demErrorTile(inp);
    expect(out.numEstimated).toBe(1);
    for (const p of [0, 1, 2, 3]) {
      expect(out.demErr[p]).toBe(0);
      for (let i = 0; i < N; i++) expect(out.tsCor[i * n + p]).toBe(0); // not copied through
    }
    expect(Math.abs(out.demErr[4] - 5)).toBeLessThan(2e-3);
  });

  it('zero baselines: the geometry column is cut by cond and Δz = 0 (minimum norm), no NaN', () => {
    const ts = synth([0], [R], [INC]);
    const out = demErrorTile(input(ts, 1, { pbase: new Float64Array(N) }));
    expect(out.demErr[0]).toBe(0);
    expect(Number.isNaN(out.tsRes[0])).toBe(false);
  });
});
