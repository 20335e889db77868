/** A small whole-grid raster (the edit preview) as one MapLibre image source + raster layer (blob URLs revoked when replaced). */
import type { ImageSource, Map as MlMap } from 'maplibre-gl';
import type { Grid } from '../../src-shared/api';
import { gridCornersLonLat } from '../../src-core/common/geo/gridCoords';

const urls = new Map<string, string>();

export function setImage(
  map: MlMap,
  id: string,
  blob: Blob,
  grid: Grid,
  beforeId: string | undefined,
  opacity: number,
  visible: boolean,
): void {
  const url = URL.createObjectURL(blob);
  const old = urls.get(id);
  urls.set(id, url);
  const coordinates = gridCornersLonLat(grid) as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  const src = map.getSource(id) as ImageSource | undefined;
  if (src) src.updateImage({ url, coordinates });
  else map.addSource(id, { type: 'image', url, coordinates });
  if (!map.getLayer(id))
    map.addLayer(
      {
        id,
        type: 'raster',
        source: id,
        paint: { 'raster-opacity': opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 },
      },
      beforeId,
    );
  map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  if (old) setTimeout(() => URL.revokeObjectURL(old), 2000);
}

export function hideImage(map: MlMap, id: string): void {
  if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'none');
}

export function removeImage(map: MlMap, id: string): void {
  if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(id)) map.removeSource(id);
  const u = urls.get(id);
  if (u) URL.revokeObjectURL(u);
  urls.delete(id);
}
