/**
 * Time functions (§6): design matrix conventions, option parsing, validation errors, dataset names,
 * exact recovery of a synthetic model, bootstrap statistics and evaluateModel.
 */
import { describe, expect, it } from 'vitest';
import { pinv } from '../../src-core/common/linalg/svd';
import { InputError } from '../../src-core/common/pipeline/types';
import { decimalYear, formatDate, parseDate } from '../../src-core/common/time/dates';
import { selectDates, timeFuncDesign } from '../../src-core/common/timefunc/design';
import { evaluateModel, fitTile, Xoshiro128 } from '../../src-core/common/timefunc/fitTile';
import {
  datasetSpecs,
  defaultModel,
  numParams,
  parseDateListText,
  parseTimeFuncOptions,
  pyFloatRepr,
  timeFuncAttributes,
  validateModel,
  type TimeFuncModel,
} from '../../src-core/common/timefunc/model';

const CLU = 49956;

function makeDates(n: number, start = '20180109', step = 12): string[] {
  const t0 = parseDate(start).getTime();
  return Array.from({ length: n }, (_, i) => formatDate(new Date(t0 + i * step * 86400000)));
}

describe('time-function design matrix', () => {
  it('polynomial τ^k/k!, periodic cos/sin on the decimal-year axis, float32 entries', () => {
    const dates = ['20180109', '20180121', '20190104'];
    const model: TimeFuncModel = { ...defaultModel(), polynomial: 3, periodic: [1] };
    const G = timeFuncDesign(dates, model, CLU);
    const P = numParams(model);
    expect(P).toBe(6);
    const tau = decimalYear('20190104', CLU) - decimalYear('20180109', CLU);
    expect(G[2 * P + 0]).toBe(1);
    expect(G[2 * P + 1]).toBe(Math.fround(tau));
    expect(G[2 * P + 2]).toBe(Math.fround((tau * tau) / 2));
    expect(G[2 * P + 3]).toBe(Math.fround((tau * tau * tau) / 6));
    expect(G[2 * P + 4]).toBe(Math.fround(Math.cos(2 * Math.PI * tau)));
    expect(G[2 * P + 5]).toBe(Math.fround(Math.sin(2 * Math.PI * tau)));
    expect(G[0 * P + 1]).toBe(0);
  });

  it('a step on an acquisition date counts as after it when CENTER_LINE_UTC > 0 (§6)', () => {
    const dates = ['20180109', '20180121', '20180202'];
    const m: TimeFuncModel = { ...defaultModel(), stepDate: ['20180121'] };
    expect(Array.from(timeFuncDesign(dates, m, CLU)).filter((_, i) => i % 3 === 2)).toEqual([0, 1, 1]);
    expect(Array.from(timeFuncDesign(dates, m, 0)).filter((_, i) => i % 3 === 2)).toEqual([0, 0, 1]);
  });

  it('exp and log terms are one-sided, with τ in integer days/365.25', () => {
    const dates = makeDates(5);
    const m: TimeFuncModel = {
      ...defaultModel(),
      exp: [{ onset: dates[1], tau: [30] }],
      log: [{ onset: dates[1], tau: [60] }],
    };
    const G = timeFuncDesign(dates, m, 0);
    const P = numParams(m);
    const dt = (decimalYear(dates[3]) - decimalYear(dates[1])) * 365.25;
    expect(G[1 * P + 2]).toBe(0);
    expect(G[1 * P + 3]).toBe(0);
    expect(G[3 * P + 2]).toBe(Math.fround(1 - Math.exp(-dt / 30)));
    expect(G[3 * P + 3]).toBe(Math.fround(Math.log(1 + dt / 60)));
  });

  it('date selection: start/end by decimal year, excluded dates that exist', () => {
    const dates = makeDates(10);
    const sel = selectDates(dates, { startDate: dates[2], endDate: '20180315', excludeDate: [dates[4], '20990101'] });
    expect(sel.used).toEqual([dates[2], dates[3], dates[5]]);
    expect(Array.from(sel.index)).toEqual([2, 3, 5]);
  });
});

describe('time-function options and names', () => {
  it('parses MintPy template values', () => {
    const o = parseTimeFuncOptions({
      'mintpy.timeFunc.polynomial': '2',
      'mintpy.timeFunc.periodic': '1,0.5;2',
      'mintpy.timeFunc.stepDate': '20180412',
      'mintpy.timeFunc.exp': '20180601,60,200/20180801,30',
      'mintpy.timeFunc.log': 'no',
      'mintpy.timeFunc.excludeDate': '180121,exclude_date.txt',
      'mintpy.timeFunc.startDate': '20180101',
      'mintpy.timeFunc.uncertaintyQuantification': 'bootstrap',
      'mintpy.timeFunc.bootstrapCount': '50',
    });
    expect(o.model).toEqual({
      polynomial: 2,
      periodic: [1, 0.5, 2],
      stepDate: ['20180412'],
      exp: [
        { onset: '20180601', tau: [60, 200] },
        { onset: '20180801', tau: [30] },
      ],
      log: [],
    });
    expect(o.excludeDate).toEqual(['20180121']);
    expect(o.excludeDateFiles).toEqual(['exclude_date.txt']);
    expect(o.startDate).toBe('20180101');
    expect(o.endDate).toBeUndefined();
    expect(o.uncertainty).toBe('bootstrap');
    expect(o.bootstrapCount).toBe(50);
    // defaults, and MintPy's own attribute strings read back
    const d = parseTimeFuncOptions({});
    expect(d.model).toEqual(defaultModel());
    expect(d.excludeDateFiles).toEqual(['exclude_date.txt']);
    const r = parseTimeFuncOptions({
      'mintpy.timeFunc.periodic': '[1.0, 0.5]',
      'mintpy.timeFunc.stepDate': "['20180412']",
      'mintpy.timeFunc.endDate': 'None',
    });
    expect(r.model.periodic).toEqual([1, 0.5]);
    expect(r.model.stepDate).toEqual(['20180412']);
    expect(timeFuncAttributes(r)['mintpy.timeFunc.periodic']).toBe('[1.0, 0.5]');
    expect(timeFuncAttributes(r)['mintpy.timeFunc.stepDate']).toBe("['20180412']");
    expect(() => parseTimeFuncOptions({ 'mintpy.timeFunc.uncertaintyQuantification': 'magic' })).toThrow(InputError);
    // MintPy's attribute strings for exp/log (str() of its parsed lists) round-trip
    const e = parseTimeFuncOptions({
      'mintpy.timeFunc.exp': "[['20180601', '60', '200'], ['20180801', '30']]",
      'mintpy.timeFunc.log': "[['20181001', '30']]",
    });
    expect(e.model.exp).toEqual([
      { onset: '20180601', tau: [60, 200] },
      { onset: '20180801', tau: [30] },
    ]);
    expect(e.model.log).toEqual([{ onset: '20181001', tau: [30] }]);
    expect(timeFuncAttributes(e)['mintpy.timeFunc.exp']).toBe("[['20180601', '60', '200'], ['20180801', '30']]");
  });

  it('exclude_date.txt text → sorted YYYYMMDD list', () => {
    expect(parseDateListText('20180226\n\n180121\r\n 20180110 \n')).toEqual(['20180110', '20180121', '20180226']);
    expect(parseDateListText('')).toEqual([]);
  });

  it('dataset names and units exactly as MintPy', () => {
    const m: TimeFuncModel = {
      polynomial: 3,
      periodic: [1, 0.5, 2, 0.25],
      stepDate: ['20180412'],
      exp: [{ onset: '20180601', tau: [60, 200] }],
      log: [{ onset: '20180801', tau: [30] }],
    };
    const specs = datasetSpecs(m, 'residue');
    expect(specs.map((s) => s.name)).toEqual([
      'intercept',
      'interceptStd',
      'velocity',
      'velocityStd',
      'acceleration',
      'accelerationStd',
      'poly3',
      'poly3Std',
      'annualAmplitude',
      'annualPhase',
      'semiAnnualAmplitude',
      'semiAnnualPhase',
      'period2.0YAmplitude',
      'period2.0YPhase',
      'period0.25YAmplitude',
      'period0.25YPhase',
      'step20180412',
      'step20180412Std',
      'exp20180601Tau60D',
      'exp20180601Tau60DStd',
      'exp20180601Tau200D',
      'exp20180601Tau200DStd',
      'log20180801Tau30D',
      'log20180801Tau30DStd',
      'residue',
    ]);
    const unit = Object.fromEntries(specs.map((s) => [s.name, s.unit]));
    expect(unit.velocity).toBe('m/year');
    expect(unit.acceleration).toBe('m/year^2');
    expect(unit.poly3Std).toBe('m/year^3');
    expect(unit.annualPhase).toBe('radian');
    expect(unit.residue).toBe('m');
    expect(datasetSpecs(defaultModel(), 'bootstrap').map((s) => s.name)).toEqual([
      'intercept',
      'interceptStd',
      'velocity',
      'velocityStd',
    ]);
    expect(pyFloatRepr(3)).toBe('3.0');
    expect(pyFloatRepr(0.1)).toBe('0.1');
  });

  it('validation: step date outside the range, bad periods/onsets/taus → InputError naming the problem', () => {
    const dates = makeDates(10);
    const v = (m: Partial<TimeFuncModel>) => () => validateModel({ ...defaultModel(), ...m }, dates);
    expect(v({ stepDate: ['20170101'] })).toThrow(InputError);
    expect(v({ stepDate: ['20170101'] })).toThrow(
      /step date 20170101 is outside the dates used \(20180109 … 20180427\)/,
    );
    expect(v({ stepDate: [dates[0]] })).toThrow(/strictly between/);
    expect(v({ stepDate: ['2018x'] })).toThrow(/not a date/);
    expect(v({ periodic: [0] })).toThrow(/zero or negative period/);
    expect(v({ exp: [{ onset: '20190101', tau: [30] }] })).toThrow(/not before the last date/);
    expect(v({ log: [{ onset: '20180301', tau: [] }] })).toThrow(/no characteristic time/);
    expect(v({ log: [{ onset: '20180301', tau: [-3] }] })).toThrow(/negative characteristic time/);
    expect(v({ polynomial: 0 })).toThrow(/no time functions/);
    expect(validateModel({ ...defaultModel(), exp: [{ onset: '20180301', tau: [30.7] }] }, dates).exp[0].tau).toEqual([
      30,
    ]);
    // fitTile propagates the error
    expect(() =>
      fitTile({ dates, ts: new Float32Array(10), numPixels: 1, model: { ...defaultModel(), stepDate: ['20200101'] } }),
    ).toThrow(/step date 20200101 is outside/);
  });
});

describe('fitTile', () => {
  const dates = makeDates(40);
  const model: TimeFuncModel = {
    polynomial: 2,
    periodic: [1, 0.5],
    stepDate: ['20180601'],
    exp: [{ onset: '20180801', tau: [40] }],
    log: [{ onset: '20180901', tau: [25] }],
  };
  const P = numParams(model);
  const truthParams = (p: number) => Array.from({ length: P }, (_, j) => ((j + 1) * 0.003 * (p + 1)) / (j + 2));

  it('recovers an exact synthetic model (all term types), residue ≈ 0, masks zero pixels', () => {
    const NP = 4;
    const ts = new Float32Array(dates.length * NP);
    for (let p = 0; p < 3; p++) {
      const v = evaluateModel(model, truthParams(p), dates, dates[0], CLU);
      for (let d = 0; d < dates.length; d++) ts[d * NP + p] = v[d];
    }
    // pixel 3 stays 0 → not estimated
    const out = fitTile({ dates, ts, numPixels: NP, model, centerLineUtc: CLU });
    const specs = out.specs.filter((s) => s.kind === 'value');
    for (let p = 0; p < 3; p++) {
      const t = truthParams(p);
      for (const s of specs) expect(out.datasets[s.name][p], s.name).toBeCloseTo(t[s.param], 5);
      expect(out.datasets.residue[p]).toBeLessThan(1e-6);
    }
    // amplitude/phase of the annual term
    const t0 = truthParams(0);
    expect(out.datasets.annualAmplitude[0]).toBeCloseTo(Math.hypot(t0[3], t0[4]), 5);
    expect(out.datasets.annualPhase[0]).toBeCloseTo(Math.atan2(t0[3], t0[4]), 3);
    for (const s of out.specs) expect(out.datasets[s.name][3]).toBe(0);
    expect(out.mask[3]).toBe(0);
    expect(out.condition).toBeGreaterThan(1);
    expect(out.condition).toBeLessThan(1e6);
  });

  it('valuesOnly (the edit preview): the same parameters bit for bit, no residual or std', () => {
    const NP = 5;
    const ts = Float32Array.from({ length: dates.length * NP }, (_, i) => 0.001 * (i % 17) + 1e-4 * Math.sin(i));
    for (const uncertainty of ['residue', 'bootstrap'] as const) {
      // bootstrapping takes a line only; the residue case the whole model
      const m = uncertainty === 'bootstrap' ? defaultModel() : model;
      const opts = { dates, ts, numPixels: NP, model: m, centerLineUtc: CLU, uncertainty, bootstrapCount: 20 };
      const full = fitTile(opts);
      const vals = fitTile({ ...opts, valuesOnly: true });
      for (const s of full.specs) {
        const skipped = uncertainty === 'residue' && (s.kind === 'std' || s.kind === 'residue');
        if (skipped) expect(Array.from(vals.datasets[s.name]), s.name).toEqual(new Array(NP).fill(0));
        else expect(Array.from(vals.datasets[s.name]), s.name).toEqual(Array.from(full.datasets[s.name]));
      }
      expect(full.datasets.velocityStd.some((v) => v > 0)).toBe(true);
    }
  });

  it('velocityStd equals the closed form √(e2/((N−2)·Σ(τ−τ̄)²)) for a linear fit', () => {
    const NP = 1;
    const ts = Float32Array.from(dates, (_, i) => 0.01 * i + 0.004 * Math.sin(i * 1.7));
    const out = fitTile({ dates, ts, numPixels: NP, model: defaultModel(), centerLineUtc: CLU });
    const tau = dates.map((d) => Math.fround(decimalYear(d, CLU) - decimalYear(dates[0], CLU)));
    const mean = tau.reduce((a, b) => a + b, 0) / tau.length;
    const sxx = tau.reduce((a, t) => a + (t - mean) ** 2, 0);
    const e2 = out.datasets.residue[0] ** 2;
    expect(out.datasets.velocityStd[0]).toBeCloseTo(Math.sqrt(e2 / ((dates.length - 2) * sxx)), 7);
  });

  it('bootstrap: reproducible with a seed, mean ≈ least squares, std ≈ residue std (statistically)', () => {
    const NP = 3;
    const r = new Xoshiro128(42);
    const ts = new Float32Array(dates.length * NP);
    for (let d = 0; d < dates.length; d++)
      for (let p = 0; p < NP; p++)
        ts[d * NP + p] = 0.02 * (p + 1) * d * (12 / 365.25) + 0.003 * (r.nextU32() / 2 ** 32 - 0.5);
    const a = fitTile({
      dates,
      ts,
      numPixels: NP,
      model: defaultModel(),
      uncertainty: 'bootstrap',
      bootstrapCount: 400,
      seed: 7,
    });
    const b = fitTile({
      dates,
      ts,
      numPixels: NP,
      model: defaultModel(),
      uncertainty: 'bootstrap',
      bootstrapCount: 400,
      seed: 7,
    });
    const c = fitTile({ dates, ts, numPixels: NP, model: defaultModel(), uncertainty: 'residue' });
    expect(Array.from(a.datasets.velocity)).toEqual(Array.from(b.datasets.velocity));
    expect(a.datasets.residue).toBeUndefined();
    for (let p = 0; p < NP; p++) {
      expect(Math.abs(a.datasets.velocity[p] - c.datasets.velocity[p])).toBeLessThan(3 * c.datasets.velocityStd[p]);
      const ratio = a.datasets.velocityStd[p] / c.datasets.velocityStd[p];
      expect(ratio, `bootstrap/residue std ratio ${ratio.toFixed(2)}`).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.6);
    }
    expect(() =>
      fitTile({ dates, ts, numPixels: NP, model: { ...defaultModel(), periodic: [1] }, uncertainty: 'bootstrap' }),
    ).toThrow(/bootstrapping supports a polynomial of order 1 only/);
  });

  it('bootstrap statistics equal the explicit per-draw mean and std (ddof 0) of the resampled fits', () => {
    const sub = dates.slice(0, 25);
    const NP = 2;
    const ts = new Float32Array(sub.length * NP);
    for (let d = 0; d < sub.length; d++)
      for (let p = 0; p < NP; p++) ts[d * NP + p] = 0.01 * d * (p + 1) + 0.003 * Math.sin(d * 2.3 + p);
    const count = 50;
    const out = fitTile({
      dates: sub,
      ts,
      numPixels: NP,
      model: defaultModel(),
      uncertainty: 'bootstrap',
      bootstrapCount: count,
      seed: 3,
    });
    // explicit: same generator, same sorted draws, τ relative to the first drawn date, min-norm lstsq
    const rng = new Xoshiro128(3);
    const N = sub.length;
    const vel: number[][] = [[], []];
    for (let b = 0; b < count; b++) {
      const draw = Int32Array.from({ length: N }, () => rng.int(N)).sort();
      const G = timeFuncDesign(
        Array.from(draw, (k) => sub[k]),
        defaultModel(),
        0,
      );
      const { p: Gp } = pinv(G, N, 2, 1.1920928955078125e-7);
      for (let p = 0; p < NP; p++) {
        let v = 0;
        for (let k = 0; k < N; k++) v += Gp[N + k] * ts[draw[k] * NP + p];
        vel[p].push(v);
      }
    }
    for (let p = 0; p < NP; p++) {
      const mean = vel[p].reduce((a, b) => a + b, 0) / count;
      const std = Math.sqrt(vel[p].reduce((a, b) => a + (b - mean) ** 2, 0) / count);
      expect(out.datasets.velocity[p]).toBeCloseTo(mean, 6);
      expect(out.datasets.velocityStd[p] / std).toBeCloseTo(1, 4);
    }
  });

  it('covariance: σ = √diag(G⁺CG⁺ᵀ); C = σ²I reproduces the residue formula; no file → residue', () => {
    const NP = 2;
    const sub = dates.slice(0, 20);
    const ts = new Float32Array(sub.length * NP);
    for (let d = 0; d < sub.length; d++)
      for (let p = 0; p < NP; p++) ts[d * NP + p] = 0.01 * d + 0.002 * Math.cos(d * (p + 1));
    const res = fitTile({ dates: sub, ts, numPixels: NP, model: defaultModel() });
    const N = sub.length;
    const sigma2 = Float64Array.from({ length: NP }, (_, p) => res.datasets.residue[p] ** 2 / (N - 2));
    const variance = new Float32Array(N * NP);
    const covariance = new Float32Array(N * N * NP);
    for (let d = 0; d < N; d++)
      for (let p = 0; p < NP; p++) {
        variance[d * NP + p] = sigma2[p];
        covariance[(d * N + d) * NP + p] = sigma2[p];
      }
    for (const tsCov of [
      { kind: 'variance' as const, data: variance },
      { kind: 'covariance' as const, data: covariance },
    ]) {
      const out = fitTile({ dates: sub, ts, numPixels: NP, model: defaultModel(), uncertainty: 'covariance', tsCov });
      expect(out.datasets.residue).toBeUndefined();
      for (let p = 0; p < NP; p++) {
        expect(out.datasets.velocity[p]).toBe(res.datasets.velocity[p]);
        expect(out.datasets.velocityStd[p] / res.datasets.velocityStd[p]).toBeCloseTo(1, 5);
        expect(out.datasets.interceptStd[p] / res.datasets.interceptStd[p]).toBeCloseTo(1, 5);
      }
    }
    const fallback = fitTile({ dates: sub, ts, numPixels: NP, model: defaultModel(), uncertainty: 'covariance' });
    expect(Array.from(fallback.datasets.residue)).toEqual(Array.from(res.datasets.residue));
    expect(() =>
      fitTile({
        dates: sub,
        ts,
        numPixels: NP,
        model: defaultModel(),
        uncertainty: 'covariance',
        tsCov: { kind: 'variance', data: new Float32Array(3) },
      }),
    ).toThrow(/tsCov \(variance\) has 3 values/);
  });

  it('too few dates for the parameters → clear error', () => {
    const d3 = makeDates(3);
    expect(() =>
      fitTile({ dates: d3, ts: new Float32Array(3), numPixels: 1, model: { ...defaultModel(), polynomial: 2 } }),
    ).toThrow(/3 dates for 3 parameters/);
  });

  it('evaluateModel reproduces the design-matrix product', () => {
    const params = truthParams(1);
    const v = evaluateModel(model, params, dates.slice(5, 8), dates[0], CLU);
    const G = timeFuncDesign(dates, model, CLU);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < P; j++) s += G[(i + 5) * P + j] * params[j];
      expect(v[i]).toBeCloseTo(s, 12);
    }
    expect(() => evaluateModel(model, [1, 2], dates, dates[0])).toThrow(/2 parameters given/);
  });
});
