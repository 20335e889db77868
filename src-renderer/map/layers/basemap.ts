/** The offline basemap (land, coast, state and county lines) in the colours of the light or dark theme. */
import type { GeoJSONSource } from 'maplibre-gl';
import { useUiStore, type Theme } from '../../stores/ui';
import { basemapData, countiesData } from '../basemapData';
import { defineMapLayer, present } from './types';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
const LAYERS = ['basemap-water', 'basemap-land', 'basemap-counties', 'basemap-states', 'basemap-coast'];

export const BASEMAP_COLORS: Record<
  Theme,
  { water: string; land: string; counties: string; states: string; coast: string }
> = {
  light: { water: '#c9dbe9', land: '#eeebe3', counties: '#b9b4a8', states: '#8a8478', coast: '#6f8ca3' },
  dark: { water: '#1b2633', land: '#2b2d31', counties: '#4a4d52', states: '#777b82', coast: '#5d7a92' },
};

function paint(map: Parameters<typeof present>[0], theme: Theme): void {
  const c = BASEMAP_COLORS[theme];
  map.setPaintProperty('basemap-water', 'background-color', c.water);
  map.setPaintProperty('basemap-land', 'fill-color', c.land);
  map.setPaintProperty('basemap-counties', 'line-color', c.counties);
  map.setPaintProperty('basemap-states', 'line-color', c.states);
  map.setPaintProperty('basemap-coast', 'line-color', c.coast);
}

export default defineMapLayer({
  id: 'basemap',
  order: 0,
  state: () => ({ theme: useUiStore().theme }),
  add({ map, beforeId }, { theme }) {
    for (const s of ['basemap-land', 'basemap-coast', 'basemap-states', 'basemap-counties'])
      map.addSource(s, { type: 'geojson', data: EMPTY });
    const before = beforeId();
    map.addLayer({ id: 'basemap-water', type: 'background' }, before);
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
    void basemapData().then((b) => {
      if (!map.getSource('basemap-land')) return;
      (map.getSource('basemap-land') as GeoJSONSource).setData(b.land);
      (map.getSource('basemap-coast') as GeoJSONSource).setData(b.coast);
      (map.getSource('basemap-states') as GeoJSONSource).setData(b.states);
      document.body.dataset.basemap = 'ready';
    });
    void countiesData().then((c) => (map.getSource('basemap-counties') as GeoJSONSource | undefined)?.setData(c));
  },
  update({ map }, { theme }) {
    paint(map, theme);
  },
  remove({ map }) {
    for (const l of present(map, LAYERS)) map.removeLayer(l);
    for (const s of ['basemap-land', 'basemap-coast', 'basemap-states', 'basemap-counties'])
      if (map.getSource(s)) map.removeSource(s);
  },
  layerIds: (map) => present(map, LAYERS),
});
