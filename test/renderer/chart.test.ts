// @vitest-environment happy-dom
/**
 * The pixel chart over the fake API: the inspected pixel with its model and terms, pinned pixels in their map
 * colours, areas (drawn or typed) with their spread from main, all as displayed (reference date, display
 * reference pixel); the chart component's hover read-out, keyboard and zoom; the exports of what is shown.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { DATES, fakeApi } from './fakeApi';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { PIN_COLORS, useInspectStore } from '../../src-renderer/stores/inspect';
import { useDisplayRefStore } from '../../src-renderer/stores/displayRef';
import { usePixelChartStore } from '../../src-renderer/stores/pixelChart';
import { parseVertices, REGION_COLORS, useRegionsStore } from '../../src-renderer/stores/regions';
import { useUiStore } from '../../src-renderer/stores/ui';
import { useGnssStore } from '../../src-renderer/stores/gnss';
import { onKeydown } from '../../src-renderer/commands';
import SeriesChart from '../../src-renderer/components/SeriesChart.vue';
import InspectPanel from '../../src-renderer/panels/InspectPanel.vue';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
const downloads = vi.hoisted(() => [] as { name: string; data: Blob }[]);
vi.mock('../../src-renderer/download', async (orig) => ({
  ...(await orig<typeof import('../../src-renderer/download')>()),
  download: (name: string, data: Blob) => downloads.push({ name, data }),
  svgToPng: async (svg: string) => new Blob([`PNG of ${svg.length} chars`], { type: 'image/png' }),
}));

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.resetState();
  vi.clearAllMocks();
  downloads.length = 0;
  document.body.innerHTML = '';
});

const TRIANGLE: [number, number][] = [
  [35.995, -119.995],
  [35.995, -119.955],
  [35.965, -119.975],
];

async function opened() {
  await useProjectStore().open('/data/demo');
  await useLayersStore().pick('timeseries.h5:timeseries');
}

describe('pixel chart spec', () => {
  test('the inspected pixel with its model (± residual RMS), pinned pixels in their colours, in cm', async () => {
    await opened();
    const inspect = useInspectStore();
    const chart = usePixelChartStore();
    await inspect.inspectPixel(1, 1);
    inspect.pin();
    await inspect.inspectPixel(2, 3);
    const sp = chart.spec!;
    expect(sp.series.map((s) => [s.label, s.color])).toEqual([
      ['row 2, col 3', PIN_COLORS[0]],
      ['row 1, col 1', PIN_COLORS[1]],
    ]);
    expect(Array.from(sp.series[0].y)).toEqual([0, 1, 2, 3].map((k) => Math.fround(k * 0.01) * 100));
    expect(sp.series[0].model).toHaveLength(4);
    expect(sp.series[0].modelBand).toBeCloseTo(0.2, 12);
    expect(sp.series[1].model).toBeUndefined();
    expect(sp.series[0].xText).toEqual(DATES);
    expect(sp.notes[0]).toBe("relative to 2020-01-01 (the run's reference date); the run's reference point");
    // pinning the shown pixel keeps one series for it, in its pin colour
    inspect.pin();
    expect(chart.spec!.series.map((s) => [s.label, s.color])).toEqual([
      ['row 2, col 3', PIN_COLORS[2]],
      ['row 1, col 1', PIN_COLORS[1]],
    ]);
    inspect.unpin(1, 1);
    expect(chart.spec!.series).toHaveLength(1);
  });

  test("the model's terms as tsview prints them; relative ones with a display reference", async () => {
    await opened();
    const inspect = useInspectStore();
    const chart = usePixelChartStore();
    await inspect.inspectPixel(1, 1);
    expect(chart.terms!.lines).toEqual(['intercept:  0.00 +/-  0.10 cm', 'velocity : 10.00 +/-  1.00 cm/year']);
    expect(chart.terms!.relative).toBeNull();
    await useDisplayRefStore().setPixel(2, 3);
    // the fake gives every pixel the same model: relative to another pixel, all terms are 0 and have no std
    expect(chart.terms!.relative).toEqual(['intercept: 0.00 cm', 'velocity : 0.00 cm/year']);
    expect(chart.spec!.notes[0]).toContain('display reference pixel row 2, col 3 (view only)');
  });

  test('areas: the mean from main, its band (mean ± std or the quartiles), shifted by the display reference', async () => {
    await opened();
    const regions = useRegionsStore();
    const chart = usePixelChartStore();
    expect(await regions.addFromText('35.995 -119.995; 35.995, -119.955; 35.965 -119.975')).toBe(true);
    expect(fakeApi.regionSeries).toHaveBeenCalledWith(TRIANGLE, undefined);
    const a = chart.spec!.series[0];
    expect([a.label, a.color, a.style, a.bandLabel]).toEqual([
      'Area 1 (5 px)',
      REGION_COLORS[0],
      'line',
      'mean ± 1 std',
    ]);
    expect(Array.from(a.y)).toEqual([0, -1, -2, -3]);
    expect(a.lower![3]).toBeCloseTo(-3.4, 12);
    expect(a.upper![3]).toBeCloseTo(-2.6, 12);
    chart.regionBand = 'iqr';
    expect(chart.spec!.series[0].bandLabel).toBe('median, 25–75 %');
    expect(chart.spec!.series[0].lower![3]).toBeCloseTo(-3.3, 12);
    // a reference date: main references every pixel before averaging (asked again)
    await useDisplayRefStore().setRefDate(DATES[1]);
    expect(fakeApi.regionSeries).toHaveBeenLastCalledWith(TRIANGLE, DATES[1]);
    // a display reference pixel: the mean moves by its per-date offsets, the band's width does not
    chart.regionBand = 'std';
    const before = chart.spec!.series[0];
    await useDisplayRefStore().setPixel(2, 3);
    const after = chart.spec!.series[0];
    const offs = useDisplayRefStore().seriesOffsets(DATES);
    for (let i = 0; i < 4; i++) {
      expect(after.y[i]).toBeCloseTo(before.y[i] - offs[i] * 100, 9);
      expect(after.upper![i] - after.lower![i]).toBeCloseTo(before.upper![i] - before.lower![i], 9);
    }
    regions.remove(1);
    expect(chart.spec).toBeNull();
  });

  test('typed vertices are checked; a polygon drawn on the map closes with Enter, Backspace removes a vertex', async () => {
    await opened();
    expect(parseVertices('1 2; 3,4\n5 6')).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(() => parseVertices('1 2; 3 4')).toThrow('a polygon needs at least 3 vertices (got 2)');
    expect(() => parseVertices('1 2; x 4; 5 6')).toThrow('vertex 2 ("x 4") is not "lat lon"');
    const regions = useRegionsStore();
    expect(await regions.addFromText('1 2; 3')).toBe(false);
    expect(useUiStore().toasts.at(-1)!.text).toBe('Polygon: vertex 2 ("3") is not "lat lon"');
    useInspectStore().setTool('polygon');
    for (const [la, lo] of [...TRIANGLE, [36, -120] as [number, number]]) regions.addVertex(la, lo);
    onKeydown(new KeyboardEvent('keydown', { key: 'Backspace' }));
    expect(regions.drawing).toHaveLength(3);
    onKeydown(new KeyboardEvent('keydown', { key: 'Enter' }));
    await flushPromises();
    expect(regions.drawing).toEqual([]);
    expect(regions.list.map((r) => r.polygon)).toEqual([TRIANGLE]);
    regions.addVertex(1, 2);
    onKeydown(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(regions.drawing).toEqual([]);
    // another tool drops a polygon half drawn
    regions.addVertex(1, 2);
    useInspectStore().setTool('pixel');
    expect(regions.drawing).toEqual([]);
  });

  test('exports: CSV and SVG through the core, PNG rasterised; named after the project', async () => {
    await opened();
    await useInspectStore().inspectPixel(1, 1);
    const chart = usePixelChartStore();
    await chart.exportAs('csv');
    await chart.exportAs('svg');
    await chart.exportAs('png');
    expect(downloads.map((d) => d.name)).toEqual(['timeseries_demo.csv', 'timeseries_demo.svg', 'timeseries_demo.png']);
    const csv = await downloads[0].data.text();
    expect(csv.split('\n')[4]).toBe(
      'date,"row 1, col 1 [cm]","row 1, col 1 model [cm]","row 1, col 1 model band ± [cm]"',
    );
    expect(csv.split('\n')[6]).toBe('20200113,1,1,0.2');
    expect(await downloads[1].data.text()).toContain('<svg');
    expect(downloads[2].data.type).toBe('image/png');
    // zoomed: only the dates in view
    chart.range = [2020.02, 2020.08];
    await chart.exportAs('csv');
    const rows = (await downloads[3].data.text()).trimEnd().split('\n').slice(5);
    expect(rows.map((r) => r.split(',')[0])).toEqual(['20200113', '20200125']);
  });
});

describe('GNSS stations in the chart', () => {
  test('a station with a series goes to the chart in cm, relative to the chosen reference date; off-grid ones do not', async () => {
    await opened();
    const gnss = useGnssStore();
    expect(await gnss.load('/data/gnss')).toBe(true);
    expect(fakeApi.gnssStations).toHaveBeenCalledWith(['/data/gnss']);
    expect(gnss.inChart).toEqual(['CRCN']);
    const chart = usePixelChartStore();
    const g = chart.spec!.series.find((x) => x.label === 'GNSS CRCN (LOS)')!;
    expect(Array.from(g.y)).toEqual([0, -0.2, -0.5, -1.2]);
    expect(g.xText).toEqual([DATES[0], '20200107', DATES[1], DATES[3]]);
    expect(chart.spec!.notes.join(' ')).toContain("GNSS: ENU projected on the LOS at the station's pixel");
    // relative to DATES[1] (an epoch of the station): src-core relativeToEpoch
    await useDisplayRefStore().setRefDate(DATES[1]);
    const g2 = chart.spec!.series.find((x) => x.label === 'GNSS CRCN (LOS)')!;
    expect(Array.from(g2.y).map((v) => +v.toFixed(6))).toEqual([0.5, 0.3, 0, -0.7]);
    gnss.toggleChart('CRCN', false);
    expect(chart.spec?.series.some((x) => x.label.startsWith('GNSS')) ?? false).toBe(false);
    // the panel lists both, the off-grid one without a chart box
    const w = mount(InspectPanel as never, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    expect(w.find('[data-testid="gnss-FAR1"]').text()).toContain('outside the data');
    expect(w.find('[data-testid="gnss-chart-FAR1"]').exists()).toBe(false);
    expect(w.find('[data-testid="gnss-CRCN"]').text()).toContain('row 1, col 2; θ 34.0°, α -102.0°; 4 days');
  });
});

describe('chart component', () => {
  test('keyboard: arrows read the values at each date (a live region), + zooms, 0 resets; the tip follows', async () => {
    await opened();
    await useInspectStore().inspectPixel(1, 1);
    const chart = usePixelChartStore();
    const w = mount(SeriesChart as never, {
      // (the v-model's update handler sets the prop back, as a parent would)
      props: {
        spec: chart.spec,
        range: null,
        'onUpdate:range': (r: [number, number] | null) => w.setProps({ range: r } as never),
      } as never,
      attachTo: document.body,
    });
    const plot = w.find('.plot');
    expect(plot.attributes('tabindex')).toBe('0');
    expect(plot.attributes('aria-label')).toContain('Arrow keys read the values');
    await plot.trigger('keydown', { key: 'ArrowRight' });
    expect(w.find('[data-testid="chart-tip"]').text()).toContain('2020-01-01');
    await plot.trigger('keydown', { key: 'ArrowRight' });
    const live = w.find('#pixel-chart-readout, [aria-live="polite"]');
    expect(live.text()).toBe('2020-01-13: row 1, col 1 1.00 (model 1.00) cm');
    expect(w.findAll('[data-testid="chart-point"]')).toHaveLength(4);
    await plot.trigger('keydown', { key: '+' });
    const r = (w.props() as { range: [number, number] | null }).range!;
    expect(r[1] - r[0]).toBeLessThan(0.1 * 0.7 + 1e-9);
    expect(w.find('[data-testid="chart-reset"]').attributes('disabled')).toBeUndefined();
    await plot.trigger('keydown', { key: '0' });
    expect((w.props() as { range: unknown }).range).toBeNull();
    // the zoom buttons and the legend have names
    expect(w.findAll('.zoom button').map((b) => b.attributes('aria-label') ?? b.text())).toEqual([
      'Zoom in (time axis)',
      'Zoom out (time axis)',
      'Reset zoom',
    ]);
    expect(w.find('.legend').text()).toContain('row 1, col 1 + model');
  });

  test('the Inspect panel: chart, exports, pin, terms, areas form; every control has a name', async () => {
    await opened();
    await useInspectStore().inspectPixel(1, 1);
    await useRegionsStore().add(TRIANGLE);
    const w = mount(InspectPanel as never, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    expect(w.find('[data-testid="model-terms"]').text()).toContain('velocity : 10.00 +/-  1.00 cm/year');
    expect(w.find('[data-testid="area-1"]').text()).toContain('Area 1: 5 pixels');
    expect(w.find('[data-testid="area-1"]').text()).toContain('(1 masked left out)');
    await w.find('[data-testid="pin"]').trigger('click');
    expect(w.find('[data-testid="pin"]').text()).toBe('Pinned');
    await w.find('[data-testid="area-vertices"]').setValue('36 -120; 35.99 -119.99; 35.98 -120');
    await w.find('[data-testid="area-form"]').trigger('submit');
    await flushPromises();
    expect(useRegionsStore().list).toHaveLength(2);
    const unnamed = [...(w.element as HTMLElement).querySelectorAll('input, select, button')].filter((el) => {
      const id = el.getAttribute('id');
      return !(
        (id && document.querySelector(`label[for="${id}"]`)) ||
        el.closest('label') ||
        el.getAttribute('aria-label') ||
        el.textContent!.trim()
      );
    });
    expect(unnamed).toEqual([]);
  });
});
