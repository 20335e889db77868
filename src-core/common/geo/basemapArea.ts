/** The area the offline basemap covers around a project: its grid's lon/lat bounds and a margin. Pure. */
import type { GeoGrid } from '../formats/grid';
import { gridBoundsLonLat } from './gridCoords';

/** degrees of basemap (land, coast, lines, rivers and lakes) kept around the project's grid */
export const BASEMAP_MARGIN_DEG = 6;

/** [west, south, east, north] in degrees: the grid and `margin` degrees around it, within the Mercator world. */
export function basemapArea(g: GeoGrid, margin = BASEMAP_MARGIN_DEG): [number, number, number, number] {
  const b = gridBoundsLonLat(g);
  return [
    Math.max(-180, b.west - margin),
    Math.max(-85, b.south - margin),
    Math.min(180, b.east + margin),
    Math.min(85, b.north + margin),
  ];
}
