/** The reference point: the user's (filled) and, when different, the one the current outputs use (hollow). */
import type { ReferencePoint } from '../../../src-shared/api';
import { useProjectStore } from '../../stores/project';
import { useLayersStore } from '../../stores/layers';
import { addGeoJson, fc, point, removeGeoJson, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const ID = 'refpoint';

function data(s: { edit: ReferencePoint | null; output: ReferencePoint | null }) {
  const f = [];
  if (s.edit) f.push(point(s.edit.lon, s.edit.lat, { kind: 'edit' }));
  if (s.output && (!s.edit || s.edit.row !== s.output.row || s.edit.col !== s.output.col))
    f.push(point(s.output.lon, s.output.lat, { kind: 'output' }));
  return fc(f);
}

export default defineMapLayer({
  id: ID,
  order: 70,
  state: () => {
    const p = useProjectStore();
    // context: after the project's first picture (stores/layers contextMayLoad)
    if (!useLayersStore().contextMayLoad) return { edit: null, output: null };
    return { edit: p.edits?.referencePoint ?? null, output: p.info?.outputReference ?? null };
  },
  add({ map, beforeId }, s) {
    addGeoJson(
      map,
      ID,
      data(s),
      [
        {
          id: ID,
          type: 'circle',
          paint: {
            'circle-radius': 6,
            'circle-color': ['match', ['get', 'kind'], 'edit', '#000', 'rgba(0,0,0,0)'],
            'circle-stroke-color': ['match', ['get', 'kind'], 'edit', '#fff', '#000'],
            'circle-stroke-width': 2,
          },
        },
      ],
      beforeId(),
    );
  },
  update: ({ map }, s, prev) => {
    if (JSON.stringify(s) !== JSON.stringify(prev)) setGeoJson(map, ID, data(s));
  },
  remove: ({ map }) => removeGeoJson(map, ID, [ID]),
  layerIds: (map) => present(map, [ID]),
});
