/**
 * The tiles a MapLibre raster source of 256 px tiles shows for a view (north up, no pitch), worked out before
 * MapLibre asks for them: the tiles of a new picture (a date step, a layer switch, a project's first layer)
 * are fetched and coloured while the old picture stays on screen. MapLibre picks the tile zoom of a raster
 * source as round(zoom + 1) (its coveringZoomLevel with roundZoom; its zoom counts 512 px tiles), shows
 * nothing below the source's minzoom and overscales its maxzoom tiles above it; it asks only for tiles that
 * meet the source's bounds. Pure.
 */

/** What the map shows: its bounds (degrees) and zoom (MapLibre's). */
export interface TileView {
  west: number;
  south: number;
  east: number;
  north: number;
  zoom: number;
}

/** west, south, east, north (degrees) */
export type LonLatBounds = [number, number, number, number];

/** Web Mercator's latitude limit */
const MAX_LAT = 85.0511287798066;
/** a view never needs more tiles than this (a 4K screen at 256 px is 15 × 9); guards against a bad view */
export const MAX_TILES = 256;

/** The zoom of the tiles MapLibre loads for a raster source at map zoom `zoom` (null: none below minzoom). */
export function tileZoom(zoom: number, maxzoom: number, minzoom = 0): number | null {
  const z = Math.max(0, Math.round(zoom + 1));
  if (z < minzoom) return null;
  return Math.min(z, maxzoom);
}

function tileX(lon: number, n: number): number {
  return ((lon + 180) / 360) * n;
}

function tileY(lat: number, n: number): number {
  const r = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
}

/**
 * The tiles [z, x, y] of a raster source with `bounds` and zooms [minzoom, maxzoom] that a view shows, row by
 * row from the north-west; empty when the view misses the bounds (or holds more than MAX_TILES).
 */
export function coveringTiles(
  view: TileView,
  bounds: LonLatBounds,
  maxzoom: number,
  minzoom = 0,
): [number, number, number][] {
  const z = tileZoom(view.zoom, maxzoom, minzoom);
  if (z === null) return [];
  const w = Math.max(view.west, bounds[0], -180);
  const e = Math.min(view.east, bounds[2], 180);
  const s = Math.max(view.south, bounds[1], -MAX_LAT);
  const nth = Math.min(view.north, bounds[3], MAX_LAT);
  if (!(w < e && s < nth)) return [];
  const n = 2 ** z;
  // a tile is needed when it overlaps the area, not when it only touches its edge
  const eps = 1e-9;
  const x0 = Math.max(0, Math.floor(tileX(w, n)));
  const x1 = Math.min(n - 1, Math.ceil(tileX(e, n) - eps) - 1);
  const y0 = Math.max(0, Math.floor(tileY(nth, n)));
  const y1 = Math.min(n - 1, Math.ceil(tileY(s, n) - eps) - 1);
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES) return [];
  const out: [number, number, number][] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push([z, x, y]);
  return out;
}
