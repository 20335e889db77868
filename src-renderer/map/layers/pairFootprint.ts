/**
 * The footprint of the interferogram shown on the map: the box around its pixels with data (main's
 * validBox) — ARIA pairs on one grid may cover different parts of it (the dates are in the layer bar).
 */
import type { LayerMeta } from '../../../src-shared/api';
import { xyToLonLat } from '../../../src-core/common/geo/gridCoords';
import { useLayersStore } from '../../stores/layers';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, removeGeoJson, ring, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const ID = 'pair-footprint';
const LAYERS = [`${ID}-line`];

function footprint(m: LayerMeta | null) {
  if (!m || m.ref.file !== 'inputs/ifgramStack.h5' || !m.ref.date || !m.validBox) return fc([]);
  const g = m.grid;
  const [r0, c0, r1, c1] = m.validBox;
  const at = (r: number, c: number) => xyToLonLat(g, g.xFirst + c * g.xStep, g.yFirst + r * g.yStep);
  return fc([ring([at(r0, c0), at(r0, c1), at(r1, c1), at(r1, c0)])]);
}

const color = (t: string) => (t === 'dark' ? '#ffb870' : '#b35900');

export default defineMapLayer({
  id: ID,
  order: 45,
  state: () => ({ meta: useLayersStore().meta, theme: useUiStore().theme }),
  add({ map, beforeId }, s) {
    addGeoJson(
      map,
      ID,
      footprint(s.meta),
      [{ id: LAYERS[0], type: 'line', paint: { 'line-color': color(s.theme), 'line-width': 2 } }],
      beforeId(),
    );
  },
  update({ map }, s, prev) {
    const f = footprint(s.meta);
    if (JSON.stringify(f) !== JSON.stringify(footprint(prev.meta))) setGeoJson(map, ID, f);
    if (s.theme !== prev.theme) map.setPaintProperty(LAYERS[0], 'line-color', color(s.theme));
  },
  remove: ({ map }) => removeGeoJson(map, ID, LAYERS),
  layerIds: (map) => present(map, LAYERS),
});
