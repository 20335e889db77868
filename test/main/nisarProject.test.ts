/**
 * The app's services on a folder of NISAR GUNW products (written here): open → kind nisar and the UTM grid;
 * run; the map's lat/lon (degrees) ↔ pixel for the reference point, the pixel series and the transect;
 * KMZ and GeoTIFF exports; the network info's redundancy fields.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { fromArrayBuffer } from 'geotiff';
import { createServices, type Services } from '../../src-main/services/apiService';
import { tinyGunwSpec, writeDemFor, writeGunwStack } from '../../src-core/node/load/writeGunw';
import { gridCornersLonLat, rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';

let s: Services;
const root = mkdtempSync(join(tmpdir(), 'insar-nisar-app-'));
const folder = join(root, 'Corcoran');
const spec = tinyGunwSpec();

beforeAll(async () => {
  await writeGunwStack(join(folder, 'GUNW'), spec);
  writeDemFor(join(folder, 'DEM', 'dem.tif'), spec);
  s = createServices({ transport: 'http', appDataDir: join(root, 'appdata'), numWorkers: 1 });
});
afterAll(() => {
  s?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('services on a NISAR GUNW folder', () => {
  test('open: kind nisar, the UTM grid (EPSG:32611), dates and pairs before load_data; a template is written', async () => {
    const info = await s.api.openProject(folder);
    expect(info.kind).toBe('nisar');
    expect(info.grid).toEqual({
      length: 24,
      width: 32,
      xFirst: 266000,
      yFirst: 4000400,
      xStep: 100,
      yStep: -100,
      epsg: 32611,
    });
    expect(info.dates).toEqual(spec.dates);
    expect(info.numPairs).toBe(9);
    expect(readFileSync(info.templatePath, 'utf8')).toMatch(/mintpy\.load\.processor\s+= nisar/);
    const net = await s.api.network();
    expect(net.redundantPairs).toBe(9 - 5);
    expect(net.temporalCoherenceNote).toBeNull();
  });

  test('run with MintPy’s defaults turned to what we run: load_data → velocity on the GUNW products', async () => {
    await s.api.setOverrides({ 'mintpy.troposphericDelay.method': 'no', 'mintpy.networkInversion.minNumPixel': '1' });
    await s.api.runPipeline();
    const done = await s.jobs.wait();
    expect(done?.status, done?.error).toBe('ok');
    const ids = (await s.api.listLayers()).map((l) => l.id);
    expect(ids).toEqual(expect.arrayContaining(['velocity.h5:velocity', 'inputs/geometryGeo.h5:height']));
    const v = await s.api.getLayer('velocity.h5', 'velocity');
    expect(v.grid.epsg).toBe(32611);
  });

  test('reference point from the map (degrees) → the pixel; pixel series and outputs report degrees', async () => {
    const g = s.projects.grid()!;
    const [lat, lon] = rowColToLatLonGeo(g, 15, 9);
    const ok = await s.api.setReferencePoint(lat, lon);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect([ok.point.row, ok.point.col]).toEqual([15, 9]);
    expect(ok.point.lat).toBeCloseTo(lat, 9);
    expect(ok.point.lon).toBeCloseTo(lon, 9);
    await s.api.runPipeline();
    expect((await s.jobs.wait())?.status).toBe('ok');
    expect((await s.api.getLayer('velocity.h5', 'velocity')).values[15 * g.width + 9]).toBe(0);
    const out = (await s.api.projectInfo())?.outputReference;
    expect(out).toMatchObject({ row: 15, col: 9 });
    expect(out!.lat).toBeCloseTo(lat, 9);
    const ps = await s.api.pixelSeries(3, 4);
    const [plat, plon] = rowColToLatLonGeo(g, 3, 4);
    expect([ps.lat, ps.lon]).toEqual([plat, plon]);
    expect(ps.lat).toBeGreaterThan(36);
    expect(ps.lon).toBeLessThan(-119);
  });

  test('transect between map points (degrees) samples the right pixels; distance in km on the ground', async () => {
    const g = s.projects.grid()!;
    const a = rowColToLatLonGeo(g, 8, 2);
    const b = rowColToLatLonGeo(g, 8, 29);
    const t = await s.api.transect({ file: 'velocity.h5', dataset: 'velocity' }, a, b);
    const v = await s.api.getLayer('velocity.h5', 'velocity');
    expect(t.values[0]).toBe(v.values[8 * g.width + 2]);
    expect(t.values[t.values.length - 1]).toBe(v.values[8 * g.width + 29]);
    // 27 columns of 100 m; the haversine sphere (R = 6371 km) and the UTM scale factor differ by ≈ 0.3 % here
    const d = t.distanceKm[t.distanceKm.length - 1];
    expect(d).toBeGreaterThan(2.68);
    expect(d).toBeLessThan(2.71);
  });

  test('KMZ export is a lat/lon overlay; GeoTIFF export of a date says EPSG:32611', async () => {
    const k = await s.api.exportKmz('v.kmz');
    const kml = strFromU8(unzipSync(new Uint8Array(readFileSync(k.path)))['v.kml']);
    const north = Number(/<north>([^<]+)<\/north>/.exec(kml)?.[1]);
    const west = Number(/<west>([^<]+)<\/west>/.exec(kml)?.[1]);
    const c = gridCornersLonLat(s.projects.grid()!);
    expect(north).toBeCloseTo(Math.max(c[0][1], c[1][1]), 6);
    expect(west).toBeCloseTo(Math.min(c[0][0], c[3][0]), 6);
    const layers = await s.api.listLayers();
    const date = layers.find((l) => l.id === 'timeseries.h5:timeseries')!.dates![3];
    const t = await s.api.exportGeoTiff({ file: 'timeseries.h5', dataset: 'timeseries', date }, 'd.tif');
    const buf = readFileSync(t.path);
    const img = await (
      await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
    ).getImage();
    expect(img.getGeoKeys()?.ProjectedCSTypeGeoKey).toBe(32611);
  });

  test('network info: a nearest-neighbour chain has no redundancy and says temporal coherence filters nothing', async () => {
    const longer = spec.pairs.flatMap(([i, j], k) => (j - i > 1 ? [k] : []));
    await s.api.setExcludedPairs(longer);
    const net = await s.api.network();
    expect(net.kept).toBe(5);
    expect(net.redundantPairs).toBe(0);
    expect(net.temporalCoherenceNote).toMatch(/no redundancy .* temporal coherence is 1 everywhere/);
  });
});
