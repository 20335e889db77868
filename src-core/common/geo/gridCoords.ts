/**
 * Longitude/latitude ↔ grid row/column of a raster, whatever its coordinate system. Everything that maps
 * screen or map positions to pixels (tiles, the cursor readout, clicks) goes through `gridCoords`, so a
 * projected grid (UTM, EPSG:326xx/327xx) only needs its case added here.
 *
 * Pixel (r, c) covers rows [r, r+1) and columns [c, c+1) in fractional pixel coordinates; its centre is
 * (r + 0.5, c + 0.5). MintPy's attributes give the outer corner of the upper-left pixel (X_FIRST/Y_FIRST).
 * Pure: runs in the renderer, web workers and Node.
 */
import type { GeoGrid } from '../formats/grid';

export interface GridCoords {
  /** EPSG code of the grid's coordinates (4326 = geographic lon/lat) */
  readonly epsg: number;
  /** fractional (row, col) of a lon/lat (degrees) */
  toPixel(lon: number, lat: number): [row: number, col: number];
  /** lon/lat (degrees) of fractional pixel coordinates */
  toLonLat(row: number, col: number): [lon: number, lat: number];
}

/** The EPSG code a grid declares (`epsg` when present), geographic otherwise. */
export function gridEpsg(g: GeoGrid): number {
  const e = (g as GeoGrid & { epsg?: number }).epsg;
  return e === undefined ? 4326 : e;
}

/** The coordinate mapping of a grid; throws for a coordinate system we cannot map yet. */
export function gridCoords(g: GeoGrid): GridCoords {
  const epsg = gridEpsg(g);
  if (epsg === 4326) return geographic(g);
  throw new Error(`grid in EPSG:${epsg}: only geographic (EPSG:4326) grids can be mapped`);
}

function geographic(g: GeoGrid): GridCoords {
  return {
    epsg: 4326,
    toPixel: (lon, lat) => [(lat - g.yFirst) / g.yStep, (lon - g.xFirst) / g.xStep],
    toLonLat: (row, col) => [g.xFirst + col * g.xStep, g.yFirst + row * g.yStep],
  };
}

/**
 * The pixel holding a lon/lat, with MintPy's +0.01 rounding guard (coordinate.geo2radar), or null outside
 * the grid. The same rule main applies to a clicked reference point.
 */
export function pixelAt(g: GeoGrid, c: GridCoords, lon: number, lat: number): [row: number, col: number] | null {
  const [fr, fc] = c.toPixel(lon, lat);
  const row = Math.floor(fr + 0.01);
  const col = Math.floor(fc + 0.01);
  return row >= 0 && row < g.length && col >= 0 && col < g.width ? [row, col] : null;
}

/** lon/lat of a pixel's centre. */
export function pixelCentre(c: GridCoords, row: number, col: number): [lon: number, lat: number] {
  return c.toLonLat(row + 0.5, col + 0.5);
}

/** The grid's outline as lon/lat: its four outer corners NW, NE, SE, SW (a projected grid's may not be a rectangle). */
export function gridCorners(g: GeoGrid, c: GridCoords = gridCoords(g)): [number, number][] {
  return [c.toLonLat(0, 0), c.toLonLat(0, g.width), c.toLonLat(g.length, g.width), c.toLonLat(g.length, 0)];
}

/** West, south, east, north bounds (degrees) of the grid, sampled along its edges. */
export function gridBounds(g: GeoGrid, c: GridCoords = gridCoords(g)): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const k = 16;
  for (let i = 0; i <= k; i++) {
    const r = (g.length * i) / k;
    const cc = (g.width * i) / k;
    for (const [lon, lat] of [c.toLonLat(r, 0), c.toLonLat(r, g.width), c.toLonLat(0, cc), c.toLonLat(g.length, cc)]) {
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return [w, s, e, n];
}
