/**
 * Grid row/col ↔ coordinates for MintPy's geocoded grids in any supported CRS (EPSG:4326 lat/lon, UTM).
 *
 * Three coordinate kinds, kept apart by name:
 * - *native* x/y: the grid's own CRS (degrees for 4326, metres for UTM) — what MintPy's X_FIRST, REF_LAT/
 *   REF_LON and `mintpy.*.lalo` template keys hold on a UTM grid;
 * - lon/lat: WGS 84 degrees, what the map, KML and users see;
 * - row/col: pixel indices; fractional pixel coordinates put the centre of pixel (r, c) at (r + 0.5, c + 0.5).
 *
 * On a 4326 grid every function reduces to MintPy's plain arithmetic (no transform at all), so ARIA results
 * are unchanged to the bit.
 */
import type { GeoGrid } from '../formats/grid';
import { isGeographic, transformBetween, WGS84, type XY } from './crs';

export type { GeoGrid };

/** EPSG code of a grid (absent = 4326). */
export function gridEpsg(g: GeoGrid): number {
  return g.epsg ?? WGS84;
}

export function isProjectedGrid(g: GeoGrid): boolean {
  return !isGeographic(gridEpsg(g));
}

/** Native x/y of the centre of pixel (row, col). */
export function pixelCenterXY(g: GeoGrid, row: number, col: number): XY {
  return [g.xFirst + (col + 0.5) * g.xStep, g.yFirst + (row + 0.5) * g.yStep];
}

/** Fractional pixel coordinates [row, col] of native x/y (centre of pixel (r, c) = (r + 0.5, c + 0.5)). */
export function xyToPixel(g: GeoGrid, x: number, y: number): [number, number] {
  return [(y - g.yFirst) / g.yStep, (x - g.xFirst) / g.xStep];
}

/** Native x/y → integer row/col with MintPy's +0.01 rounding guard (coordinate.geo2radar). */
export function xyToRowCol(g: GeoGrid, x: number, y: number): [number, number] {
  return [Math.floor((y - g.yFirst) / g.yStep + 0.01), Math.floor((x - g.xFirst) / g.xStep + 0.01)];
}

/** WGS 84 lon/lat → native x/y of the grid. */
export function lonLatToXY(g: GeoGrid, lon: number, lat: number): XY {
  const e = gridEpsg(g);
  return e === WGS84 ? [lon, lat] : transformBetween(WGS84, e).forward([lon, lat]);
}

/** Native x/y → WGS 84 lon/lat. */
export function xyToLonLat(g: GeoGrid, x: number, y: number): XY {
  const e = gridEpsg(g);
  return e === WGS84 ? [x, y] : transformBetween(WGS84, e).inverse([x, y]);
}

/** WGS 84 lat/lon → integer row/col (MintPy's +0.01 guard after the transform). */
export function latLonToRowColGeo(g: GeoGrid, lat: number, lon: number): [number, number] {
  const [x, y] = lonLatToXY(g, lon, lat);
  return xyToRowCol(g, x, y);
}

/** WGS 84 lat/lon → fractional pixel coordinates [row, col]. */
export function lonLatToPixel(g: GeoGrid, lon: number, lat: number): [number, number] {
  const [x, y] = lonLatToXY(g, lon, lat);
  return xyToPixel(g, x, y);
}

/** WGS 84 [lat, lon] of the centre of pixel (row, col). */
export function rowColToLatLonGeo(g: GeoGrid, row: number, col: number): [number, number] {
  const [x, y] = pixelCenterXY(g, row, col);
  const [lon, lat] = xyToLonLat(g, x, y);
  return [lat, lon];
}

/**
 * A fast lon/lat → fractional [row, col] sampler for many points (map tiles): the transform is looked up
 * once. Returns NaN outside the CRS's domain.
 */
export function lonLatSampler(g: GeoGrid): (lon: number, lat: number) => [number, number] {
  const e = gridEpsg(g);
  if (e === WGS84) return (lon, lat) => [(lat - g.yFirst) / g.yStep, (lon - g.xFirst) / g.xStep];
  const t = transformBetween(WGS84, e);
  return (lon, lat) => {
    const [x, y] = t.forward([lon, lat]);
    return [(y - g.yFirst) / g.yStep, (x - g.xFirst) / g.xStep];
  };
}

/** Outer corners of the grid in WGS 84 [lon, lat]: top-left, top-right, bottom-right, bottom-left (MapLibre's order). */
export function gridCornersLonLat(g: GeoGrid): [XY, XY, XY, XY] {
  const x0 = g.xFirst;
  const x1 = g.xFirst + g.width * g.xStep;
  const y0 = g.yFirst;
  const y1 = g.yFirst + g.length * g.yStep;
  return [xyToLonLat(g, x0, y0), xyToLonLat(g, x1, y0), xyToLonLat(g, x1, y1), xyToLonLat(g, x0, y1)];
}

/** West/south/east/north in degrees of the grid's outline (edges densified: a UTM grid is not lat/lon-aligned). */
export function gridBoundsLonLat(
  g: GeoGrid,
  densify = 20,
): { west: number; south: number; east: number; north: number } {
  const x0 = g.xFirst;
  const x1 = g.xFirst + g.width * g.xStep;
  const y0 = g.yFirst;
  const y1 = g.yFirst + g.length * g.yStep;
  const b = { west: Infinity, south: Infinity, east: -Infinity, north: -Infinity };
  const add = (x: number, y: number): void => {
    const [lon, lat] = xyToLonLat(g, x, y);
    b.west = Math.min(b.west, lon);
    b.east = Math.max(b.east, lon);
    b.south = Math.min(b.south, lat);
    b.north = Math.max(b.north, lat);
  };
  for (let k = 0; k <= densify; k++) {
    const f = k / densify;
    add(x0 + (x1 - x0) * f, y0);
    add(x0 + (x1 - x0) * f, y1);
    add(x0, y0 + (y1 - y0) * f);
    add(x1, y0 + (y1 - y0) * f);
  }
  return b;
}

/**
 * User coordinates for a point on this grid: on a projected grid, values that look like degrees
 * (|a| ≤ 90, |b| ≤ 180) are WGS 84 lat/lon and are transformed; anything else is native northing/easting
 * (MintPy's reading of `*.lalo` on a UTM grid). Returns native [x, y].
 */
export function userLatLonToXY(g: GeoGrid, lat: number, lon: number): XY {
  if (!isProjectedGrid(g)) return [lon, lat];
  if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return lonLatToXY(g, lon, lat);
  return [lon, lat];
}

/** Ground size of a pixel in metres [x, y]; on a lat/lon grid at the latitude `lat` (spherical, R = 6371008.8 m). */
export function pixelSizeMeters(g: GeoGrid, lat?: number): [number, number] {
  if (isProjectedGrid(g)) return [Math.abs(g.xStep), Math.abs(g.yStep)];
  const R = 6371008.8;
  const latc = lat ?? g.yFirst + (g.length / 2) * g.yStep;
  const k = (Math.PI / 180) * R;
  return [Math.abs(g.xStep) * k * Math.cos((latc * Math.PI) / 180), Math.abs(g.yStep) * k];
}

/** User coordinates (see userLatLonToXY) → integer row/col with MintPy's +0.01 guard. */
export function userLatLonToRowCol(g: GeoGrid, lat: number, lon: number): [number, number] {
  const [x, y] = userLatLonToXY(g, lat, lon);
  return xyToRowCol(g, x, y);
}
