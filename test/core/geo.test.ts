/**
 * CRS transforms (proj4 vs pyproj), the radar-grid cube interpolation (vs scipy's RegularGridInterpolator) and
 * the DEM warp (vs GDAL's gdal.Warp with its approximate transformer), against golden values made by
 * test/core/__data__/geo-gdal.py with the very tools MintPy's NISAR loader calls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  epsgOfAttrs,
  epsgOfUtmZone,
  transformBetween,
  transformBounds,
  utmZoneOf,
  UnsupportedCrsError,
} from '../../src-core/common/geo/crs';
import {
  gridBoundsLonLat,
  gridCornersLonLat,
  latLonToRowColGeo,
  lonLatSampler,
  rowColToLatLonGeo,
  userLatLonToXY,
} from '../../src-core/common/geo/gridCoords';
import { cubeInterpolator } from '../../src-core/common/geo/gridInterp';
import { planWarp, warpBilinear, warpNearest } from '../../src-core/common/geo/warp';
import type { GeoGrid } from '../../src-core/common/formats/grid';
import { REPO_ROOT } from '../helpers/fixtures';

interface Golden {
  utm11n: [number, number][];
  utm11n_points: [number, number][];
  utm56s: [number, number][];
  utm56s_points: [number, number][];
  transform_bounds: [number, number, number, number];
  cube: { h: number[]; y: number[]; x: number[]; values: number[]; points: number[][]; expected: (number | null)[] };
  dem: { width: number; length: number; geoTransform: number[]; float32: string };
  warps: { epsg: number; geoTransform: number[]; width: number; length: number; alg: string; float32: string }[];
}
const G = JSON.parse(readFileSync(join(REPO_ROOT, 'test/core/__data__/geo-gdal.json'), 'utf8')) as Golden;
const f32 = (b64: string): Float32Array => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('CRS (proj4) agrees with pyproj', () => {
  it('UTM 11N and 56S forward within 1 mm, inverse round trip within 1e-9°', () => {
    const t = transformBetween(4326, 32611);
    G.utm11n_points.forEach((p, i) => {
      const [x, y] = t.forward(p);
      expect(Math.abs(x - G.utm11n[i][0])).toBeLessThan(1e-3);
      expect(Math.abs(y - G.utm11n[i][1])).toBeLessThan(1e-3);
      const [lon, lat] = t.inverse([x, y]);
      expect(Math.abs(lon - p[0])).toBeLessThan(1e-9);
      expect(Math.abs(lat - p[1])).toBeLessThan(1e-9);
    });
    const s = transformBetween(4326, 32756);
    G.utm56s_points.forEach((p, i) => {
      const [x, y] = s.forward(p);
      expect(Math.abs(x - G.utm56s[i][0])).toBeLessThan(1e-3);
      expect(Math.abs(y - G.utm56s[i][1])).toBeLessThan(1e-3);
    });
  });

  it("transform_bounds (densify 21) as pyproj's", () => {
    const b = transformBounds(4326, 32611, [-119.62, 36.06, -119.51, 36.14]);
    b.forEach((v, i) => expect(Math.abs(v - G.transform_bounds[i])).toBeLessThan(1e-3));
  });

  it('EPSG from MintPy attributes and UTM zones', () => {
    expect(epsgOfAttrs({ EPSG: '32611' })).toBe(32611);
    expect(epsgOfAttrs({ UTM_ZONE: '11N' })).toBe(32611);
    expect(epsgOfAttrs({ UTM_ZONE: '33S' })).toBe(32733);
    expect(epsgOfAttrs({})).toBe(4326);
    expect(utmZoneOf(32611)).toBe('11N');
    expect(utmZoneOf(4326)).toBeNull();
    expect(() => epsgOfUtmZone('61N')).toThrow(UnsupportedCrsError);
    expect(() => transformBetween(4326, 2193)).toThrow('EPSG:2193 is not supported');
  });
});

describe('grid coordinates on a UTM grid (nisar-tiny: 80 m, EPSG:32611)', () => {
  const g: GeoGrid = { length: 60, width: 80, xFirst: 265960, yFirst: 4000440, xStep: 80, yStep: -80, epsg: 32611 };
  it('pixel centre → lat/lon → the same pixel; corners and bounds in degrees near Corcoran', () => {
    for (const [r, c] of [
      [0, 0],
      [51, 8],
      [59, 79],
      [30, 41],
    ]) {
      const [lat, lon] = rowColToLatLonGeo(g, r, c);
      expect(lat).toBeGreaterThan(36);
      expect(lat).toBeLessThan(36.2);
      expect(lon).toBeGreaterThan(-119.7);
      expect(lon).toBeLessThan(-119.4);
      expect(latLonToRowColGeo(g, lat, lon)).toEqual([r, c]);
      const [fr, fc] = lonLatSampler(g)(lon, lat);
      expect(fr).toBeCloseTo(r + 0.5, 9);
      expect(fc).toBeCloseTo(c + 0.5, 9);
    }
    const [tl, tr, , bl] = gridCornersLonLat(g);
    // UTM grid north is rotated from true north by the meridian convergence, (λ − λ0)·sin φ ≈ −1.5° here
    const rot = (Math.atan2(tr[1] - tl[1], (tr[0] - tl[0]) * Math.cos((tl[1] * Math.PI) / 180)) * 180) / Math.PI;
    expect(rot).toBeGreaterThan(1.3);
    expect(rot).toBeLessThan(1.7);
    const b = gridBoundsLonLat(g);
    expect(b.west).toBeLessThanOrEqual(Math.min(tl[0], bl[0]));
    expect(b.north).toBeGreaterThanOrEqual(Math.max(tl[1], tr[1]));
  });
  it('user coordinates: degrees are transformed, metres are native (MintPy’s lalo on UTM)', () => {
    const [x, y] = userLatLonToXY(g, 36.1, -119.6);
    expect(x).toBeGreaterThan(265000);
    expect(y).toBeGreaterThan(3990000);
    expect(userLatLonToXY(g, 3996320, 266640)).toEqual([266640, 3996320]);
  });
  it('a 4326 grid goes through no transform at all (MintPy’s arithmetic, bit for bit)', () => {
    const geo: GeoGrid = { length: 100, width: 160, xFirst: -119.8, yFirst: 36.25, xStep: 0.0025, yStep: -0.0025 };
    expect(latLonToRowColGeo(geo, 36.2, -119.7)).toEqual([
      Math.floor((36.2 - 36.25) / -0.0025 + 0.01),
      Math.floor((-119.7 + 119.8) / 0.0025 + 0.01),
    ]);
    expect(rowColToLatLonGeo(geo, 3, 4)).toEqual([36.25 + 3.5 * -0.0025, -119.8 + 4.5 * 0.0025]);
  });
});

describe("radar-grid cube interpolation = scipy's RegularGridInterpolator (linear, NaN outside)", () => {
  it('bit-identical float64 on 40 points (descending y axis, nodes, corners, outside)', () => {
    const c = G.cube;
    const f = cubeInterpolator({ axes: [c.h, c.y, c.x], values: c.values });
    let outside = 0;
    c.points.forEach((p, i) => {
      const v = f(p[0], p[1], p[2]);
      const e = c.expected[i];
      if (e === null) {
        outside++;
        expect(v).toBeNaN();
      } else expect(v).toBe(e);
    });
    expect(outside).toBeGreaterThan(3);
  });
});

describe("DEM warp = GDAL's gdal.Warp (approximate transformer, scaled bilinear kernel)", () => {
  const src = { width: G.dem.width, length: G.dem.length, geoTransform: G.dem.geoTransform, epsg: 4326 };
  const dem = f32(G.dem.float32);
  for (const w of G.warps) {
    it(`${w.alg} onto ${w.width} × ${w.length} px at ${w.geoTransform[1]} m`, () => {
      const dst = { width: w.width, length: w.length, geoTransform: w.geoTransform, epsg: w.epsg };
      const plan = planWarp(src, dst, { resample: w.alg === 'near' ? 'nearest' : 'bilinear' });
      const block = {
        data: dem,
        window: [0, 0, src.width, src.length] as [number, number, number, number],
        noData: null,
      };
      const ours = w.alg === 'near' ? Float32Array.from(warpNearest(plan, block)) : warpBilinear(plan, block);
      const gdal = f32(w.float32);
      let max = 0;
      let zeros = 0;
      for (let k = 0; k < ours.length; k++) {
        max = Math.max(max, Math.abs(ours[k] - gdal[k]));
        if (gdal[k] === 0) zeros++;
      }
      let zerosOurs = 0;
      for (let k = 0; k < ours.length; k++) if (ours[k] === 0) zerosOurs++;
      const what = `max |ours − GDAL| (scale ${plan.xScale.toFixed(3)} × ${plan.yScale.toFixed(3)})`;
      console.log(`[warp vs GDAL] ${w.alg} ${w.width}×${w.length} @ ${w.geoTransform[1]} m: ${what} = ${max}`);
      if (w.width === 60) {
        // the grid reaches beyond the DEM: GDAL clips its source window (and its kernel scale follows), we
        // keep one scale for the grid; measured 3.9 m on this rough DEM (README, "NISAR GUNW")
        expect(zeros).toBeGreaterThan(100);
        expect(zerosOurs).toBe(zeros);
        expect(max, what).toBeLessThanOrEqual(5);
      } else {
        expect(zeros).toBe(0);
        expect(max, what).toBeLessThanOrEqual(1e-3);
      }
    });
  }
});
