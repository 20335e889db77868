import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { afterAll, describe, expect, it } from 'vitest';
import { openRaster, VrtDataset } from '../../src-core/node/formats/vrt';
import { InputError } from '../../src-core/common/pipeline/types';

const dir = mkdtempSync(join(tmpdir(), 'vrt-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 5;
const L = 4;

function envi(name: string, data: Float32Array | Int16Array, type: number, extra = ''): string {
  const p = join(dir, name);
  writeFileSync(p, new Uint8Array(data.buffer));
  writeFileSync(
    `${p}.hdr`,
    `ENVI\nsamples = ${W}\nlines = ${L}\nbands = 1\ndata type = ${type}\ninterleave = bsq\nbyte order = 0\n${extra}`,
  );
  return p;
}

const grid = Float32Array.from({ length: W * L }, (_, i) => i + 0.5);
grid[7] = -9999; // source no-data
envi('a.raw', grid, 4);
envi(
  'b.raw',
  Int16Array.from({ length: W * L }, (_, i) => i - 3),
  2,
);

const band = (inner: string, attrs = 'dataType="Float32" band="1"', nodata = '<NoDataValue>-1</NoDataValue>') =>
  `<VRTRasterBand ${attrs}>${nodata}${inner}</VRTRasterBand>`;
const vrt = (
  bands: string,
  gt = '<GeoTransform> -1.1980000000000000e+02,  2.5e-03,  0.0,  3.6250000000000000e+01,  0.0, -2.5e-03</GeoTransform>',
) => `<VRTDataset rasterXSize="${W}" rasterYSize="${L}">${gt}${bands}</VRTDataset>`;

describe('VRT', () => {
  it('ComplexSource: NODATA pixels keep the band NoDataValue, rows are read as a window', async () => {
    const p = join(dir, 'a.vrt');
    writeFileSync(
      p,
      vrt(
        band(`<ComplexSource><SourceFilename relativeToVRT="1">a.raw</SourceFilename><SourceBand>1</SourceBand>
          <SrcRect xOff="0" yOff="0" xSize="${W}" ySize="${L}"/><DstRect xOff="0" yOff="0" xSize="${W}" ySize="${L}"/><NODATA>-9999</NODATA></ComplexSource>`),
      ),
    );
    const v = await VrtDataset.open(p);
    expect([v.width, v.length, v.bandCount]).toEqual([W, L, 1]);
    expect(v.geoTransform).toEqual([-119.8, 0.0025, 0, 36.25, 0, -0.0025]);
    expect(v.noData(1)).toBe(-1);
    const rows = await v.readRows(1, 1, 3);
    expect(rows).toBeInstanceOf(Float32Array);
    const expected = Array.from({ length: 2 * W }, (_, i) => i + W + 0.5);
    expected[7 - W] = -1;
    expect(Array.from(rows)).toEqual(expected);
  });

  it('stack VRT → per-pair VRT → ENVI, band metadata kept as strings', async () => {
    mkdirSync(join(dir, 'stack'), { recursive: true });
    const p = join(dir, 'stack', 's.vrt');
    writeFileSync(
      p,
      vrt(
        band(
          `<SimpleSource><SourceFilename relativeToVRT="1">../a.vrt</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
           <Metadata domain='unwrappedPhase'><MDI key="Dates">20180121_20180109</MDI><MDI key="startRange">799000.0</MDI>
           <MDI key="Wavelength (m)">0.05546576</MDI></Metadata>`,
          'dataType="Float32" band="1"',
          '<NoDataValue>0.0</NoDataValue>',
        ) +
          band(
            `<SimpleSource><SourceFilename relativeToVRT="1">../b.raw</SourceFilename><SourceBand>1</SourceBand></SimpleSource>`,
            'dataType="Int16" band="2"',
            '',
          ),
        '<GeoTransform>-119.8,0.0025,0.0,36.25,0.0,-0.0025</GeoTransform>',
      ),
    );
    const v = await VrtDataset.open(p);
    expect(v.bandMetadata(1, 'unwrappedPhase')).toEqual({
      Dates: '20180121_20180109',
      startRange: '799000.0',
      'Wavelength (m)': '0.05546576',
    });
    expect(v.bandMetadata(2, 'unwrappedPhase')).toEqual({});
    expect(v.fileList()).toEqual([join(dir, 'a.vrt'), join(dir, 'b.raw')]);
    const b1 = await v.readRows(1, 0, L);
    expect(b1[7]).toBe(-1); // the inner VRT's no-data
    expect(b1[8]).toBe(8.5);
    const b2 = await v.readRows(2, 3, 4);
    expect(b2).toBeInstanceOf(Int16Array);
    expect(Array.from(b2)).toEqual([12, 13, 14, 15, 16]);
  });

  it('SrcRect/DstRect of the same size shift the source; pixels outside stay no-data', async () => {
    const p = join(dir, 'shift.vrt');
    writeFileSync(
      p,
      vrt(
        band(
          `<SimpleSource><SourceFilename relativeToVRT="1">b.raw</SourceFilename><SourceBand>1</SourceBand>
        <SrcRect xOff="1" yOff="2" xSize="3" ySize="2"/><DstRect xOff="0" yOff="1" xSize="3" ySize="2"/></SimpleSource>`,
          'dataType="Int16" band="1"',
        ),
      ),
    );
    const v = await VrtDataset.open(p);
    const all = Array.from(await v.readRows(1, 0, L));
    // dst (row 1, col 0..2) ← src (row 2, col 1..3): values 2*5+1-3 … ; row 0 and 3 and cols 3,4 are no-data (-1)
    expect(all).toEqual([-1, -1, -1, -1, -1, 8, 9, 10, -1, -1, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1]);
  });

  it('GeoTIFF source read with a window', async () => {
    const data = Float32Array.from({ length: W * L }, (_, i) => i * 2);
    const buf = writeArrayBuffer(data, { width: W, height: L, BitsPerSample: [32], SampleFormat: [3] } as never);
    writeFileSync(join(dir, 't.tif'), new Uint8Array(buf));
    const p = join(dir, 't.vrt');
    writeFileSync(
      p,
      vrt(
        band(
          `<SimpleSource><SourceFilename relativeToVRT="1">t.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource>`,
        ),
      ),
    );
    const v = await openRaster(p);
    expect(Array.from(await v.readRows(1, 2, 3))).toEqual([20, 22, 24, 26, 28]);
    const t = await openRaster(join(dir, 't.tif'));
    expect([t.width, t.length, t.dataType(1)]).toEqual([W, L, 'Float32']);
  });

  it('errors: missing source names the VRT and the file; resampling; bad XML; unknown format', async () => {
    const p = join(dir, 'missing.vrt');
    writeFileSync(
      p,
      vrt(band(`<SimpleSource><SourceFilename relativeToVRT="1">nothere.raw</SourceFilename></SimpleSource>`)),
    );
    const v = await VrtDataset.open(p);
    await expect(v.readRows(1, 0, 1)).rejects.toThrow(`${p}: band 1 source file ${join(dir, 'nothere.raw')} not found`);

    const q = join(dir, 'resample.vrt');
    writeFileSync(
      q,
      vrt(
        band(
          `<SimpleSource><SourceFilename relativeToVRT="1">a.raw</SourceFilename><SrcRect xOff="0" yOff="0" xSize="5" ySize="4"/><DstRect xOff="0" yOff="0" xSize="10" ySize="8"/></SimpleSource>`,
        ),
      ),
    );
    await expect(VrtDataset.open(q)).rejects.toThrow(/resample\.vrt: band 1: SrcRect 5×4 and DstRect 10×8 differ/);

    const x = join(dir, 'bad.vrt');
    writeFileSync(x, '<VRTDataset rasterXSize="3"><oops></VRTDataset>');
    await expect(VrtDataset.open(x)).rejects.toThrow(InputError);

    writeFileSync(join(dir, 'plain.bin'), new Uint8Array(4));
    await expect(openRaster(join(dir, 'plain.bin'))).rejects.toThrow(/plain\.bin: unknown raster format/);
    await expect(openRaster(join(dir, 'none.vrt'))).rejects.toThrow(/none\.vrt: raster file not found/);
  });
});
