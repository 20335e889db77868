/** The user's vector overlays (GeoJSON): one source per overlay with fill, line and point layers. */
import type { FeatureCollection } from 'geojson';
import { useOverlaysStore } from '../../stores/overlays';
import { addGeoJson, removeGeoJson } from '../geojson';
import { defineMapLayer, type MapContext } from './types';

interface Item {
  id: string;
  color: string;
  visible: boolean;
  data: FeatureCollection;
}

const layersOf = (id: string) => [`${id}-fill`, `${id}-line`, `${id}-pts`];
const added = new Set<string>();

function addOne({ map, beforeId }: MapContext, o: Item): void {
  const [fill, line, pts] = layersOf(o.id);
  addGeoJson(
    map,
    o.id,
    o.data,
    [
      {
        id: fill,
        type: 'fill',
        filter: ['==', '$type', 'Polygon'],
        paint: { 'fill-color': o.color, 'fill-opacity': 0.2 },
      },
      { id: line, type: 'line', paint: { 'line-color': o.color, 'line-width': 2 } },
      {
        id: pts,
        type: 'circle',
        filter: ['==', '$type', 'Point'],
        paint: { 'circle-radius': 4, 'circle-color': o.color, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
      },
    ],
    beforeId(),
  );
  added.add(o.id);
}

function sync(ctx: MapContext, items: Item[]): void {
  const ids = new Set(items.map((o) => o.id));
  for (const id of [...added])
    if (!ids.has(id)) {
      removeGeoJson(ctx.map, id, layersOf(id));
      added.delete(id);
    }
  for (const o of items) {
    if (!added.has(o.id)) addOne(ctx, o);
    for (const l of layersOf(o.id)) ctx.map.setLayoutProperty(l, 'visibility', o.visible ? 'visible' : 'none');
  }
}

export default defineMapLayer({
  id: 'overlays',
  order: 30,
  state: () => useOverlaysStore().list.map((o) => ({ id: o.id, color: o.color, visible: o.visible, data: o.data })),
  add: sync,
  update: sync,
  remove(ctx) {
    sync(ctx, []);
  },
  layerIds: (map) => [...added].flatMap(layersOf).filter((l) => map.getLayer(l)),
});
