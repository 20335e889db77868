/** The transect being drawn: its end points and the line between them. */
import { useInspectStore } from '../../stores/inspect';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, feature, point, removeGeoJson, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const ID = 'transect';
const LAYERS = [`${ID}-line`, `${ID}-pts`];
const color = (t: string) => (t === 'dark' ? '#f5f5f5' : '#111');

function data(pts: [number, number][]) {
  const f = pts.map(([la, lo]) => point(lo, la));
  if (pts.length === 2) f.push(feature({ type: 'LineString', coordinates: pts.map(([la, lo]) => [lo, la]) }));
  return fc(f);
}

export default defineMapLayer({
  id: ID,
  order: 50,
  state: () => ({ points: [...useInspectStore().transectPoints], theme: useUiStore().theme }),
  add({ map, beforeId }, s) {
    addGeoJson(
      map,
      ID,
      data(s.points),
      [
        {
          id: LAYERS[0],
          type: 'line',
          filter: ['==', '$type', 'LineString'],
          paint: { 'line-color': color(s.theme), 'line-width': 2, 'line-dasharray': [2, 1] },
        },
        {
          id: LAYERS[1],
          type: 'circle',
          filter: ['==', '$type', 'Point'],
          paint: { 'circle-radius': 4, 'circle-color': color(s.theme) },
        },
      ],
      beforeId(),
    );
  },
  update({ map }, s, prev) {
    if (JSON.stringify(s.points) !== JSON.stringify(prev.points)) setGeoJson(map, ID, data(s.points));
    if (s.theme !== prev.theme) {
      map.setPaintProperty(LAYERS[0], 'line-color', color(s.theme));
      map.setPaintProperty(LAYERS[1], 'circle-color', color(s.theme));
    }
  },
  remove: ({ map }) => removeGeoJson(map, ID, LAYERS),
  layerIds: (map) => present(map, LAYERS),
});
