/**
 * Which grid pixel each pixel of a Web Mercator map tile shows (XYZ scheme, as MapLibre requests tiles):
 * the pixel whose cell holds the tile pixel's centre (nearest neighbour), through `lonLatSampler`, so any
 * grid CRS works. Also how many grid pixels one tile pixel spans, which picks the overview level. Pure.
 */
import type { GeoGrid } from '../formats/grid';
import { gridEpsg, lonLatSampler, pixelSizeMeters, rowColToLatLonGeo } from './gridCoords';

export interface TileRequest {
  z: number;
  x: number;
  y: number;
  /** tile size in pixels (MapLibre's raster tiles: 256) */
  size: number;
  /** extra pixels on every side (1 for a hillshade's 3×3 gradient) */
  pad: number;
}

export interface TileSampling {
  /** side of the sampled square: size + 2·pad */
  n: number;
  /**
   * Grid row and column shown by each sampled pixel (−1 outside the grid). Separable (lat/lon grids): the
   * row depends on the sample's row only and the column on its column only, `rows` and `cols` have n
   * entries; otherwise n × n entries, row-major. `sampleRowCol` reads either.
   */
  separable: boolean;
  rows: Int32Array;
  cols: Int32Array;
  /** the grid window the in-grid samples fall in, inclusive, or null when the tile misses the grid */
  window: { r0: number; r1: number; c0: number; c1: number } | null;
  /** grid pixels per tile pixel (the larger of the two directions) */
  density: number;
}

/** The grid row and column of sample i, j (−1, −1 outside the grid). */
export function sampleRowCol(t: TileSampling, i: number, j: number): [number, number] {
  if (t.separable) {
    const r = t.rows[i];
    const c = t.cols[j];
    return r < 0 || c < 0 ? [-1, -1] : [r, c];
  }
  return [t.rows[i * t.n + j], t.cols[i * t.n + j]];
}

/** lon/lat (degrees) of a point of a tile in tile pixel units (0…size across the tile; 0.5 = first centre). */
export function tilePointLonLat(
  z: number,
  x: number,
  y: number,
  size: number,
  px: number,
  py: number,
): [number, number] {
  const world = size * 2 ** z;
  const X = (x * size + px) / world;
  const Y = (y * size + py) / world;
  const lon = X * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * Y))) * 180) / Math.PI;
  return [lon, lat];
}

export function sampleTile(g: GeoGrid, t: TileRequest): TileSampling {
  const n = t.size + 2 * t.pad;
  const toPixel = lonLatSampler(g);
  const frac = (i: number, j: number) =>
    toPixel(...tilePointLonLat(t.z, t.x, t.y, t.size, j - t.pad + 0.5, i - t.pad + 0.5));
  const separable = gridEpsg(g) === 4326;
  let rows: Int32Array;
  let cols: Int32Array;
  let r0 = Infinity;
  let r1 = -1;
  let c0 = Infinity;
  let c1 = -1;
  if (separable) {
    // a lat/lon grid: the row depends on the tile row only, the column on the tile column only
    rows = new Int32Array(n);
    cols = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = Math.floor(frac(i, 0)[0]);
      rows[i] = r >= 0 && r < g.length ? r : -1;
    }
    for (let j = 0; j < n; j++) {
      const c = Math.floor(frac(0, j)[1]);
      cols[j] = c >= 0 && c < g.width ? c : -1;
    }
    for (const r of rows) if (r >= 0) [r0, r1] = [Math.min(r0, r), Math.max(r1, r)];
    for (const c of cols) if (c >= 0) [c0, c1] = [Math.min(c0, c), Math.max(c1, c)];
    if (r1 < 0 || c1 < 0) r1 = -1;
  } else {
    rows = new Int32Array(n * n);
    cols = new Int32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const [fr, fc] = frac(i, j);
        const r = Math.floor(fr);
        const c = Math.floor(fc);
        const k = i * n + j;
        if (r >= 0 && r < g.length && c >= 0 && c < g.width) {
          rows[k] = r;
          cols[k] = c;
          [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
        } else rows[k] = cols[k] = -1;
      }
  }
  // grid pixels per tile pixel, measured across the tile through its centre
  const m = Math.floor(n / 2);
  const a = frac(m, 0);
  const b = frac(m, n - 1);
  const c = frac(0, m);
  const d = frac(n - 1, m);
  const density =
    Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), Math.hypot(d[0] - c[0], d[1] - c[1])) / Math.max(1, n - 1);
  return {
    n,
    separable,
    rows,
    cols,
    window: r1 < 0 ? null : { r0, r1, c0, c1 },
    density: Number.isFinite(density) ? density : 1,
  };
}

/** The overview level for a density: the coarsest 2^k subsampling still at least as fine as the tile's pixels. */
export function overviewLevel(density: number): number {
  return density >= 2 ? Math.floor(Math.log2(density)) : 0;
}

/**
 * The zoom at which a tile pixel is about one grid pixel (at the grid's centre latitude): beyond it a raster
 * source's tiles only repeat pixels, so MapLibre can upscale the last ones instead of asking for more.
 */
export function nativeZoom(g: GeoGrid): number {
  const [lat] = rowColToLatLonGeo(g, g.length / 2, g.width / 2);
  const [mx, my] = pixelSizeMeters(g, lat);
  const z = Math.log2((40075016.686 * Math.cos((lat * Math.PI) / 180)) / (256 * Math.min(mx, my)));
  return Math.max(0, Math.floor(z));
}
