/**
 * Areas (stores/regions): each polygon filled and outlined in its chart colour with its name as a label, and
 * the polygon being drawn (its vertices and edges, dashed).
 */
import { useRegionsStore } from '../../stores/regions';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, feature, point, removeGeoJson, setGeoJson } from '../geojson';
import { clearLabels, setLabels } from '../labels';
import { defineMapLayer, present, setPaint, type MapContext } from './types';

const ID = 'regions';
const LAYERS = [`${ID}-fill`, `${ID}-line`, `${ID}-draft`, `${ID}-vertex`];
const draftColor = (t: string) => (t === 'dark' ? '#f5f5f5' : '#111');

interface State {
  areas: { label: string; color: string; polygon: [number, number][] }[];
  drawing: [number, number][];
  theme: string;
}

const ring = (p: [number, number][]) => [...p.map(([la, lo]) => [lo, la]), [p[0][1], p[0][0]]];

function data(s: State) {
  const f = s.areas.map((a) =>
    feature({ type: 'Polygon', coordinates: [ring(a.polygon)] }, { color: a.color, kind: 'area' }),
  );
  if (s.drawing.length > 1)
    f.push(feature({ type: 'LineString', coordinates: s.drawing.map(([la, lo]) => [lo, la]) }, { kind: 'draft' }));
  for (const [la, lo] of s.drawing) f.push(point(lo, la, { kind: 'vertex' }));
  return fc(f);
}

function labels({ map }: MapContext, s: State): void {
  setLabels(
    map,
    ID,
    s.areas.map((a) => {
      // the northernmost vertex
      const top = a.polygon.reduce((b, v) => (v[0] > b[0] ? v : b), a.polygon[0]);
      return { lat: top[0], lon: top[1], text: a.label, color: a.color, name: `${a.label} on the map` };
    }),
  );
}

export default defineMapLayer<State>({
  id: ID,
  order: 55,
  state: () => {
    const r = useRegionsStore();
    return {
      areas: r.list.map((a) => ({ label: a.label, color: a.color, polygon: a.polygon })),
      drawing: [...r.drawing],
      theme: useUiStore().theme,
    };
  },
  add(ctx, s) {
    addGeoJson(
      ctx.map,
      ID,
      data(s),
      [
        {
          id: LAYERS[0],
          type: 'fill',
          filter: ['==', ['get', 'kind'], 'area'],
          paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.15 },
        },
        {
          id: LAYERS[1],
          type: 'line',
          filter: ['==', ['get', 'kind'], 'area'],
          paint: { 'line-color': ['get', 'color'], 'line-width': 2.5 },
        },
        {
          id: LAYERS[2],
          type: 'line',
          filter: ['==', ['get', 'kind'], 'draft'],
          paint: { 'line-color': draftColor(s.theme), 'line-width': 2, 'line-dasharray': [2, 1] },
        },
        {
          id: LAYERS[3],
          type: 'circle',
          filter: ['==', ['get', 'kind'], 'vertex'],
          paint: { 'circle-radius': 4, 'circle-color': draftColor(s.theme) },
        },
      ],
      ctx.beforeId(),
    );
    labels(ctx, s);
  },
  update(ctx, s, prev) {
    setGeoJson(ctx.map, ID, data(s));
    setPaint(ctx.map, LAYERS[2], 'line-color', draftColor(s.theme));
    setPaint(ctx.map, LAYERS[3], 'circle-color', draftColor(s.theme));
    if (JSON.stringify(s.areas) !== JSON.stringify(prev.areas)) labels(ctx, s);
  },
  remove({ map }) {
    clearLabels(ID);
    removeGeoJson(map, ID, LAYERS);
  },
  layerIds: (map) => present(map, LAYERS),
});
