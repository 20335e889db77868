/**
 * Everything downstream of load_data on a projected (UTM 11N) grid, on GUNW products the project writes itself:
 * reference point by lat/lon (degrees, or MintPy's UTM northing/easting), transects in metres, KMZ as a lat/lon
 * overlay, GeoTIFF with EPSG:32611, CSV points by lat/lon, and a nearest-neighbour chain whose temporal
 * coherence filters nothing (said in the run log and the step summary).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { decode } from 'fast-png';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { localKmAxes } from '../../src-core/node/nisar/method2';
import { writeAscDescHorzVert } from '../../src-core/node/derived/ascDesc';
import { gridOf } from '../../src-core/node/formats/mintpyFiles';
import { runPipeline, type RunRecord } from '../../src-core/node/pipeline/runner';
import { writeKmz } from '../../src-core/node/export/kmz';
import { writeGeoTiff } from '../../src-core/node/export/geotiff';
import { readPoints } from '../../src-core/node/export/csv';
import { transectLalo } from '../../src-core/common/derived/transect';
import { gridBoundsLonLat, pixelCenterXY, rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { tinyGunwSpec, writeDemFor, writeGunwStack } from '../../src-core/node/load/writeGunw';
import type { GeoGrid } from '../../src-core/common/formats/grid';
import { applyColormap, getColormap } from '../../src-core/common/colormap';

const root = mkdtempSync(join(tmpdir(), 'nisar-down-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = tinyGunwSpec();
const work = join(root, 'mintpy');
const cfg = join(work, 'down.cfg');
let grid: GeoGrid;
let rec: RunRecord;
const logs: string[] = [];

async function read(path: string, ds: string): Promise<{ v: ArrayLike<number>; attrs: Record<string, string> }> {
  const r = await H5Reader.open(path);
  try {
    return { v: r.read(ds), attrs: r.attrs };
  } finally {
    r.close();
  }
}

beforeAll(async () => {
  await writeGunwStack(join(root, 'GUNW'), spec);
  writeDemFor(join(root, 'DEM', 'dem.tif'), spec);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(work);
  // the reference point given in degrees: the centre of pixel (20, 6)
  const g0: GeoGrid = { length: 24, width: 32, xFirst: 266000, yFirst: 4000400, xStep: 100, yStep: -100, epsg: 32611 };
  const [lat, lon] = rowColToLatLonGeo(g0, 20, 6);
  writeFileSync(
    cfg,
    [
      'mintpy.load.processor = nisar',
      'mintpy.load.unwFile = ../GUNW/*.h5',
      'mintpy.load.demFile = ../DEM/dem.tif',
      'mintpy.troposphericDelay.method = no',
      'mintpy.topographicResidual = no',
      'mintpy.networkInversion.minNumPixel = 1',
      `mintpy.reference.lalo = ${lat},${lon}`,
    ].join('\n'),
  );
  rec = await runPipeline({ templatePath: cfg, numWorkers: 0, onLog: (m) => logs.push(m) });
  grid = gridOf((await read(join(work, 'velocity.h5'), 'velocity')).attrs) as GeoGrid;
}, 240_000);

describe('downstream on a UTM grid', () => {
  it('the chain runs from the GUNW products; the reference point given in degrees lands on its pixel', async () => {
    expect(rec.ok).toBe(true);
    expect(grid.epsg).toBe(32611);
    const a = (await read(join(work, 'timeseries.h5'), 'timeseries')).attrs;
    expect([a.REF_Y, a.REF_X]).toEqual(['20', '6']);
    // MintPy writes the grid's own coordinates (UTM metres) into REF_LAT / REF_LON
    const [x, y] = pixelCenterXY(grid, 20, 6);
    expect([Number(a.REF_LAT), Number(a.REF_LON)]).toEqual([y, x]);
  });

  it('…and MintPy’s own reading of reference.lalo on a UTM grid (northing, easting) gives the same pixel', async () => {
    const [x, y] = pixelCenterXY(grid, 20, 6);
    const r = await runPipeline({
      templatePath: cfg,
      start: 'reference_point',
      end: 'reference_point',
      numWorkers: 0,
      overrides: { 'mintpy.reference.lalo': `${y},${x}` },
    });
    expect(r.steps[0].summary).toMatchObject({ REF_Y: '20', REF_X: '6' });
  });

  it('transect between two points given in degrees: distances in metres along the UTM grid', async () => {
    const v = await read(join(work, 'velocity.h5'), 'velocity');
    const a = rowColToLatLonGeo(grid, 5, 3);
    const b = rowColToLatLonGeo(grid, 5, 23);
    const t = transectLalo({ data: v.v, length: grid.length, width: grid.width }, grid, a, b);
    expect(t.distanceUnit).toBe('m');
    expect(t.numSamples).toBe(20);
    expect(Array.from(t.y).every((y) => y === 5)).toBe(true);
    // linspace(3, 23, 20): the last sample is 20 columns (2000 m) from the first
    expect(t.distance[t.distance.length - 1]).toBeCloseTo(2000, 3);
  });

  it('KMZ: a lat/lon overlay (LatLonBox in degrees around the UTM grid), pixels coloured from the right cells', async () => {
    const res = await writeKmz({ file: join(work, 'velocity.h5'), out: join(root, 'v.kmz'), mask: false });
    const z = unzipSync(new Uint8Array(readFileSync(res.path)));
    const kml = strFromU8(z['v.kml']);
    const num = (tag: string) => Number(new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(kml)?.[1]);
    const b = gridBoundsLonLat(grid);
    // the lat/lon grid starts at the outline's north-west corner and covers it with whole cells (≈ 100 m)
    const cell = 100 / 111320;
    expect(num('west')).toBeCloseTo(b.west, 9);
    expect(num('north')).toBeCloseTo(b.north, 9);
    expect(num('east')).toBeGreaterThanOrEqual(b.east);
    expect(num('east') - b.east).toBeLessThan(2 * cell);
    expect(num('south')).toBeLessThanOrEqual(b.south);
    expect(b.south - num('south')).toBeLessThan(2 * cell);
    expect(num('north')).toBeLessThan(90);
    expect(num('west')).toBeGreaterThan(-180);
    const png = decode(z['v.png']);
    // the corners of the lat/lon box lie outside the rotated UTM grid: transparent
    expect(png.data[3]).toBe(0);
    // the centre is inside: opaque
    const c = (Math.floor(png.height / 2) * png.width + Math.floor(png.width / 2)) * 4;
    expect(png.data[c + 3]).toBe(255);
    // the cell holding the centre of pixel (12, 16) has that pixel's colour (jet over the KMZ's limits, cm/yr)
    const v = (await read(join(work, 'velocity.h5'), 'velocity')).v[12 * grid.width + 16];
    const rgba = new Uint8Array(4);
    applyColormap(Float32Array.of(v * 100), getColormap('jet'), res.vlim[0], res.vlim[1], rgba);
    const [lat, lon] = rowColToLatLonGeo(grid, 12, 16);
    const s = res.png.scale;
    const rows = png.height / s;
    const cols = png.width / s;
    const r = Math.floor(((num('north') - lat) / (num('north') - num('south'))) * rows);
    const q = Math.floor(((lon - num('west')) / (num('east') - num('west'))) * cols);
    const k = ((r * s + (s >> 1)) * png.width + q * s + (s >> 1)) * 4;
    expect(Array.from(png.data.slice(k, k + 4))).toEqual(Array.from(rgba));
  });

  it('GeoTIFF carries EPSG:32611 and the UTM origin (GDAL agrees when installed)', async () => {
    const res = await writeGeoTiff({ file: join(work, 'velocity.h5'), dataset: 'velocity', out: join(root, 'v.tif') });
    const buf = readFileSync(res.path);
    const img = await (
      await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
    ).getImage();
    expect(img.getGeoKeys()?.ProjectedCSTypeGeoKey).toBe(32611);
    expect(img.getOrigin().slice(0, 2)).toEqual([266000, 4000400]);
    let info: { coordinateSystem?: { wkt?: string }; geoTransform?: number[] } | null = null;
    try {
      info = JSON.parse(execFileSync('gdalinfo', ['-json', res.path], { encoding: 'utf8' }));
    } catch {
      info = null; // no GDAL here
    }
    if (info) {
      expect(info.coordinateSystem?.wkt).toMatch(/UTM zone 11N/);
      expect(info.geoTransform).toEqual([266000, 100, 0, 4000400, 0, -100]);
    }
  });

  it('CSV points by lat/lon (degrees) hit the pixel, and report its centre in degrees', async () => {
    const [lat, lon] = rowColToLatLonGeo(grid, 10, 12);
    const r = await readPoints(join(work, 'velocity.h5'), [{ name: 'p', lat, lon }]);
    expect([r.series[0].row, r.series[0].col]).toEqual([10, 12]);
    expect(r.series[0].pixelLat).toBeCloseTo(lat, 9);
    expect(r.series[0].pixelLon).toBeCloseTo(lon, 9);
  });

  it('the NISAR secular-validation report reads the UTM grid in km (method 2 axes), not as degrees', () => {
    const { x, y } = localKmAxes(grid);
    expect(x[1] - x[0]).toBeCloseTo(0.1, 12);
    expect(y[1] - y[0]).toBeCloseTo(-0.1, 12);
  });

  it('asc/desc decomposition refuses grids in different CRSs', async () => {
    const geo = join(root, 'geo.h5');
    const r = await H5Reader.open(join(work, 'velocity.h5'));
    const attrs = { ...r.attrs };
    const v = Float32Array.from(r.read('velocity'));
    r.close();
    delete attrs.EPSG;
    delete attrs.UTM_ZONE;
    await writeH5File(geo, attrs, [{ name: 'velocity', data: v, shape: [grid.length, grid.width] }]);
    await expect(writeAscDescHorzVert({ files: [join(work, 'velocity.h5'), geo] })).rejects.toThrow(
      `${geo}: EPSG:4326 differs from EPSG:32611 of ${join(work, 'velocity.h5')}`,
    );
  });

  it('a nearest-neighbour chain: the run log and the step summary say temporal coherence filters nothing', async () => {
    // keep only the 12-day pairs: 5 pairs for 6 dates
    const d = (await H5Reader.open(join(work, 'inputs', 'ifgramStack.h5'))).readStrings('date');
    const longer = spec.pairs.flatMap(([i, j], k) => (j - i > 1 ? [k] : []));
    expect(d.length / 2 - longer.length).toBe(5);
    const chainLogs: string[] = [];
    const r = await runPipeline({
      templatePath: cfg,
      start: 'modify_network',
      end: 'invert_network',
      numWorkers: 0,
      overrides: { 'mintpy.network.excludeIfgIndex': longer.join(',') },
      onLog: (m) => chainLogs.push(m),
    });
    const inv = r.steps.find((s) => s.name === 'invert_network');
    expect(inv?.summary.redundantPairs).toBe(0);
    expect(String(inv?.summary.temporalCoherenceNote)).toMatch(/no redundancy \(5 pairs, a tree/);
    expect(
      chainLogs.some((l) =>
        /invert_network: note: the kept network has no redundancy .* temporal coherence is 1 everywhere/.test(l),
      ),
    ).toBe(true);
    const tc = (await read(join(work, 'temporalCoherence.h5'), 'temporalCoherence')).v;
    const inverted = Array.from(tc).filter((v) => v > 0);
    expect(inverted.length).toBeGreaterThan(700);
    expect(Math.min(...inverted)).toBeGreaterThan(0.9999);
    expect(logs.some((l) => /no redundancy/.test(l))).toBe(false); // the full network (9 pairs) has redundancy
  });
});
