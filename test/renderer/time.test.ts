// @vitest-environment happy-dom
/**
 * Time and display reference in the renderer, over the fake API: playback (speed, loop, pause, the latest
 * slider position wins), the reference date sent to main with the layer, the display reference pixel as a
 * per-date offset where values are coloured (the raster worker's parameters) and read out (the cursor
 * readout, the chart's series), refused on a pixel without data; the time bar's controls and names.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { DATES, GRID, fakeApi, layerValues } from './fakeApi';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { useInspectStore } from '../../src-renderer/stores/inspect';
import { useDisplayRefStore } from '../../src-renderer/stores/displayRef';
import { usePlaybackStore } from '../../src-renderer/stores/playback';
import { useUiStore } from '../../src-renderer/stores/ui';
import { onKeydown } from '../../src-renderer/commands';
import { colorTileRgba } from '../../src-renderer/workers/rasterOps';
import TimeBar from '../../src-renderer/components/TimeBar.vue';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.resetState();
  vi.clearAllMocks();
  document.body.innerHTML = '';
});
afterEach(() => vi.useRealTimers());

const f32 = Math.fround;

async function timeseriesShown() {
  await useProjectStore().open('/data/demo');
  await useLayersStore().pick('timeseries.h5:timeseries');
  return useLayersStore();
}

describe('playback', () => {
  test('play steps a date per 1/speed s, loops after the last; pause stops; K toggles', async () => {
    vi.useFakeTimers();
    const layers = await timeseriesShown();
    const play = usePlaybackStore();
    expect(play.index).toBe(3);
    play.setSpeed(4);
    const done = play.play();
    await vi.advanceTimersByTimeAsync(0);
    expect(layers.active?.ref.date).toBe(DATES[0]); // from the last date, play starts over
    await vi.advanceTimersByTimeAsync(250);
    expect(layers.active?.ref.date).toBe(DATES[1]);
    await vi.advanceTimersByTimeAsync(500);
    expect(layers.active?.ref.date).toBe(DATES[3]);
    await vi.advanceTimersByTimeAsync(250);
    expect(layers.active?.ref.date).toBe(DATES[0]); // loop
    play.pause();
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(play.playing).toBe(false);
    expect(layers.active?.ref.date).toBe(DATES[0]);
    // without loop, play stops at the last date
    play.loop = false;
    const d2 = play.play();
    await vi.advanceTimersByTimeAsync(2000);
    await d2;
    expect([play.playing, layers.active?.ref.date]).toEqual([false, DATES[3]]);
    // K plays and pauses
    onKeydown(new KeyboardEvent('keydown', { key: 'k' }));
    expect(play.playing).toBe(true);
    onKeydown(new KeyboardEvent('keydown', { key: 'k' }));
    expect(play.playing).toBe(false);
  });
  test('seeking from the slider: only the latest position is read', async () => {
    const layers = await timeseriesShown();
    const play = usePlaybackStore();
    fakeApi.layerMeta.mockClear();
    const a = play.seek(0);
    const b = play.seek(1);
    const c = play.seek(2);
    await Promise.all([a, b, c]);
    expect(layers.active?.ref.date).toBe(DATES[2]);
    // another date of the shown layer goes to the map at once (its tiles load): nothing is read per position
    expect(fakeApi.layerMeta).not.toHaveBeenCalled();
  });
});

describe('date steps in a row', () => {
  test('each step starts from the date the previous one chose (a key held down, playback): none is lost', async () => {
    const layers = await timeseriesShown();
    fakeApi.layerMeta.mockClear();
    const first = layers.stepDate('first'); // playback starting over
    const last = layers.stepDate('last'); // the user presses End meanwhile
    const back = layers.stepDate(-1); // and ← : one before the last, not one after the first
    await Promise.all([first, last, back]);
    expect(layers.active?.ref.date).toBe(DATES[2]);
    expect(fakeApi.layerMeta).not.toHaveBeenCalled();
  });
});

describe('reference date', () => {
  test('the shown time series is read relative to the chosen date; stepping keeps it; back to REF_DATE', async () => {
    const layers = await timeseriesShown();
    const dref = useDisplayRefStore();
    await dref.setRefDate(DATES[1]);
    // the map's tiles and the readout ask main for the layer as shown: this date relative to DATES[1]
    expect(layers.active?.ref).toEqual({
      file: 'timeseries.h5',
      dataset: 'timeseries',
      date: DATES[3],
      refDate: DATES[1],
    });
    expect(dref.shownRefDate).toBe(DATES[1]);
    const inspect = useInspectStore();
    inspect.cursor = [GRID.xFirst + 2.5 * GRID.xStep, GRID.yFirst + 1.5 * GRID.yStep];
    await vi.waitFor(() => expect(fakeApi.layerValue).toHaveBeenLastCalledWith(layers.active!.ref, 1, 2));
    const i = GRID.width + 2;
    const rel = f32(
      layerValues('timeseries.h5', 'timeseries', DATES[3])[i] - layerValues('timeseries.h5', 'timeseries', DATES[1])[i],
    );
    await vi.waitFor(() => expect(inspect.readout).toContain(`${(rel * 100).toPrecision(4)} cm`));
    await layers.stepDate(-1);
    expect(layers.active?.ref).toMatchObject({ date: DATES[2], refDate: DATES[1] });
    // another layer and back: the time series opens relative to the chosen date again
    await layers.pick('velocity.h5:velocity');
    expect(layers.active?.ref.refDate).toBeUndefined();
    await layers.pick('timeseries.h5:timeseries');
    expect(layers.active?.ref.refDate).toBe(DATES[1]);
    // the run's own reference date: nothing sent
    await dref.setRefDate(DATES[0]);
    expect(dref.refDate).toBeNull();
    expect(layers.active?.ref).toEqual({ file: 'timeseries.h5', dataset: 'timeseries', date: DATES[3] });
    await expect(dref.setRefDate('20991231')).rejects.toThrow(/not one of the 4 dates/);
  });
});

describe('display reference pixel', () => {
  test("velocity: the pixel's value is subtracted where the map colours and where the readout reads", async () => {
    await useProjectStore().open('/data/demo');
    const dref = useDisplayRefStore();
    const inspect = useInspectStore();
    expect(await dref.setPixel(2, 3)).toBe(true);
    const v = layerValues('velocity.h5', 'velocity');
    const off = v[2 * GRID.width + 3];
    expect(dref.offset).toBe(off);
    expect(fakeApi.pixelValues).toHaveBeenCalledWith({ file: 'velocity.h5', dataset: 'velocity' }, 2, 3);
    expect(dref.caption).toBe('display ref. row 2, col 3');
    // readout at pixel (1, 4): (v − off) in cm/yr
    const lon = GRID.xFirst + 4.5 * GRID.xStep;
    const lat = GRID.yFirst + 1.5 * GRID.yStep;
    inspect.cursor = [lon, lat];
    const expected = f32(v[GRID.width + 4] - off) * 100;
    await vi.waitFor(() => expect(inspect.readout).toContain(`${expected.toPrecision(4)} cm/yr`));
    // at the reference pixel itself: 0
    inspect.cursor = [GRID.xFirst + 3.5 * GRID.xStep, GRID.yFirst + 2.5 * GRID.yStep];
    await vi.waitFor(() => expect(inspect.readout).toContain('0.000 cm/yr'));
    // the raster worker colours (v − off) × scale: the same numbers as the readout
    // (a 5 × 5 tile of the layer's first 25 values, no padding)
    const tile = Float32Array.from({ length: 25 }, (_, i) => v[i % v.length]);
    const common = {
      n: 5,
      pad: 0,
      flags: new Uint8Array(25),
      cmap: 'jet',
      vmin: -1,
      vmax: 1,
      scale: 100,
      maskOn: true,
      noDataRgba: [0, 0, 0, 0] as [number, number, number, number],
    };
    const rgbaWith = colorTileRgba({ ...common, values: tile, offset: off });
    const rgbaRef = colorTileRgba({ ...common, values: Float32Array.from(tile, (x) => f32(x - off)) });
    expect(Array.from(rgbaWith)).toEqual(Array.from(rgbaRef));
    dref.clearPixel();
    expect([dref.offset, dref.caption]).toEqual([0, '']);
  });
  test('time series: a per-date offset that follows the date and the reference date', async () => {
    const layers = await timeseriesShown();
    const dref = useDisplayRefStore();
    await dref.setPixel(2, 3);
    const at = (d: string) => layerValues('timeseries.h5', 'timeseries', d)[2 * GRID.width + 3];
    expect(dref.offset).toBe(at(DATES[3]));
    await layers.stepDate(-1);
    expect(dref.offset).toBe(at(DATES[2]));
    await dref.setRefDate(DATES[1]);
    expect(dref.offset).toBe(f32(at(DATES[2]) - at(DATES[1])));
    expect(dref.caption).toBe(`relative to ${DATES[1]} · display ref. row 2, col 3`);
    // another layer: its own values of the pixel are read once
    fakeApi.pixelValues.mockClear();
    await layers.pick('velocity.h5:velocity');
    await flushPromises();
    expect(fakeApi.pixelValues).toHaveBeenCalledWith({ file: 'velocity.h5', dataset: 'velocity' }, 2, 3);
    await layers.pick('inputs/geometryGeo.h5:height');
    expect([dref.applies, dref.offset, dref.caption]).toEqual([false, 0, '']);
  });
  test('the chart shows the same numbers: series and model relative to the date, then to the pixel', async () => {
    await timeseriesShown();
    const dref = useDisplayRefStore();
    const inspect = useInspectStore();
    await inspect.inspectPixel(1, 1);
    const s = inspect.series!;
    expect(Array.from(dref.showSeries(s).values)).toEqual(Array.from(s.values));
    await dref.setRefDate(DATES[2]);
    await dref.setPixel(2, 3);
    const r = dref.series!;
    const shown = dref.showSeries(s);
    for (let i = 0; i < 4; i++) {
      expect(shown.values[i]).toBe(f32(f32(s.values[i] - s.values[2]) - f32(r.values[i] - r.values[2])));
      expect(shown.model[i]).toBe(f32(s.model[i] - s.values[2] - (r.model[i] - r.values[2])));
    }
  });
  test('a pixel with no data on some date is refused, with the date; outside the grid too', async () => {
    await timeseriesShown();
    const dref = useDisplayRefStore();
    // pixel 0 is NaN in every layer of the fake
    expect(await dref.setPixel(0, 0)).toBe(false);
    expect(useUiStore().toasts.at(-1)!.text).toBe(
      `Display reference refused: row 0, col 0 has no data on ${DATES[0]} — choose a pixel with data`,
    );
    expect(dref.pixel).toBeNull();
    expect(await dref.setPixel(9, 0)).toBe(false);
    expect(useUiStore().toasts.at(-1)!.text).toBe('Row 9, col 0 is outside the 4 × 5 grid');
  });
});

describe('time bar', () => {
  const mountIt = () => mount(TimeBar as never, { global: { plugins: [pinia] }, attachTo: document.body });

  test('slider, play, speed, loop, reference date; the references named; every control has a name', async () => {
    await timeseriesShown();
    const w = mountIt();
    await flushPromises();
    const slider = w.find('[data-testid="date-slider"]');
    expect(slider.attributes()).toMatchObject({ min: '0', max: '3', 'aria-label': 'Date slider' });
    expect(slider.attributes('aria-valuetext')).toBe('2020-02-06');
    await slider.setValue('1');
    await flushPromises();
    expect(useLayersStore().active?.ref.date).toBe(DATES[1]);
    expect(w.find('[data-testid="date-index"]').text()).toBe('2 / 4');
    expect(w.find('[data-testid="play"]').attributes('aria-label')).toBe('Play');
    expect(w.find('[data-testid="play"]').attributes('title')).toBe('Play the dates (K)');
    await w.find('[data-testid="speed"]').setValue('8');
    expect(usePlaybackStore().speed).toBe(8);
    await w.find('[data-testid="ref-date"]').setValue(DATES[2]);
    await flushPromises();
    expect(useLayersStore().active?.ref.refDate).toBe(DATES[2]);
    // the run's reference date is the first option, named as such
    expect(w.find('[data-testid="ref-date"] option').text()).toBe("2020-01-01 (run's reference date)");
    expect(w.find('[data-testid="display-ref"]').text()).toContain('Display reference: none');
    expect(w.find('[data-testid="run-ref"]').text()).toContain('(used by the pipeline)');
    await w.find('[data-testid="pick-display-ref"]').trigger('click');
    expect(useInspectStore().tool).toBe('displayref');
    await useDisplayRefStore().setPixel(2, 3);
    await flushPromises();
    expect(w.find('[data-testid="display-ref"]').text()).toContain('Display reference: row 2, col 3');
    expect(w.find('[data-testid="display-ref"]').text()).toContain('(view only)');
    await w.find('[data-testid="clear-display-ref"]').trigger('click');
    expect(useDisplayRefStore().pixel).toBeNull();
    const unnamed = [...(w.element as HTMLElement).querySelectorAll('input, select, button')].filter(
      (el) => !el.closest('label') && !el.getAttribute('aria-label') && !el.textContent!.trim(),
    );
    expect(unnamed).toEqual([]);
  });
});
