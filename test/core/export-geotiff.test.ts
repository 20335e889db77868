/**
 * GeoTIFF export read back with geotiff.js and (when installed) gdalinfo -json: corners, pixel size,
 * EPSG, nodata, units and values equal to the source HDF5.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamGeoTiff, writeGeoTiff } from '../../src-core/node/export/geotiff';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { describeParity, fx } from '../helpers/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'tif-test-'));
const HAVE_GDAL = (() => {
  try {
    execFileSync('gdalinfo', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

async function readTif(path: string) {
  const buf = readFileSync(path);
  const tif = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const img = await tif.getImage();
  const rasters = (await img.readRasters()) as unknown as Float32Array[];
  return { img, rasters, meta: await img.getGDALMetadata(), nodata: img.getGDALNoData() };
}

function gdalJson(path: string) {
  return JSON.parse(
    execFileSync('gdalinfo', ['-json', '-mm', path], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }),
  );
}

function sameFloat32(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || a[i] === b[i])) bad++;
  return bad;
}

describe('writeGeoTiff (synthetic)', () => {
  const L = 7;
  const W = 9;
  const N = 3;
  const ts = new Float32Array(N * L * W).map((_, i) => Math.sin(i) * 0.01);
  const file = join(tmp, 'timeseries.h5');
  beforeAll(async () => {
    ts[5] = NaN;
    await writeH5File(
      file,
      {
        FILE_TYPE: 'timeseries',
        UNIT: 'm',
        LENGTH: String(L),
        WIDTH: String(W),
        X_FIRST: '-120.5',
        Y_FIRST: '37.25',
        X_STEP: '0.005',
        Y_STEP: '-0.004',
        REF_Y: '1',
        REF_X: '2',
      },
      [
        { name: 'timeseries', data: ts, shape: [N, L, W] },
        { name: 'date', data: ['20200101', '20200113', '20200125'], shape: [N] },
        { name: 'bperp', data: new Float32Array(N), shape: [N] },
      ],
    );
  });

  it('all dates → one band per date, values and georeferencing exact (geotiff.js)', async () => {
    const res = await writeGeoTiff({ file });
    expect(res.bands).toBe(3);
    const { img, rasters, meta, nodata } = await readTif(res.path);
    expect([img.getWidth(), img.getHeight(), img.getSamplesPerPixel()]).toEqual([W, L, N]);
    expect(img.getBoundingBox()).toEqual([-120.5, 37.25 - 0.004 * L, -120.5 + 0.005 * W, 37.25]);
    expect(img.getOrigin().slice(0, 2)).toEqual([-120.5, 37.25]);
    expect(img.getResolution().slice(0, 2)).toEqual([0.005, -0.004]);
    expect(img.getGeoKeys()).toMatchObject({ GeographicTypeGeoKey: 4326, GTRasterTypeGeoKey: 1, GTModelTypeGeoKey: 2 });
    expect(Number.isNaN(nodata)).toBe(true);
    expect(meta).toMatchObject({ UNIT: 'm', FILE_TYPE: 'timeseries', REF_Y: '1' });
    for (let k = 0; k < N; k++) expect(sameFloat32(rasters[k], ts.subarray(k * L * W, (k + 1) * L * W))).toBe(0);
  });

  it('one date and REF_DATE differences', async () => {
    const one = await writeGeoTiff({ file, dataset: '20200113', out: join(tmp, 'd2.tif') });
    const a = await readTif(one.path);
    expect(a.rasters.length).toBe(1);
    expect(sameFloat32(a.rasters[0], ts.subarray(L * W, 2 * L * W))).toBe(0);
    const diff = await writeGeoTiff({ file, dataset: '20200113_20200125', out: join(tmp, 'd3.tif') });
    const b = await readTif(diff.path);
    const want = new Float32Array(L * W).map((_, i) => Math.fround(ts[2 * L * W + i] - ts[L * W + i]));
    expect(sameFloat32(b.rasters[0], want)).toBe(0);
    await expect(writeGeoTiff({ file, dataset: '19990101' })).rejects.toThrow(`${file}: no date 19990101`);
  });

  it.skipIf(!HAVE_GDAL)('gdalinfo -json: corners, EPSG:4326, nodata, band descriptions, 3 bands', async () => {
    const info = gdalJson(join(tmp, 'timeseries.tif'));
    expect(info.bands.length).toBe(3);
    expect(info.cornerCoordinates.upperLeft).toEqual([-120.5, 37.25]);
    expect(info.cornerCoordinates.lowerRight[0]).toBeCloseTo(-120.5 + 0.005 * W, 12);
    expect(info.cornerCoordinates.lowerRight[1]).toBeCloseTo(37.25 - 0.004 * L, 12);
    expect(info.geoTransform).toEqual([-120.5, 0.005, 0, 37.25, 0, -0.004]);
    expect(info.coordinateSystem.wkt).toContain('ID["EPSG",4326]');
    expect(info.metadata[''].AREA_OR_POINT).toBe('Area');
    expect(info.bands.map((b: { description: string }) => b.description)).toEqual(['20200101', '20200113', '20200125']);
    expect(info.bands[0].noDataValue).toBe('NaN');
    expect(info.bands[0].type).toBe('Float32');
  });
});

describe('writeGeoTiff (projected grid)', () => {
  it('EPSG attribute (UTM) → ProjectedCSTypeGeoKey; gdalinfo reads the CRS and metre corners', async () => {
    const f = join(tmp, 'utm_velocity.h5');
    await writeH5File(
      f,
      {
        FILE_TYPE: 'velocity',
        UNIT: 'm/year',
        LENGTH: '3',
        WIDTH: '4',
        X_FIRST: '300000',
        Y_FIRST: '4000000',
        X_STEP: '30',
        Y_STEP: '-30',
        EPSG: '32611',
        X_UNIT: 'meters',
        Y_UNIT: 'meters',
      },
      [{ name: 'velocity', data: Float32Array.from({ length: 12 }, (_, i) => i * 0.001), shape: [3, 4] }],
    );
    const res = await writeGeoTiff({ file: f });
    const { img } = await readTif(res.path);
    expect(img.getGeoKeys()).toMatchObject({ ProjectedCSTypeGeoKey: 32611, GTModelTypeGeoKey: 1 });
    expect(img.getBoundingBox()).toEqual([300000, 4000000 - 90, 300120, 4000000]);
    if (HAVE_GDAL) {
      const info = gdalJson(res.path);
      expect(info.coordinateSystem.wkt).toContain('ID["EPSG",32611]');
      expect(info.cornerCoordinates.upperLeft).toEqual([300000, 4000000]);
      expect(info.cornerCoordinates.lowerRight).toEqual([300120, 3999910]);
    }
  });
});

describeParity('writeGeoTiff of cv-tiny velocity.h5 and timeseries.h5', () => {
  it('velocity: values equal the HDF5 dataset bit for bit, corners = four_corners', async () => {
    const res = await writeGeoTiff({ file: fx('mintpy', 'velocity.h5'), out: join(tmp, 'cv', 'velocity.tif') });
    const h = await H5Reader.open(fx('mintpy', 'velocity.h5'));
    const v = h.read('velocity');
    h.close();
    const { img, rasters, meta } = await readTif(res.path);
    expect(sameFloat32(rasters[0], v)).toBe(0);
    expect(meta?.UNIT).toBe('m/year');
    expect(img.getBoundingBox()).toEqual([-119.80125, 36.25125 + -0.0025 * 100, -119.80125 + 0.0025 * 160, 36.25125]);
    if (HAVE_GDAL) {
      const info = gdalJson(res.path);
      expect(info.cornerCoordinates.upperLeft).toEqual([-119.80125, 36.25125]);
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      // gdalinfo prints min/max with 3 decimals; gdallocationinfo gives single values in full
      expect(info.bands[0].computedMin).toBeCloseTo(lo, 3);
      expect(info.bands[0].computedMax).toBeCloseTo(hi, 3);
      for (const [x, y] of [
        [0, 0],
        [63, 11],
        [159, 99],
        [80, 40],
      ]) {
        const got = Number(
          execFileSync('gdallocationinfo', ['-valonly', res.path, String(x), String(y)], { encoding: 'utf8' }),
        );
        expect(Math.fround(got)).toBe(v[y * 160 + x]);
      }
    }
  });

  it('timeseries: 30 bands equal the 30 dates', async () => {
    const res = await writeGeoTiff({ file: fx('mintpy', 'timeseries.h5'), out: join(tmp, 'cv', 'ts.tif') });
    const h = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    const { rasters } = await readTif(res.path);
    expect(rasters.length).toBe(30);
    let bad = 0;
    for (let k = 0; k < 30; k++) bad += sameFloat32(rasters[k], h.readBand('timeseries', k));
    h.close();
    expect(bad).toBe(0);
    expect(res.bandNames[0]).toBe('20180109');
  });
});

describe('GeoTIFF exports GDAL reads without a warning: 1, 5 and 31 bands, BigTIFF, streamed', () => {
  const L = 23;
  const W = 37;
  const dates = (n: number) =>
    Array.from({ length: n }, (_, k) =>
      new Date(Date.UTC(2020, 0, 1 + 12 * k)).toISOString().slice(0, 10).replace(/-/g, ''),
    );
  async function series(n: number): Promise<{ file: string; ts: Float32Array }> {
    const ts = new Float32Array(n * L * W).map((_, i) => Math.cos(i * 0.37) * 0.05);
    ts[7] = NaN;
    const file = join(tmp, `ts${n}.h5`);
    await writeH5File(
      file,
      {
        FILE_TYPE: 'timeseries',
        UNIT: 'm',
        LENGTH: String(L),
        WIDTH: String(W),
        X_FIRST: '-119.8',
        Y_FIRST: '36.25',
        X_STEP: '0.0025',
        Y_STEP: '-0.0025',
        REF_DATE: dates(n)[0],
      },
      [
        { name: 'timeseries', data: ts, shape: [n, L, W] },
        { name: 'date', data: dates(n), shape: [n] },
        { name: 'bperp', data: new Float32Array(n), shape: [n] },
      ],
    );
    return { file, ts };
  }
  /** gdalinfo -json, with its stderr (GDAL's warnings and errors go there) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- gdalinfo's JSON, checked field by field below
  function gdalinfo(path: string): { info: Record<string, any>; stderr: string } {
    const r = spawnSync('gdalinfo', ['-json', path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return { info: JSON.parse(r.stdout), stderr: r.stderr };
  }

  for (const n of [1, 5, 31])
    it.skipIf(!HAVE_GDAL)(
      `${n} band${n > 1 ? 's' : ''}: band count, per-band description / DATE / unit, values, no GDAL warning`,
      async () => {
        const { file, ts } = await series(n);
        const res = await writeGeoTiff({ file, dataset: 'all', out: join(tmp, `ts${n}.tif`) });
        expect(res.bands).toBe(n);
        const { info, stderr } = gdalinfo(res.path);
        expect(stderr).toBe('');
        expect(info.bands.length).toBe(n);
        expect(info.bands.map((b: { description: string }) => b.description)).toEqual(dates(n));
        expect(info.bands.map((b: { metadata: { '': { DATE: string } } }) => b.metadata[''].DATE)).toEqual(dates(n));
        expect(info.bands.every((b: { unit: string }) => b.unit === 'm')).toBe(true);
        expect(info.metadata['']).toMatchObject({ FILE_TYPE: 'timeseries', UNIT: 'm', REF_DATE: dates(n)[0] });
        const { rasters } = await readTif(res.path);
        for (let k = 0; k < n; k++) expect(sameFloat32(rasters[k], ts.subarray(k * L * W, (k + 1) * L * W))).toBe(0);
      },
    );

  it.skipIf(!HAVE_GDAL)('one date of a series and a BigTIFF: GDAL reads both, the date as band metadata', async () => {
    const { file, ts } = await series(5);
    const one = await writeGeoTiff({ file, dataset: dates(5)[2], out: join(tmp, 'one.tif') });
    const a = gdalinfo(one.path);
    expect(a.stderr).toBe('');
    expect(a.info.bands.length).toBe(1);
    expect(a.info.bands[0].description).toBe(dates(5)[2]);
    expect(a.info.bands[0].metadata[''].DATE).toBe(dates(5)[2]);
    const big = await writeGeoTiff({ file, out: join(tmp, 'big.tif'), bigTiff: true });
    const b = gdalinfo(big.path);
    expect(b.stderr).toBe('');
    expect(readFileSync(big.path).readUInt16LE(2)).toBe(43); // BigTIFF's version number
    expect(b.info.bands.length).toBe(5);
    expect(b.info.bands[4].description).toBe(dates(5)[4]);
    const { rasters } = await readTif(big.path);
    expect(sameFloat32(rasters[4], ts.subarray(4 * L * W))).toBe(0);
  });

  it('streams a series band by band, row block by row block; a failure leaves no file behind', async () => {
    const grid = { length: L, width: W, xFirst: 0, yFirst: 0, xStep: 1, yStep: -1 };
    const calls: string[] = [];
    const out = join(tmp, 'streamed.tif');
    await streamGeoTiff(
      out,
      grid,
      3,
      { bandNames: ['a', 'b', 'c'] },
      (b, r0, r1) => {
        calls.push(`${b}:${r0}-${r1}`);
        return new Float32Array((r1 - r0) * W).fill(b);
      },
      10,
    );
    expect(calls).toEqual([
      '0:0-10',
      '0:10-20',
      '0:20-23',
      '1:0-10',
      '1:10-20',
      '1:20-23',
      '2:0-10',
      '2:10-20',
      '2:20-23',
    ]);
    const { rasters } = await readTif(out);
    expect([rasters[0][0], rasters[1][L * W - 1], rasters[2][5]]).toEqual([0, 1, 2]);
    const bad = join(tmp, 'failed.tif');
    await expect(
      streamGeoTiff(
        bad,
        grid,
        2,
        {},
        (b, r0, r1) => {
          if (b === 1) throw new Error('read failed');
          return new Float32Array((r1 - r0) * W);
        },
        10,
      ),
    ).rejects.toThrow('read failed');
    expect(readdirSync(tmp).filter((f) => f.startsWith('failed.tif'))).toEqual([]);
  });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));
