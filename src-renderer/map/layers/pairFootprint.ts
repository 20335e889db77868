/**
 * The footprint of the interferogram shown on the map: the box around its valid (finite) pixels — ARIA
 * pairs on one grid may cover different parts of it (the dates are in the layer bar).
 */
import type { LayerData } from '../../../src-shared/api';
import { xyToLonLat } from '../../../src-core/common/geo/gridCoords';
import { useLayersStore } from '../../stores/layers';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, removeGeoJson, ring, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const ID = 'pair-footprint';
const LAYERS = [`${ID}-line`];

/** Row/col box [r0, c0, r1, c1) of the finite values, or null when none is. */
export function validBox(values: Float32Array, width: number): [number, number, number, number] | null {
  let r0 = Infinity;
  let c0 = Infinity;
  let r1 = -1;
  let c1 = -1;
  const length = values.length / width;
  for (let r = 0; r < length; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++)
      if (Number.isFinite(values[o + c])) {
        if (r < r0) r0 = r;
        if (r > r1) r1 = r;
        if (c < c0) c0 = c;
        if (c > c1) c1 = c;
      }
  }
  return r1 < 0 ? null : [r0, c0, r1 + 1, c1 + 1];
}

function footprint(d: LayerData | null) {
  if (!d || d.ref.file !== 'inputs/ifgramStack.h5' || !d.ref.date) return fc([]);
  const b = validBox(d.values, d.grid.width);
  if (!b) return fc([]);
  const g = d.grid;
  const [r0, c0, r1, c1] = b;
  const at = (r: number, c: number) => xyToLonLat(g, g.xFirst + c * g.xStep, g.yFirst + r * g.yStep);
  const corners = [at(r0, c0), at(r0, c1), at(r1, c1), at(r1, c0)];
  return fc([ring(corners)]);
}

const color = (t: string) => (t === 'dark' ? '#ffb870' : '#b35900');

export default defineMapLayer({
  id: ID,
  order: 45,
  state: () => ({ data: useLayersStore().data, theme: useUiStore().theme }),
  add({ map, beforeId }, s) {
    addGeoJson(
      map,
      ID,
      footprint(s.data),
      [{ id: LAYERS[0], type: 'line', paint: { 'line-color': color(s.theme), 'line-width': 2 } }],
      beforeId(),
    );
  },
  update({ map }, s, prev) {
    if (s.data !== prev.data) setGeoJson(map, ID, footprint(s.data));
    map.setPaintProperty(LAYERS[0], 'line-color', color(s.theme));
  },
  remove: ({ map }) => removeGeoJson(map, ID, LAYERS),
  layerIds: (map) => present(map, LAYERS),
});
