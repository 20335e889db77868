/**
 * The display reference pixel (stores/displayRef): an orange ring with a dot — distinct from the run's
 * reference point (black/white disc, map/layers/referenceMarker.ts), which the pipeline uses.
 */
import { useDisplayRefStore } from '../../stores/displayRef';
import { addGeoJson, fc, point, removeGeoJson, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const ID = 'display-ref';
const LAYERS = [`${ID}-ring`, `${ID}-dot`];
/** the ring's colour (also the swatch that names it in the time bar) */
export const DISPLAY_REF_COLOR = '#ff7f0e';

const data = (p: { lon: number; lat: number } | null) => fc(p ? [point(p.lon, p.lat)] : []);

export default defineMapLayer({
  id: ID,
  order: 75,
  state: () => {
    const p = useDisplayRefStore().pixel;
    return p ? { lon: p.lon, lat: p.lat } : null;
  },
  add({ map, beforeId }, s) {
    addGeoJson(
      map,
      ID,
      data(s),
      [
        {
          id: LAYERS[0],
          type: 'circle',
          paint: {
            'circle-radius': 8,
            'circle-color': 'rgba(0,0,0,0)',
            'circle-stroke-color': DISPLAY_REF_COLOR,
            'circle-stroke-width': 3,
          },
        },
        { id: LAYERS[1], type: 'circle', paint: { 'circle-radius': 2, 'circle-color': DISPLAY_REF_COLOR } },
      ],
      beforeId(),
    );
  },
  update: ({ map }, s) => setGeoJson(map, ID, data(s)),
  remove: ({ map }) => removeGeoJson(map, ID, LAYERS),
  layerIds: (map) => present(map, LAYERS),
});
