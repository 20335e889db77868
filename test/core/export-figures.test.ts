/** SVG figures parsed back with fast-xml-parser: elements, colours and positions follow the input arrays. */
import { decode } from 'fast-png';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { getColormap, valueToHex, valueToRgba } from '../../src-core/common/colormap';
import {
  coherenceMatrixSvg,
  dateToYear,
  mapSvg,
  networkSvg,
  timeSeriesSvg,
  transectSvg,
} from '../../src-core/common/export/figures';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (n) => ['line', 'circle', 'rect', 'text', 'stop', 'polygon', 'image'].includes(n),
});
type Node = Record<string, string | Node[] | undefined>;
const parse = (s: string): Node => parser.parse(s).svg as Node;
const list = (n: Node, k: string): Node[] => (n[k] as Node[] | undefined) ?? [];

describe('SVG figures', () => {
  const dates = ['20200101', '20200113', '20200125', '20200206', '20200218'];
  const bperp = [0, 40, -25, 60, 10];
  const pairs: [number, number][] = [
    [0, 1],
    [0, 2],
    [1, 2],
    [1, 3],
    [2, 4],
    [3, 4],
  ];
  const coh = [0.9, 0.3, 0.75, 0.5, 0.95, 0.62];
  const kept = [true, false, true, true, true, false];

  it('network: one line per pair, dropped dashed grey, kept coloured by RdBu_truncate coherence; one dot per date', () => {
    const svg = parse(networkSvg({ dates, bperp, pairs, coherence: coh, kept }));
    const lines = list(svg, 'line').filter((l) => l['stroke-width'] === '1.2');
    expect(lines.length).toBe(pairs.length);
    const cm = getColormap('RdBu_truncate', [0.2, 0.7, 1.0]);
    for (const l of lines) {
      const title = String(l.title);
      const k = pairs.findIndex(([i, j]) => title.startsWith(`${dates[i]}_${dates[j]}`));
      expect(k).toBeGreaterThanOrEqual(0);
      if (kept[k]) {
        expect(l['stroke-dasharray']).toBeUndefined();
        expect(l.stroke).toBe(valueToHex(cm, coh[k], 0.2, 1.0));
      } else {
        expect(l['stroke-dasharray']).toBe('4 3');
        expect(title).toContain('(dropped)');
      }
    }
    const dots = list(svg, 'circle');
    expect(dots.length).toBe(dates.length);
    // higher bperp → smaller y; later date → larger x
    const cy = dots.map((d) => Number(d.cy));
    const cx = dots.map((d) => Number(d.cx));
    expect(cy[3]).toBeLessThan(cy[1]);
    expect(cy[2]).toBeGreaterThan(cy[0]);
    expect(cx).toEqual([...cx].sort((a, b) => a - b));
  });

  it('coherence matrix: symmetric layout, upper triangle only kept pairs, black diagonal', () => {
    const svg = parse(coherenceMatrixSvg({ dates, pairs, coherence: coh, kept }));
    const cells = list(svg, 'rect').filter((r) => r.title !== undefined);
    const n = dates.length;
    const diag = cells.filter((c) => c.fill === 'black');
    expect(diag.length).toBe(n);
    const keptCount = kept.filter(Boolean).length;
    expect(cells.length).toBe(n + pairs.length + keptCount);
    const cm = getColormap('RdBu_truncate', [0, 0.7, 1]);
    const c01 = cells.filter((c) => String(c.title).startsWith('20200101_20200113'));
    expect(c01.length).toBe(2);
    for (const c of c01) expect(c.fill).toBe(valueToHex(cm, 0.9, 0.2, 1.0));
    expect(cells.filter((c) => String(c.title).startsWith('20200101_20200125')).length).toBe(1); // dropped: lower only
  });

  it('time series: one point per finite value, y decreasing with value, optional fit line', () => {
    const values = [0, -1, -2.5, NaN, -4];
    const svg = parse(
      timeSeriesSvg({ dates, values, ylabel: 'LOS displacement [cm]', fit: { velocity: -30, intercept: 0 } }),
    );
    const pts = list(svg, 'circle');
    expect(pts.length).toBe(4);
    const cy = pts.map((p) => Number(p.cy));
    expect(cy).toEqual([...cy].sort((a, b) => a - b));
    expect(list(svg, 'line').some((l) => l.stroke === '#d62728')).toBe(true);
    expect(list(svg, 'text').some((t) => t['#text'] === 'LOS displacement [cm]')).toBe(true);
    expect(dateToYear('20200101')).toBe(2020);
  });

  it('transect: points in km, optional band polygon', () => {
    const svg = parse(
      transectSvg({
        distance: [0, 500, 1000, 2000],
        value: [1, 2, 3, 2],
        band: { distance: [0, 2000], lower: [0, 1], upper: [2, 3] },
      }),
    );
    const pts = list(svg, 'circle');
    expect(pts.length).toBe(4);
    const cx = pts.map((p) => Number(p.cx));
    expect((cx[2] - cx[0]) / (cx[3] - cx[0])).toBeCloseTo(0.5, 6);
    expect(list(svg, 'polygon').length).toBe(1);
    expect(list(svg, 'text').some((t) => t['#text'] === 'Distance [km]')).toBe(true);
  });

  it('map: embedded PNG holds the colormapped data (NaN transparent), ref square, colour-bar ticks', () => {
    const L = 4;
    const W = 5;
    const data = Float32Array.from({ length: L * W }, (_, i) => i - 10);
    data[7] = NaN;
    const svg = parse(
      mapSvg({
        data,
        length: L,
        width: W,
        vlim: [-10, 9],
        cmap: 'viridis',
        label: 'v [cm/year]',
        ref: [1, 1],
        extent: [10, 10.5, 44.6, 45],
      }),
    );
    const img = list(svg, 'image')[0];
    const png = decode(Buffer.from(String(img.href).replace('data:image/png;base64,', ''), 'base64'));
    expect([png.width, png.height]).toEqual([W, L]);
    const cm = getColormap('viridis');
    for (let i = 0; i < L * W; i++)
      expect(Array.from(png.data.slice(4 * i, 4 * i + 4))).toEqual(valueToRgba(cm, data[i], -10, 9));
    expect(list(svg, 'rect').some((r) => r.fill === 'black' && r.width === '6')).toBe(true);
    const labels = list(svg, 'text').map((t) => String(t['#text']));
    expect(labels).toContain('v [cm/year]');
    expect(labels).toContain('Longitude [°]');
  });
});
