/**
 * The offline basemap (land, coast, state and county lines) in the colours of the light or dark theme. The
 * water is the map container's background, not a MapLibre background layer: the map's canvas is transparent
 * where nothing is drawn, and a layer of a kind of its own would be one WebGL program more to compile on the
 * way to a project's first picture (50–150 ms of the page's main thread in software WebGL).
 */
import type { GeoJSONSource } from 'maplibre-gl';
import { useUiStore, type Theme } from '../../stores/ui';
import { useLayersStore } from '../../stores/layers';
import { useProjectStore } from '../../stores/project';
import { basemapData, releaseBasemapData } from '../basemapData';
import type { Grid } from '../../../src-shared/api';
import { basemapArea } from '../../../src-core/common/geo/basemapArea';
import { defineMapLayer, present } from './types';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
const LAYERS = ['basemap-land', 'basemap-counties', 'basemap-states', 'basemap-coast'];

export const BASEMAP_COLORS: Record<
  Theme,
  { water: string; land: string; counties: string; states: string; coast: string }
> = {
  light: { water: '#c9dbe9', land: '#eeebe3', counties: '#b9b4a8', states: '#8a8478', coast: '#6f8ca3' },
  dark: { water: '#1b2633', land: '#2b2d31', counties: '#4a4d52', states: '#777b82', coast: '#5d7a92' },
};

function paint(map: Parameters<typeof present>[0], theme: Theme): void {
  const c = BASEMAP_COLORS[theme];
  map.getContainer().style.backgroundColor = c.water;
  map.setPaintProperty('basemap-land', 'fill-color', c.land);
  map.setPaintProperty('basemap-counties', 'line-color', c.counties);
  map.setPaintProperty('basemap-states', 'line-color', c.states);
  map.setPaintProperty('basemap-coast', 'line-color', c.coast);
}

const SOURCES = ['basemap-land', 'basemap-coast', 'basemap-states', 'basemap-counties'] as const;
let loaded = '';

/** The area the basemap covers: the project's grid and a margin, or the world when no project is open. */
function area(g: Grid | null): [number, number, number, number] | null {
  return g ? basemapArea(g) : null;
}

/**
 * Fill the sources for an area: made in a worker, after the data (the project's layer first, the context
 * after); the worker is ended once MapLibre has read everything.
 */
function load(map: Parameters<typeof present>[0], box: [number, number, number, number] | null): void {
  const key = JSON.stringify(box);
  if (loaded === key) return;
  loaded = key;
  delete document.body.dataset.basemap; // 'ready' again when this area's basemap is drawn
  void basemapData(box).then((b) => {
    if (!map.getSource('basemap-land') || loaded !== key) return;
    const urls = [b.land, b.coast, b.states, b.counties];
    SOURCES.forEach((s, i) => (map.getSource(s) as GeoJSONSource).setData(urls[i]));
    const check = () => {
      if (!SOURCES.every((s) => map.getSource(s) && map.isSourceLoaded(s))) return;
      map.off('sourcedata', check);
      if (loaded === key) releaseBasemapData();
      map.once('idle', () => (document.body.dataset.basemap = 'ready'));
    };
    map.on('sourcedata', check);
  });
}

/** Whether the basemap may load now: no project, or the project's first layer described (its tiles go first). */
function dataFirst(): boolean {
  return !useProjectStore().info || useLayersStore().contextMayLoad;
}

export default defineMapLayer({
  id: 'basemap',
  order: 0,
  state: () => ({ theme: useUiStore().theme, go: dataFirst(), area: area(useProjectStore().grid) }),
  add({ map, beforeId }, { theme, go, area }) {
    loaded = '';
    // a coarser index than MapLibre's default (maxzoom 18): a basemap for orientation, less memory
    for (const s of SOURCES) map.addSource(s, { type: 'geojson', data: EMPTY, maxzoom: 10, tolerance: 0.6 });
    const before = beforeId();
    map.addLayer({ id: 'basemap-land', type: 'fill', source: 'basemap-land' }, before);
    map.addLayer(
      { id: 'basemap-counties', type: 'line', source: 'basemap-counties', minzoom: 5, paint: { 'line-width': 0.6 } },
      before,
    );
    map.addLayer(
      { id: 'basemap-states', type: 'line', source: 'basemap-states', paint: { 'line-width': 1.2 } },
      before,
    );
    map.addLayer({ id: 'basemap-coast', type: 'line', source: 'basemap-coast', paint: { 'line-width': 1 } }, before);
    paint(map, theme);
    if (go) map.once('idle', () => load(map, area));
  },
  update({ map }, { theme, go, area }, prev) {
    if (theme !== prev.theme) paint(map, theme);
    if (go && (!prev.go || JSON.stringify(area) !== JSON.stringify(prev.area))) map.once('idle', () => load(map, area));
  },
  remove({ map }) {
    map.getContainer().style.backgroundColor = '';
    for (const l of present(map, LAYERS)) map.removeLayer(l);
    for (const s of SOURCES) if (map.getSource(s)) map.removeSource(s);
  },
  layerIds: (map) => present(map, LAYERS),
});
