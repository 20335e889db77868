/**
 * Transects (stores/transects): each line in its chart colour with its ends labelled A and A′, the swath's
 * outline (width/2 either side, dashed) when there is one, and the first point of a line being drawn.
 */
import { useTransectsStore } from '../../stores/transects';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, feature, point, removeGeoJson, setGeoJson } from '../geojson';
import { clearLabels, setLabels } from '../labels';
import { defineMapLayer, present, type MapContext } from './types';

const ID = 'transect';
const LAYERS = [`${ID}-swath`, `${ID}-line`, `${ID}-pts`];
const pendingColor = (t: string) => (t === 'dark' ? '#f5f5f5' : '#111');

interface Line {
  name: string;
  color: string;
  start: [number, number];
  end: [number, number];
}
interface State {
  lines: Line[];
  pending: [number, number] | null;
  widthKm: number;
  theme: string;
}

/**
 * The swath's outline: the line moved width/2 to either side, in a local metric (display geometry only; the
 * swath's pixels are chosen by src-core swathProfile).
 */
export function swathOutline(start: [number, number], end: [number, number], widthKm: number): [number, number][] {
  const latc = ((start[0] + end[0]) / 2) * (Math.PI / 180);
  const kx = 111.32 * Math.cos(latc); // km per degree of longitude
  const ky = 110.57; // km per degree of latitude
  const ex = (end[1] - start[1]) * kx;
  const ey = (end[0] - start[0]) * ky;
  const len = Math.hypot(ex, ey) || 1;
  const h = widthKm / 2;
  const ox = (-ey / len) * h;
  const oy = (ex / len) * h;
  const at = (p: [number, number], s: number): [number, number] => [p[1] + (s * ox) / kx, p[0] + (s * oy) / ky];
  return [at(start, 1), at(end, 1), at(end, -1), at(start, -1), at(start, 1)];
}

function data(s: State) {
  const f = s.lines.map((l) =>
    feature(
      { type: 'LineString', coordinates: [l.start, l.end].map(([la, lo]) => [lo, la]) },
      { color: l.color, kind: 'line' },
    ),
  );
  if (s.widthKm > 0)
    for (const l of s.lines)
      f.push(
        feature(
          { type: 'LineString', coordinates: swathOutline(l.start, l.end, s.widthKm) },
          { color: l.color, kind: 'swath' },
        ),
      );
  for (const l of s.lines) for (const p of [l.start, l.end]) f.push(point(p[1], p[0], { color: l.color, kind: 'end' }));
  if (s.pending) f.push(point(s.pending[1], s.pending[0], { color: pendingColor(s.theme), kind: 'end' }));
  return fc(f);
}

function labels({ map }: MapContext, s: State): void {
  setLabels(
    map,
    ID,
    s.lines.flatMap((l) => [
      { lat: l.start[0], lon: l.start[1], text: l.name, color: l.color, name: `Transect ${l.name}, start` },
      { lat: l.end[0], lon: l.end[1], text: `${l.name}′`, color: l.color, name: `Transect ${l.name}, end` },
    ]),
  );
}

export default defineMapLayer<State>({
  id: ID,
  order: 50,
  state: () => {
    const t = useTransectsStore();
    return {
      lines: t.list.map((l) => ({ name: l.name, color: l.color, start: l.start, end: l.end })),
      pending: t.pending ? [t.pending[0], t.pending[1]] : null,
      widthKm: t.widthKm,
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
          type: 'line',
          filter: ['==', ['get', 'kind'], 'swath'],
          paint: { 'line-color': ['get', 'color'], 'line-width': 1.5, 'line-dasharray': [3, 2] },
        },
        {
          id: LAYERS[1],
          type: 'line',
          filter: ['==', ['get', 'kind'], 'line'],
          paint: { 'line-color': ['get', 'color'], 'line-width': 3 },
        },
        {
          id: LAYERS[2],
          type: 'circle',
          filter: ['==', ['get', 'kind'], 'end'],
          paint: {
            'circle-radius': 4,
            'circle-color': ['get', 'color'],
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 1,
          },
        },
      ],
      ctx.beforeId(),
    );
    labels(ctx, s);
  },
  update(ctx, s, prev) {
    // the map is touched only when what it draws changes
    if (JSON.stringify(s) !== JSON.stringify(prev)) setGeoJson(ctx.map, ID, data(s));
    if (JSON.stringify(s.lines) !== JSON.stringify(prev.lines)) labels(ctx, s);
  },
  remove({ map }) {
    clearLabels(ID);
    removeGeoJson(map, ID, LAYERS);
  },
  layerIds: (map) => present(map, LAYERS),
});
