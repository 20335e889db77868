/**
 * load_data for NISAR GUNW products (mintpy.load.processor = nisar), writing what MintPy's own NISAR loader
 * (prep_nisar.py, MintPy ≥ 1.6.4) writes, readable by MintPy:
 *
 * - the common keep-mask of all products (GUNW `mask` byte: 100·water + 10·reference subswath + secondary
 *   subswath, 0 = no data, `_FillValue` 255 → keep land pixels with both subswaths), ∩ the optional
 *   mintpy.load.waterMaskFile warped by nearest neighbour; pixels outside it are NaN in every stack;
 * - inputs/geometryGeo.h5: the DEM warped bilinearly onto the GUNW grid (GDAL's warper, common/geo/warp),
 *   incidence angle, slant range and azimuth angle (from the LOS unit vector: atan2(−y, −x)) interpolated
 *   trilinearly in the first product's radar-grid cube at (DEM height, y, x) on kept pixels; waterMask =
 *   the common mask;
 * - waterMask.h5 beside the template;
 * - inputs/ifgramStack.h5: unwrapped phase, coherence, connected components (float32, fill → NaN), the mean
 *   perpendicular baseline per pair, dates from the identification group;
 * - inputs/ionStack.h5 (ionospherePhaseScreen), tropoStack.h5 (hydrostatic + wet phase screen cubes) and
 *   setStack.h5 (solid-earth-tide phase cube) at (DEM height, y, x) — skipped, with a warning, when a product
 *   lacks the layer;
 * - MintPy's attributes (no PROCESSOR; the template's keys on ifgramStack and ionStack only, as MintPy's
 *   smallbaselineApp adds them).
 *
 * Products are read one at a time; every output goes to a temp file renamed into place.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GunwProduct, gunwPaths, type GunwCube } from '../formats/gunw';
import { H5Writer, type Attrs } from '../formats/h5';
import { openRaster } from '../formats/vrt';
import { rasterGeo } from '../formats/rasterGeo';
import { templateAttrs } from './templateAttrs';
import { meanBperp, openNisarStack, type NisarStack } from './nisarStack';
import type { Template } from '../config/template';
import { CancelledError, InputError, type StepContext, type StepResult } from '../../common/pipeline/types';
import { planWarp, warpBilinear, warpNearest, type TargetGeo } from '../../common/geo/warp';
import { cubeInterpolator } from '../../common/geo/gridInterp';
import { pyFloat } from '../../common/util/pyfmt';
import { nonZeroFlags } from '../../common/util/nonZero';

/** MintPy's _read_is_land_and_valid_mask on a decoded `mask` array. */
export function gunwKeepMask(bits: ArrayLike<number>, fill: number | undefined): Uint8Array {
  const out = new Uint8Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (!Number.isFinite(b) || (fill !== undefined && b === fill)) continue;
    const m = b & 0xff;
    const water = Math.floor(m / 100) === 1;
    const ref = Math.floor(m / 10) % 10;
    const sec = m % 10;
    out[i] = ref > 0 && sec > 0 && !water ? 1 : 0;
  }
  return out;
}

/** The target grid of the stack as GDAL sees MintPy's outputBounds (pixel-edge bounds from the centres). */
export function targetGeoOf(s: NisarStack): TargetGeo {
  const { x, y } = s;
  const dx = x[1] - x[0];
  const dy = y[1] - y[0];
  const left = x[0] - dx / 2;
  const right = x[x.length - 1] + dx / 2;
  const top = y[0] - dy / 2;
  const bottom = y[y.length - 1] + dy / 2;
  const [minx, maxx] = left < right ? [left, right] : [right, left];
  const [miny, maxy] = bottom < top ? [bottom, top] : [top, bottom];
  return {
    width: x.length,
    length: y.length,
    epsg: s.epsg,
    geoTransform: [minx, (maxx - minx) / x.length, 0, maxy, 0, -(maxy - miny) / y.length],
  };
}

/** Read the source window of a raster band (rows then columns). */
async function readWindow(path: string, window: [number, number, number, number]): Promise<Float64Array> {
  const r = await openRaster(path);
  const [x0, y0, x1, y1] = window;
  const w = x1 - x0;
  const out = new Float64Array(w * (y1 - y0));
  if (!w || y1 <= y0) return out;
  const rows = await r.readRows(1, y0, y1);
  for (let j = 0; j < y1 - y0; j++) for (let i = 0; i < w; i++) out[j * w + i] = rows[j * r.width + x0 + i];
  return out;
}

export interface NisarDem {
  /** DEM height on the grid (GDAL bilinear, float32) */
  height: Float32Array;
  /** grid pixels whose centre the DEM covers */
  covered: Uint8Array;
  xScale: number;
  yScale: number;
}

/** The DEM warped onto the stack's grid; an InputError when it misses a kept pixel. */
export async function warpDem(s: NisarStack, keep: Uint8Array): Promise<NisarDem> {
  const path = s.inputs.demFile;
  const r = await openRaster(path);
  const geo = await rasterGeo(r);
  const plan = planWarp({ width: r.width, length: r.length, ...geo }, targetGeoOf(s), { resample: 'bilinear' });
  let missed = 0;
  for (let k = 0; k < keep.length; k++) if (keep[k] && !plan.covered[k]) missed++;
  if (missed) {
    const n = keep.reduce((a, v) => a + v, 0);
    throw new InputError(
      `${path}: the DEM does not cover the GUNW grid (${missed} of ${n} valid pixels fall outside it; EPSG:${geo.epsg})`,
    );
  }
  const data = await readWindow(path, plan.window);
  const height = warpBilinear(plan, { data, window: plan.window, noData: r.noData(1) });
  // GDAL writes an integer DEM's result in its own type (rounded half up)
  if (/Int/.test(r.dataType(1))) for (let k = 0; k < height.length; k++) height[k] = Math.floor(height[k] + 0.5);
  return { height, covered: plan.covered, xScale: plan.xScale, yScale: plan.yScale };
}

/** The external water mask (nearest neighbour, nonzero = keep; outside = 0 as GDAL's fill). */
async function warpWaterMask(s: NisarStack, path: string): Promise<Uint8Array> {
  const r = await openRaster(path);
  const geo = await rasterGeo(r);
  const plan = planWarp({ width: r.width, length: r.length, ...geo }, targetGeoOf(s), { resample: 'nearest' });
  const data = await readWindow(path, plan.window);
  const v = warpNearest(plan, { data, window: plan.window, noData: null }, 0);
  return nonZeroFlags(v);
}

/** The common keep-mask of all products (∩ the external water mask); an InputError when it is empty. */
export async function commonKeepMask(s: NisarStack, ctx?: Pick<StepContext, 'signal'>): Promise<Uint8Array> {
  let common: Uint8Array | null = null;
  for (const prod of s.products) {
    if (ctx?.signal.aborted) throw new CancelledError();
    const p = await GunwProduct.open(prod.path);
    try {
      const P = gunwPaths(s.inputs.frequency, s.polarization);
      let m: Uint8Array;
      if (p.has(P.mask)) m = gunwKeepMask(p.read2d(P.mask, prod.box), p.fillValue(P.mask));
      else {
        const u = p.read2d(P.layer('unwrappedPhase'), prod.box);
        const fill = p.fillValue(P.layer('unwrappedPhase'));
        m = Uint8Array.from(u, (v) => (Number.isFinite(v) && v !== fill ? 1 : 0));
      }
      if (!common) common = m;
      else for (let k = 0; k < m.length; k++) common[k] &= m[k];
      if (!common.some((v) => v))
        throw new InputError(
          `${prod.path}: no pixel is valid in every product (the common mask is empty from this product on)`,
        );
    } finally {
      p.close();
    }
  }
  let keep = common as Uint8Array;
  if (s.inputs.waterMaskFile) {
    const ext = await warpWaterMask(s, s.inputs.waterMaskFile);
    keep = keep.map((v, k) => v & ext[k]);
    if (!keep.some((v) => v))
      throw new InputError(`${s.inputs.waterMaskFile}: no common valid pixel is left after the water mask`);
  }
  return keep;
}

interface Geometry {
  incidenceAngle: Float32Array;
  slantRangeDistance: Float32Array;
  azimuthAngle: Float32Array;
}

/** Read a radar-grid cube (float64, or float32 kept as float32 values) with its axes. */
function readCube(p: GunwProduct, P: ReturnType<typeof gunwPaths>, names: GunwCube[]) {
  const axes: [Float64Array, Float64Array, Float64Array] = [
    p.f64(P.radarGridHeight),
    p.f64(P.radarGridY),
    p.f64(P.radarGridX),
  ];
  const values = names.map((n) => p.f64(P.cube(n)));
  let v = values[0];
  if (values.length > 1) {
    // numpy adds the cubes in their own dtype (float32 cubes sum in float32)
    const f32 = names.every((n) => p.dtype(P.cube(n)) === '<f');
    v = values[0].map((a, i) => values.slice(1).reduce((acc, b) => (f32 ? Math.fround(acc + b[i]) : acc + b[i]), a));
  }
  return cubeInterpolator({ axes, values: v });
}

/** Interpolate `cube` at (height, y, x) on kept pixels; NaN elsewhere. */
function atKept(
  s: NisarStack,
  keep: Uint8Array,
  height: Float32Array,
  f: (h: number, y: number, x: number) => number,
): Float64Array {
  const W = s.width;
  const out = new Float64Array(keep.length).fill(NaN);
  for (let k = 0; k < keep.length; k++) if (keep[k]) out[k] = f(height[k], s.y[Math.floor(k / W)], s.x[k % W]);
  return out;
}

function geometryOf(s: NisarStack, keep: Uint8Array, height: Float32Array, p: GunwProduct): Geometry {
  const P = gunwPaths(s.inputs.frequency, s.polarization);
  const sl = atKept(s, keep, height, readCube(p, P, ['referenceSlantRange']));
  const inc = atKept(s, keep, height, readCube(p, P, ['incidenceAngle']));
  const lx = atKept(s, keep, height, readCube(p, P, ['losUnitVectorX']));
  const ly = atKept(s, keep, height, readCube(p, P, ['losUnitVectorY']));
  const az = new Float32Array(keep.length);
  for (let k = 0; k < az.length; k++) az[k] = Math.atan2(-ly[k], -lx[k]) * (180 / Math.PI);
  return {
    incidenceAngle: Float32Array.from(inc),
    slantRangeDistance: Float32Array.from(sl),
    azimuthAngle: az,
  };
}

function withTemplate(meta: Attrs, fileType: string, t: Template | null): Attrs {
  const a: Attrs = { ...meta, FILE_TYPE: fileType };
  if (t)
    for (const [k, v] of Object.entries(templateAttrs(t))) {
      if (v === null) delete a[k];
      else a[k] = v;
    }
  return a;
}

type StackKind = 'ifgram' | 'ion' | 'tropo' | 'set';
const STACK_FILE: Record<StackKind, string> = {
  ifgram: 'ifgramStack.h5',
  ion: 'ionStack.h5',
  tropo: 'tropoStack.h5',
  set: 'setStack.h5',
};

/** Which stacks every product can feed (the ifgram stack is required; the others are skipped with a warning). */
function availableStacks(s: NisarStack, products: GunwProduct[], log: (m: string) => void): StackKind[] {
  const P = gunwPaths(s.inputs.frequency, s.polarization);
  const need: Record<StackKind, string[]> = {
    ifgram: [P.layer('unwrappedPhase'), P.layer('coherenceMagnitude'), P.layer('connectedComponents')],
    ion: [P.layer('ionospherePhaseScreen'), P.layer('coherenceMagnitude'), P.layer('connectedComponents')],
    tropo: [P.cube('wetTroposphericPhaseScreen'), P.cube('hydrostaticTroposphericPhaseScreen')],
    set: [P.cube('slantRangeSolidEarthTidesPhase')],
  };
  const out: StackKind[] = [];
  for (const kind of ['ifgram', 'ion', 'tropo', 'set'] as StackKind[]) {
    const miss = products.flatMap((p) => need[kind].filter((q) => !p.has(q)).map((q) => ({ file: p.path, path: q })));
    if (!miss.length) out.push(kind);
    else if (kind === 'ifgram')
      throw new InputError(`${miss[0].file}: required NISAR layer is missing: ${miss[0].path}`);
    else
      log(
        `warning: skipping ${STACK_FILE[kind]}: required NISAR ${kind} layer is missing: ${miss[0].path} in ${miss[0].file}` +
          (miss.length > 1 ? ` (and ${miss.length - 1} more)` : ''),
      );
  }
  return out;
}

const toF32 = (a: ArrayLike<number>, fill: number | undefined, keep: Uint8Array): Float32Array => {
  const out = new Float32Array(a.length);
  const f = fill === undefined ? undefined : Math.fround(fill);
  for (let i = 0; i < a.length; i++) {
    const v = Math.fround(a[i]);
    out[i] = !keep[i] || (f !== undefined && (v === f || (Number.isNaN(f) && Number.isNaN(v)))) ? NaN : v;
  }
  return out;
};

function checkAbort(ctx: StepContext): void {
  if (ctx.signal.aborted) throw new CancelledError();
}

/** load_data with mintpy.load.processor = nisar. */
export async function loadNisar(ctx: StepContext): Promise<StepResult> {
  const t0 = Date.now();
  const s = await openNisarStack(ctx.template);
  const M = s.products.length;
  ctx.log(`Found ${M} unwrapped files`);
  ctx.log(`Using NISAR ${s.inputs.frequency}, polarization ${s.polarization}`);
  const keep = await commonKeepMask(s, ctx);
  const nKeep = keep.reduce((a, v) => a + v, 0);
  ctx.log(`Common valid land pixels from all NISAR masks: ${nKeep} / ${keep.length}`);
  checkAbort(ctx);
  const dem = await warpDem(s, keep);
  ctx.log(
    `DEM ${s.inputs.demFile} warped bilinearly onto the ${s.width} × ${s.length} grid (kernel scale ${dem.xScale.toFixed(3)} × ${dem.yScale.toFixed(3)})`,
  );
  const dir = join(ctx.workDir, 'inputs');
  mkdirSync(dir, { recursive: true });
  const outputs: string[] = [];
  const L = s.length;
  const W = s.width;
  const products = await Promise.all(s.products.map((p) => GunwProduct.open(p.path)));
  try {
    const stacks = availableStacks(s, products, ctx.log);
    // geometry (first product's cube) → STARTING_RANGE for every file
    const geom = geometryOf(s, keep, dem.height, products[0]);
    let minSr = NaN;
    for (const v of geom.slantRangeDistance) if (!Number.isNaN(v) && !(v >= minSr)) minSr = v;
    const meta: Attrs = { ...s.attrs, STARTING_RANGE: pyFloat(minSr) };
    const geomPath = join(dir, 'geometryGeo.h5');
    {
      const w = await H5Writer.create(geomPath, withTemplate(meta, 'geometry', null));
      try {
        w.write('height', dem.height, [L, W]);
        w.write('incidenceAngle', geom.incidenceAngle, [L, W]);
        w.write('slantRangeDistance', geom.slantRangeDistance, [L, W]);
        w.write('azimuthAngle', geom.azimuthAngle, [L, W]);
        w.write('waterMask', keep, [L, W], undefined, 'bool');
        w.commit();
      } catch (e) {
        w.abort();
        throw e;
      }
    }
    outputs.push(geomPath);
    const wmPath = join(ctx.workDir, 'waterMask.h5');
    {
      const w = await H5Writer.create(wmPath, withTemplate(meta, 'waterMask', null));
      try {
        w.write('waterMask', keep, [L, W], undefined, 'bool');
        w.commit();
      } catch (e) {
        w.abort();
        throw e;
      }
    }
    outputs.push(wmPath);
    checkAbort(ctx);

    const P = gunwPaths(s.inputs.frequency, s.polarization);
    const writers = new Map<StackKind, H5Writer>();
    try {
      for (const kind of stacks) {
        const path = join(dir, STACK_FILE[kind]);
        const tmpl = kind === 'ifgram' || kind === 'ion' ? ctx.template : null;
        const w = await H5Writer.create(path, withTemplate(meta, 'ifgramStack', tmpl));
        writers.set(kind, w);
        w.write(
          'date',
          s.products.flatMap((p) => [p.date1, p.date2]),
          [M, 2],
          undefined,
          'S8',
        );
        w.write(
          'bperp',
          Float32Array.from(products, (p) => meanBperp(p, P)),
          [M],
        );
        w.write(
          'dropIfgram',
          s.products.map(() => true),
          [M],
          undefined,
          'bool',
        );
        for (const name of ['unwrapPhase', 'coherence', 'connectComponent'])
          w.createEmpty(name, { shape: [M, L, W], dtype: '<f4', chunks: [1, Math.min(L, 128), W] });
      }
      for (let i = 0; i < M; i++) {
        checkAbort(ctx);
        const prod = s.products[i];
        const p = products[i];
        const read = (layer: Parameters<typeof P.layer>[0]): Float32Array =>
          toF32(p.read2d(P.layer(layer), prod.box), p.fillValue(P.layer(layer)), keep);
        const coh = writers.has('ifgram') || writers.has('ion') ? read('coherenceMagnitude') : null;
        const cc = coh ? read('connectedComponents') : null;
        for (const [kind, w] of writers) {
          let phase: Float32Array;
          if (kind === 'ifgram') phase = read('unwrappedPhase');
          else if (kind === 'ion') phase = read('ionospherePhaseScreen');
          else {
            const names: GunwCube[] =
              kind === 'tropo'
                ? ['hydrostaticTroposphericPhaseScreen', 'wetTroposphericPhaseScreen']
                : ['slantRangeSolidEarthTidesPhase'];
            phase = Float32Array.from(atKept(s, keep, dem.height, readCube(p, P, names)));
          }
          w.writeRows('unwrapPhase', 0, phase, [i, i + 1]);
          if ((kind === 'ifgram' || kind === 'ion') && coh && cc) {
            w.writeRows('coherence', 0, coh, [i, i + 1]);
            w.writeRows('connectComponent', 0, cc, [i, i + 1]);
          }
        }
        ctx.progress({ step: 'load_data', done: i + 1, total: M, label: `${prod.date1}_${prod.date2} ${i + 1}/${M}` });
      }
      for (const [kind, w] of writers) {
        w.commit();
        outputs.push(join(dir, STACK_FILE[kind]));
      }
    } catch (e) {
      for (const w of writers.values()) w.abort();
      throw e;
    }
  } finally {
    for (const p of products) p.close();
  }
  for (const o of outputs) ctx.log(`wrote ${o}`);
  return {
    outputs,
    summary: {
      processor: 'nisar',
      numPairs: M,
      numDates: s.dates.length,
      startDate: s.dates[0],
      endDate: s.dates[s.dates.length - 1],
      length: L,
      width: W,
      EPSG: s.attrs.EPSG,
      X_FIRST: s.attrs.X_FIRST,
      Y_FIRST: s.attrs.Y_FIRST,
      commonValidPixels: nKeep,
      seconds: pyFloat((Date.now() - t0) / 1000),
    },
  };
}
