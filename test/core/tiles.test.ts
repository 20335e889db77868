/**
 * Tiling, the worker pool and resume, on a stack the project generates itself (no fixtures needed).
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  readdirSync,
  existsSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import { H5Reader } from '../../src-core/node/formats/h5';
import { lookup3 } from '../../src-core/node/formats/h5bool';
import { runPipeline } from '../../src-core/node/pipeline/runner';
import { TileCheckpoint, planTiles, runTileLoop } from '../../src-core/node/pipeline/tiles';
import { findWorkerScript } from '../../src-core/node/pipeline/pool';
import { CancelledError } from '../../src-core/common/pipeline/types';

describe('planTiles', () => {
  it('covers every row once within the budget', () => {
    const t = planTiles(1000, 1_000_000, 64_000_000, 1);
    expect(t.length).toBe(Math.ceil(1000 / 64));
    expect(t[0]).toEqual({ index: 0, r0: 0, r1: 64 });
    expect(t[t.length - 1].r1).toBe(1000);
    for (let i = 1; i < t.length; i++) expect(t[i].r0).toBe(t[i - 1].r1);
  });
  it('splits for the workers and never below one row', () => {
    expect(planTiles(100, 10, 1e9, 8).length).toBe(8);
    expect(planTiles(5, 1e12, 1, 1).length).toBe(5);
  });
});

describe('TileCheckpoint and runTileLoop', () => {
  it('saves atomically, reloads, and resumes only missing tiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const tiles = planTiles(10, 1, 2, 1); // 5 tiles of 2 rows
    const cp = new TileCheckpoint(dir, 'x', 'h1');
    const ac = new AbortController();
    let calls = 0;
    const exec = async (t: { index: number }) => {
      calls++;
      if (calls === 3) ac.abort();
      return { v: Float32Array.of(t.index, t.index * 2) };
    };
    await expect(runTileLoop(tiles, cp, exec, { concurrency: 1, signal: ac.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(cp.done().sort()).toEqual([0, 1, 2]);
    calls = 0;
    const { resumed } = await runTileLoop(tiles, new TileCheckpoint(dir, 'x', 'h1'), exec, { concurrency: 2 });
    expect(resumed).toBe(3);
    expect(calls).toBe(2);
    expect(Array.from(cp.load(4).v)).toEqual([4, 8]);
    // another hash (changed settings) discards the stale tiles
    const cp2 = new TileCheckpoint(dir, 'x', 'h2');
    expect(cp2.done()).toEqual([]);
    expect(existsSync(cp.dir)).toBe(false);
  });
});

describe('tiled inversion on a generated stack', () => {
  let demo: { templatePath: string };
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiles-demo-'));
    demo = await writeDemo(dir, { rows: 60, cols: 80, numDates: 12, seed: 7 });
    await runPipeline({ templatePath: demo.templatePath, end: 'quick_overview' });
  }, 120_000);

  async function invert(
    overrides: Record<string, string>,
    numWorkers: number,
    signal?: AbortSignal,
    onTile?: (d: number) => void,
  ) {
    const rec = await runPipeline({
      templatePath: demo.templatePath,
      start: 'invert_network',
      end: 'velocity',
      numWorkers,
      overrides,
      signal,
      onProgress: (p) => p.step === 'invert_network' && onTile?.(p.done),
    });
    const wd = rec.workDir;
    const r = await H5Reader.open(join(wd, 'timeseries.h5'));
    const ts = Float32Array.from(r.read('timeseries'));
    r.close();
    const v = await H5Reader.open(join(wd, 'velocity.h5'));
    const vel = Float32Array.from(v.read('velocity'));
    v.close();
    return { rec, ts, vel };
  }

  it('gives identical results for one tile, one-row tiles and the threaded pool', async () => {
    const one = await invert({}, 0);
    expect(one.rec.steps[0].summary.tiles).toBe(1);
    const many = await invert({ 'mintpy.compute.maxMemory': '0.00001' }, 0);
    expect(many.rec.steps[0].summary.tiles).toBe(60);
    expect(Buffer.from(many.ts.buffer).equals(Buffer.from(one.ts.buffer))).toBe(true);
    expect(Buffer.from(many.vel.buffer).equals(Buffer.from(one.vel.buffer))).toBe(true);
    if (findWorkerScript()) {
      const pooled = await invert({}, 2);
      expect(pooled.rec.steps[0].summary.tiles).toBe(8);
      expect(Buffer.from(pooled.ts.buffer).equals(Buffer.from(one.ts.buffer))).toBe(true);
    } else console.warn('worker bundle not built (npm run build:node): threaded pool not exercised');
  });

  it('a cancelled run leaves no output and the next run resumes from the finished tiles', async () => {
    const full = await invert({ 'mintpy.compute.maxMemory': '0.00001' }, 0);
    const wd = full.rec.workDir;
    const ac = new AbortController();
    await expect(
      invert(
        { 'mintpy.compute.maxMemory': '0.00001', 'mintpy.networkInversion.minRedundancy': '1' },
        0,
        ac.signal,
        (d) => d >= 20 && ac.abort(),
      ),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(readdirSync(wd).filter((f) => f.includes('.tmp'))).toEqual([]);
    const resumed = await invert(
      { 'mintpy.compute.maxMemory': '0.00001', 'mintpy.networkInversion.minRedundancy': '1' },
      0,
    );
    expect(resumed.rec.steps[0].summary.resumedTiles).toBeGreaterThanOrEqual(20);
    expect(Buffer.from(resumed.ts.buffer).equals(Buffer.from(full.ts.buffer))).toBe(true);
  });

  /** Cancel invert_network after 20 tiles; the checkpoint folder it leaves. */
  async function cancelledRun(overrides: Record<string, string>): Promise<string> {
    const ac = new AbortController();
    await expect(invert(overrides, 0, ac.signal, (d) => d >= 20 && ac.abort())).rejects.toBeInstanceOf(CancelledError);
    const root = join(demo.templatePath, '..', '.insar-studio', 'tiles');
    const dirs = readdirSync(root).filter((d) => d.startsWith('invert_network-'));
    expect(dirs).toHaveLength(1);
    return join(root, dirs[0]);
  }

  it('the checkpoint is the partial outputs and a mark per tile, not a second copy of the results', async () => {
    const tiny = { 'mintpy.compute.maxMemory': '0.00001', 'mintpy.networkInversion.minRedundancy': '1.5' };
    const full = await invert(tiny, 0);
    const dir = await cancelledRun(tiny);
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.bin'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.done')).length).toBeGreaterThanOrEqual(20);
    expect(files.filter((f) => f.endsWith('.part')).sort()).toEqual([
      'numInvIfgram.h5.part',
      'temporalCoherence.h5.part',
      'timeseries.h5.part',
    ]);
    // as a killed writer leaves them: HDF5's "open for writing" flags set in the superblock
    for (const f of ['numInvIfgram.h5.part', 'temporalCoherence.h5.part', 'timeseries.h5.part']) {
      const fd = openSync(join(dir, f), 'r+');
      const head = Buffer.alloc(48);
      readSync(fd, head, 0, 48, 0);
      expect(head[8]).toBe(3); // superblock version 3 (fixed-array chunk index)
      head[11] = 0x05;
      head.writeUInt32LE(lookup3(head.subarray(0, 44)), 44);
      writeSync(fd, head, 0, 48, 0);
      closeSync(fd);
    }
    const resumed = await invert(tiny, 0);
    expect(resumed.rec.steps[0].summary.resumedTiles).toBeGreaterThanOrEqual(20);
    expect(Buffer.from(resumed.ts.buffer).equals(Buffer.from(full.ts.buffer))).toBe(true);
    expect(Buffer.from(resumed.vel.buffer).equals(Buffer.from(full.vel.buffer))).toBe(true);
  });

  it("a take-over cut short (killed while copying the marked tiles) resumes from the interrupted run's files", async () => {
    const tiny = { 'mintpy.compute.maxMemory': '0.00001', 'mintpy.networkInversion.minRedundancy': '1.75' };
    const full = await invert(tiny, 0);
    const dir = await cancelledRun(tiny);
    // as a take-over leaves them when killed: the interrupted run's files renamed to .prev, new .part files
    // holding only some of the tiles (here: not even a whole file)
    for (const f of ['numInvIfgram.h5', 'temporalCoherence.h5', 'timeseries.h5']) {
      renameSync(join(dir, `${f}.part`), join(dir, `${f}.prev`));
      writeFileSync(join(dir, `${f}.part`), 'cut short');
    }
    const resumed = await invert(tiny, 0);
    expect(resumed.rec.steps[0].summary.resumedTiles).toBeGreaterThanOrEqual(20);
    expect(Buffer.from(resumed.ts.buffer).equals(Buffer.from(full.ts.buffer))).toBe(true);
  });

  it('partial outputs that cannot be read back: their tiles are computed again, same result', async () => {
    const tiny = { 'mintpy.compute.maxMemory': '0.00001', 'mintpy.networkInversion.minRedundancy': '1.25' };
    const full = await invert(tiny, 0);
    const dir = await cancelledRun(tiny);
    truncateSync(join(dir, 'timeseries.h5.part'), 100);
    const again = await invert(tiny, 0);
    expect(again.rec.steps[0].summary.resumedTiles).toBe(0);
    expect(Buffer.from(again.ts.buffer).equals(Buffer.from(full.ts.buffer))).toBe(true);
  });
});
