/**
 * A projected (UTM) raster resampled onto a WGS 84 lat/lon grid by nearest neighbour — for the formats that
 * only know lat/lon boxes (KML GroundOverlay's LatLonBox). The lat/lon grid covers the projected grid's
 * outline (edges densified) with about the same ground cell size (1° = 111.32 km, longitude × cos φ at the
 * centre); cells whose centre falls outside the source are NaN (transparent).
 */
import type { GeoGrid } from '../formats/grid';
import { gridBoundsLonLat, lonLatSampler, isProjectedGrid } from './gridCoords';

export interface LonLatRaster {
  data: Float32Array;
  /** the lat/lon grid (no epsg: 4326) */
  grid: GeoGrid;
  /** lat/lon grid [row, col] → source pixel index, −1 outside; null when the input already is lat/lon */
  source: Int32Array | null;
}

const M_PER_DEG = 111320;

export function toLonLatGrid(data: ArrayLike<number>, g: GeoGrid): LonLatRaster {
  if (!isProjectedGrid(g)) return { data: Float32Array.from(data), grid: g, source: null };
  const b = gridBoundsLonLat(g);
  const latc = (b.north + b.south) / 2;
  const dLat = Math.abs(g.yStep) / M_PER_DEG;
  const dLon = Math.abs(g.xStep) / (M_PER_DEG * Math.cos((latc * Math.PI) / 180));
  const width = Math.max(1, Math.ceil((b.east - b.west) / dLon));
  const length = Math.max(1, Math.ceil((b.north - b.south) / dLat));
  const grid: GeoGrid = { length, width, xFirst: b.west, yFirst: b.north, xStep: dLon, yStep: -dLat };
  const sample = lonLatSampler(g);
  const out = new Float32Array(length * width).fill(NaN);
  const source = new Int32Array(length * width).fill(-1);
  for (let r = 0; r < length; r++) {
    const lat = grid.yFirst + (r + 0.5) * grid.yStep;
    for (let c = 0; c < width; c++) {
      const [fr, fc] = sample(grid.xFirst + (c + 0.5) * grid.xStep, lat);
      const i = Math.floor(fr + 1e-10);
      const j = Math.floor(fc + 1e-10);
      if (i < 0 || j < 0 || i >= g.length || j >= g.width) continue;
      const k = i * g.width + j;
      out[r * width + c] = data[k];
      source[r * width + c] = k;
    }
  }
  return { data: out, grid, source };
}
