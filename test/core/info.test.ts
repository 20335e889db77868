import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeH5File } from '../../src-core/node/formats/h5';
import { infoText, mintpyFileType, numpyDtype } from '../../src-core/node/formats/info';
import { tinyAriaSpec, writeAriaStack } from '../../src-core/node/load/writeAria';
import { describeParity, fx } from '../helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'info-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('infoText', () => {
  it('a small ifgramStack written here: type, sorted attributes, datasets with shape/dtype, grid, pairs', async () => {
    const p = join(dir, 'ifgramStack.h5');
    await writeH5File(
      p,
      {
        WIDTH: '3',
        LENGTH: '2',
        FILE_TYPE: 'ifgramStack',
        X_FIRST: '10.0',
        Y_FIRST: '50.0',
        X_STEP: '0.5',
        Y_STEP: '-0.5',
        X_UNIT: 'degrees',
        ALOOKS: '1',
      },
      [
        { name: 'unwrapPhase', data: new Float32Array(2 * 2 * 3), shape: [2, 2, 3] },
        { name: 'connectComponent', data: new Int16Array(2 * 2 * 3), shape: [2, 2, 3] },
        { name: 'date', data: ['20200101', '20200113', '20200113', '20200125'], shape: [2, 2], dtype: 'S8' },
        { name: 'bperp', data: new Float32Array([1, 2]), shape: [2] },
        { name: 'dropIfgram', data: [true, false], shape: [2], dtype: 'bool' },
      ],
    );
    const t = await infoText(p);
    expect(t).toContain(`file name: ${p}\nfile type: ifgramStack\ncoordinates : GEO\n`);
    const attrLines = t.split('\n').filter((l) => /^ {2}[A-Z_]+ {4}/.test(l));
    expect(attrLines.map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'ALOOKS',
      'FILE_TYPE',
      'LENGTH',
      'WIDTH',
      'X_FIRST',
      'X_STEP',
      'X_UNIT',
      'Y_FIRST',
      'Y_STEP',
    ]);
    expect(t).toMatch(/HDF5 dataset "\/unwrapPhase +": shape=\(2, 2, 3\) +, dtype=float32 +, compression=None/);
    expect(t).toMatch(/HDF5 dataset "\/connectComponent +": shape=\(2, 2, 3\) +, dtype=int16 /);
    expect(t).toMatch(/HDF5 dataset "\/date +": shape=\(2, 2\) +, dtype=\|S8 /);
    expect(t).toMatch(/HDF5 dataset "\/dropIfgram +": shape=\(2,\) +, dtype=bool /);
    expect(t).toContain('size: 2 rows × 3 columns');
    expect(t).toContain('extent: W 10, E 11.5, S 49, N 50');
    expect(t).toContain(
      'pairs: 2 (1 kept), dates: 3 (20200101 … 20200125)\n20200101_20200113\n20200113_20200125  (dropped)\n',
    );
  });

  it('a time series: dates listed', async () => {
    const p = join(dir, 'timeseries.h5');
    await writeH5File(p, { WIDTH: '1', LENGTH: '1', FILE_TYPE: 'timeseries' }, [
      { name: 'timeseries', data: new Float32Array(3), shape: [3, 1, 1] },
      { name: 'date', data: ['20200101', '20200113', '20200125'], shape: [3], dtype: 'S8' },
    ]);
    const t = await infoText(p);
    expect(t).toContain('file type: timeseries\ncoordinates : RADAR');
    expect(t).toContain('Start Date: 20200101\nEnd   Date: 20200125\nNumber of dates  : 3\n');
  });

  it('a VRT stack: size, bands, no-data and band metadata', async () => {
    const folder = join(dir, 'aria');
    mkdirSync(folder);
    const { unw } = writeAriaStack(folder, tinyAriaSpec());
    const t = await infoText(unw);
    expect(t).toContain(
      'file type: VRT\nsize: 5 rows × 6 columns, 5 band(s)\ngeotransform: -119.8, 0.0025, 0, 36.25, 0, -0.0025\n',
    );
    expect(t).toContain('band 1: Float32, no-data 0\n  metadata (unwrappedPhase):\n');
    expect(t).toMatch(/ {4}Dates +20200125_20200113\n/);
  });

  it('an ENVI header path describes the raster beside it (<stem>.hdr)', async () => {
    const folder = join(dir, 'aria-envi');
    writeAriaStack(folder, tinyAriaSpec());
    const t = await infoText(join(folder, 'DEM', 'SRTM_3arcsec.hdr'));
    expect(t).toContain(`file name: ${join(folder, 'DEM', 'SRTM_3arcsec.dem')}\nfile type: ENVI\n`);
    expect(t).toContain('band 1: Float32, no-data -32768\n');
    await expect(infoText(join(folder, 'mask', 'watermask.hdr'))).resolves.toContain('band 1: Byte, no-data None');
  });

  it('errors name the file', async () => {
    await expect(infoText(join(dir, 'nope.h5'))).rejects.toThrow(`${join(dir, 'nope.h5')}: file not found`);
    await expect(infoText(dir)).rejects.toThrow(`${dir}: is a folder, not a file`);
  });

  it('file type and dtype rules', () => {
    expect(mintpyFileType(['height', 'waterMask'], {})).toBe('geometry');
    expect(mintpyFileType(['mask'], { FILE_TYPE: 'mask' })).toBe('mask');
    expect(mintpyFileType(['temporalCoherence'], {})).toBe('temporalCoherence');
    expect(numpyDtype('<d')).toBe('float64');
    expect(numpyDtype('<B')).toBe('uint8');
  });
});

describeParity('infoText on MintPy files', () => {
  it('cv-tiny ifgramStack.h5: 87 pairs, compression gzip/lzf as `mintpy info` prints', async () => {
    const t = await infoText(fx('mintpy', 'inputs', 'ifgramStack.h5'));
    expect(t).toMatch(/HDF5 dataset "\/connectComponent +": shape=\(87, 100, 160\) +, dtype=int16 +, compression=lzf/);
    expect(t).toMatch(/HDF5 dataset "\/unwrapPhase +": shape=\(87, 100, 160\) +, dtype=float32 +, compression=gzip/);
    expect(t).toContain('  MODIFICATION_TIME    1795528303.4285448');
    expect(t).toContain('pairs: 87 (87 kept), dates: 31 (20180109 … 20190104)');
  });
});
