// @vitest-environment happy-dom
/**
 * The tiles pipeline works ahead of the map: the tiles MapLibre will ask for are worked out from the view
 * (the same zoom and tiles as MapLibre's own choice), a layer's values are fetched while its description is
 * on its way, the dates next to the shown one are fetched in the direction the user steps, a tile fetched
 * ahead that the map now waits for goes with the map's call, and an adapter whose state did not change does
 * not touch the map (MapLibre draws a frame for every change of a source or layer).
 */
import { beforeEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import { nextTick, reactive } from 'vue';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { LayerMeta, LayerRef } from '../../src-shared/api';
import { FakeMap } from './fakeMap';
import { DATES, fakeApi, GRID } from './fakeApi';
import { MAP_LAYERS } from '../../src-renderer/map/layers/index';
import { composeLayers, sameState } from '../../src-renderer/map/compose';
import { defineMapLayer } from '../../src-renderer/map/layers/types';
import { coveringTiles, MAX_TILES, tileZoom } from '../../src-renderer/map/tiles/coverage';
import { AHEAD, datesAhead } from '../../src-renderer/map/layers/dataRaster';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { RENDERER_TILE_BYTES, useTilesStore } from '../../src-renderer/stores/tiles';
import { useUiStore } from '../../src-renderer/stores/ui';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
vi.mock('../../src-renderer/workers/rasterClient', () => ({
  runTask: async (task: string) => ({ bitmap: { task, close: () => {} } }),
  startWorker: () => {},
}));
vi.mock('../../src-renderer/map/labels', () => ({ setLabels: () => {}, clearLabels: () => {} }));
vi.mock('../../src-renderer/map/basemapData', () => ({
  basemapData: async () => ({ land: 'blob:land', coast: 'blob:coast', states: 'blob:states', counties: 'blob:c' }),
  releaseBasemapData: () => {},
}));

beforeEach(() => {
  setActivePinia(createPinia());
  fakeApi.resetState();
  fakeApi.layerTiles.mockClear();
  fakeApi.layerMeta.mockClear();
});

/** let the timers and promises started so far run out (tile calls are sent from a timer) */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((ok) => setTimeout(ok, 0));
    await flushPromises();
  }
}

/** the layerTiles calls so far: "file:dataset:date z/x/y …" */
const tileCalls = () =>
  fakeApi.layerTiles.mock.calls.map(
    ([r, list]) => `${r.file}:${r.dataset}:${r.date ?? ''} ${list.map((t) => t.join('/')).join(' ')}`,
  );

describe('the tiles a view shows', () => {
  test('the tile zoom is MapLibre’s for 256 px raster tiles: round(zoom + 1), overscaled past maxzoom', () => {
    expect(tileZoom(6.46, 11)).toBe(7);
    expect(tileZoom(6.5, 11)).toBe(8);
    expect(tileZoom(12.36, 11)).toBe(11);
    expect(tileZoom(-0.8, 11)).toBe(0);
    expect(tileZoom(2, 11, 4)).toBeNull();
  });
  test('every tile meeting both the view and the bounds, row by row; a tile only touching them is left out', () => {
    const world = { west: -180, south: -85, east: 180, north: 85, zoom: 0 };
    expect(coveringTiles(world, [-180, -85, 180, 85], 22)).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 0, 1],
      [1, 1, 1],
    ]);
    // the north-east quarter of the world's bounds: one tile at z 1; its west and south edges touch others
    expect(coveringTiles(world, [0, 0, 180, 85], 22)).toEqual([[1, 1, 0]]);
    // a view of part of the bounds, at z 3 (8 × 8 tiles): lon 10…100 → x 4.2…6.2, lat 60…10 → y 2.3…3.8
    const v = { west: 10, south: 10, east: 100, north: 60, zoom: 2.2 };
    expect(coveringTiles(v, [-180, -85, 180, 85], 22).map((t) => t.join('/'))).toEqual([
      '3/4/2',
      '3/5/2',
      '3/6/2',
      '3/4/3',
      '3/5/3',
      '3/6/3',
    ]);
    // more tiles than a screen holds (z 5 over the world: 32 × 32): a bad view, nothing
    expect(32 * 32).toBeGreaterThan(MAX_TILES);
    // the view misses the bounds, or holds too many tiles (a bad view): nothing
    expect(coveringTiles(v, [-60, -10, -20, 5], 22)).toEqual([]);
    expect(coveringTiles({ ...world, zoom: 4 }, [-180, -85, 180, 85], 22)).toEqual([]);
  });
});

describe('dates fetched ahead', () => {
  const ds = ['a', 'b', 'c', 'd', 'e', 'f'];
  test('the next ones in the direction of the last step; none for a layer just opened', () => {
    expect(datesAhead(ds, 'c', 'd', 6)).toEqual(['b', 'a']);
    expect(datesAhead(ds, 'c', 'b', 6)).toEqual(['d', 'e']);
    expect(datesAhead(ds, 'b', 'c', 6)).toEqual(['a']);
    expect(datesAhead(ds, 'a', 'b', 6)).toEqual([]);
    expect(datesAhead(ds, 'f', null, 6)).toEqual([]);
    expect(datesAhead(ds, 'c', 'c', 6)).toEqual([]);
    expect(AHEAD).toBe(2);
  });
  test('as many as the tiles store holds beside the tiles shown', () => {
    const perDate = 256 * 256 * 5;
    // room for the shown date and one more only
    const n = Math.floor(RENDERER_TILE_BYTES / (2 * perDate));
    expect(datesAhead(ds, 'c', 'd', n)).toEqual(['b']);
    expect(datesAhead(ds, 'c', 'd', Math.ceil(RENDERER_TILE_BYTES / perDate))).toEqual([]);
    expect(datesAhead(ds, 'c', 'd', 0)).toEqual([]);
  });
});

describe('the data layer works ahead of the map', () => {
  async function mapWithProject(): Promise<{ m: FakeMap; stop: () => void }> {
    const m = new FakeMap();
    // a view of the fake grid (4 × 5 px of 0.01°) at z 9: one tile
    m.view = { west: -120.2, south: 35.8, east: -119.8, north: 36.2, zoom: 8.2 };
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    await settle();
    return { m, stop };
  }

  test('a layer’s tiles in view are fetched while main describes it; then the dates after it as the user steps', async () => {
    const { m, stop } = await mapWithProject();
    // the fake grid (-120…-119.95°, 35.96…36°) in that view: one tile at z 9
    const b = [GRID.xFirst, GRID.yFirst + GRID.length * GRID.yStep, GRID.xFirst + GRID.width * GRID.xStep, GRID.yFirst];
    expect(coveringTiles(m.view, b as [number, number, number, number], 9)).toEqual([[9, 85, 201]]);
    fakeApi.layerTiles.mockClear();
    let answer!: () => void;
    const real = fakeApi.layerMeta.getMockImplementation()!;
    fakeApi.layerMeta.mockImplementationOnce(
      (ref: LayerRef) => new Promise<LayerMeta>((ok) => (answer = () => void real(ref).then(ok))),
    );
    const picked = useLayersStore().pick('timeseries.h5:timeseries');
    await settle();
    // the description is not there yet; the values of the last date in view are asked for already
    expect(useLayersStore().active?.ref.file).toBe('velocity.h5');
    expect(tileCalls()).toEqual([`timeseries.h5:timeseries:${DATES[3]} 9/85/201`]);
    answer();
    await picked;
    await settle();
    // shown: nothing more before the user steps
    expect(tileCalls()).toEqual([`timeseries.h5:timeseries:${DATES[3]} 9/85/201`]);
    // a step back: the date stepped to, then the two before it
    await useLayersStore().stepDate(-1);
    await settle();
    expect(tileCalls().slice(1)).toEqual([
      `timeseries.h5:timeseries:${DATES[2]} 9/85/201`,
      `timeseries.h5:timeseries:${DATES[1]} 9/85/201`,
      `timeseries.h5:timeseries:${DATES[0]} 9/85/201`,
    ]);
    // the next step finds its date fetched: nothing is asked for it
    await useLayersStore().stepDate(-1);
    await settle();
    expect(tileCalls().length).toBe(4);
    stop();
  });

  test('a kept layer list: the selected layer’s tiles are fetched while main describes the layers', async () => {
    const { m, stop } = await mapWithProject();
    const ts = { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[1] };
    const entry = { visible: true, opacity: 0.8, cmap: 'jet', vmin: -1, vmax: 1, style: 'fill' as const };
    fakeApi.layerList.mockResolvedValueOnce({
      layers: [
        { ref: { file: 'velocity.h5', dataset: 'velocity' }, ...entry },
        { ref: ts, ...entry },
      ],
      selected: 1,
    });
    let answer!: () => void;
    const real = fakeApi.layerMeta.getMockImplementation()!;
    const held = new Promise<void>((ok) => (answer = ok));
    fakeApi.layerMeta.mockImplementation(async (ref: LayerRef) => {
      await held;
      return real(ref);
    });
    onTestFinished(() => void fakeApi.layerMeta.mockImplementation(real));
    fakeApi.layerTiles.mockClear();
    const opened = useProjectStore().open('/data/demo');
    await settle();
    // the descriptions are not there yet; the selected layer's values in view are asked for already
    expect(tileCalls()).toEqual([`timeseries.h5:timeseries:${DATES[1]} 9/85/201`]);
    answer();
    await opened;
    await settle();
    expect(useLayersStore().active?.ref).toEqual(ts);
    expect(m.sources.get('data-2')).toBeDefined();
    stop();
  });

  test('the kept layer list is asked with the layers, not after them', async () => {
    let answer!: () => void;
    const real = fakeApi.listLayers.getMockImplementation()!;
    const held = new Promise<void>((ok) => (answer = ok));
    fakeApi.listLayers.mockImplementationOnce(async () => {
      await held;
      return real();
    });
    fakeApi.layerList.mockClear();
    const opened = useProjectStore().open('/data/demo');
    await settle();
    expect(fakeApi.layerList).toHaveBeenCalledTimes(1); // the layers are not there yet
    answer();
    await opened;
    expect(fakeApi.layerList).toHaveBeenCalledTimes(1);
    expect(useLayersStore().active?.ref.file).toBe('velocity.h5');
  });

  test('a store change that leaves an adapter’s state as it was does not touch the map', async () => {
    const { m, stop } = await mapWithProject();
    const before = m.propertyCalls;
    const tiles = m.sources.get('data')!.tiles;
    useUiStore().toast('unrelated', 'info');
    useLayersStore().loading = { file: 'velocity.h5', dataset: 'velocity' };
    useLayersStore().setDisplay({}); // a new entry object, the same values
    await settle();
    expect(m.propertyCalls).toBe(before);
    expect(m.sources.get('data')!.tiles).toBe(tiles);
    useLayersStore().setDisplay({ opacity: 0.5 });
    await settle();
    expect(m.propertyCalls).toBe(before + 1);
    stop();
  });
});

describe('the tiles store', () => {
  test('a tile fetched ahead that the map now waits for goes with the map’s next call', async () => {
    await useProjectStore().open('/data/demo');
    await settle();
    fakeApi.layerTiles.mockClear();
    const order: string[] = [];
    let release!: () => void;
    fakeApi.layerTiles.mockImplementation(async (r, list) => {
      order.push(`${r.dataset}:${list.map((t) => t.join('/')).join(',')}`);
      if (r.dataset === 'velocity') await new Promise<void>((ok) => (release = ok));
      return list.map(() => null);
    });
    const t = useTilesStore();
    const v = { file: 'velocity.h5', dataset: 'velocity' };
    const ts = { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[0] };
    const busy = t.tile(v, 9, 1, 1); // the map's call, on its way
    await settle();
    const ahead = t.tile(ts, 9, 1, 1, 0, 'low');
    void t.tile(ts, 9, 2, 1, 0, 'low');
    await settle();
    expect(order).toEqual(['velocity:9/1/1']); // fetched-ahead tiles wait for the map's
    const wanted = t.tile(ts, 9, 1, 1); // now the map asks for one of them
    await settle();
    expect(order).toEqual(['velocity:9/1/1', 'timeseries:9/1/1']);
    release();
    await Promise.all([busy, ahead, wanted]);
    await settle();
    expect(order).toEqual(['velocity:9/1/1', 'timeseries:9/1/1', 'timeseries:9/2/1']);
    fakeApi.layerTiles.mockImplementation(async (_r, list) => list.map(() => null));
  });
});

describe('adapter states', () => {
  test('an adapter is updated when its state changes, not when a store change leaves it as it was', async () => {
    const r = reactive({ a: 1, b: 1 });
    const updates: unknown[] = [];
    const adapter = defineMapLayer({
      id: 'probe',
      order: 1,
      state: () => ({ a: r.a, positive: r.b > 0 }),
      add: () => {},
      update: (_ctx, s) => void updates.push(s),
      remove: () => {},
      layerIds: () => [],
    });
    const stop = composeLayers(new FakeMap().asMap(), [adapter]);
    r.b = 2; // read by the state, which stays { a: 1, positive: true }
    await nextTick();
    expect(updates).toEqual([]);
    r.b = -1;
    await nextTick();
    r.a = 3;
    await nextTick();
    expect(updates).toEqual([
      { a: 1, positive: false },
      { a: 3, positive: false },
    ]);
    stop();
  });
  test('plain objects and arrays field by field; typed arrays and instances by identity', () => {
    const a = new Float32Array(3);
    expect(sameState({ x: [1, { y: 'a' }], a, n: null }, { x: [1, { y: 'a' }], a, n: null })).toBe(true);
    expect(sameState({ x: [1, { y: 'a' }] }, { x: [1, { y: 'b' }] })).toBe(false);
    expect(sameState({ a }, { a: new Float32Array(3) })).toBe(false);
    expect(sameState({ x: 1 }, { x: 1, y: undefined })).toBe(false);
    expect(sameState([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameState(NaN, NaN)).toBe(true);
  });
});
