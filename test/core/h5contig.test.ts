/**
 * Contiguous datasets made from empty chunked ones (h5contig.ts), as load_data writes the stack: the raw
 * data written at the returned offsets reads back through h5wasm and through HDF5's own library (h5py,
 * where the system Python has it) as an ordinary contiguous dataset.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { H5Reader, H5Writer } from '../../src-core/node/formats/h5';
import { makeContiguous } from '../../src-core/node/formats/h5contig';

const dir = mkdtempSync(join(tmpdir(), 'h5contig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PY = '/usr/bin/python3';
const hasH5py = spawnSync(PY, ['-c', 'import h5py'], { stdio: 'ignore' }).status === 0;

async function stackFile(name: string, M: number, L: number, W: number) {
  const path = join(dir, name);
  const w = await H5Writer.create(path, { FILE_TYPE: 'ifgramStack' }, { fastChunkIndex: true });
  w.write(
    'dropIfgram',
    Array.from({ length: M }, (_, i) => i % 3 !== 1),
    [M],
    undefined,
    'bool',
  );
  w.createEmpty('unwrapPhase', { shape: [M, L, W], dtype: '<f4', chunks: [M, 1, W] });
  w.createEmpty('connectComponent', { shape: [M, L, W], dtype: '<i2', chunks: [M, 1, W] });
  w.setAttrs({ MODIFICATION_TIME: '1700000000.0' }, 'unwrapPhase');
  const addr = [w.objectAddress('unwrapPhase'), w.objectAddress('connectComponent')];
  w.finish();
  const n = M * L * W;
  const regions = makeContiguous(w.tmpPath, [
    { address: addr[0], bytes: n * 4 },
    { address: addr[1], bytes: n * 2 },
  ]);
  const phase = Float32Array.from({ length: n }, (_, i) => i * 0.25 - 7);
  const cc = Int16Array.from({ length: n }, (_, i) => (i % 11) - 3);
  // written in two halves, out of order, as two threads would
  const fd = openSync(w.tmpPath, 'r+');
  const half = Math.floor(n / 2);
  writeSync(fd, new Uint8Array(phase.buffer, half * 4), 0, (n - half) * 4, regions[0].offset + half * 4);
  writeSync(fd, new Uint8Array(cc.buffer), 0, n * 2, regions[1].offset);
  writeSync(fd, new Uint8Array(phase.buffer, 0, half * 4), 0, half * 4, regions[0].offset);
  closeSync(fd);
  w.commit();
  return { path, phase, cc, regions };
}

describe('makeContiguous', () => {
  for (const [label, M, L, W] of [
    ['small dimensions (the layout message has no room for a NIL message)', 5, 3, 7],
    ['a stack-like shape', 12, 40, 1100],
  ] as const)
    it(`${label}: data at the offsets reads back, contiguous, with attributes and bools intact`, async () => {
      const { path, phase, cc, regions } = await stackFile(`s${M}.h5`, M, L, W);
      expect(regions[0].offset % 4096).toBe(0);
      expect(regions[1].offset).toBeGreaterThanOrEqual(regions[0].offset + regions[0].bytes);
      const r = await H5Reader.open(path);
      try {
        expect(r.chunks('unwrapPhase')).toBeNull();
        expect(r.shape('unwrapPhase')).toEqual([M, L, W]);
        expect(r.info('unwrapPhase').attrs.MODIFICATION_TIME).toBe('1700000000.0');
        expect(Buffer.from((r.read('unwrapPhase') as Float32Array).buffer).equals(Buffer.from(phase.buffer))).toBe(
          true,
        );
        expect(Array.from(r.read('connectComponent'))).toEqual(Array.from(cc));
        const blk = r.readRowsToHeap('unwrapPhase', 1, L, [1, M])!;
        expect(blk.view()[0]).toBe(phase[(1 * L + 1) * W]);
        blk.free();
        expect(Array.from(r.read('dropIfgram'))).toEqual(Array.from({ length: M }, (_, i) => (i % 3 !== 1 ? 1 : 0)));
      } finally {
        r.close();
      }
      if (!hasH5py) return console.warn('h5py not installed: the HDF5 library check is skipped');
      const py = spawnSync(
        PY,
        [
          '-c',
          `import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], 'r')
d = f['unwrapPhase']
assert d.id.get_create_plist().get_layout() == h5py.h5d.CONTIGUOUS and d.chunks is None
p = (np.arange(${M * L * W}, dtype=np.float64) * 0.25 - 7).astype(np.float32).reshape(${M}, ${L}, ${W})
assert np.array_equal(d[:], p)
assert np.array_equal(f['connectComponent'][:], ((np.arange(${M * L * W}) % 11) - 3).astype(np.int16).reshape(${M}, ${L}, ${W}))
assert f['dropIfgram'].dtype == bool
print('ok')`,
          path,
        ],
        { encoding: 'utf8' },
      );
      expect(py.stdout.trim() + py.stderr).toBe('ok');
    });

  it('refuses a layout it was not made for (the default format’s chunked layout) and leaves the file as it was', async () => {
    const path = join(dir, 'old.h5');
    const w = await H5Writer.create(path);
    w.createEmpty('x', { shape: [2, 3, 4], dtype: '<f4' });
    const a = w.objectAddress('x');
    w.finish();
    expect(() => makeContiguous(w.tmpPath, [{ address: a, bytes: 96 }])).toThrow(
      /not an empty chunked dataset|superblock version/,
    );
    w.commit();
    const r = await H5Reader.open(path);
    expect(r.chunks('x')).not.toBeNull();
    r.close();
  });
});
