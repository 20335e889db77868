/**
 * The invert tile task's I/O: phase and coherence read with one hyperslab straight into h5wasm's heap
 * (readBandsToHeap / H5Reader.readRowsToHeap) give exactly the values of the band-run reader, with
 * dropped pairs squeezed out; a whole task equals invertTile on readBands input, bit for bit, including
 * a pixel mask from another file (more h5wasm calls after the heap reads).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H5Reader, H5Writer } from '../../src-core/node/formats/h5';
import { invertTile } from '../../src-core/common/inversion/invertTile';
import { executeTileTask, readBands, readBandsToHeap, type InvertTask } from '../../src-core/node/pipeline/tileTasks';
import { readBandsInto } from '../../src-core/node/pipeline/bandReads';
import { makeContiguous } from '../../src-core/node/formats/h5contig';
import { closeSync, openSync, writeSync } from 'node:fs';
import { formatDate, parseDate } from '../../src-core/common/time/dates';

const M = 12;
const L = 40;
const W = 23;
const N = 7;
let dir = '';
let stackFile = '';
let maskFile = '';
/** the same stack with contiguous datasets, as load_data writes it */
let contigFile = '';
let pairs: [string, string][] = [];

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inv-task-'));
  stackFile = join(dir, 'ifgramStack.h5');
  maskFile = join(dir, 'waterMask.h5');
  const t0 = parseDate('20200101').getTime();
  const dates = Array.from({ length: N }, (_, i) => formatDate(new Date(t0 + i * 12 * 86400000)));
  pairs = [];
  for (let i = 0; i < N; i++) for (let k = 1; k <= 2 && i + k < N; k++) pairs.push([dates[i], dates[i + k]]);
  pairs.push([dates[0], dates[N - 1]]);
  expect(pairs.length).toBe(M);
  const r = lcg(3);
  const phase = Float32Array.from({ length: M * L * W }, () => (r() - 0.5) * 20);
  const coh = Float32Array.from({ length: M * L * W }, () => r());
  for (let k = 0; k < 50; k++) phase[Math.floor(r() * phase.length)] = 0; // some gaps
  const w = await H5Writer.create(stackFile, { FILE_TYPE: 'ifgramStack', LENGTH: String(L), WIDTH: String(W) });
  // chunks of 16 rows: row windows below straddle chunk boundaries
  w.createEmpty('unwrapPhase', { shape: [M, L, W], dtype: '<f4', chunks: [1, 16, W] });
  w.createEmpty('coherence', { shape: [M, L, W], dtype: '<f4', chunks: [1, 16, W] });
  w.writeRows('unwrapPhase', 0, phase);
  w.writeRows('coherence', 0, coh);
  w.write(
    'connectComponent',
    Int16Array.from({ length: M * L * W }, () => 1),
    [M, L, W],
  );
  w.commit();
  contigFile = join(dir, 'ifgramStack-contiguous.h5');
  const c = await H5Writer.create(
    contigFile,
    { FILE_TYPE: 'ifgramStack', LENGTH: String(L), WIDTH: String(W) },
    {
      fastChunkIndex: true,
    },
  );
  c.createEmpty('unwrapPhase', { shape: [M, L, W], dtype: '<f4', chunks: [M, 1, W] });
  c.createEmpty('coherence', { shape: [M, L, W], dtype: '<f4', chunks: [M, 1, W] });
  const addr = [c.objectAddress('unwrapPhase'), c.objectAddress('coherence')];
  c.write(
    'connectComponent',
    Int16Array.from({ length: M * L * W }, () => 1),
    [M, L, W],
  );
  c.finish();
  const regions = makeContiguous(
    c.tmpPath,
    addr.map((address) => ({ address, bytes: M * L * W * 4 })),
  );
  const fd = openSync(c.tmpPath, 'r+');
  writeSync(fd, new Uint8Array(phase.buffer), 0, phase.byteLength, regions[0].offset);
  writeSync(fd, new Uint8Array(coh.buffer), 0, coh.byteLength, regions[1].offset);
  closeSync(fd);
  c.commit();
  const m = await H5Writer.create(maskFile, { FILE_TYPE: 'waterMask' });
  m.write(
    'waterMask',
    Uint8Array.from({ length: L * W }, (_, i) => (i % 7 === 3 ? 0 : 1)),
    [L, W],
  );
  m.commit();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('invert tile task I/O', () => {
  it('readBandsToHeap equals readBands (contiguous, with dropped bands, straddling chunks); sparse → null', async () => {
    const h5 = await H5Reader.open(stackFile);
    try {
      for (const bands of [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 2, 4, 5, 6, 9, 10], [3]])
        for (const [r0, r1] of [
          [0, 40],
          [5, 21],
          [30, 33],
        ]) {
          const ref = readBands(h5, 'coherence', r0, r1, bands, W);
          const blk = readBandsToHeap(h5, 'coherence', r0, r1, bands, W)!;
          expect(blk).not.toBeNull();
          const v = blk.view();
          expect(v.length).toBe(ref.length);
          expect(Array.from(v)).toEqual(Array.from(ref));
          blk.free();
        }
      expect(readBandsToHeap(h5, 'coherence', 0, 4, [0, 11], W)).toBeNull(); // 2 of 12 bands: too sparse
      expect(readBandsToHeap(h5, 'connectComponent', 0, 4, [0, 1], W)).toBeNull(); // int16
      expect(() => h5.readRowsToHeap('coherence', 0, 41, [0, 1])).toThrow(/outside/);
    } finally {
      h5.close();
    }
  });

  it('readBandsInto (padded rows): straight from a contiguous file and through h5wasm for a chunked one, the values of readBands', async () => {
    const chunked = await H5Reader.open(stackFile);
    const contig = await H5Reader.open(contigFile);
    try {
      expect(chunked.contiguousFloat32('coherence')).toBeNull();
      expect(contig.contiguousFloat32('coherence')).not.toBeNull();
      for (const bands of [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        [1, 2, 4, 9, 11],
      ])
        for (const [r0, r1] of [
          [0, 40],
          [5, 21],
        ]) {
          const per = (r1 - r0) * W;
          const want = readBands(chunked, 'coherence', r0, r1, bands, W);
          for (const h5 of [chunked, contig]) {
            const stride = per + 5;
            const dest = new Float32Array(bands.length * stride).fill(-1);
            readBandsInto(h5, 'coherence', r0, r1, bands, W, dest, stride);
            for (let k = 0; k < bands.length; k++) {
              expect(Array.from(dest.subarray(k * stride, k * stride + per))).toEqual(
                Array.from(want.subarray(k * per, (k + 1) * per)),
              );
              if (k + 1 < bands.length) expect(dest[k * stride + per]).toBe(-1); // the padding untouched
            }
          }
        }
    } finally {
      chunked.close();
      contig.close();
    }
  });

  it('a whole invert task equals invertTile on readBands input (bit for bit), water mask applied', async () => {
    const keptIdx = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11]; // pair 4 dropped
    const ref: [number, number] = [20, 11];
    const h5 = await H5Reader.open(stackFile);
    const refRow = h5.readRows('unwrapPhase', ref[0], ref[0] + 1) as Float32Array;
    h5.close();
    const refPhase = keptIdx.map((i) => refRow[i * W + ref[1]]);
    const task: Omit<InvertTask, 'r0' | 'r1'> = {
      kind: 'invert',
      stackFile,
      obsDataset: 'unwrapPhase',
      width: W,
      keptIdx,
      pairs: keptIdx.map((i) => pairs[i]),
      refPhase,
      refYX: ref,
      weightFunc: 'var',
      numLooks: 4,
      minNormVelocity: true,
      minRedundancy: 1,
      maskDataset: null,
      maskThreshold: 0.4,
      wavelength: 0.0555,
      skipMasks: [{ file: maskFile, dataset: 'waterMask' }],
    };
    for (const [r0, r1] of [
      [0, 13],
      [13, 29],
      [29, 40],
    ]) {
      const got = await executeTileTask({ ...task, r0, r1 });
      // the same from the contiguous stack (read without h5wasm)
      const gotContig = await executeTileTask({ ...task, stackFile: contigFile, r0, r1 });
      expect(Array.from(gotContig.arrays.ts)).toEqual(Array.from(got.arrays.ts));
      const r = await H5Reader.open(stackFile);
      const phase = readBands(r, 'unwrapPhase', r0, r1, keptIdx, W);
      const coherence = readBands(r, 'coherence', r0, r1, keptIdx, W);
      r.close();
      const mr = await H5Reader.open(maskFile);
      const mask = mr.readRows('waterMask', r0, r1);
      mr.close();
      const want = invertTile({
        pairs: task.pairs,
        numPixels: (r1 - r0) * W,
        phase,
        coherence,
        refPhase,
        pixelMask: mask,
        weightFunc: 'var',
        numLooks: 4,
        minNormVelocity: true,
        minRedundancy: 1,
        wavelength: 0.0555,
        refPixel: ref[0] >= r0 && ref[0] < r1 ? (ref[0] - r0) * W + ref[1] : undefined,
      });
      expect(Array.from(got.arrays.ts)).toEqual(Array.from(want.ts));
      expect(Array.from(got.arrays.temporalCoherence)).toEqual(Array.from(want.temporalCoherence));
      expect(Array.from(got.arrays.numInvIfgram)).toEqual(Array.from(want.numInvIfgram));
      // masked pixels are not inverted; others are
      for (let p = 0; p < (r1 - r0) * W; p++) if ((r0 * W + p) % 7 === 3) expect(got.arrays.numInvIfgram[p]).toBe(0);
      expect(want.stats.laplacian).toBeGreaterThan(0);
    }
  });
});
