/**
 * A chart written out as the app shows it (src-core/common/export/chart.ts): the CSV (dates in rows, one
 * column per series, model, band and extra columns; series on different x stacked), only the x range in
 * view; the SVG figure (title, notes, points in range, bands, dashed model band, legend, date ticks).
 */
import { describe, expect, test } from 'vitest';
import {
  chartCsv,
  chartSvg,
  chartXRange,
  chartYRange,
  timeTicks,
  type ChartSpec,
} from '../../src-core/common/export/chart';
import { dateToYear } from '../../src-core/common/export/figures';

const dates = ['20180109', '20180121', '20180202', '20180214'];
const x = dates.map(dateToYear);

function spec(over: Partial<ChartSpec> = {}): ChartSpec {
  return {
    title: 'LOS displacement time series',
    xAxis: 'date',
    xLabel: 'date',
    yLabel: 'LOS displacement [cm]',
    unit: 'cm',
    notes: ['relative to 2018-01-09; display reference pixel row 3, col 4 (view only)'],
    series: [
      {
        label: 'row 1, col 2',
        color: '#ffd400',
        x,
        xText: dates,
        y: [0, -0.5, NaN, -1.25],
        style: 'points',
        model: [0, -0.4, -0.8, -1.2],
        modelBand: 0.1,
      },
      {
        label: 'Area 1 (12 px)',
        color: '#8c2d04',
        x,
        xText: dates,
        y: [0, -0.2, -0.4, -0.6],
        lower: [0, -0.3, -0.5, -0.8],
        upper: [0, -0.1, -0.3, -0.4],
        bandLabel: 'mean ± 1 std',
        style: 'line',
        extra: [{ name: 'pixels', values: [12, 12, 11, 12] }],
      },
    ],
    ...over,
  };
}

describe('chart CSV', () => {
  test('dates in rows; a column per series, its model, model band, spread band and extras; NaN empty', () => {
    const csv = chartCsv(spec()).trimEnd().split('\n');
    expect(csv.slice(0, 3)).toEqual([
      '# LOS displacement time series',
      '# relative to 2018-01-09; display reference pixel row 3, col 4 (view only)',
      '# values in cm',
    ]);
    expect(csv[3]).toBe(
      'date,"row 1, col 2 [cm]","row 1, col 2 model [cm]","row 1, col 2 model band ± [cm]",Area 1 (12 px) [cm],Area 1 (12 px) mean ± 1 std low [cm],Area 1 (12 px) mean ± 1 std high [cm],Area 1 (12 px) pixels',
    );
    expect(csv[4]).toBe('20180109,0,0,0.1,0,0,0,12');
    expect(csv[6]).toBe('20180202,,-0.8,0.1,-0.4,-0.5,-0.3,11');
    expect(csv.length).toBe(8);
  });
  test('only the x range in view (a zoom on the middle two dates)', () => {
    const csv = chartCsv(spec({ xRange: [x[1] - 1e-6, x[2] + 1e-6] }))
      .trimEnd()
      .split('\n');
    expect(csv.slice(4).map((l) => l.split(',')[0])).toEqual(['20180121', '20180202']);
  });
  test('series on different x (transects) are stacked with a series column', () => {
    const s: ChartSpec = {
      ...spec({ xAxis: 'linear', xLabel: 'distance [km]' }),
      series: [
        {
          label: 'A–A′',
          color: '#000',
          x: [0, 0.5, 1],
          y: [1, 2, 3],
          style: 'line',
          lower: [0.5, 1.5, 2.5],
          upper: [1.5, 2.5, 3.5],
        },
        { label: 'B–B′', color: '#111', x: [0, 0.7], y: [4, 5], style: 'line' },
      ],
    };
    const csv = chartCsv(s).trimEnd().split('\n');
    expect(csv[3]).toBe('series,distance [km],value [cm],model [cm],low [cm],high [cm]');
    expect(csv.slice(4)).toEqual([
      'A–A′,0,1,,0.5,1.5',
      'A–A′,0.5,2,,1.5,2.5',
      'A–A′,1,3,,2.5,3.5',
      'B–B′,0,4,,,',
      'B–B′,0.7,5,,,',
    ]);
  });
});

describe('chart figure', () => {
  test('title, notes, a circle per finite point in range, the spread band, the model with its dashed band, a legend', () => {
    const svg = chartSvg(spec());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>LOS displacement time series</text>');
    expect(svg).toContain('display reference pixel row 3, col 4 (view only)');
    expect((svg.match(/<circle cx=/g) ?? []).length).toBe(3 + 1); // 3 finite points + 1 legend dot
    expect((svg.match(/<polygon /g) ?? []).length).toBe(1);
    expect((svg.match(/stroke-dasharray="4 3"/g) ?? []).length).toBe(4); // two lines, each over its halo
    expect(svg).toContain('>row 1, col 2 (model)</text>');
    expect(svg).toContain('>Area 1 (12 px) (mean ± 1 std)</text>');
    // date ticks, not decimal years
    expect(svg).toMatch(/>Jan 21<\/text>|>Feb 2018<\/text>|>Feb 1<\/text>/);
    // zoomed: the points outside are not drawn
    const z = chartSvg(spec({ xRange: [x[2] - 1e-6, x[3] + 1e-6] }));
    expect((z.match(/<circle cx=/g) ?? []).length).toBe(1 + 1);
  });
  test('ranges: x from the series (or the zoom), y padded over points, models with their band and spreads', () => {
    expect(chartXRange(spec())).toEqual([x[0], x[3]]);
    const [lo, hi] = chartYRange(spec(), x[0], x[3]);
    const span = 0.1 - -1.3;
    expect(lo).toBeCloseTo(-1.3 - 0.08 * span, 12);
    expect(hi).toBeCloseTo(0.1 + 0.08 * span, 12);
  });
  test('date ticks: months over a year, the 1st/11th/21st over weeks, days over a few days', () => {
    expect(timeTicks(dateToYear('20180101'), dateToYear('20190101')).map((t) => t.label)).toEqual([
      'Jan 2018',
      'Apr 2018',
      'Jul 2018',
      'Oct 2018',
      'Jan 2019',
    ]);
    expect(timeTicks(dateToYear('20180105'), dateToYear('20180225')).map((t) => t.label)).toEqual([
      'Jan 11',
      'Jan 21',
      'Feb 1',
      'Feb 11',
      'Feb 21',
    ]);
    expect(timeTicks(dateToYear('20180301'), dateToYear('20180304')).map((t) => t.label)).toEqual([
      'Mar 1',
      'Mar 2',
      'Mar 3',
      'Mar 4',
    ]);
  });
});
