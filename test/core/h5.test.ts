import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as h5wasm from 'h5wasm/node';
import { H5Reader, H5Writer, writeH5File } from '../../src-core/node/formats/h5';
import { describeParity, fx } from '../helpers/fixtures';

describe('h5 layer', () => {
  it('a new writer removes the temp files a killed writer of the same file left (not a live one’s)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-'));
    try {
      const path = join(dir, 'timeseries.h5');
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process id that has exited
      writeFileSync(`${path}.tmp-${dead}-abc123`, 'half-written');
      writeFileSync(`${path}.tmp-${process.ppid}-live01`, 'another run going on');
      writeFileSync(join(dir, `other.h5.tmp-${dead}-abc123`), 'not this target');
      const w = await H5Writer.create(path);
      w.abort();
      expect(readdirSync(dir).sort()).toEqual([
        `other.h5.tmp-${dead}-abc123`,
        `timeseries.h5.tmp-${process.ppid}-live01`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('root attributes: read once per version of the file, handed out as copies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-'));
    try {
      const path = join(dir, 'velocity.h5');
      const one = { name: 'velocity', data: new Float32Array(4), shape: [2, 2] };
      await writeH5File(path, { FILE_TYPE: 'velocity', UNIT: 'm/year' }, [one]);
      const r = await H5Reader.open(path);
      const a = r.attrs;
      a.UNIT = 'changed by a caller';
      expect(r.attrs.UNIT).toBe('m/year');
      r.close();
      // written again (a new file renamed into place): the new attributes
      await writeH5File(path, { FILE_TYPE: 'velocity', UNIT: 'mm/year' }, [one]);
      const r2 = await H5Reader.open(path);
      expect(r2.attrs.UNIT).toBe('mm/year');
      r2.close();
      // edited in place (as MintPy's add_attribute.py does with h5py): the file's modification time changes
      const f = new h5wasm.File(path, 'a');
      f.delete_attribute('UNIT');
      f.create_attribute('UNIT', 'cm/year');
      f.close();
      const r3 = await H5Reader.open(path);
      expect(r3.attrs.UNIT).toBe('cm/year');
      r3.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes row blocks atomically and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-'));
    const path = join(dir, 'ts.h5');
    const w = await H5Writer.create(path, { FILE_TYPE: 'timeseries', LENGTH: '5', WIDTH: '3' });
    w.createEmpty('timeseries', { shape: [2, 5, 3], dtype: '<f4' });
    // rows 0..2 then 2..5, band-major
    const a = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    const b = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => 100 + i);
    w.writeRows('timeseries', 0, a);
    w.writeRows('timeseries', 2, b);
    w.write('date', ['20200101', '20200113'], [2]);
    expect(existsSync(path)).toBe(false);
    w.commit();
    expect(readdirSync(dir)).toEqual(['ts.h5']);
    const r = await H5Reader.open(path);
    expect(r.attrs.FILE_TYPE).toBe('timeseries');
    expect(r.readStrings('date')).toEqual(['20200101', '20200113']);
    const all = r.read('timeseries') as Float32Array;
    expect(all.length).toBe(30);
    // band 0 rows 0-1 from a, rows 2-4 from b
    expect(Array.from(all.slice(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(all.slice(6, 9))).toEqual([100, 101, 102]);
    expect(Array.from(r.readRows('timeseries', 1, 3, [1, 2]))).toEqual([9, 10, 11, 109, 110, 111]);
    r.close();
  });

  it('abort leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-'));
    const w = await H5Writer.create(join(dir, 'x.h5'));
    w.write('mask', new Int8Array([1, 0, 1, 1]), [2, 2]);
    w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writeH5File writes a small file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-'));
    const p = join(dir, 'v.h5');
    await writeH5File(p, { FILE_TYPE: 'velocity' }, [
      { name: 'velocity', data: new Float32Array([1, 2, 3, 4]), shape: [2, 2], attrs: { UNIT: 'm/year' } },
    ]);
    const r = await H5Reader.open(p);
    expect(r.info('velocity').attrs.UNIT).toBe('m/year');
    expect(Array.from(r.read('velocity'))).toEqual([1, 2, 3, 4]);
    r.close();
  });

  it('names the file when it is not HDF5', async () => {
    await expect(H5Reader.open('/nonexistent/file.h5')).rejects.toThrow('/nonexistent/file.h5: file not found');
  });
});

describeParity('h5 reads MintPy files', () => {
  it('decodes the LZF-compressed connectComponent', async () => {
    const r = await H5Reader.open(fx('mintpy', 'inputs', 'ifgramStack.h5'));
    expect(r.info('connectComponent').filters[0].id).toBe(32000);
    const cc = r.readBand('connectComponent', 0) as Int16Array;
    expect(cc.length).toBe(100 * 160);
    const vals = new Set(cc);
    for (const v of vals) expect([0, 1, 2]).toContain(v);
    expect(r.readStrings('date').slice(0, 2)).toEqual(['20180109', '20180121']);
    r.close();
  });
});
