// @vitest-environment happy-dom
/**
 * Transects over the fake API: several lines named A, B, …, a swath width sent to main and its band drawn
 * (mean ± std or quartiles), the profiles following the shown layer and date, the display reference applied,
 * the exports of what is shown; the panel's controls and the typed path.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { DATES, GRID, fakeApi, layerValues } from './fakeApi';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { useDisplayRefStore } from '../../src-renderer/stores/displayRef';
import { TRANSECT_COLORS, useTransectsStore } from '../../src-renderer/stores/transects';
import { swathOutline } from '../../src-renderer/map/layers/transect';
import TransectsPanel from '../../src-renderer/panels/TransectsPanel.vue';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
const downloads = vi.hoisted(() => [] as { name: string; data: Blob }[]);
vi.mock('../../src-renderer/download', async (orig) => ({
  ...(await orig<typeof import('../../src-renderer/download')>()),
  download: (name: string, data: Blob) => downloads.push({ name, data }),
  svgToPng: async () => new Blob(['png'], { type: 'image/png' }),
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

const A: [[number, number], [number, number]] = [
  [35.99, -119.99],
  [35.97, -119.96],
];
const B: [[number, number], [number, number]] = [
  [35.995, -119.97],
  [35.965, -119.97],
];

describe('transects', () => {
  test('two lines, A and B, in their colours; the samples in display units (cm/yr)', async () => {
    await useProjectStore().open('/data/demo');
    const tr = useTransectsStore();
    await tr.add(...A);
    await tr.add(...B);
    expect(tr.list.map((t) => [t.name, t.color])).toEqual([
      ['A', TRANSECT_COLORS[0]],
      ['B', TRANSECT_COLORS[1]],
    ]);
    const sp = tr.spec!;
    expect(sp.series.map((s) => s.label)).toEqual(['A–A′', 'B–B′']);
    expect(sp.xAxis).toBe('linear');
    expect(sp.yLabel).toBe('Velocity [cm/yr]');
    expect(Array.from(sp.series[0].y)).toEqual([0.01, 0.015, 0.02].map((v) => Math.fround(v) * 100));
    expect(Array.from(sp.series[0].x)).toEqual([0, 0.5, 1]);
    expect(sp.notes).toEqual(["MintPy's transect_lalo: linear interpolation, no-data and zero samples left out"]);
    tr.remove(1);
    expect(tr.list.map((t) => t.name)).toEqual(['B']);
  });

  test('a swath width: every line read again with it; the band is mean ± std or the quartiles', async () => {
    await useProjectStore().open('/data/demo');
    const tr = useTransectsStore();
    await tr.add(...A);
    await tr.setWidth(2);
    expect(fakeApi.transect).toHaveBeenLastCalledWith({ file: 'velocity.h5', dataset: 'velocity' }, ...A, {
      widthKm: 2,
    });
    const s = tr.spec!.series[0];
    expect([s.label, s.bandLabel]).toEqual(['A–A′ (swath 2 km)', 'mean ± 1 std']);
    expect(Array.from(s.x)).toEqual([0.25, 0.75]);
    expect(s.y[1]).toBeCloseTo(1.8, 12);
    expect([s.lower![1], s.upper![1]].map((v) => +v.toFixed(9))).toEqual([1.5, 2.1]);
    expect(tr.spec!.notes[0]).toBe('swath: mean ± 1 std of the pixels within 1 km of each line, by distance bin');
    tr.band = 'iqr';
    const q = tr.spec!.series[0];
    expect([q.y[1], q.lower![1], q.upper![1]].map((v) => +v.toFixed(9))).toEqual([1.8, 1.6, 2]);
    await tr.setWidth(0);
    expect(fakeApi.transect).toHaveBeenLastCalledWith({ file: 'velocity.h5', dataset: 'velocity' }, ...A, undefined);
  });

  test('the profiles follow the shown layer and date; the display reference is subtracted', async () => {
    await useProjectStore().open('/data/demo');
    const tr = useTransectsStore();
    await tr.add(...A);
    const layers = useLayersStore();
    await layers.pick('timeseries.h5:timeseries');
    await flushPromises();
    expect(fakeApi.transect).toHaveBeenLastCalledWith(
      { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[3] },
      ...A,
      undefined,
    );
    await layers.stepDate(-1);
    await flushPromises();
    expect(fakeApi.transect).toHaveBeenLastCalledWith(
      { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[2] },
      ...A,
      undefined,
    );
    await useDisplayRefStore().setPixel(2, 3);
    const off = layerValues('timeseries.h5', 'timeseries', DATES[2])[2 * GRID.width + 3];
    const s = tr.spec!.series[0];
    expect(s.y[0]).toBe(Math.fround(Math.fround(0.01) - off) * 100);
    expect(tr.spec!.notes).toContain('display reference pixel row 2, col 3 (view only)');
  });

  test('exports: CSV (lines sampled at the same distances share rows) and the figure', async () => {
    await useProjectStore().open('/data/demo');
    const tr = useTransectsStore();
    await tr.add(...A);
    await tr.add(...B);
    await tr.exportAs('csv');
    await tr.exportAs('svg');
    await tr.exportAs('png');
    expect(downloads.map((d) => d.name)).toEqual(['transects_demo.csv', 'transects_demo.svg', 'transects_demo.png']);
    const rows = (await downloads[0].data.text()).trimEnd().split('\n');
    expect(rows[0]).toBe('# Transects of Velocity');
    // (the fake samples every line at the same distances; lines of other lengths are stacked: src-core's test)
    expect(rows[3]).toBe('distance [km],A–A′ [cm/yr],B–B′ [cm/yr]');
    expect(rows.slice(4)).toEqual(['0,1,1', '0.5,1.5,1.5', '1,2,2']);
    const svg = await downloads[1].data.text();
    expect(svg).toContain('>Transects of Velocity</text>');
    expect(svg).toContain('>distance [km]</text>');
  });

  test('the swath outline on the map: width/2 either side of the line', () => {
    const o = swathOutline([36, -120], [36, -119.9], 2);
    // an east–west line: the outline is 1 km north and south of it
    expect(o[0][1] - 36).toBeCloseTo(1 / 110.57, 9);
    expect(o[2][1] - 36).toBeCloseTo(-1 / 110.57, 9);
    expect(o[0]).toEqual(o[4]);
  });

  test('the panel: width, band, typed ends, the list with its files; every control has a name', async () => {
    await useProjectStore().open('/data/demo');
    const w = mount(TransectsPanel as never, { global: { plugins: [pinia] }, attachTo: document.body });
    await w.find('[data-testid="transect-ends"]').setValue('35.99 -119.99; 35.97, -119.96');
    await w.find('[data-testid="transect-form"]').trigger('submit');
    await flushPromises();
    expect(useTransectsStore().list.map((t) => [t.start, t.end])).toEqual([A]);
    expect(w.find('[data-testid="transect-A"]').text()).toContain('A–A′');
    expect(w.find('[data-testid="transect-A"]').text()).toContain('3 samples');
    await w.find('[data-testid="swath-width"]').setValue('1.5');
    await flushPromises();
    expect(useTransectsStore().widthKm).toBe(1.5);
    expect(w.find('[data-testid="swath-band"]').exists()).toBe(true);
    await w.find('[data-testid="transect-ends"]').setValue('1 2');
    await w.find('[data-testid="transect-form"]').trigger('submit');
    expect(useTransectsStore().list).toHaveLength(1);
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
