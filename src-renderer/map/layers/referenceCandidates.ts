/**
 * Reference-picking mode (stores/refCandidates): the pixels a reference may not go to, tinted by the rule
 * they fail (masked, water, no data); where the map stays clear a click is accepted. One image source over
 * the grid's corners (the picture is one byte per pixel of the stack's grid).
 */
import type { ImageSource, Map as MlMap } from 'maplibre-gl';
import { gridCornersLonLat } from '../../../src-core/common/geo/gridCoords';
import { useRefCandidatesStore, candidatesRgba } from '../../stores/refCandidates';
import { defineMapLayer, present } from './types';
import type { ReferenceCandidatesInfo } from '../../../src-shared/api';

const ID = 'ref-candidates';
let url: string | null = null;

async function png(info: ReferenceCandidatesInfo): Promise<Blob | null> {
  const { width: w, length: h } = info.grid;
  if (typeof document === 'undefined') return null;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.putImageData(new ImageData(candidatesRgba(info.codes) as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return new Promise((ok) => c.toBlob((b) => ok(b), 'image/png'));
}

async function draw(map: MlMap, before: string | undefined, info: ReferenceCandidatesInfo | null): Promise<void> {
  if (!info) {
    if (map.getLayer(ID)) map.setLayoutProperty(ID, 'visibility', 'none');
    return;
  }
  const b = await png(info);
  if (!b) return;
  const old = url;
  url = URL.createObjectURL(b);
  const coordinates = gridCornersLonLat(info.grid) as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  const src = map.getSource(ID) as ImageSource | undefined;
  if (src) src.updateImage({ url, coordinates });
  else map.addSource(ID, { type: 'image', url, coordinates });
  if (!map.getLayer(ID))
    map.addLayer(
      { id: ID, type: 'raster', source: ID, paint: { 'raster-resampling': 'nearest', 'raster-fade-duration': 0 } },
      before,
    );
  map.setLayoutProperty(ID, 'visibility', 'visible');
  if (old) setTimeout(() => URL.revokeObjectURL(old), 2000);
}

export default defineMapLayer<{ info: ReferenceCandidatesInfo | null }>({
  id: ID,
  order: 25,
  state: () => ({ info: useRefCandidatesStore().info }),
  add: (ctx, s) => draw(ctx.map, ctx.beforeId(), s.info),
  update: (ctx, s) => draw(ctx.map, ctx.beforeId(), s.info),
  remove({ map }) {
    if (map.getLayer(ID)) map.removeLayer(ID);
    if (map.getSource(ID)) map.removeSource(ID);
    if (url) URL.revokeObjectURL(url);
    url = null;
  },
  layerIds: (map) => present(map, [ID]),
});
