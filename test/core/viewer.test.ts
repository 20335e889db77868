/**
 * The viewer's science, with numbers: display re-referencing (a reference date, a display reference pixel)
 * against MintPy 1.5.1's tsview.read_timeseries_data; a polygon's mean series and spread against numpy; the
 * model's terms printed as tsview.get_model_param_str prints them. Expected values:
 * test/core/__data__/viewer-mintpy.py (MintPy 1.5.1 on the cv-tiny fixture).
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyOffset,
  applyOffsets,
  displayModel,
  displayOffsets,
  displaySeries,
  refDateIndex,
  referenceToDate,
  seriesToDate,
  shiftSeries,
} from '../../src-core/common/derived/displayReference';
import {
  percentileSorted,
  polygonPixels,
  polygonWindow,
  regionStats,
} from '../../src-core/common/derived/regionSeries';
import { modelTermLines, relativeTerms, scaleTerm, type ModelTerm } from '../../src-core/common/timefunc/termLines';
import { modelTerms } from '../../src-core/common/timefunc/terms';
import { parseTimeFuncOptions, type TimeFuncModel } from '../../src-core/common/timefunc/model';
import { evaluateModel } from '../../src-core/common/timefunc/fitTile';
import { H5Reader } from '../../src-core/node/formats/h5';
import { readRegionSeries } from '../../src-core/node/derived/regionSeries';
import type { GeoGrid } from '../../src-core/common/formats/grid';
import { xyToLonLat } from '../../src-core/common/geo/gridCoords';
import { describeParity, fx, REPO_ROOT } from '../helpers/fixtures';

const f32 = Math.fround;
const GOLD = JSON.parse(readFileSync(join(REPO_ROOT, 'test/core/__data__/viewer-mintpy.json'), 'utf8')) as {
  dates: string[];
  pixels: [number, number][];
  cases: { refYX: [number, number] | null; refDate: string | null; values: number[][] }[];
  region: {
    polygon: [number, number][];
    refDate: string;
    inside: number;
    kept: number;
    pixels: number[];
    mean: number[];
    std: number[];
    p25: number[];
    median: number[];
    p75: number[];
  };
  terms: { file: string; row: number; col: number; lines: string[] }[];
  synthetic: { model: TimeFuncModel; cases: { datasets: Record<string, number>; lines: string[] }[] };
};

describe('display re-referencing (pure)', () => {
  const v = Float32Array.from([0, 0.011, -0.0234, 0.05]);
  const r = Float32Array.from([0, 0.001, 0.002, -0.004]);
  test('a date: each value minus the value then, in float32', () => {
    expect(Array.from(seriesToDate(v, 2))).toEqual([0 - v[2], v[1] - v[2], 0, v[3] - v[2]].map(f32));
    expect(Array.from(seriesToDate(v, null))).toEqual(Array.from(v));
    expect(Array.from(referenceToDate(v, r))).toEqual([0, v[1] - r[1], v[2] - r[2], v[3] - r[3]].map(f32));
    expect(refDateIndex(['20200101', '20200113'], '20200113')).toBe(1);
    expect(refDateIndex(['20200101'], null)).toBeNull();
    expect(() => refDateIndex(['20200101'], '20200102')).toThrow(/not one of the 1 dates/);
  });
  test('a pixel: per-date offsets; the map (offset) and the chart (series) give the same numbers', () => {
    const off = displayOffsets(r, 1, 4);
    expect(Array.from(off)).toEqual([0 - r[1], 0, r[2] - r[1], r[3] - r[1]].map(f32));
    const chart = displaySeries(v, 1, r);
    // the map: main references the date per pixel, the renderer subtracts the offset where it colours
    const mapDate = referenceToDate(
      v,
      Float32Array.from(v, () => v[1]),
    );
    for (let i = 0; i < 4; i++) expect(applyOffset(mapDate[i], off[i])).toBe(chart[i]);
    expect(Array.from(applyOffsets(v, off))).toEqual(Array.from(v, (x, i) => f32(x - off[i])));
    expect(applyOffset(NaN, 0.1)).toBeNaN();
    expect(applyOffset(0.25, 0)).toBe(0.25);
    expect(Array.from(displayOffsets(null, null, 3))).toEqual([0, 0, 0]);
    expect(() => displayOffsets(r, null, 5)).toThrow(/4 reference values for 5 dates/);
    expect(Array.from(shiftSeries([1.5, 2.5], [0.5, -0.5]))).toEqual([1, 3]);
  });
  test("the model moves with the data: by the pixel's value on the reference date, minus the reference pixel's model", () => {
    const m = [0.001, 0.01, -0.02, 0.049];
    const mr = [0, 0.0015, 0.0018, -0.0035];
    const out = displayModel(m, v, 1, mr, r);
    for (let i = 0; i < 4; i++) expect(out[i]).toBe(f32(m[i] - v[1] - (mr[i] - r[1])));
    expect(Array.from(displayModel(m, v, null, null, null))).toEqual(m.map(f32));
  });
});

describe('region statistics (pure)', () => {
  test("numpy's linear percentiles, population std, NaN skipped", () => {
    expect(percentileSorted([1, 2, 3, 4], 25)).toBe(1.75); // np.percentile([1,2,3,4], 25)
    expect(percentileSorted([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileSorted([1, 2, 3, 4, 10], 75)).toBe(4);
    expect(percentileSorted([7], 25)).toBe(7);
    const s = regionStats([Float32Array.from([1, 2, NaN, 4]), Float32Array.from([NaN, NaN])]);
    expect(Array.from(s.count)).toEqual([3, 0]);
    expect(s.mean[0]).toBeCloseTo(7 / 3, 15);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 3), 15);
    expect([s.p25[0], s.median[0], s.p75[0]]).toEqual([1.5, 2, 3]);
    expect(s.mean[1]).toBeNaN();
  });
  test('pixel centres inside a polygon (lat/lon grid): a triangle on a 4 × 5 grid', () => {
    const g: GeoGrid = { length: 4, width: 5, xFirst: 0, yFirst: 4, xStep: 1, yStep: -1 };
    // centres at (lon, lat) = (c + 0.5, 3.5 − r); the triangle (0,4) (5,4) (0,0) holds those with lat > 0.8·lon
    const tri: [number, number][] = [
      [4, 0],
      [4, 5],
      [0, 0],
    ];
    expect(Array.from(polygonPixels(g, tri))).toEqual([0, 1, 2, 3, 5, 6, 7, 10, 11, 15]);
    expect(polygonWindow(g, tri)).toEqual({ r0: 0, r1: 4, c0: 0, c1: 5 });
    expect(
      polygonPixels(g, [
        [10, 10],
        [10, 11],
        [11, 10],
      ]).length,
    ).toBe(0);
    expect(() =>
      polygonPixels(g, [
        [0, 0],
        [1, 1],
      ] as [number, number][]),
    ).toThrow(/at least 3 vertices/);
  });
  test("on a UTM grid the polygon is tested in the grid's metres: a box around 3 × 3 pixel centres", () => {
    const g: GeoGrid = { length: 10, width: 10, xFirst: 300000, yFirst: 4000000, xStep: 100, yStep: -100, epsg: 32611 };
    // corners half a pixel outside the centres of rows 2–4, cols 3–5, as lat/lon
    const corner = (r: number, c: number): [number, number] => {
      const [lon, lat] = xyToLonLat(g, g.xFirst + c * g.xStep, g.yFirst + r * g.yStep);
      return [lat, lon];
    };
    const box = [corner(2, 3), corner(2, 6), corner(5, 6), corner(5, 3)];
    expect(Array.from(polygonPixels(g, box))).toEqual([23, 24, 25, 33, 34, 35, 43, 44, 45]);
  });
});

describe('model terms printed as tsview', () => {
  test("every kind of term (polynomial 2, annual, semi-annual, step, exp, two logs): tsview's lines, character for character", () => {
    for (const c of GOLD.synthetic.cases) {
      const terms = modelTerms(GOLD.synthetic.model, (n) => c.datasets[n] ?? NaN);
      expect(modelTermLines(terms, 'cm')).toEqual(c.lines);
    }
  });
  test('display units: m → cm and m/year → cm/year, radian unchanged', () => {
    const t: ModelTerm = { name: 'velocity', unit: 'm/year', value: -0.0269, std: 0.0171 };
    expect(scaleTerm(t, 'cm')).toEqual({ value: -2.69, std: 1.71, unit: 'cm/year' });
    expect(scaleTerm({ name: 'annualPhase', unit: 'radian', value: 2.66, std: null }, 'cm').unit).toBe('radian');
    expect(() => scaleTerm(t, 'inch')).toThrow(/unknown display unit/);
    expect(modelTermLines([], 'cm')).toEqual([]);
  });
  test('relative to a reference pixel: differences of the coefficients (periodic through its components)', () => {
    const q: ModelTerm[] = [
      { name: 'intercept', unit: 'm', value: 0.01, std: 0.001 },
      { name: 'velocity', unit: 'm/year', value: -0.05, std: 0.002 },
      { name: 'annualAmplitude', unit: 'm', value: 0.01, std: null },
      { name: 'annualPhase', unit: 'radian', value: 0.5, std: null },
    ];
    const p: ModelTerm[] = [
      { name: 'intercept', unit: 'm', value: 0.002, std: 0.001 },
      { name: 'velocity', unit: 'm/year', value: -0.01, std: 0.002 },
      { name: 'annualAmplitude', unit: 'm', value: 0.01, std: null },
      { name: 'annualPhase', unit: 'radian', value: 0.5, std: null },
    ];
    const rel = relativeTerms(q, p, 0.003);
    expect(rel.map((t) => t.name)).toEqual(['intercept', 'velocity', 'annualAmplitude', 'annualPhase']);
    expect(rel[0].value).toBeCloseTo(0.01 - 0.002 - 0.003, 15);
    expect(rel[1].value).toBeCloseTo(-0.04, 15);
    expect(rel[2].value).toBeCloseTo(0, 15); // the same seasonal signal cancels
    expect(rel.every((t) => t.std === null)).toBe(true);
    // a model curve of the differences equals the difference of the curves (the fit is linear)
    const model: TimeFuncModel = { polynomial: 1, periodic: [1], stepDate: [], exp: [], log: [] };
    const dates = ['20180109', '20180301', '20180601', '20181101'];
    const par = (t: ModelTerm[]) => {
      const a = t[2].value;
      const ph = t[3].value;
      return Float64Array.from([t[0].value, t[1].value, a * Math.sin(ph), a * Math.cos(ph)]);
    };
    const q2 = [...q.slice(0, 2), { ...q[2], value: 0.02 }, { ...q[3], value: -1 }];
    const rel2 = relativeTerms(q2, p);
    const mq = evaluateModel(model, par(q2), dates, dates[0], 0);
    const mp = evaluateModel(model, par(p), dates, dates[0], 0);
    const mr = evaluateModel(model, par(rel2), dates, dates[0], 0);
    for (let i = 0; i < dates.length; i++) expect(mr[i]).toBeCloseTo(mq[i] - mp[i], 12);
  });
});

describeParity('viewer vs MintPy 1.5.1 tsview on cv-tiny', () => {
  async function series(r: H5Reader, row: number, col: number): Promise<Float32Array> {
    const w = Number(r.attrs.WIDTH);
    const block = r.readRows('timeseries', row, row + 1);
    return Float32Array.from({ length: GOLD.dates.length }, (_, i) => block[i * w + col]);
  }

  test('--ref-date alone and --ref-yx alone: bit-identical; both: within float32 round-off (date first here, pixel first in tsview)', async () => {
    const r = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    try {
      expect(r.readStrings('date')).toEqual(GOLD.dates);
      let worstBoth = 0;
      // in units of the float32 spacing at the largest operand (|v_d|, |v_ref|, |r_d|, |r_ref|): each order
      // rounds three times, ≤ 1.5 of those each
      let worstUlp = 0;
      for (const c of GOLD.cases) {
        const iref = refDateIndex(GOLD.dates, c.refDate);
        const ref = c.refYX ? await series(r, c.refYX[0], c.refYX[1]) : null;
        for (const [k, [row, col]] of GOLD.pixels.entries()) {
          const v = await series(r, row, col);
          const ours = displaySeries(v, iref, ref);
          const theirs = c.values[k];
          if (!c.refYX || iref === null) expect(Array.from(ours)).toEqual(theirs);
          else
            for (let i = 0; i < ours.length; i++) {
              const d = Math.abs(ours[i] - theirs[i]);
              worstBoth = Math.max(worstBoth, d);
              const big = Math.max(Math.abs(v[i]), Math.abs(v[iref]), Math.abs(ref![i]), Math.abs(ref![iref]));
              if (d) worstUlp = Math.max(worstUlp, d / 2 ** (Math.floor(Math.log2(big)) - 23));
            }
        }
      }
      console.log(`both references: max |Δ| ${worstBoth.toExponential(2)} m (${worstUlp.toFixed(2)} ulp)`);
      expect(worstUlp).toBeLessThanOrEqual(3);
    } finally {
      r.close();
    }
  });

  test("a polygon's mean and spread after --ref-date: the same pixels as numpy/matplotlib, statistics ≤ 1e-12 relative", async () => {
    const g = GOLD.region;
    const res = await readRegionSeries(fx('mintpy', 'timeseries.h5'), g.polygon, {
      refDate: g.refDate,
      maskFile: fx('mintpy', 'maskTempCoh.h5'),
    });
    expect(res.inside).toBe(g.inside);
    expect(res.inside - res.masked).toBe(g.kept);
    expect(res.refDate).toBe(g.refDate);
    const r = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    const grid: GeoGrid = {
      length: Number(r.attrs.LENGTH),
      width: Number(r.attrs.WIDTH),
      xFirst: Number(r.attrs.X_FIRST),
      yFirst: Number(r.attrs.Y_FIRST),
      xStep: Number(r.attrs.X_STEP),
      yStep: Number(r.attrs.Y_STEP),
    };
    r.close();
    expect(polygonPixels(grid, g.polygon).length).toBe(g.inside);
    let worst = 0;
    for (const key of ['mean', 'std', 'p25', 'median', 'p75'] as const)
      for (let i = 0; i < g.mean.length; i++) {
        const a = res[key][i];
        const b = g[key][i];
        const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
        if (b !== 0) worst = Math.max(worst, rel);
        else expect(Math.abs(a)).toBeLessThan(1e-15);
      }
    console.log(`region: ${g.kept} of ${g.inside} pixels; worst relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
    expect(Array.from(res.count).every((n) => n === g.kept)).toBe(true);
  });

  test("velocity_periodic_step.h5 at six pixels: tsview's parameter lines from velocity.h5's own values", async () => {
    const v = await H5Reader.open(fx('mintpy', 'variants', 'velocity_periodic_step.h5'));
    try {
      const model = parseTimeFuncOptions(v.attrs).model;
      for (const t of GOLD.terms) {
        const at = (n: string) => (v.has(n) ? Number(v.readRows(n, t.row, t.row + 1)[t.col]) : NaN);
        expect(modelTermLines(modelTerms(model, at), 'cm')).toEqual(t.lines);
      }
    } finally {
      v.close();
    }
  });
});
