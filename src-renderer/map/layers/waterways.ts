/**
 * Rivers and lakes of the offline basemap (stores/waterways: Natural Earth 1:50m from main), over the land and
 * under the project's DEM hillshade, in the colours of the light or dark theme.
 */
import type { FeatureCollection } from 'geojson';
import { useWaterwaysStore } from '../../stores/waterways';
import { useUiStore, type Theme } from '../../stores/ui';
import { addGeoJson, fc, removeGeoJson, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const RIVERS = 'rivers';
const LAKES = 'lakes';
const LAYERS = ['lakes-fill', 'rivers-line'];

export const WATERWAY_COLORS: Record<Theme, { river: string; lake: string; lakeEdge: string }> = {
  light: { river: '#5b8fc0', lake: '#b5cde3', lakeEdge: '#7ea5c9' },
  dark: { river: '#4f7aa0', lake: '#1d3347', lakeEdge: '#3d5f7d' },
};

interface State {
  on: boolean;
  rivers: FeatureCollection | null;
  lakes: FeatureCollection | null;
  theme: Theme;
}

const EMPTY = fc([]);

function paint(map: Parameters<typeof present>[0], theme: Theme): void {
  const c = WATERWAY_COLORS[theme];
  map.setPaintProperty('rivers-line', 'line-color', c.river);
  map.setPaintProperty('lakes-fill', 'fill-color', c.lake);
  map.setPaintProperty('lakes-fill', 'fill-outline-color', c.lakeEdge);
}

function show(map: Parameters<typeof present>[0], s: State): void {
  setGeoJson(map, LAKES, (s.on && s.lakes) || EMPTY);
  setGeoJson(map, RIVERS, (s.on && s.rivers) || EMPTY);
}

export default defineMapLayer<State>({
  id: 'waterways',
  order: 5,
  state: () => {
    const w = useWaterwaysStore();
    return { on: w.on, rivers: w.data?.rivers ?? null, lakes: w.data?.lakes ?? null, theme: useUiStore().theme };
  },
  add({ map, beforeId }, s) {
    const before = beforeId();
    addGeoJson(map, LAKES, EMPTY, [{ id: 'lakes-fill', type: 'fill' }], before);
    addGeoJson(
      map,
      RIVERS,
      EMPTY,
      [
        {
          id: 'rivers-line',
          type: 'line',
          layout: { 'line-join': 'round', 'line-cap': 'round' },
          // wider as the map zooms in: a hairline over a continent, a river over a valley
          paint: { 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.8, 8, 1.6, 12, 3] },
        },
      ],
      before,
    );
    paint(map, s.theme);
    show(map, s);
  },
  update({ map }, s, prev) {
    if (s.theme !== prev.theme) paint(map, s.theme);
    if (s.on !== prev.on || s.rivers !== prev.rivers || s.lakes !== prev.lakes) show(map, s);
  },
  remove({ map }) {
    removeGeoJson(map, RIVERS, ['rivers-line']);
    removeGeoJson(map, LAKES, ['lakes-fill']);
  },
  layerIds: (map) => present(map, LAYERS),
});
