/** The measuring tool's line (and, with three or more vertices, its closed polygon) and vertices. */
import { useMeasureStore } from '../../stores/measure';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, feature, point, removeGeoJson, setGeoJson } from '../geojson';
import { defineMapLayer, present, setPaint } from './types';

const ID = 'measure';
const LAYERS = [`${ID}-fill`, `${ID}-line`, `${ID}-vertex`];
const colorOf = (theme: string) => (theme === 'dark' ? '#ffe066' : '#b3005e');

interface State {
  points: [number, number][];
  theme: string;
}

function data(s: State) {
  const ll = s.points.map(([la, lo]) => [lo, la]);
  const f = [];
  if (ll.length >= 3) f.push(feature({ type: 'Polygon', coordinates: [[...ll, ll[0]]] }, { kind: 'area' }));
  if (ll.length >= 2) f.push(feature({ type: 'LineString', coordinates: ll }, { kind: 'line' }));
  for (const [lo, la] of ll) f.push(point(lo, la, { kind: 'vertex' }));
  return fc(f);
}

export default defineMapLayer<State>({
  id: ID,
  order: 58,
  state: () => ({ points: [...useMeasureStore().points], theme: useUiStore().theme }),
  add(ctx, s) {
    const c = colorOf(s.theme);
    addGeoJson(
      ctx.map,
      ID,
      data(s),
      [
        {
          id: LAYERS[0],
          type: 'fill',
          filter: ['==', ['get', 'kind'], 'area'],
          paint: { 'fill-color': c, 'fill-opacity': 0.12 },
        },
        {
          id: LAYERS[1],
          type: 'line',
          filter: ['==', ['get', 'kind'], 'line'],
          paint: { 'line-color': c, 'line-width': 2.5, 'line-dasharray': [3, 1.5] },
        },
        {
          id: LAYERS[2],
          type: 'circle',
          filter: ['==', ['get', 'kind'], 'vertex'],
          paint: { 'circle-radius': 4, 'circle-color': c, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
        },
      ],
      ctx.beforeId(),
    );
  },
  update(ctx, s) {
    setGeoJson(ctx.map, ID, data(s));
    const c = colorOf(s.theme);
    setPaint(ctx.map, LAYERS[0], 'fill-color', c);
    setPaint(ctx.map, LAYERS[1], 'line-color', c);
    setPaint(ctx.map, LAYERS[2], 'circle-color', c);
  },
  remove({ map }) {
    removeGeoJson(map, ID, LAYERS);
  },
  layerIds: (map) => present(map, LAYERS),
});
