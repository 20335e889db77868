/**
 * The load_data step for ARIA-tools stacks: writes `<workDir>/inputs/ifgramStack.h5` and
 * `<workDir>/inputs/geometryGeo.h5` the way MintPy 1.5.1 does (prep_aria.py, then smallbaselineApp's
 * copy of the custom template into the file attributes). Pair by pair, row block by row block, so memory
 * stays bounded for large stacks; outputs are written to temp files and renamed into place.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from '../config/template';
import { globLast, openAriaStack, type AriaInputs, type AriaStack, type Looks, type PixelBox } from '../formats/aria';
import { H5Reader, H5Writer, type Attrs } from '../formats/h5';
import { IfgramStack, type GeoGrid } from '../formats/mintpyFiles';
import type { RasterArray, RawLocation } from '../formats/envi';
import { convertSamples } from '../../common/formats/ariaConvert';
import { createPool, type TilePool } from '../pipeline/pool';
import type { Raster } from '../formats/vrt';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { pyFloat, pyTimeNow } from '../../common/util/pyfmt';
import { templateAttrs } from './templateAttrs';
import { loadNisar } from './loadNisar';
import { cancelPoint } from '../pipeline/cancelPoint';

export { templateAttrs };

/** What an ARIA stack holds, without writing anything (for the app's project view). */
export interface AriaStackSummary {
  processor: 'aria';
  inputs: AriaInputs;
  length: number;
  width: number;
  grid: GeoGrid;
  /** sorted unique dates YYYYMMDD */
  dates: string[];
  /** [earlier, later] in MintPy's order */
  pairs: [string, string][];
  /** MintPy sign, float32 values */
  bperp: number[];
  /** MintPy's attributes (without template keys) */
  attrs: Attrs;
}

/** The loaders InSAR Studio has: ARIA-tools stacks and NISAR GUNW products. */
export type LoadProcessor = 'aria' | 'nisar';

/**
 * mintpy.load.processor: aria or nisar; left to auto, an unwrapped-phase VRT means aria and `.h5` files
 * mean nisar. Anything else is an InputError naming the template.
 */
export function loadProcessorOf(template: Template): LoadProcessor {
  const raw = template.raw('mintpy.load.processor');
  const unw = template.raw('mintpy.load.unwFile');
  if (raw.toLowerCase() === 'auto' && /\.vrt$/i.test(unw)) return 'aria';
  if (raw.toLowerCase() === 'auto' && /\.h5$/i.test(unw)) return 'nisar';
  const proc = template.get('mintpy.load.processor').toLowerCase();
  if (proc === 'aria' || proc === 'nisar') return proc;
  throw new InputError(
    `${template.path}: mintpy.load.processor = ${proc}: only ARIA-tools stacks (aria) and NISAR GUNW products (nisar) can be loaded; for other processors load with MintPy and open its inputs/ folder`,
  );
}

/** mintpy.load.processor must be aria (or left to auto when the unwrapped stack is a VRT). */
export function checkAriaProcessor(template: Template): void {
  const proc = loadProcessorOf(template);
  if (proc !== 'aria')
    throw new InputError(`${template.path}: mintpy.load.processor = ${proc}: not an ARIA-tools stack`);
}

export async function loadAriaStack(template: Template): Promise<AriaStackSummary> {
  checkAriaProcessor(template);
  const s = await openAriaStack(template);
  return {
    processor: 'aria',
    inputs: s.inputs,
    length: s.length,
    width: s.width,
    grid: s.grid,
    dates: s.dates,
    pairs: s.pairs.map((p) => p.dates),
    bperp: s.pairs.map((p) => Math.fround(p.bperp)),
    attrs: s.attrs,
  };
}

function fileAttrs(meta: Attrs, fileType: string, t: Template): Attrs {
  const a: Attrs = { ...meta, FILE_TYPE: fileType };
  for (const [k, v] of Object.entries(templateAttrs(t))) {
    if (v === null) delete a[k];
    else a[k] = v;
  }
  return a;
}

/** Output rows per block so one block of one band, as read from the input, stays around 16 MB. */
const blockRows = (s: AriaStack): number =>
  Math.max(1, Math.min(s.length, Math.floor((16 << 20) / (4 * (s.box.x1 - s.box.x0) * s.looks.y))));

const toF32 = (a: RasterArray): Float32Array => (a instanceof Float32Array ? a : Float32Array.from(a));

/** `data[data == nodata] = value` with numpy's float32 comparison (the scalar is cast to the array's type). */
function replaceNoData(a: RasterArray, nodata: number | null, value: number): void {
  if (nodata === null || Number.isNaN(nodata)) return;
  const nd = a instanceof Float32Array ? Math.fround(nodata) : nodata;
  for (let i = 0; i < a.length; i++) if (a[i] === nd) a[i] = value;
}

/** Rows [r0, r1) of the loaded box (mintpy.subset.*) of one band. */
async function readBox(r: Raster, band: number, r0: number, r1: number, b: PixelBox): Promise<RasterArray> {
  const rows = await r.readRows(band, b.y0 + r0, b.y0 + r1);
  if (b.x0 === 0 && b.x1 === r.width) return rows;
  const w = b.x1 - b.x0;
  const out = rows.slice(0, (r1 - r0) * w);
  for (let y = 0; y < r1 - r0; y++) out.set(rows.subarray(y * r.width + b.x0, y * r.width + b.x1), y * w);
  return out;
}

/** numpy's float32 pairwise summation (pairwise_sum_FLOAT: 8 accumulators, blocks of 128). */
export function pairwiseSumF32(a: ArrayLike<number>, off: number, n: number): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + a[off + i]);
    return res;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => f(a[off + k]));
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] = f(r[k] + a[off + i + k]);
    let res = f(f(f(r[0] + r[1]) + f(r[2] + r[3])) + f(f(r[4] + r[5]) + f(r[6] + r[7])));
    for (; i < n; i++) res = f(res + a[off + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSumF32(a, off, n2) + pairwiseSumF32(a, off + n2, n - n2));
}

/**
 * Rows [R0, R1) of the loaded grid: the box (mintpy.subset.*) of one band, multilooked as MintPy's
 * multilook_data does: nearest = the pixel at (⌊ly/2⌋, ⌊lx/2⌋) of each ly × lx block; mean/median =
 * nanmean/nanmedian of the block in float32 (all-NaN blocks → NaN).
 */
async function readLooked(
  r: Raster,
  band: number,
  R0: number,
  R1: number,
  s: AriaStack,
  method: Looks['method'],
): Promise<RasterArray> {
  const { y: ly, x: lx } = s.looks;
  if (ly * lx === 1) return readBox(r, band, R0, R1, s.box);
  const rows = await readBox(r, band, R0 * ly, R1 * ly, s.box);
  return multilookRows(rows, s.box.x1 - s.box.x0, ly, lx, method);
}

/**
 * MintPy's multilook_data on a 2-D block of `inW` columns: output ⌊rows/ly⌋ × ⌊inW/lx⌋; nearest keeps the
 * input type, mean/median give float32.
 */
export function multilookRows(
  rows: RasterArray,
  inW: number,
  ly: number,
  lx: number,
  method: Looks['method'],
): RasterArray {
  const H = Math.floor(rows.length / inW / ly);
  const W = Math.floor(inW / lx);
  const n = H * W;
  if (method === 'nearest') {
    const out = rows.slice(0, n);
    const oy = Math.floor(ly / 2);
    const ox = Math.floor(lx / 2);
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) out[i * W + j] = rows[(i * ly + oy) * inW + j * lx + ox];
    return out;
  }
  const out = new Float32Array(n);
  const vals: number[] = [];
  const blk = new Float32Array(lx);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      vals.length = 0;
      // numpy's nanmean over axes (1, 3): NaN → 0, each row of the block summed pairwise (float32),
      // the row sums added in order
      let acc = 0;
      for (let a = 0; a < ly; a++) {
        const base = (i * ly + a) * inW + j * lx;
        for (let b = 0; b < lx; b++) {
          const v = rows[base + b];
          blk[b] = Number.isNaN(v) ? 0 : v;
          if (!Number.isNaN(v)) vals.push(v);
        }
        acc = Math.fround(acc + pairwiseSumF32(blk, 0, lx));
      }
      if (!vals.length) out[i * W + j] = NaN;
      else if (method === 'mean') out[i * W + j] = Math.fround(acc / vals.length);
      else {
        vals.sort((p, q) => p - q);
        const k = vals.length >> 1;
        out[i * W + j] = vals.length % 2 ? vals[k] : Math.fround(Math.fround(vals[k - 1] + vals[k]) / 2);
      }
    }
  }
  return out;
}

/**
 * Rows per HDF5 chunk of the 3-D stack datasets: about 256 KB per chunk (a power of two, 8–128 rows).
 * invert_network aligns its row tiles to it, so a tile reads whole chunks only.
 */
export function stackChunkRows(length: number, width: number): number {
  let r = 128;
  while (r > 8 && r * width * 4 > 256 * 1024) r /= 2;
  return Math.max(1, Math.min(r, length));
}

type StackLayer = {
  name: string;
  raster: Raster;
  dtype: '<f4' | '<i2';
  nodata: number | null;
  sign: number;
  method: Looks['method'];
};

async function writeIfgramStack(ctx: StepContext, s: AriaStack, path: string): Promise<void> {
  const { length: L, width: W, pairs } = s;
  const M = pairs.length;
  const w = await H5Writer.create(path, fileAttrs(s.attrs, 'ifgramStack', ctx.template), { fastChunkIndex: true });
  const heap: { free(): void }[] = [];
  let pool: TilePool | null = null;
  let pending: (Promise<unknown> | null)[] = [];
  try {
    w.write(
      'date',
      pairs.flatMap((p) => p.dates),
      [M, 2],
      undefined,
      'S8',
    );
    w.write(
      'dropIfgram',
      pairs.map(() => true),
      [M],
      undefined,
      'bool',
    );
    w.write(
      'bperp',
      Float32Array.from(pairs, (p) => p.bperp),
      [M],
    );
    const layers: StackLayer[] = [
      {
        name: 'unwrapPhase',
        raster: s.rasters.unw,
        dtype: '<f4',
        nodata: s.noData.unw,
        sign: -1,
        method: s.looks.method,
      },
      { name: 'coherence', raster: s.rasters.coh, dtype: '<f4', nodata: s.noData.coh, sign: 1, method: s.looks.method },
      {
        name: 'connectComponent',
        raster: s.rasters.connComp,
        dtype: '<i2',
        nodata: s.noData.connComp,
        sign: 1,
        method: 'nearest',
      },
    ];
    if (s.rasters.mag)
      layers.push({
        name: 'magnitude',
        raster: s.rasters.mag,
        dtype: '<f4',
        nodata: s.noData.mag,
        sign: 1,
        method: s.looks.method,
      });
    const chunkRows = stackChunkRows(L, W);
    for (const l of layers) w.createEmpty(l.name, { shape: [M, L, W], dtype: l.dtype, chunks: [1, chunkRows, W] });
    // Blocks of rows of each band. The direct path (no subset, no looks: ARIA's usual case) reads the raw
    // samples in a reader thread into shared buffers, converts them there, and the main thread copies
    // each block into h5wasm's heap and writes it while the next ones are read; otherwise the general
    // reader (subset, multilook, other sources) runs here.
    const direct = s.looks.x === 1 && s.looks.y === 1 && s.box.x0 === 0 && s.box.y0 === 0 && s.box.x1 === W;
    const rows = direct ? Math.max(chunkRows, Math.floor((16 << 20) / (4 * W) / chunkRows) * chunkRows) : blockRows(s);
    const jobs: { i: number; r0: number; r1: number; l: StackLayer; loc: RawLocation | null }[] = [];
    for (let i = 0; i < M; i++)
      for (let r0 = 0; r0 < L; r0 += rows) {
        await cancelPoint(ctx.signal);
        const r1 = Math.min(L, r0 + rows);
        for (const l of layers) {
          const loc = direct && l.raster.rawLocation ? await l.raster.rawLocation(pairs[i].band, r0, r1) : null;
          jobs.push({ i, r0, r1, l, loc });
        }
      }
    const blockBytes = Math.min(rows, L) * W * 4;
    const buf = w.allocHeap(blockBytes);
    heap.push(buf);
    const DEPTH = 4;
    const slots = Array.from({ length: DEPTH }, () => new SharedArrayBuffer(blockBytes));
    pending = Array(DEPTH).fill(null);
    // two readers: while one waits on the disk the other converts; the main thread writes
    pool = createPool(ctx.numWorkers === 0 ? 0 : Math.min(2, Math.max(1, ctx.numWorkers ?? 2)));
    const submit = (k: number) => {
      const j = jobs[k];
      if (!j?.loc) return;
      pending[k % DEPTH] = pool!.run({
        kind: 'readRaw',
        loc: j.loc,
        into: slots[k % DEPTH],
        byteOffset: 0,
        sampleType: j.l.dtype === '<i2' ? 'i16' : 'f32',
        conversion: { nodata: j.l.nodata, negate: j.l.sign === -1 },
      });
    };
    for (let k = 0; k < DEPTH; k++) submit(k);
    for (let k = 0; k < jobs.length; k++) {
      const { i, r0, r1, l, loc } = jobs[k];
      if (loc) {
        await pending[k % DEPTH];
        await cancelPoint(ctx.signal);
        new Uint8Array(buf.buffer(), buf.ptr, loc.bytes).set(new Uint8Array(slots[k % DEPTH], 0, loc.bytes));
        w.writeRowsFromHeap(l.name, r0, r1 - r0, [i, i + 1], buf.ptr);
      } else {
        await cancelPoint(ctx.signal);
        const raw = await readLooked(l.raster, pairs[i].band, r0, r1, s, l.method);
        const out = l.dtype === '<i2' ? (raw instanceof Int16Array ? raw : Int16Array.from(raw)) : toF32(raw);
        convertSamples(out, { nodata: l.nodata, negate: l.sign === -1 });
        w.writeRows(l.name, r0, out, [i, i + 1]);
      }
      submit(k + DEPTH);
      const last = k + 1 === jobs.length || jobs[k + 1].i !== i;
      if (last) {
        const p = pairs[i];
        ctx.progress({ step: 'load_data', done: i + 1, total: M + 1, label: `${p.dates.join('_')} ${i + 1}/${M}` });
      }
    }
    for (const b of heap.splice(0)) b.free();
    for (const l of layers) w.setAttrs({ MODIFICATION_TIME: pyTimeNow() }, l.name);
    w.commit();
  } catch (e) {
    for (const b of heap) b.free();
    w.abort();
    // let the reads in flight finish before the shared buffers go
    await Promise.allSettled(pending);
    throw e;
  } finally {
    await pool?.destroy();
  }
}

async function writeGeometry(ctx: StepContext, s: AriaStack, path: string): Promise<void> {
  const { length: L, width: W } = s;
  const w = await H5Writer.create(path, fileAttrs(s.attrs, 'geometry', ctx.template));
  try {
    const { dem, inc, az, water } = s.rasters;
    const names = ['height', 'incidenceAngle', 'slantRangeDistance', ...(az ? ['azimuthAngle'] : [])];
    for (const n of names) w.createEmpty(n, { shape: [L, W], dtype: '<f4' });
    if (water) w.createEmpty('waterMask', { shape: [L, W], dtype: 'bool' });
    const startingRange = Math.fround(Number(s.attrs.STARTING_RANGE));
    const rows = blockRows(s);
    const incNoData = inc.noData(1);
    for (let r0 = 0; r0 < L; r0 += rows) {
      await cancelPoint(ctx.signal);
      const r1 = Math.min(L, r0 + rows);
      const h = toF32(await readLooked(dem, 1, r0, r1, s, 'nearest'));
      replaceNoData(h, dem.noData(1), NaN);
      w.writeRows('height', r0, h);
      w.writeRows('slantRangeDistance', r0, new Float32Array((r1 - r0) * W).fill(startingRange));
      const incRaw = await readLooked(inc, 1, r0, r1, s, 'nearest');
      const incOut = toF32(incRaw.slice());
      replaceNoData(incOut, incNoData, NaN);
      w.writeRows('incidenceAngle', r0, incOut);
      if (az) {
        const a = toF32(await readLooked(az, 1, r0, r1, s, 'nearest'));
        replaceNoData(a, az.noData(1), NaN);
        for (let k = 0; k < a.length; k++) a[k] -= 90; // ARIA: from east → MintPy/ISCE: from north
        w.writeRows('azimuthAngle', r0, a);
      }
      if (water) {
        const m = await readLooked(water, 1, r0, r1, s, 'nearest');
        const wnd = water.noData(1);
        const nd = wnd === null ? null : m instanceof Float32Array ? Math.fround(wnd) : wnd;
        const incNd = incNoData === null ? null : incRaw instanceof Float32Array ? Math.fround(incNoData) : incNoData;
        const out = new Uint8Array(m.length);
        for (let k = 0; k < m.length; k++) {
          let v = m[k] !== 0 && !Number.isNaN(m[k]);
          if (nd !== null && m[k] === nd) v = false;
          if (incNd !== null && incRaw[k] === incNd) v = false;
          out[k] = v ? 1 : 0;
        }
        w.writeRows('waterMask', r0, out);
      }
    }
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * prep_aria's update mode: an existing, readable ifgramStack.h5 of the same size holding every pair, or
 * geometryGeo.h5 of the same size with every dataset (and not implausibly small), is not written again.
 */
async function upToDate(kind: 'stack' | 'geometry', path: string, s: AriaStack): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    if (kind === 'stack') {
      const o = await IfgramStack.open(path);
      try {
        const have = new Set(o.date12);
        return o.length === s.length && o.width === s.width && s.pairs.every((p) => have.has(p.dates.join('_')));
      } finally {
        o.close();
      }
    }
    const r = await H5Reader.open(path);
    try {
      const names = ['height', 'incidenceAngle', 'slantRangeDistance'];
      if (s.rasters.az) names.push('azimuthAngle');
      if (s.rasters.water) names.push('waterMask');
      if (!names.every((n) => r.has(n))) return false;
      const [l, w] = r.shape('height');
      return l === s.length && w === s.width && statSync(path).size > s.length * s.width * 4 * names.length * 0.3;
    } finally {
      r.close();
    }
  } catch {
    return false; // unreadable: write it again
  }
}

/** load_data: ARIA stack → inputs/ifgramStack.h5 + inputs/geometryGeo.h5; NISAR GUNW products → loadNisar. */
export async function loadData(ctx: StepContext): Promise<StepResult> {
  if (loadProcessorOf(ctx.template) === 'nisar') return loadNisar(ctx);
  const t0 = Date.now();
  const s = await openAriaStack(ctx.template);
  const update = ctx.template.bool('mintpy.load.updateMode');
  ctx.log(
    `ARIA stack ${s.inputs.unwFile}: ${s.pairs.length} pairs, ${s.dates.length} dates (${s.dates[0]} … ${s.dates[s.dates.length - 1]}), ${s.width} × ${s.length} px`,
  );
  const dir = join(ctx.workDir, 'inputs');
  mkdirSync(dir, { recursive: true });
  const stackPath = join(dir, 'ifgramStack.h5');
  const geomPath = join(dir, 'geometryGeo.h5');
  const skipped: string[] = [];
  if (update && (await upToDate('stack', stackPath, s))) {
    skipped.push(stackPath);
    ctx.log(`All date12 exists in file ${stackPath} with same size as required, no need to re-load.`);
  } else {
    await writeIfgramStack(ctx, s, stackPath);
    ctx.log(`wrote ${stackPath}`);
  }
  await cancelPoint(ctx.signal);
  if (update && (await upToDate('geometry', geomPath, s))) {
    skipped.push(geomPath);
    ctx.log(`All datasets exists in file ${geomPath} with same size as required, no need to re-load.`);
  } else {
    await writeGeometry(ctx, s, geomPath);
    ctx.log(`wrote ${geomPath}`);
  }
  ctx.progress({ step: 'load_data', done: s.pairs.length + 1, total: s.pairs.length + 1, label: 'geometry' });
  return {
    outputs: [stackPath, geomPath],
    summary: {
      processor: 'aria',
      numPairs: s.pairs.length,
      numDates: s.dates.length,
      startDate: s.dates[0],
      endDate: s.dates[s.dates.length - 1],
      length: s.length,
      width: s.width,
      X_FIRST: s.attrs.X_FIRST,
      Y_FIRST: s.attrs.Y_FIRST,
      seconds: pyFloat((Date.now() - t0) / 1000),
      skipped,
      /** bytes of the stack's 3-D datasets written (0 when update mode skipped them) */
      stackBytes: skipped.includes(stackPath)
        ? 0
        : s.pairs.length * s.length * s.width * (4 + 4 + 2 + (s.rasters.mag ? 4 : 0)),
    },
  };
}

export const loadDataStep = defineStep({
  name: 'load_data',
  description: 'ARIA stack or NISAR GUNW products (mintpy.load.*) → inputs/ifgramStack.h5 + inputs/geometryGeo.h5',
  run: loadData,
  // MintPy's staged form (the notebook's zip): inputs/ are there, the template's source paths are not
  skip: (t, workDir) => {
    if (!existsSync(join(workDir, 'inputs', 'ifgramStack.h5'))) return null;
    const unw = t.path_('mintpy.load.unwFile');
    if (!unw) return 'using the staged inputs/ifgramStack.h5 (no mintpy.load.unwFile)';
    if (globLast(unw).length === 0) return `using the staged inputs/ifgramStack.h5 (${unw} not found)`;
    return null;
  },
  keys: ['mintpy.load.*', 'mintpy.subset.*', 'mintpy.multilook.*'],
  reads: ['ARIA stack VRTs or NISAR GUNW .h5 + a DEM (mintpy.load.*)'],
  writes: ['inputs/ifgramStack.h5', 'inputs/geometryGeo.h5'],
  layers: [
    { file: 'inputs/geometryGeo.h5', dataset: 'height', label: 'DEM height', kind: 'geometry' },
    { file: 'inputs/geometryGeo.h5', dataset: 'incidenceAngle', label: 'Incidence angle', kind: 'geometry' },
    { file: 'inputs/geometryGeo.h5', dataset: 'azimuthAngle', label: 'Azimuth angle', kind: 'geometry' },
    { file: 'inputs/ifgramStack.h5', dataset: 'unwrapPhase', label: 'Pair: unwrapped phase', kind: 'pair' },
    { file: 'inputs/ifgramStack.h5', dataset: 'coherence', label: 'Pair: coherence', kind: 'pair' },
    { file: 'inputs/ifgramStack.h5', dataset: 'connectComponent', label: 'Pair: connected components', kind: 'pair' },
  ],
});
