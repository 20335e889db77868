/**
 * A MapLibre raster source + layer fed by the insar:// protocol, for the adapters that draw rasters. The
 * source covers the grid's bounds only and stops a little past the grid's native zoom (MapLibre upscales
 * beyond); a new picture (date, colours, mask) is a new tile key: `setTiles` reloads the tiles in view only.
 */
import type { Map as MlMap, RasterLayerSpecification, RasterTileSource } from 'maplibre-gl';
import type { Grid } from '../../../src-shared/api';
import { gridBoundsLonLat } from '../../../src-core/common/geo/gridCoords';
import { nativeZoom } from '../../../src-core/common/geo/tileSampling';
import { removeTileSource, setTileSource, tileUrl, type TileSourceDef } from './protocol';

interface Placed {
  gridKey: string;
  key: string;
}
const placed = new Map<string, Placed>();

export interface TileLayerOptions {
  grid: Grid;
  /** zooms past the grid's native one that still get tiles of their own */
  overzoom: number;
  paint: RasterLayerSpecification['paint'];
  beforeId?: string;
}

/** Put a raster tile layer on the map, or bring it up to date (a new key reloads the visible tiles). */
export function showTileLayer(map: MlMap, id: string, def: TileSourceDef, o: TileLayerOptions): void {
  const gridKey = JSON.stringify(o.grid);
  const p = placed.get(id);
  if (p && p.gridKey !== gridKey) removeTileLayer(map, id);
  const key = setTileSource(id, def);
  const q = placed.get(id);
  if (!q) {
    const b = gridBoundsLonLat(o.grid);
    map.addSource(id, {
      type: 'raster',
      tiles: [tileUrl(id, key)],
      tileSize: 256,
      bounds: [b.west, b.south, b.east, b.north],
      maxzoom: Math.min(22, nativeZoom(o.grid) + o.overzoom),
    });
    map.addLayer({ id, type: 'raster', source: id, paint: o.paint }, o.beforeId);
    placed.set(id, { gridKey, key });
    return;
  }
  if (q.key !== key) {
    (map.getSource(id) as RasterTileSource).setTiles([tileUrl(id, key)]);
    q.key = key;
  }
}

export function removeTileLayer(map: MlMap, id: string): void {
  if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(id)) map.removeSource(id);
  removeTileSource(id);
  placed.delete(id);
}
