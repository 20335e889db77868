/** The project grid's outline (dashed), so the data's place shows before any layer is drawn (after the first picture). */
import { gridCornersLonLat } from '../../../src-core/common/geo/gridCoords';
import { useProjectStore } from '../../stores/project';
import { useLayersStore } from '../../stores/layers';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, removeGeoJson, ring, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';
import type { Grid } from '../../../src-shared/api';

const ID = 'extent';
const color = (t: string) => (t === 'dark' ? '#9ec1e6' : '#1f3b57');
const data = (g: Grid | null) => fc(g ? [ring(gridCornersLonLat(g))] : []);

export default defineMapLayer({
  id: ID,
  order: 40,
  // context: after the project's first picture (stores/layers contextMayLoad)
  state: () => ({ grid: useLayersStore().contextMayLoad ? useProjectStore().grid : null, theme: useUiStore().theme }),
  add({ map, beforeId }, s) {
    addGeoJson(
      map,
      ID,
      data(s.grid),
      [{ id: ID, type: 'line', paint: { 'line-color': color(s.theme), 'line-width': 1.5, 'line-dasharray': [3, 2] } }],
      beforeId(),
    );
  },
  update({ map }, s, prev) {
    if (JSON.stringify(s.grid) !== JSON.stringify(prev.grid)) setGeoJson(map, ID, data(s.grid));
    if (s.theme !== prev.theme) map.setPaintProperty(ID, 'line-color', color(s.theme));
  },
  remove: ({ map }) => removeGeoJson(map, ID, [ID]),
  layerIds: (map) => present(map, [ID]),
});
