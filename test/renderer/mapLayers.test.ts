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
import { useInspectStore } from '../../src-renderer/stores/inspect';
import { useLayersStore } from '../../src-renderer/stores/layers';
import { useOverlaysStore } from '../../src-renderer/stores/overlays';
import { useNetworkStore } from '../../src-renderer/stores/network';
import { useUiStore } from '../../src-renderer/stores/ui';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
// the raster worker (a Web Worker) is replaced by a function that records what it was asked to colour
const colourCalls = vi.hoisted(() => [] as { task: string; params: Record<string, unknown> }[]);
vi.mock('../../src-renderer/workers/rasterClient', () => ({
  runTask: async (task: string, params: Record<string, unknown>) => {
    colourCalls.push({ task, params });
    return { blob: new Blob([task]) };
  },
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
      'preview-velocity',
      'overlays',
      'extent',
      'pair-footprint',
      'transect',
      'pixels',
      'refpoint',
    ]);
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
    expect(m.ids.at(-1)).toBe('refpoint');
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

  test('markers: inspected and pinned pixels, the reference point, the transect, the grid outline', async () => {
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
    await inspect.addTransectPoint(35.99, -119.99);
    await inspect.addTransectPoint(35.97, -119.96);
    await flushPromises();
    expect(data(m, 'transect').features.map((f) => f.geometry.type)).toEqual(['Point', 'Point', 'LineString']);
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
