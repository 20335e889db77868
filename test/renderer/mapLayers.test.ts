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
import { fakeApi, GRID } from './fakeApi';
import { MAP_LAYERS } from '../../src-renderer/map/layers/index';
import { composeLayers } from '../../src-renderer/map/compose';
import { validBox } from '../../src-renderer/map/layers/pairFootprint';
import { BASEMAP_COLORS } from '../../src-renderer/map/layers/basemap';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useMeasureStore } from '../../src-renderer/stores/measure';
import { useGnssStore } from '../../src-renderer/stores/gnss';
import { usePlacesStore } from '../../src-renderer/stores/places';
import { CANDIDATE_COLORS, candidatesRgba, useRefCandidatesStore } from '../../src-renderer/stores/refCandidates';
import { useInspectStore } from '../../src-renderer/stores/inspect';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { useOverlaysStore } from '../../src-renderer/stores/overlays';
import { useNetworkStore } from '../../src-renderer/stores/network';
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
    return { blob: new Blob([task]) };
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
  basemapData: async () => ({ land: { type: 'FeatureCollection', features: [] }, coast: {}, states: {} }),
  countiesData: async () => ({}),
}));

beforeEach(() => {
  setActivePinia(createPinia());
  fakeApi.resetState();
  colourCalls.length = 0;
});

const data = (m: FakeMap, id: string) => m.sources.get(id)!.data as FeatureCollection;

describe('map-layer adapters', () => {
  test('every kind of map layer is one adapter file, in drawing order', () => {
    expect(MAP_LAYERS.map((a) => a.id)).toEqual([
      'basemap',
      'hillshade',
      'data',
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

  test('rasters that arrive late are drawn under the vector layers; store changes reach the map', async () => {
    const m = new FakeMap();
    const stop = composeLayers(m.asMap(), MAP_LAYERS);
    expect(m.ids[0]).toBe('basemap-water');
    expect(m.ids).not.toContain('data');
    await useProjectStore().open('/data/demo');
    await flushPromises();
    // hillshade and data: image layers between the basemap and the vector layers
    expect(m.ids.indexOf('hillshade')).toBeGreaterThan(m.ids.indexOf('basemap-coast'));
    expect(m.ids.indexOf('data')).toBeGreaterThan(m.ids.indexOf('hillshade'));
    expect(m.ids.indexOf('data')).toBeLessThan(m.ids.indexOf('extent'));
    expect(m.ids.at(-1)).toBe('display-ref-dot');
    // the data layer was coloured with the entry's colour map and limits, in display units, with the mask
    const c = colourCalls.filter((x) => x.task === 'colorize').at(-1)!.params;
    expect(c).toMatchObject({ cmap: 'RdBu_r', vmin: -1.3, vmax: 1.3, scale: 100, width: 5, height: 4 });
    expect(Array.from((c.mask as Uint8Array).slice(0, 3))).toEqual([1, 0, 1]);
    // opacity: a paint change, no recolouring
    const n = colourCalls.length;
    useLayersStore().setDisplay({ opacity: 0.4 });
    await flushPromises();
    expect(m.getLayer('data')!.paint['raster-opacity']).toBe(0.4);
    expect(colourCalls.length).toBe(n);
    // mask off: recoloured without the mask
    useLayersStore().maskOn = false;
    await flushPromises();
    expect(colourCalls.at(-1)!.params.mask).toBeNull();
    // hillshade off: hidden
    useLayersStore().hillshade = false;
    await flushPromises();
    expect(m.getLayer('hillshade')!.layout.visibility).toBe('none');
    stop();
    expect(m.ids).toEqual([]);
    expect([...m.sources.keys()]).toEqual([]);
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
    stop();
  });

  test('a pair footprint is the box around its valid pixels', () => {
    const v = new Float32Array(4 * 5).fill(NaN);
    v[1 * 5 + 1] = 1;
    v[2 * 5 + 3] = 2;
    expect(validBox(v, 5)).toEqual([1, 1, 3, 4]);
    expect(validBox(new Float32Array(20).fill(NaN), 5)).toBeNull();
  });
});
