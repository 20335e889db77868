/** The inspected pixel (yellow) and the pinned pixels, each in its own colour. */
import { PIN_COLORS, useInspectStore } from '../../stores/inspect';
import { addGeoJson, fc, point, removeGeoJson, setGeoJson } from '../geojson';
import { defineMapLayer, present } from './types';

const ID = 'pixels';

function data(s: {
  current: { lon: number; lat: number } | null;
  pinned: { lon: number; lat: number; color: string }[];
}) {
  const f = s.pinned.map((p) => point(p.lon, p.lat, { color: p.color }));
  if (s.current) f.push(point(s.current.lon, s.current.lat, { color: PIN_COLORS[0] }));
  return fc(f);
}

export default defineMapLayer({
  id: ID,
  order: 60,
  state: () => {
    const i = useInspectStore();
    return {
      current: i.series ? { lon: i.series.lon, lat: i.series.lat } : null,
      pinned: i.pinned.map((p) => ({ ...p })),
    };
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
            'circle-radius': 5,
            'circle-color': ['get', 'color'],
            'circle-stroke-color': '#000',
            'circle-stroke-width': 1.5,
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
