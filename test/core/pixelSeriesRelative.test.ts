/** A pixel's series relative to another of its dates (tsview --ref-date): the figures' numbers. */
import { describe, expect, test } from 'vitest';
import { pixelSeriesRelativeTo } from '../../src-core/common/derived/pixelSeriesRelative';
import type { PixelSeriesData } from '../../src-core/common/derived/pixelSeriesData';
import { InputError } from '../../src-core/common/pipeline/types';

const f32 = Math.fround;
const series = (): PixelSeriesData => ({
  file: 'timeseries.h5',
  row: 3,
  col: 4,
  lat: 36.1,
  lon: -119.6,
  dates: ['20180109', '20180121', '20180202', '20180214'],
  years: [2018.02, 2018.05, 2018.09, 2018.12],
  values: Float32Array.from([0, -0.0123, -0.0301, NaN]),
  unit: 'm',
  referenceDate: '20180109',
  velocity: -0.1,
  velocityStd: 0.01,
  model: Float32Array.from([0.001, -0.011, -0.029, -0.041]),
  residualStd: 0.0021,
  velocityFile: 'velocity.h5',
  terms: [],
});

describe('pixelSeriesRelativeTo', () => {
  test('each value minus the pixel’s own value on the date, in float32; the model shifted by the same value', () => {
    const p = series();
    const r = pixelSeriesRelativeTo(p, '20180202');
    const v2 = p.values[2];
    expect(Array.from(r.values)).toEqual([f32(0 - v2), f32(p.values[1] - v2), 0, NaN]);
    expect(Array.from(r.model)).toEqual(Array.from(p.model, (m) => f32(m - v2)));
    expect(r.referenceDate).toBe('20180202');
    // what re-referencing leaves as it was
    expect(r.residualStd).toBe(p.residualStd);
    expect(r.velocity).toBe(p.velocity);
    expect(r.dates).toEqual(p.dates);
    // the input untouched
    expect(p.values[0]).toBe(0);
    expect(p.referenceDate).toBe('20180109');
  });

  test('a series without a model keeps none; a date not in the series is refused, naming the file', () => {
    const p = { ...series(), model: new Float32Array(0) };
    expect(pixelSeriesRelativeTo(p, '20180121').model.length).toBe(0);
    expect(pixelSeriesRelativeTo(p, undefined)).toBe(p); // no date: the series as it is
    expect(() => pixelSeriesRelativeTo(p, '20190101')).toThrow(InputError);
    expect(() => pixelSeriesRelativeTo(p, '20190101')).toThrow(
      /timeseries\.h5: reference date 20190101 is not one of its 4 dates/,
    );
  });
});
