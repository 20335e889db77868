/**
 * Map tiles from MintPy files: every tile pixel shows the grid pixel holding its centre (checked against
 * Web Mercator maths done here independently), overview levels keep each block's centre pixel and read the
 * same whether a level is cached whole or read window by window, no-data and masked pixels are flagged
 * (never a bare 0), colour-limit statistics and the data box, the exact value of one pixel.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { H5Reader, H5Writer } from '../../src-core/node/formats/h5';
import { LayerService } from '../../src-main/services/layerService';
import { valueStats } from '../../src-core/common/util/valueStats';
import { TileService } from '../../src-main/services/tileService';
import { overviewLevel, sampleRowCol, sampleTile } from '../../src-core/common/geo/tileSampling';
import type { Grid } from '../../src-shared/api';

const L = 300;
const W = 500;
const grid: Grid = { length: L, width: W, xFirst: -120, yFirst: 36.5, xStep: 0.001, yStep: -0.001 };
const attrs = (unit: string, type: string) => ({
  LENGTH: String(L),
  WIDTH: String(W),
  X_FIRST: String(grid.xFirst),
  Y_FIRST: String(grid.yFirst),
  X_STEP: String(grid.xStep),
  Y_STEP: String(grid.yStep),
  UNIT: unit,
  FILE_TYPE: type,
});
/** velocity: a value that names its pixel (row·1e-3 + col·1e-6 m/yr) */
const vel = (r: number, c: number) => Math.fround(r * 1e-3 + c * 1e-6 + 1e-7);
const DATES = ['20200101', '20200113', '20200125'];

let dir: string;
let tiles: TileService;
let windowed: TileService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'insar-tiles-'));
  const v = Float32Array.from({ length: L * W }, (_, i) => vel(Math.floor(i / W), i % W));
  v[5 * W + 7] = NaN; // no data
  const count = new Float32Array(L * W).fill(10);
  count[6 * W + 8] = 0; // nothing inverted: MintPy writes 0 in velocity there
  v[6 * W + 8] = 0;
  const mask = new Int8Array(L * W).fill(1);
  mask[7 * W + 9] = 0; // masked by temporal coherence
  let w = await H5Writer.create(join(dir, 'velocity.h5'), attrs('m/year', 'velocity'));
  w.write('velocity', v, [L, W]);
  w.commit();
  w = await H5Writer.create(join(dir, 'numInvIfgram.h5'), attrs('1', 'mask'));
  w.write('mask', count, [L, W]);
  w.commit();
  w = await H5Writer.create(join(dir, 'maskTempCoh.h5'), attrs('1', 'mask'));
  w.write('mask', mask, [L, W], undefined, 'bool');
  w.commit();
  w = await H5Writer.create(join(dir, 'timeseries.h5'), attrs('m', 'timeseries'));
  w.write('date', DATES, [3]);
  w.createEmpty('timeseries', { shape: [3, L, W], dtype: '<f4', chunks: [1, 64, W] });
  for (let b = 0; b < 3; b++)
    w.writeRows(
      'timeseries',
      0,
      Float32Array.from(v, (x) => x * (b + 1)),
      [b, b + 1],
    );
  w.commit();
  const layers = new LayerService(() => dir);
  tiles = new TileService(layers, () => false);
  windowed = new TileService(layers, () => false, { wholeLevelBytes: 0, cacheBytes: 1 << 20 });
});
afterAll(() => {
  tiles.clear();
  windowed.clear();
  rmSync(dir, { recursive: true, force: true });
});

/** The XYZ tile holding a lon/lat at zoom z, and the tile pixel there (Web Mercator, written out here). */
function tileAt(lon: number, lat: number, z: number): { x: number; y: number; px: number; py: number } {
  const n = 2 ** z;
  const X = ((lon + 180) / 360) * n;
  const s = Math.sin((lat * Math.PI) / 180);
  const Y = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n;
  return { x: Math.floor(X), y: Math.floor(Y), px: Math.floor((X % 1) * 256), py: Math.floor((Y % 1) * 256) };
}

const centre = (r: number, c: number): [number, number] => [
  grid.xFirst + (c + 0.5) * grid.xStep,
  grid.yFirst + (r + 0.5) * grid.yStep,
];
const ref = { file: 'velocity.h5', dataset: 'velocity' };

describe('tiles', () => {
  test('zoomed in (z 17: 0.34 grid px per tile px): each tile pixel shows the pixel under it, with its state', async () => {
    for (const [r, c, state] of [
      [100, 200, 0],
      [5, 7, 1],
      [6, 8, 1],
      [7, 9, 2],
      [299, 499, 0],
    ] as const) {
      const { x, y, px, py } = tileAt(...centre(r, c), 17);
      const t = (await tiles.tile(ref, 17, x, y))!;
      expect(t.level).toBe(0);
      const i = py * 256 + px;
      expect(t.flags[i]).toBe(state);
      if (state === 0) expect(t.values[i]).toBe(vel(r, c));
      if (r === 6) expect(t.values[i]).toBe(0); // the stored zero is there, but flagged: no data
    }
  });
  test('zoomed out: an overview level, each sample the centre pixel of its 2^k block; cached or windowed alike', async () => {
    const z = 10; // ≈ 0.0013° per tile pixel: 1.3 grid px → level 0; z = 8: 5.5 px → level 2
    for (const zz of [z, 8]) {
      const { x, y } = tileAt(...centre(150, 250), zz);
      const a = (await tiles.tile(ref, zz, x, y))!;
      const b = (await windowed.tile(ref, zz, x, y))!;
      expect(a.level).toBe(zz === 8 ? 2 : 0);
      expect(b.level).toBe(a.level);
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
      expect(Array.from(b.flags)).toEqual(Array.from(a.flags));
      const t = sampleTile(grid, { z: zz, x, y, size: 256, pad: 0 });
      expect(a.level).toBe(overviewLevel(t.density));
      const s = 2 ** a.level;
      const o = Math.floor(s / 2);
      let checked = 0;
      for (let p = 0; p < t.n * t.n; p += 97) {
        const [r, c] = sampleRowCol(t, Math.floor(p / t.n), p % t.n);
        if (r < 0 || !Number.isFinite(a.values[p]) || a.flags[p]) continue;
        const br = Math.min(Math.floor(r / s) * s + o, o + Math.floor((L - 1 - o) / s) * s);
        const bc = Math.min(Math.floor(c / s) * s + o, o + Math.floor((W - 1 - o) / s) * s);
        expect(a.values[p]).toBe(vel(br, bc));
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    }
  });
  test('a stack band by date; a tile off the grid is null; a padded tile is 258 px', async () => {
    const { x, y, px, py } = tileAt(...centre(40, 60), 16);
    const t = (await tiles.tile({ file: 'timeseries.h5', dataset: 'timeseries', date: DATES[2] }, 16, x, y, 1))!;
    expect(t.n).toBe(258);
    expect(t.values[(py + 1) * 258 + px + 1]).toBe(Math.fround(vel(40, 60) * 3));
    expect(await tiles.tile(ref, 16, 0, 0)).toBeNull();
    await expect(
      tiles.tile({ ...ref, file: 'timeseries.h5', dataset: 'timeseries', date: '20990101' }, 16, x, y),
    ).rejects.toThrow('timeseries.h5: no date "20990101"');
  });
  test('a time series relative to another of its dates (refDate): each pixel minus its own value then, float32', async () => {
    const { x, y, px, py } = tileAt(...centre(40, 60), 16);
    const ts = { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[2], refDate: DATES[0] };
    const t = (await tiles.tile(ts, 16, x, y))!;
    const a = Math.fround(vel(40, 60) * 3);
    const b = Math.fround(vel(40, 60) * 1);
    expect(t.values[py * 256 + px]).toBe(Math.fround(a - b));
    expect((await tiles.value(ts, 40, 60)).value).toBe(Math.fround(a - b));
    expect((await tiles.value({ ...ts, date: DATES[0] }, 40, 60)).value).toBe(0);
    expect((await tiles.meta(ts)).ref).toEqual(ts);
    await expect(tiles.value({ ...ts, refDate: '20990101' }, 40, 60)).rejects.toThrow(
      'timeseries.h5: no date "20990101"',
    );
  });
  test('the cache is bounded in bytes', async () => {
    for (const d of DATES) {
      const { x, y } = tileAt(...centre(150, 250), 12);
      await windowed.tile({ file: 'timeseries.h5', dataset: 'timeseries', date: d }, 12, x, y);
    }
    expect(windowed.cachedBytes).toBeLessThanOrEqual(1 << 20);
  });
});

describe('meta and values', () => {
  test('statistics of the valid, unmasked pixels; the data box; staleness', async () => {
    const m = await tiles.meta(ref);
    expect(m.statsStep).toBe(1);
    expect(m.units).toBe('m/year');
    const v = Float32Array.from({ length: L * W }, (_, i) => vel(Math.floor(i / W), i % W));
    for (const i of [5 * W + 7, 6 * W + 8, 7 * W + 9]) v[i] = NaN;
    expect(m.stats).toEqual(valueStats(v));
    expect(m.validBox).toEqual([0, 0, L, W]);
  });
  test('a description is kept per version of the files it reads (across projects); staleness is asked each time', async () => {
    const d = mkdtempSync(join(tmpdir(), 'insar-meta-'));
    const d2 = mkdtempSync(join(tmpdir(), 'insar-meta-'));
    try {
      const n = 40;
      const small = { ...attrs('m/year', 'velocity'), LENGTH: '4', WIDTH: '10' };
      const write = async (dir: string, file: string, dataset: string, v: Float32Array | Int8Array, bool = false) => {
        const w = await H5Writer.create(join(dir, file), {
          ...small,
          FILE_TYPE: dataset === 'mask' ? 'mask' : 'velocity',
        });
        w.write(dataset, v, [4, 10], undefined, bool ? 'bool' : undefined);
        w.commit();
      };
      const then = new Date(Date.now() - 60_000);
      // two projects with files of the same names, sizes and modification times, other values
      for (const [dir, k] of [
        [d, 1],
        [d2, 2],
      ] as const) {
        await write(
          dir,
          'velocity.h5',
          'velocity',
          Float32Array.from({ length: n }, (_, i) => k * i),
        );
        await write(dir, 'numInvIfgram.h5', 'mask', new Float32Array(n).fill(5));
        await write(dir, 'maskTempCoh.h5', 'mask', new Int8Array(n).fill(1), true);
        for (const f of ['velocity.h5', 'numInvIfgram.h5', 'maskTempCoh.h5']) utimesSync(join(dir, f), then, then);
      }
      let stale = false;
      let project = d;
      const t = new TileService(new LayerService(() => project), () => stale);
      // computed once per version of the files (the statistics read an overview of the whole layer)
      const computed = vi.spyOn(t as unknown as { computeMeta: () => unknown }, 'computeMeta');
      const vref = { file: 'velocity.h5', dataset: 'velocity' };
      const first = await t.meta(vref);
      expect(first.stats.validCount).toBe(n);
      expect(first.stats.max).toBe(39);
      expect(first.stale).toBe(false);
      // the same version of every file: the kept description (the mask rewritten, its modification time put back)
      const mask = new Int8Array(n).fill(1);
      mask.fill(0, 30);
      await write(d, 'maskTempCoh.h5', 'mask', mask, true);
      utimesSync(join(d, 'maskTempCoh.h5'), then, then);
      stale = true;
      const again = await t.meta(vref);
      expect(again.stats).toEqual(first.stats);
      expect(again.stale).toBe(true);
      expect(computed).toHaveBeenCalledTimes(1);
      // another project (the files forgotten, as when it opens): its own description, then this one's kept
      t.clear();
      project = d2;
      expect((await t.meta(vref)).stats.max).toBe(78);
      t.clear();
      project = d;
      expect((await t.meta(vref)).stats).toEqual(first.stats);
      expect(computed).toHaveBeenCalledTimes(2);
      // a new version of the mask: read again
      const later = new Date(then.getTime() + 30_000);
      utimesSync(join(d, 'maskTempCoh.h5'), later, later);
      const masked = await t.meta(vref);
      expect(masked.stats.validCount).toBe(30);
      expect(masked.stats.max).toBe(29);
      expect(computed).toHaveBeenCalledTimes(3);
      t.clear();
    } finally {
      rmSync(d, { recursive: true, force: true });
      rmSync(d2, { recursive: true, force: true });
    }
  });
  test('calls that arrive together open each file once', async () => {
    const t = new TileService(new LayerService(() => dir), () => false);
    const opened = vi.spyOn(H5Reader, 'open');
    try {
      const { x, y } = tileAt(...centre(150, 250), 12);
      await Promise.all([t.meta(ref), t.tile(ref, 12, x, y), t.tile(ref, 12, x + 1, y), t.value(ref, 1, 2)]);
      const paths = opened.mock.calls.map(([p]) => p.split('/').pop()).sort();
      expect(paths).toEqual(['maskTempCoh.h5', 'numInvIfgram.h5', 'velocity.h5']);
    } finally {
      opened.mockRestore();
      t.clear();
    }
  });
  test('one pixel: value and state — "nodata" for NaN and uninverted, "masked" under maskTempCoh', async () => {
    expect(await tiles.value(ref, 100, 200)).toEqual({ row: 100, col: 200, value: vel(100, 200), state: 'ok' });
    expect((await tiles.value(ref, 5, 7)).state).toBe('nodata');
    expect(await tiles.value(ref, 6, 8)).toEqual({ row: 6, col: 8, value: 0, state: 'nodata' });
    expect((await tiles.value(ref, 7, 9)).state).toBe('masked');
    expect((await tiles.value({ file: 'numInvIfgram.h5', dataset: 'mask' }, 6, 8)).state).toBe('ok');
    await expect(tiles.value(ref, L, 0)).rejects.toThrow('pixel (300, 0) is outside the 300 × 500 grid');
  });
});

describe('tile sampling in any grid CRS', () => {
  /** lon/lat of the centre of tile pixel (px, py), Web Mercator written out here */
  const lonLat = (z: number, x: number, y: number, px: number, py: number): [number, number] => {
    const n = 2 ** z * 256;
    const lon = ((x * 256 + px + 0.5) / n) * 360 - 180;
    const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y * 256 + py + 0.5)) / n))) * 180) / Math.PI;
    return [lon, lat];
  };
  test('a UTM grid (EPSG:32611, not separable): each sample is the pixel its centre falls in', async () => {
    const { lonLatToPixel } = await import('../../src-core/common/geo/gridCoords');
    const utm = { length: 400, width: 300, xFirst: 300000, yFirst: 4000000, xStep: 30, yStep: -30, epsg: 32611 };
    const [lon, lat] = (await import('../../src-core/common/geo/gridCoords')).xyToLonLat(utm, 304500, 3994000);
    const { x, y } = tileAt(lon, lat, 14);
    const t = sampleTile(utm, { z: 14, x, y, size: 256, pad: 0 });
    expect(t.separable).toBe(false);
    let inside = 0;
    for (let k = 0; k < 500; k++) {
      const i = (k * 37) % 256;
      const j = (k * 101) % 256;
      const [fr, fc] = lonLatToPixel(utm, ...lonLat(14, x, y, j, i));
      const want = fr >= 0 && fr < 400 && fc >= 0 && fc < 300 ? [Math.floor(fr), Math.floor(fc)] : [-1, -1];
      expect(sampleRowCol(t, i, j)).toEqual(want);
      if (want[0] >= 0) inside++;
    }
    expect(inside).toBeGreaterThan(100);
  });
  test('a lat/lon grid is separable and samples the same pixels', () => {
    const { x, y } = tileAt(...centre(150, 250), 13);
    const t = sampleTile(grid, { z: 13, x, y, size: 256, pad: 1 });
    expect(t.separable).toBe(true);
    for (let k = 0; k < 300; k++) {
      const i = (k * 53) % 258;
      const j = (k * 71) % 258;
      const [lon, lat] = lonLat(13, x, y, j - 1, i - 1);
      const fr = (lat - grid.yFirst) / grid.yStep;
      const fc = (lon - grid.xFirst) / grid.xStep;
      const want = fr >= 0 && fr < L && fc >= 0 && fc < W ? [Math.floor(fr), Math.floor(fc)] : [-1, -1];
      expect(sampleRowCol(t, i, j)).toEqual(want);
    }
  });
});
