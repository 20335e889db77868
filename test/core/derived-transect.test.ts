/**
 * Transect / swath / vertical products. Expected numbers in __data__/transect-mintpy.json were made by
 * running MintPy 1.5.1 itself (`ut.transect_lalo(..., interpolation='linear')` on cv-tiny velocity.h5 and
 * `asc_desc2horz_vert` on a small synthetic pair) — see __data__/transect-mintpy.py for the exact command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { swathProfile, transectLalo, transectYx } from '../../src-core/common/derived/transect';
import { ascDesc2HorzVert, losToVertical, significanceMask } from '../../src-core/common/derived/vertical';
import { H5Reader } from '../../src-core/node/formats/h5';
import { gridOf, type GeoGrid } from '../../src-core/node/formats/mintpyFiles';
import { describeParity, fx } from '../helpers/fixtures';

interface Exp {
  transects: {
    start: [number, number];
    end: [number, number];
    y: number[];
    x: number[];
    value: number[];
    distance: number[];
    unit: string;
  }[];
  ascDesc: {
    length: number;
    width: number;
    dlos: number[];
    inc1: number[];
    az1: number[];
    horz1: number[];
    vert1: number[];
    inc3: number[];
    az3: number[];
    step: number;
    horz3: number[];
    vert3: number[];
  };
}
const exp = JSON.parse(readFileSync(join(__dirname, '__data__', 'transect-mintpy.json'), 'utf8')) as Exp;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('transect (synthetic)', () => {
  const L = 10;
  const W = 12;
  const plane = new Float32Array(L * W).map((_, i) => 1 + 0.5 * Math.floor(i / W) + 0.25 * (i % W));
  const r = { data: plane, length: L, width: W };

  it('linear interpolation of a plane is exact; n = int(hypot); ends included', () => {
    const t = transectYx(r, [1, 2], [8, 10]);
    expect(t.numSamples).toBe(Math.trunc(Math.hypot(8, 7)));
    expect([t.y[0], t.x[0], t.y[t.y.length - 1], t.x[t.x.length - 1]]).toEqual([1, 2, 8, 10]);
    for (let k = 0; k < t.value.length; k++) expect(t.value[k]).toBeCloseTo(1 + 0.5 * t.y[k] + 0.25 * t.x[k], 5);
    expect(t.distanceUnit).toBe('pixel');
    expect(t.distance[t.distance.length - 1]).toBeCloseTo(Math.hypot(8, 7), 5);
  });

  it('NaN and 0 samples are removed; outside points throw', () => {
    const d = Float32Array.from(plane);
    d[5 * W + 5] = 0;
    d[5 * W + 6] = NaN;
    const t = transectYx({ data: d, length: L, width: W }, [5, 0], [5, 11], { interpolation: 'nearest' });
    expect(t.numSamples).toBe(11);
    expect(Array.from(t.value).some((v) => v === 0 || Number.isNaN(v))).toBe(false);
    expect(() => transectYx(r, [0, 0], [L, 0])).toThrow(/outside/);
  });

  it('swath: pixels within ±width/2 of the line, binned along it (mean/std/min/max exact on a row gradient)', () => {
    const g: GeoGrid = { length: L, width: W, xFirst: 0, yFirst: 1, xStep: 0.01, yStep: -0.01 };
    const rows = new Float32Array(L * W).map((_, i) => 1 + 0.5 * Math.floor(i / W));
    // along row 4 (lat = 1 − 0.045), col 1 → col 10; 2.5 km wide: rows 3–5 (1.11 km apart), not rows 2/6 (2.23 km)
    const s = swathProfile({ data: rows, length: L, width: W }, g, [0.955, 0.015], [0.955, 0.105], 2.5);
    expect(s.lengthM).toBeCloseTo(9 * 0.01 * (Math.PI / 180) * 6.3781e6 * Math.cos((0.955 * Math.PI) / 180), 3);
    expect(s.bins.reduce((a, b) => a + b.count, 0)).toBe(30);
    for (const b of s.bins) {
      expect(b.count % 3).toBe(0);
      expect(b.mean).toBeCloseTo(3, 6);
      expect(b.min).toBeCloseTo(2.5, 6);
      expect(b.max).toBeCloseTo(3.5, 6);
      expect(b.std).toBeCloseTo(0.5 * Math.sqrt(2 / 3), 6);
      // np.percentile([2.5, 3, 3.5], [25, 50, 75]) and of each value twice
      const q = ({ 3: [2.75, 3, 3.25], 6: [2.625, 3, 3.375] } as Record<number, number[]>)[b.count];
      if (q) expect([b.p25, b.median, b.p75]).toEqual(q);
    }
    expect(s.bins.some((b) => b.count === 3 || b.count === 6)).toBe(true);
    const narrow = swathProfile({ data: rows, length: L, width: W }, g, [0.955, 0.015], [0.955, 0.105], 1);
    expect(narrow.bins.every((b) => b.std === 0 && b.mean === 3)).toBe(true);
  });

  it('LOS → vertical and significance', () => {
    const v = losToVertical([0.01, -0.02, NaN], [60, 0, 30]);
    expect(v[0]).toBeCloseTo(0.02, 7);
    expect(v[1]).toBeCloseTo(-0.02, 7);
    expect(Number.isNaN(v[2])).toBe(true);
    expect(Array.from(significanceMask([0.01, 0.01, -0.05, NaN], [0.004, 0.006, 0.01, 0.01], 2))).toEqual([1, 0, 1, 0]);
  });
});

describe('asc/desc → horizontal + vertical vs MintPy asc_desc2horz_vert', () => {
  const a = exp.ascDesc;
  const n = a.length * a.width;
  const dlos = [Float32Array.from(a.dlos.slice(0, n)), Float32Array.from(a.dlos.slice(n))];

  it('constant geometry (1-D angles): max |Δ| < 1e-8 m', () => {
    const r = ascDesc2HorzVert({ los: dlos, incidence: a.inc1, azimuth: a.az1, length: a.length, width: a.width });
    const dh = maxAbsDiff(r.horz, a.horz1);
    const dv = maxAbsDiff(r.vert, a.vert1);
    console.log(`[asc/desc 1-D] max |Δhorz| = ${dh.toExponential(2)} m, max |Δvert| = ${dv.toExponential(2)} m`);
    expect(dh).toBeLessThan(1e-8);
    expect(dv).toBeLessThan(1e-8);
  });

  it('per-window geometry (step 3, median angles): max |Δ| < 1e-8 m', () => {
    const inc = [Float32Array.from(a.inc3.slice(0, n)), Float32Array.from(a.inc3.slice(n))];
    const az = [Float32Array.from(a.az3.slice(0, n)), Float32Array.from(a.az3.slice(n))];
    const r = ascDesc2HorzVert({
      los: dlos,
      incidence: inc,
      azimuth: az,
      length: a.length,
      width: a.width,
      step: a.step,
    });
    const dh = maxAbsDiff(r.horz, a.horz3);
    const dv = maxAbsDiff(r.vert, a.vert3);
    console.log(`[asc/desc 3-D] max |Δhorz| = ${dh.toExponential(2)} m, max |Δvert| = ${dv.toExponential(2)} m`);
    expect(dh).toBeLessThan(1e-8);
    expect(dv).toBeLessThan(1e-8);
  });
});

describeParity('transect_lalo vs MintPy 1.5.1 on cv-tiny velocity.h5 (linear)', () => {
  let v: Float32Array;
  let g: GeoGrid;
  beforeAll(async () => {
    const h = await H5Reader.open(fx('mintpy', 'velocity.h5'));
    v = Float32Array.from(h.read('velocity'));
    g = gridOf(h.attrs)!;
    h.close();
  });
  exp.transects.forEach((e, k) => {
    it(`line ${k + 1}: same samples, values and distances to float32`, () => {
      const t = transectLalo({ data: v, length: g.length, width: g.width }, g, e.start, e.end);
      expect(t.distanceUnit).toBe(e.unit);
      expect(t.value.length).toBe(e.value.length);
      expect(Array.from(t.y)).toEqual(e.y);
      expect(Array.from(t.x)).toEqual(e.x);
      const dv = maxAbsDiff(t.value, e.value);
      let dd = 0;
      for (let i = 0; i < e.distance.length; i++)
        dd = Math.max(dd, Math.abs(t.distance[i] - e.distance[i]) / Math.max(1, e.distance[i]));
      console.log(
        `[transect ${k + 1}] ${e.value.length} samples, max |Δvalue| = ${dv.toExponential(2)} m/yr, max rel Δdistance = ${dd.toExponential(2)}`,
      );
      // README: bit-identical to ut.transect_lalo
      expect(dv).toBe(0);
      expect(dd).toBe(0);
    });
  });
});
