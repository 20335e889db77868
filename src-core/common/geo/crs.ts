/**
 * Coordinate reference systems by EPSG code, transformed with proj4 (pure: runs in the renderer too).
 *
 * Supported: WGS 84 geographic (4326), WGS 84 / UTM north (32601–32660) and south (32701–32760), and
 * Web Mercator (3857) — what NISAR GUNW grids, ARIA products, DEM GeoTIFFs and MapLibre use. Coordinates are
 * always [x, y] = [east, north] = [lon, lat] (GDAL's "traditional GIS order"), never lat-first.
 */
import proj4 from 'proj4';

export type XY = [number, number];

export const WGS84 = 4326;
export const WEB_MERCATOR = 3857;

/** An EPSG code we cannot transform (the message names it). */
export class UnsupportedCrsError extends Error {
  constructor(readonly epsg: number | string) {
    super(`EPSG:${epsg} is not supported (WGS 84 lat/lon 4326, UTM 326xx/327xx and 3857 are)`);
    this.name = 'UnsupportedCrsError';
  }
}

/** '11N' for EPSG:32611, '33S' for 32733; null for other codes. */
export function utmZoneOf(epsg: number): string | null {
  if (epsg >= 32601 && epsg <= 32660) return `${epsg - 32600}N`;
  if (epsg >= 32701 && epsg <= 32760) return `${epsg - 32700}S`;
  return null;
}

/** MintPy's utm_zone2epsg_code: '11N' → 32611. */
export function epsgOfUtmZone(zone: string): number {
  const m = /^\s*(\d{1,2})\s*([NS])\s*$/i.exec(zone);
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 1 || n > 60) throw new UnsupportedCrsError(`UTM zone "${zone}"`);
  return (m[2].toUpperCase() === 'N' ? 32600 : 32700) + n;
}

export function isSupportedEpsg(epsg: number): boolean {
  return epsg === WGS84 || epsg === WEB_MERCATOR || utmZoneOf(epsg) !== null;
}

/** Geographic (degrees) rather than projected (metres). */
export function isGeographic(epsg: number): boolean {
  return epsg === WGS84;
}

/** The proj4 definition of a supported code. */
export function projDefinition(epsg: number): string {
  if (epsg === WGS84) return '+proj=longlat +datum=WGS84 +no_defs';
  if (epsg === WEB_MERCATOR)
    return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs';
  const zone = utmZoneOf(epsg);
  if (zone)
    return `+proj=utm +zone=${parseInt(zone, 10)}${zone.endsWith('S') ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  throw new UnsupportedCrsError(epsg);
}

/**
 * The EPSG code of a MintPy file from its attributes, as MintPy's save_gdal: `EPSG`, else `UTM_ZONE`,
 * else 4326.
 */
export function epsgOfAttrs(attrs: Record<string, string | undefined>): number {
  if (attrs.EPSG !== undefined && /^\s*\d+\s*$/.test(attrs.EPSG)) return Number(attrs.EPSG);
  if (attrs.UTM_ZONE) return epsgOfUtmZone(attrs.UTM_ZONE);
  return WGS84;
}

export interface CoordTransform {
  readonly from: number;
  readonly to: number;
  /** from → to */
  forward(p: XY): XY;
  /** to → from */
  inverse(p: XY): XY;
}

const IDENTITY = (p: XY): XY => [p[0], p[1]];
const cache = new Map<string, CoordTransform>();

/** A cached transform between two supported codes (identity when they are equal). */
export function transformBetween(from: number, to: number): CoordTransform {
  const key = `${from}>${to}`;
  let t = cache.get(key);
  if (!t) {
    if (from === to) t = { from, to, forward: IDENTITY, inverse: IDENTITY };
    else {
      const conv = proj4(projDefinition(from), projDefinition(to));
      t = {
        from,
        to,
        forward: (p) => conv.forward([p[0], p[1]]) as XY,
        inverse: (p) => conv.inverse([p[0], p[1]]) as XY,
      };
    }
    cache.set(key, t);
  }
  return t;
}

/**
 * pyproj's Transformer.transform_bounds (densify_pts = 21): the bounding box in `to` of the box
 * [xmin, ymin, xmax, ymax] in `from`, from 21 extra points on every edge.
 */
export function transformBounds(
  from: number,
  to: number,
  box: [number, number, number, number],
  densify = 21,
): [number, number, number, number] {
  const t = transformBetween(from, to);
  const [x0, y0, x1, y1] = box;
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  const add = (x: number, y: number): void => {
    const [u, v] = t.forward([x, y]);
    if (!Number.isFinite(u) || !Number.isFinite(v)) return;
    xmin = Math.min(xmin, u);
    xmax = Math.max(xmax, u);
    ymin = Math.min(ymin, v);
    ymax = Math.max(ymax, v);
  };
  const n = densify + 1;
  for (let k = 0; k <= n; k++) {
    const f = k / n;
    add(x0 + (x1 - x0) * f, y0);
    add(x0 + (x1 - x0) * f, y1);
    add(x0, y0 + (y1 - y0) * f);
    add(x1, y0 + (y1 - y0) * f);
  }
  return [xmin, ymin, xmax, ymax];
}
