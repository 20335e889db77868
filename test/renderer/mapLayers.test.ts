// @vitest-environment happy-dom
/**
 * The map-layer adapters on a recording fake map: drawing order whatever the order they appear in, each
 * driven by its store, and nothing left behind on removal.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { FeatureCollection } from 'geojson';
import { FakeMap } from './fakeMap';
import { DATES, fakeApi, GRID, layerValues } from './fakeApi';
import { MAP_LAYERS } from '../../src-renderer/map/layers/index';
import { composeLayers } from '../../src-renderer/map/compose';
import { loadTile, setTileSource, tileUrl } from '../../src-renderer/map/tiles/protocol';
import { BASEMAP_COLORS } from '../../src-renderer/map/layers/basemap';
import { WATERWAY_COLORS } from '../../src-renderer/map/layers/waterways';
import { useWaterwaysStore } from '../../src-renderer/stores/waterways';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useMeasureStore } from '../../src-renderer/stores/measure';
import { useGnssStore } from '../../src-renderer/stores/gnss';
import { usePlacesStore } from '../../src-renderer/stores/places';
import { CANDIDATE_COLORS, candidatesRgba, useRefCandidatesStore } from '../../src-renderer/stores/refCandidates';
import { useInspectStore } from '../../src-renderer/stores/inspect';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { useOverlaysStore } from '../../src-renderer/stores/overlays';
import { useNetworkStore } from '../../src-renderer/stores/network';
import { useTilesStore } from '../../src-renderer/stores/tiles';
import { useUiStore } from '../../src-renderer/stores/ui';
import { TRANSECT_COLORS, useTransectsStore } from '../../src-renderer/stores/transects';
import { REGION_COLORS, useRegionsStore } from '../../src-renderer/stores/regions';
import { useDisplayRefStore } from '../../src-renderer/stores/displayRef';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
// the raster worker (a Web Worker) is replaced by a function that records what it was asked to colour
const colourCalls = vi.hoisted(() => [] as { task: string; params: Record<string, unknown> }[]);
vi.mock('../../src-renderer/workers/rasterClient', () => ({
  runTask: async (task: string, params: Record<string, unknown>) => {
    colourCalls.push({ task, params });
    return { bitmap: { task, close: () => {} } };
  },
}));
// map labels are HTML markers (a real map): recorded instead
const labelCalls = vi.hoisted(() => [] as { key: string; labels: { text: string; [k: string]: unknown }[] }[]);
vi.mock('../../src-renderer/map/labels', () => ({
  setLabels: (_map: unknown, key: string, labels: { text: string }[]) => labelCalls.push({ key, labels }),
  clearLabels: () => {},
}));
// basemap data come from large JSON packages: not needed here
vi.mock('../../src-renderer/map/basemapData', () => ({
  basemapData: async () => ({ land: 'blob:land', coast: 'blob:coast', states: 'blob:states', counties: 'blob:c' }),
  releaseBasemapData: () => {},
}));

beforeEach(() => {
  setActivePinia(createPinia());
  fakeApi.resetState();
  colourCalls.length = 0;
});

const data = (m: FakeMap, id: string) => m.sources.get(id)!.data as FeatureCollection;
/** A raster source's tile URL template (insar://…) as a URL, and the picture key it carries. */
const tileUrlOf = (m: FakeMap, id: string) => new URL(m.sources.get(id)!.tiles![0].replace('insar://', 'http://x/'));
const tileKeyOf = (m: FakeMap, id: string) => JSON.parse(tileUrlOf(m, id).searchParams.get('k')!);
/** let timers and promises started so far run out (tile calls are sent from a timer) */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((ok) => setTimeout(ok, 0));
    await flushPromises();
  }
}

describe('map-layer adapters', () => {
  test('every kind of map layer is one adapter file, in drawing order', () => {
    expect(MAP_LAYERS.map((a) => a.id)).toEqual([
      'basemap',
      'waterways',
      'hillshade',
      'data',
      'preview-velocity',
      'ref-candidates',
      'overlays',
      'extent',
      'pair-footprint',
      'transect',
      'regions',
      'measure',
      'pixels',
      'gnss',
      'places',
      'refpoint',
      'display-ref',
    ]);
  });

  test('reference mode: the candidates are read when the tool is chosen, refused pixels tinted by their rule', async () => {
    await useProjectStore().open('/data/demo');
    const rc = useRefCandidatesStore();
    expect(rc.info).toBeNull();
    useInspectStore().setTool('reference');
    await flushPromises();
    expect(fakeApi.referenceCandidates).toHaveBeenCalledTimes(1);
    expect(rc.info?.counts).toEqual({ ok: 17, mask: 1, water: 1, noData: 1 });
    const rgba = candidatesRgba(rc.info!.codes);
    expect(Array.from(rgba.subarray(0, 4))).toEqual(CANDIDATE_COLORS[1]);
    expect(Array.from(rgba.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(Array.from(rgba.subarray(28, 32))).toEqual(CANDIDATE_COLORS[2]);
    expect(Array.from(rgba.subarray(76, 80))).toEqual(CANDIDATE_COLORS[3]);
    useInspectStore().setTool('pixel');
    await flushPromises();
    expect(rc.info).toBeNull();
  });

  test('the measuring line and area, GNSS stations and place names reach the map', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    await flushPromises();
    // place names around the project's grid: dots, the labels named with their population
    expect(fakeApi.placeNames).toHaveBeenCalled();
    expect(data(m, 'places').features.map((f) => f.properties!.name)).toEqual(['Visalia', 'Corcoran']);
    expect(
      labelCalls
        .filter((c) => c.key === 'places')
        .at(-1)!
        .labels.map((l) => l.name),
    ).toEqual(['Visalia (population 130,104)', 'Corcoran (population 22,477)']);
    usePlacesStore().on = false;
    await flushPromises();
    expect(data(m, 'places').features).toEqual([]);
    // measuring: a line, then a closed polygon
    const me = useMeasureStore();
    me.add(35.99, -119.99);
    me.add(35.99, -119.97);
    await flushPromises();
    expect(data(m, 'measure').features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point', 'Point']);
    me.add(35.97, -119.97);
    await flushPromises();
    expect(data(m, 'measure').features.map((f) => f.geometry.type)).toEqual([
      'Polygon',
      'LineString',
      'Point',
      'Point',
      'Point',
    ]);
    expect(me.text).toMatch(/^3 points · length 4\.\d\d km · closed: area 2\.00\d km², perimeter \d+\.\d\d km$/);
    // GNSS: both stations as dots, the one off the data grey
    await useGnssStore().load('/data/gnss');
    await flushPromises();
    expect(data(m, 'gnss').features.map((f) => [f.properties!.site, f.properties!.color])).toEqual([
      ['CRCN', '#006d2c'],
      ['FAR1', '#888'],
    ]);
    stop();
  });

  test('rasters that arrive late are drawn under the vector layers; store changes reach the map as tile keys', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    expect(m.ids[0]).toBe('basemap-land');
    expect(m.container.style.backgroundColor).toBe(BASEMAP_COLORS.light.water); // the water: the map's background
    expect(m.ids).not.toContain('data');
    await useProjectStore().open('/data/demo');
    await flushPromises();
    // hillshade and data: raster tile layers between the basemap and the vector layers
    expect(m.ids.indexOf('hillshade')).toBeGreaterThan(m.ids.indexOf('basemap-coast'));
    expect(m.ids.indexOf('data')).toBeGreaterThan(m.ids.indexOf('hillshade'));
    expect(m.ids.indexOf('data')).toBeLessThan(m.ids.indexOf('extent'));
    expect(m.ids.at(-1)).toBe('display-ref-dot');
    const src = m.sources.get('data')!;
    expect(src.spec).toMatchObject({ type: 'raster', tileSize: 256, bounds: [-120, 35.96, -119.95, 36] });
    expect(tileUrlOf(m, 'data').pathname).toBe('/data/%7Bz%7D/%7Bx%7D/%7By%7D');
    const key = () => tileKeyOf(m, 'data');
    expect(key()).toMatchObject({
      kind: 'data',
      ref: { file: 'velocity.h5', dataset: 'velocity' },
      display: { cmap: 'RdBu_r', vmin: -1.3, vmax: 1.3, scale: 100, maskOn: true },
    });
    // opacity: a paint change, the tiles stay
    const before = m.sources.get('data')!.tiles![0];
    useLayersStore().setDisplay({ opacity: 0.4 });
    await flushPromises();
    expect(m.getLayer('data')!.paint['raster-opacity']).toBe(0.4);
    expect(m.sources.get('data')!.tiles![0]).toBe(before);
    // mask off, new limits: a new key (MapLibre re-colours the tiles in view)
    useLayersStore().maskOn = false;
    useLayersStore().setDisplay({ vmin: -5 });
    await flushPromises();
    expect(key().display).toMatchObject({ maskOn: false, vmin: -5 });
    // hillshade: DEM tiles, hidden with the toggle
    expect(m.sources.get('hillshade')!.tiles![0]).toContain(encodeURIComponent('"dataset":"height"'));
    useLayersStore().hillshade = false;
    await flushPromises();
    expect(m.getLayer('hillshade')!.layout.visibility).toBe('none');
    stop();
    expect(m.ids).toEqual([]);
    expect([...m.sources.keys()]).toEqual([]);
  });

  test("the layer list: one raster layer per entry in the list's order, each with its opacity, visibility and key", async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    const layers = useLayersStore();
    await layers.add('timeseries.h5:timeseries');
    await layers.add('maskTempCoh.h5:mask');
    await flushPromises();
    const dataIds = () => m.ids.filter((id) => /^data(-\d+)?$/.test(id));
    const keyOf = (id: string) => tileKeyOf(m, id);
    // drawing order: bottom first, between the hillshade and the vector layers
    expect(dataIds()).toEqual(['data', 'data-2', 'data-3']);
    expect(m.ids.indexOf('data')).toBeGreaterThan(m.ids.indexOf('hillshade'));
    expect(m.ids.indexOf('data-3')).toBeLessThan(m.ids.indexOf('extent'));
    expect(m.getLayer('data-2')!.paint['raster-opacity']).toBe(0.7);
    expect(keyOf('data-2')).toMatchObject({ ref: { file: 'timeseries.h5', date: DATES[3] }, display: { scale: 100 } });
    // the mask over them: its outline, in its own colours and units
    expect(keyOf('data-3').display).toMatchObject({ outline: true, cmap: 'viridis', scale: 1 });
    expect(m.getLayer('data-3')!.paint['raster-opacity']).toBe(1);
    // opacity and visibility of one entry: paint and layout, the others untouched, no new tiles
    const tiles = m.sources.get('data')!.tiles![0];
    const moves = vi.spyOn(m, 'moveLayer');
    layers.setDisplay({ opacity: 0.25 }, 'data');
    layers.setDisplay({ visible: false }, 'data-2');
    await flushPromises();
    // the order did not change: no layer moved
    expect(moves).not.toHaveBeenCalled();
    expect(m.getLayer('data')!.paint['raster-opacity']).toBe(0.25);
    expect(m.getLayer('data-2')!.layout.visibility).toBe('none');
    expect(m.getLayer('data-3')!.layout.visibility ?? 'visible').toBe('visible'); // unset: MapLibre's default
    expect(m.sources.get('data')!.tiles![0]).toBe(tiles);
    // reorder: the map's layers follow the list
    layers.move('data', 2);
    await flushPromises();
    expect(dataIds()).toEqual(['data-2', 'data-3', 'data']);
    expect(moves).toHaveBeenCalled();
    layers.moveTo('data-3', 0);
    await flushPromises();
    expect(dataIds()).toEqual(['data-3', 'data-2', 'data']);
    expect(m.ids.indexOf('data-3')).toBeGreaterThan(m.ids.indexOf('hillshade'));
    // a date step of the selected layer (the mask: none) and of the time series: only its key changes
    layers.select('data-2');
    const before = keyOf('data');
    moves.mockClear();
    await layers.stepDate(-1);
    await settle(); // the date's tiles are asked for from a timer, then coloured, then the key changes
    expect(moves).not.toHaveBeenCalled();
    expect(keyOf('data-2').ref.date).toBe(DATES[2]);
    expect(keyOf('data')).toEqual(before);
    // remove: its source and layer leave the map
    layers.remove('data-3');
    await flushPromises();
    expect(dataIds()).toEqual(['data-2', 'data']);
    expect(m.sources.has('data-3')).toBe(false);
    stop();
    expect(m.ids).toEqual([]);
  });

  test('rivers and lakes from main over the land, under the hillshade, hidden with their switch', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    await flushPromises();
    const [w, s, e, n] = [
      GRID.xFirst - 6,
      GRID.yFirst + GRID.length * GRID.yStep - 6,
      GRID.xFirst + GRID.width * GRID.xStep + 6,
      GRID.yFirst + 6,
    ];
    const call = fakeApi.basemapWaterways.mock.calls.at(-1)!;
    [s, w, n, e].forEach((x, i) => expect(call[i]).toBeCloseTo(x, 9));
    expect(data(m, 'rivers').features).toHaveLength(1);
    expect(data(m, 'lakes').features).toHaveLength(1);
    expect(m.ids.indexOf('lakes-fill')).toBeGreaterThan(m.ids.indexOf('basemap-land'));
    expect(m.ids.indexOf('rivers-line')).toBeGreaterThan(m.ids.indexOf('lakes-fill'));
    expect(m.ids.indexOf('rivers-line')).toBeLessThan(m.ids.indexOf('hillshade'));
    expect(m.getLayer('rivers-line')!.paint['line-color']).toBe(WATERWAY_COLORS.light.river);
    useUiStore().theme = 'dark';
    await flushPromises();
    expect(m.getLayer('lakes-fill')!.paint['fill-color']).toBe(WATERWAY_COLORS.dark.lake);
    useWaterwaysStore().on = false;
    await flushPromises();
    expect(data(m, 'rivers').features).toEqual([]);
    expect(data(m, 'lakes').features).toEqual([]);
    stop();
  });

  test('the tile protocol: raw tiles fetched once, coloured with the display of its source; hillshade with a border', async () => {
    await useProjectStore().open('/data/demo');
    await settle(); // what the adapters of the tests before fetched ahead
    fakeApi.layerTiles.mockClear();
    colourCalls.length = 0;
    const generation = useLayersStore().generation;
    const ref = { file: 'velocity.h5', dataset: 'velocity' };
    const raw = { n: 256, size: 256, pad: 0, level: 1, values: new Float32Array(65536), flags: new Uint8Array(65536) };
    fakeApi.layerTiles.mockImplementation(async (_r, list) => list.map(() => raw));
    const display = {
      cmap: 'jet',
      vmin: 0,
      vmax: 1,
      scale: 100,
      maskOn: true,
      noDataRgba: [204, 0, 204, 255] as [number, number, number, number],
    };
    const k1 = setTileSource('data', { kind: 'data', ref, display, generation });
    await loadTile(tileUrl('data', k1).replace('{z}/{x}/{y}', '12/700/1600'));
    setTileSource('data', { kind: 'data', ref, display: { ...display, vmax: 2 }, generation });
    await loadTile('insar://data/12/700/1600?k=x');
    expect(fakeApi.layerTiles).toHaveBeenCalledTimes(1);
    expect(fakeApi.layerTiles).toHaveBeenCalledWith(ref, [[12, 700, 1600]], 0);
    expect(colourCalls.map((c) => [c.task, c.params.vmax])).toEqual([
      ['colorTile', 1],
      ['colorTile', 2],
    ]);
    setTileSource('hillshade', {
      kind: 'hillshade',
      ref: { file: 'inputs/geometryGeo.h5', dataset: 'height' },
      generation,
    });
    fakeApi.layerTiles.mockImplementation(async (_r, list) =>
      list.map(() => ({ ...raw, n: 258, pad: 1, values: new Float32Array(258 * 258) })),
    );
    await loadTile('insar://hillshade/12/700/1600?k=y');
    expect(fakeApi.layerTiles).toHaveBeenLastCalledWith(
      { file: 'inputs/geometryGeo.h5', dataset: 'height' },
      [[12, 700, 1600]],
      1,
    );
    const h = colourCalls.at(-1)!;
    expect(h.task).toBe('hillshadeTile');
    // a tile pixel at z 12 near 36° N: 40075 km · cos(lat) / 2^20
    expect(h.params.dx as number).toBeCloseTo((40075016.686 * Math.cos((35.96 * Math.PI) / 180)) / 2 ** 20, -1);
    fakeApi.layerTiles.mockImplementation(async (_r, list) => list.map(() => null));
    expect(await loadTile('insar://data/3/0/0?k=z')).toBeNull();
    // another project opened: what MapLibre still asks of the old picture is not asked of main
    await useProjectStore().open('/data/other');
    expect(useLayersStore().generation).toBeGreaterThan(generation);
    setTileSource('hillshade', {
      kind: 'hillshade',
      ref: { file: 'inputs/geometryGeo.h5', dataset: 'height' },
      generation,
    });
    const before = fakeApi.layerTiles.mock.calls.length;
    expect(await loadTile('insar://hillshade/12/701/1600?k=old')).toBeNull();
    expect(fakeApi.layerTiles.mock.calls.length).toBe(before);
  });

  test('markers: inspected and pinned pixels, the reference point, transects, areas, the display reference, the grid outline', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    const inspect = useInspectStore();
    await inspect.inspectPixel(1, 2);
    inspect.pin();
    await inspect.inspectPixel(3, 4);
    await flushPromises();
    const px = data(m, 'pixels').features;
    expect(px.map((f) => f.properties!.color)).toEqual(['#1f77b4', '#ffd400']);
    expect(px[1].geometry).toEqual({
      type: 'Point',
      coordinates: [GRID.xFirst + 4.5 * GRID.xStep, GRID.yFirst + 3.5 * GRID.yStep],
    });
    await useNetworkStore().setReference(35.985, -119.975);
    await flushPromises();
    expect(data(m, 'refpoint').features.map((f) => f.properties!.kind)).toEqual(['edit']);
    inspect.setTool('transect');
    const tr = useTransectsStore();
    await tr.addPoint(35.99, -119.99);
    await flushPromises();
    expect(data(m, 'transect').features.map((f) => f.properties!.kind)).toEqual(['end']);
    await tr.addPoint(35.97, -119.96);
    await flushPromises();
    expect(data(m, 'transect').features.map((f) => [f.geometry.type, f.properties!.kind])).toEqual([
      ['LineString', 'line'],
      ['Point', 'end'],
      ['Point', 'end'],
    ]);
    // labelled A and A′ in the line's colour
    expect(labelCalls.at(-1)).toEqual({
      key: 'transect',
      labels: [
        { lat: 35.99, lon: -119.99, text: 'A', color: TRANSECT_COLORS[0], name: 'Transect A, start' },
        { lat: 35.97, lon: -119.96, text: 'A′', color: TRANSECT_COLORS[0], name: 'Transect A, end' },
      ],
    });
    // a swath width: its outline around each line
    await tr.setWidth(1);
    await flushPromises();
    const sw = data(m, 'transect').features.find((f) => f.properties!.kind === 'swath')!;
    expect((sw.geometry as { coordinates: number[][] }).coordinates).toHaveLength(5);
    // an area: filled in its colour, labelled with its name
    await useRegionsStore().add([
      [35.995, -119.995],
      [35.995, -119.955],
      [35.965, -119.975],
    ]);
    await flushPromises();
    expect(data(m, 'regions').features.map((f) => [f.geometry.type, f.properties!.color])).toEqual([
      ['Polygon', REGION_COLORS[0]],
    ]);
    expect(
      labelCalls
        .filter((c) => c.key === 'regions')
        .at(-1)!
        .labels.map((l) => l.text),
    ).toEqual(['Area 1']);
    // the display reference pixel: an orange ring where it is
    await useDisplayRefStore().setPixel(2, 3);
    await flushPromises();
    expect((data(m, 'display-ref').features[0].geometry as { coordinates: number[] }).coordinates).toEqual([
      GRID.xFirst + 3.5 * GRID.xStep,
      GRID.yFirst + 2.5 * GRID.yStep,
    ]);
    const ext = data(m, 'extent').features[0].geometry as { coordinates: number[][] };
    expect(ext.coordinates).toEqual([
      [-120, 36],
      [-119.95, 36],
      [-119.95, 35.96],
      [-120, 35.96],
      [-120, 36],
    ]);
    stop();
  });

  test('user overlays come and go with the store; the theme recolours the basemap', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    const o = useOverlaysStore().add('wells.geojson', '{"type":"Point","coordinates":[-119.98,35.98]}')!;
    await flushPromises();
    expect(m.ids).toContain(`${o.id}-pts`);
    expect(m.ids.indexOf(`${o.id}-pts`)).toBeLessThan(m.ids.indexOf('extent'));
    useOverlaysStore().setVisible(o.id, false);
    await flushPromises();
    expect(m.getLayer(`${o.id}-line`)!.layout.visibility).toBe('none');
    useOverlaysStore().remove(o.id);
    await flushPromises();
    expect(m.ids.some((id) => id.startsWith(o.id))).toBe(false);
    expect(m.sources.has(o.id)).toBe(false);
    useUiStore().theme = 'dark';
    await flushPromises();
    expect(m.getLayer('basemap-land')!.paint['fill-color']).toBe(BASEMAP_COLORS.dark.land);
    expect(m.container.style.backgroundColor).toBe(BASEMAP_COLORS.dark.water);
    stop();
  });

  test("while the map waits for a project's first picture only the data is drawn; its context comes after", async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    for (const f of [fakeApi.placeNames, fakeApi.basemapWaterways, fakeApi.layerTiles]) f.mockClear();
    const layers = useLayersStore();
    layers.mapWaiting = true; // MapView: the first picture is on its way (map/reveal.ts)
    await useProjectStore().open('/data/demo');
    await useNetworkStore().setReference(35.985, -119.975);
    await settle();
    expect(m.ids).toContain('data');
    // no hillshade, basemap, rivers or place names asked for; the outline and the reference point not drawn
    expect(m.ids).not.toContain('hillshade');
    expect(fakeApi.placeNames).not.toHaveBeenCalled();
    expect(fakeApi.basemapWaterways).not.toHaveBeenCalled();
    expect(data(m, 'extent').features).toEqual([]);
    expect(data(m, 'refpoint').features).toEqual([]);
    expect(fakeApi.layerTiles.mock.calls.every(([r]) => r.file !== 'inputs/geometryGeo.h5')).toBe(true);

    layers.mapWaiting = false; // the first picture is on the screen
    await settle();
    expect(m.ids.indexOf('hillshade')).toBeLessThan(m.ids.indexOf('data'));
    expect(fakeApi.placeNames).toHaveBeenCalledTimes(1);
    expect(fakeApi.basemapWaterways).toHaveBeenCalledTimes(1);
    expect(data(m, 'extent').features).toHaveLength(1);
    expect(data(m, 'refpoint').features.map((f) => f.properties!.kind)).toEqual(['edit']);
    stop();
  });

  test('a display reference pixel re-references every layer of the list it applies to, not only the shown one', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    const layers = useLayersStore();
    await layers.add('timeseries.h5:timeseries');
    await layers.add('inputs/geometryGeo.h5:height'); // shown: a DEM, not re-referenced
    await settle();
    expect(layers.entries.map((e) => e.id)).toEqual([
      'velocity.h5:velocity',
      'timeseries.h5:timeseries',
      'inputs/geometryGeo.h5:height',
    ]);
    const offsetOn = (id: string) => tileKeyOf(m, id).display.offset as number;
    expect(['data', 'data-2', 'data-3'].map(offsetOn)).toEqual([0, 0, 0]);
    expect(await useDisplayRefStore().setPixel(2, 3)).toBe(true);
    await settle();
    const i = 2 * GRID.width + 3;
    const last = layers.entries[1].ref.date!;
    // each layer minus the pixel's own value in it (as stored: float32), on the date drawn
    expect(offsetOn('data')).toBe(layerValues('velocity.h5', 'velocity')[i]);
    expect(offsetOn('data-2')).toBe(layerValues('timeseries.h5', 'timeseries', last)[i]);
    expect(offsetOn('data-2')).not.toBe(offsetOn('data'));
    expect(offsetOn('data-3')).toBe(0);
    useDisplayRefStore().clearPixel();
    await settle();
    expect(['data', 'data-2', 'data-3'].map(offsetOn)).toEqual([0, 0, 0]);
    stop();
  });

  test('tiles asked for together go to main in one call per layer; the hillshade waits for the data', async () => {
    await useProjectStore().open('/data/demo');
    fakeApi.layerTiles.mockClear();
    const order: string[] = [];
    fakeApi.layerTiles.mockImplementation(async (r, list) => {
      order.push(`${r.dataset}:${list.length}`);
      await new Promise((ok) => setTimeout(ok, 20));
      return list.map(() => null);
    });
    const tiles = useTilesStore();
    const v = { file: 'velocity.h5', dataset: 'velocity' };
    const h = { file: 'inputs/geometryGeo.h5', dataset: 'height' };
    await Promise.all([
      tiles.tile(h, 9, 1, 1, 1, 'low'),
      tiles.tile(v, 9, 1, 1),
      tiles.tile(v, 9, 2, 1),
      tiles.tile(v, 9, 2, 1), // the same tile: one request
      tiles.tile(h, 9, 2, 1, 1, 'low'),
    ]);
    expect(order).toEqual(['velocity:2', 'height:2']);
  });

  test('a pair footprint is the box main reports around its data', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    await useProjectStore().open('/data/demo');
    fakeApi.layerMeta.mockImplementationOnce(async (ref) => ({
      ref,
      grid: GRID,
      units: '1',
      fileType: 'ifgramStack',
      stats: { min: 0, max: 1, mean: 0.5, p2: 0, p98: 1, validCount: 6 },
      statsStep: 1,
      validBox: [1, 1, 3, 4],
      stale: false,
    }));
    await useLayersStore().show({ file: 'inputs/ifgramStack.h5', dataset: 'coherence', date: '20200101_20200113' });
    await flushPromises();
    const ring = data(m, 'pair-footprint').features[0].geometry as { coordinates: number[][] };
    expect(ring.coordinates.map(([x, y]) => [+x.toFixed(3), +y.toFixed(3)])).toEqual([
      [-119.99, 35.99],
      [-119.96, 35.99],
      [-119.96, 35.97],
      [-119.99, 35.97],
      [-119.99, 35.99],
    ]);
    stop();
  });
});
