/**
 * correct_topography (MintPy 1.5.1 dem_error.py via smallbaselineApp): estimate the DEM error of every pixel
 * of timeseries.h5 and write demErr.h5, timeseries_demErr.h5 and timeseriesResidual.h5.
 * Row tiles run on the worker pool as `DemErrTask`s (topography/demErrTask.ts), checkpointed so a killed run resumes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { H5Reader, H5Writer, type Attrs } from '../formats/h5';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import type { Template } from '../config/template';
import { demErrorDefoDesign, demErrorTbase, type DemErrorModel } from '../../common/topography/demError';
import type { DemErrTask } from '../topography/demErrTask';
import { defaultWorkers } from '../pipeline/pool';
import { planTiles, tileBudgetBytes } from '../pipeline/tiles';
import { runTiledStep } from '../pipeline/tiledRun';
import { cancelPoint } from '../pipeline/cancelPoint';

/** MintPy's time-series files of the chain this project writes, in order (existing or not). */
export function timeseriesChainNames(template: Template): string[] {
  const out = ['timeseries.h5'];
  if (template.bool('mintpy.topographicResidual')) out.push('timeseries_demErr.h5');
  return out;
}

/** The chain's files that exist in workDir (velocity reads the last one, reference_date rewrites all). */
export function timeseriesChainFiles(workDir: string, template: Template): string[] {
  return timeseriesChainNames(template)
    .map((f) => join(workDir, f))
    .filter((p) => existsSync(p));
}

/** The geometry file load_data wrote: inputs/geometryGeo.h5 or inputs/geometryRadar.h5. */
export function geometryFileOf(workDir: string): string | null {
  for (const f of ['geometryGeo.h5', 'geometryRadar.h5']) {
    const p = join(workDir, 'inputs', f);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Python list repr of strings, e.g. "['exclude_date.txt']". */
const pyList = (xs: string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** 'no'/'none'/'' → []; else comma/space separated items (dates or a .txt file name). */
function listValue(v: string): string[] {
  const s = v.trim();
  if (!s || ['no', 'none', 'false', 'auto'].includes(s.toLowerCase())) return [];
  return s.split(/[,\s]+/).filter(Boolean);
}

/** MintPy ptime.read_date_list: items ending .txt/.cfg/.dat are files of dates (missing files ignored). */
export function readDateList(items: string[], workDir: string): string[] {
  const out = new Set<string>();
  for (const d of items) {
    if (/\.(txt|cfg|dat)$/.test(d)) {
      const p = d.startsWith('/') ? d : join(workDir, d);
      if (!existsSync(p)) continue;
      for (const line of readFileSync(p, 'utf8').split(/\r?\n/)) {
        const t = line.trim();
        if (t) out.add(t.length === 6 ? `20${t}` : t);
      }
    } else out.add(d.length === 6 ? `20${d}` : d);
  }
  return [...out].sort();
}

export interface DemErrOptions {
  polyOrder: number;
  phaseVelocity: boolean;
  /** read but ignored by MintPy 1.5.1 */
  stepFuncDate: string[];
  excludeDate: string[];
  pixelwiseGeometry: boolean;
}

export function demErrOptions(t: Template): DemErrOptions {
  const k = 'mintpy.topographicResidual.';
  const po = t.num(`${k}polyOrder`);
  const polyOrder = po === null ? 2 : po;
  if (!Number.isInteger(polyOrder) || polyOrder < 0)
    throw new InputError(`${t.path}: ${k}polyOrder must be a non-negative integer, got "${t.get(`${k}polyOrder`)}"`);
  return {
    polyOrder,
    phaseVelocity: t.bool(`${k}phaseVelocity`),
    stepFuncDate: listValue(t.get(`${k}stepFuncDate`)),
    excludeDate: listValue(t.get(`${k}excludeDate`)),
    pixelwiseGeometry: t.bool(`${k}pixelwiseGeometry`),
  };
}

/** Scene-centre incidence angle [deg] and slant range [m] from the attributes (MintPy ut.incidence_angle / range_distance, dimension 0). */
export function sceneGeometry(attrs: Attrs, file: string): { incAngle: number; rangeDist: number } {
  const need = ['STARTING_RANGE', 'RANGE_PIXEL_SIZE', 'EARTH_RADIUS', 'HEIGHT', 'WIDTH'];
  for (const k of need)
    if (attrs[k] === undefined || String(attrs[k]).trim() === '' || !Number.isFinite(Number(attrs[k])))
      throw new InputError(
        `${file}: attribute ${k} missing or not a number (needed for the scene geometry of the DEM error)`,
      );
  const rn = Number(attrs.STARTING_RANGE);
  const dR = Number(attrs.RANGE_PIXEL_SIZE);
  const r = Number(attrs.EARTH_RADIUS);
  const H = Number(attrs.HEIGHT);
  const width = Number(attrs.WIDTH);
  const inc = (R: number) => ((Math.PI - Math.acos((r ** 2 + R ** 2 - (r + H) ** 2) / (2 * r * R))) * 180.0) / Math.PI;
  const incAngle = (inc(rn) + inc(rn + dR * width)) / 2.0;
  const rangeDist = (rn + dR * (width - 1) + rn) / 2.0;
  return { incAngle, rangeDist };
}

export async function correctTopography(ctx: StepContext): Promise<StepResult> {
  const t = ctx.template;
  if (!t.bool('mintpy.topographicResidual')) {
    ctx.log('correct_topography: mintpy.topographicResidual = no, nothing to do');
    return { outputs: [], summary: { skipped: true } };
  }
  const opts = demErrOptions(t);
  const tsFile = join(ctx.workDir, 'timeseries.h5');
  if (!existsSync(tsFile)) throw new InputError(`${tsFile}: not found (run invert_network first)`);
  const outFile = join(ctx.workDir, 'timeseries_demErr.h5');
  const demFile = join(ctx.workDir, 'demErr.h5');
  const resFile = join(ctx.workDir, 'timeseriesResidual.h5');

  const ts = await H5Reader.open(tsFile);
  const geomPath = opts.pixelwiseGeometry ? geometryFileOf(ctx.workDir) : null;
  if (opts.pixelwiseGeometry && !geomPath)
    throw new InputError(
      `${join(ctx.workDir, 'inputs')}: no geometryGeo.h5 / geometryRadar.h5 (needed by pixelwiseGeometry = yes)`,
    );
  const geom = geomPath ? await H5Reader.open(geomPath) : null;
  const tcohPath = join(ctx.workDir, 'temporalCoherence.h5');
  let writers: H5Writer[] = [];
  try {
    const attrs = ts.attrs;
    if (!ts.has('timeseries') || !ts.has('date')) throw new InputError(`${tsFile}: no "timeseries" / "date" dataset`);
    const dates = ts.readStrings('date');
    const [N, length, width] = ts.shape('timeseries');
    if (N !== dates.length) throw new InputError(`${tsFile}: ${dates.length} dates but timeseries has ${N}`);
    const refDate = attrs.REF_DATE ?? dates[0];
    const refIndex = dates.indexOf(refDate);
    if (refIndex < 0) throw new InputError(`${tsFile}: REF_DATE ${refDate} is not among the dates`);
    if (!ts.has('bperp')) throw new InputError(`${tsFile}: no "bperp" dataset (needed by the DEM error)`);
    const bperp = Float32Array.from(ts.read('bperp') as ArrayLike<number>);
    const b0 = bperp[refIndex];
    const pbase = Float64Array.from(bperp, (b) => Math.fround(b - b0));

    const exclude = readDateList(opts.excludeDate, ctx.workDir);
    const dateFlag = dates.map((d) => !exclude.includes(d));
    const nKept = dateFlag.filter(Boolean).length;
    if (opts.polyOrder > nKept)
      throw new InputError(
        `${t.path}: mintpy.topographicResidual.polyOrder ${opts.polyOrder} > number of acquisitions ${nKept}; reduce it`,
      );
    if (exclude.length)
      ctx.log(`correct_topography: excluding ${exclude.length} date(s) from the estimation: ${exclude.join(' ')}`);
    if (opts.stepFuncDate.length) ctx.log('correct_topography: stepFuncDate is ignored, as in MintPy 1.5.1');

    const model: DemErrorModel = { polyOrder: opts.polyOrder, periodic: [], phaseVelocity: opts.phaseVelocity };
    const { G, P } = demErrorDefoDesign(dates, model, Number(attrs.CENTER_LINE_UTC ?? 0) || 0);
    const tbase = demErrorTbase(dates);

    // geometry: pixelwise from the geometry file (when it has incidenceAngle), else the scene centre
    let pixelwise = false;
    let scene: { incAngle: number; rangeDist: number } | null = null;
    if (geom && geom.has('incidenceAngle')) {
      if (!geom.has('slantRangeDistance'))
        throw new InputError(`${geom.path}: no "slantRangeDistance" dataset (needed by pixelwiseGeometry = yes)`);
      pixelwise = true;
    } else scene = sceneGeometry(attrs, tsFile);
    const bperp3d = geom && geom.has('bperp') && geom.shape('bperp').length === 3 && geom.shape('bperp')[0] === N;

    const paramAttrs: Attrs = {
      'mintpy.topographicResidual.polyOrder': String(opts.polyOrder),
      'mintpy.topographicResidual.phaseVelocity': opts.phaseVelocity ? 'True' : 'False',
      'mintpy.topographicResidual.stepFuncDate': pyList(opts.stepFuncDate),
      'mintpy.topographicResidual.excludeDate': pyList(opts.excludeDate),
    };
    const meta: Attrs = { ...attrs, START_DATE: dates[0], END_DATE: dates[N - 1], ...paramAttrs };
    const wDem = await H5Writer.create(demFile, { ...meta, FILE_TYPE: 'dem', UNIT: 'm' });
    writers.push(wDem);
    const wCor = await H5Writer.create(outFile, { ...meta, FILE_TYPE: 'timeseries' });
    writers.push(wCor);
    const wRes = await H5Writer.create(resFile, { ...meta, FILE_TYPE: 'timeseries' });
    writers.push(wRes);
    wDem.createEmpty('dem', { shape: [length, width], dtype: '<f4' });
    for (const w of [wCor, wRes]) {
      w.write('date', dates, [N]);
      w.write('bperp', bperp, [N]);
      w.createEmpty('timeseries', { shape: [N, length, width], dtype: '<f4' });
    }

    const base: Omit<DemErrTask, 'r0' | 'r1'> = {
      kind: 'demErr',
      timeseriesFile: tsFile,
      width,
      numDates: N,
      pbase: Array.from(pbase),
      refIndex,
      geometryFile: geomPath,
      pixelwise,
      bperp3d: Boolean(bperp3d),
      scene,
      tcohFile: existsSync(tcohPath) ? tcohPath : null,
      dateFlag,
      Gdefo: Array.from(G),
      P,
      phaseVelocity: opts.phaseVelocity,
      tbase: Array.from(tbase),
    };
    // row tiles on the worker pool, checkpointed like invert_network (a killed run resumes)
    const numWorkers = ctx.numWorkers ?? defaultWorkers();
    const tiles = planTiles(
      length,
      4 * width * N * 3,
      tileBudgetBytes(ctx, numWorkers),
      numWorkers > 1 ? numWorkers * 2 : 1,
    );
    const st = statSync(tsFile);
    const { checkpoint } = await runTiledStep(
      ctx,
      'correct_topography',
      tiles,
      { base, f: [st.size, st.mtimeMs] },
      (tl) => ({ ...base, r0: tl.r0, r1: tl.r1 }),
      numWorkers,
    );
    let numEstimated = 0;
    for (const tl of tiles) {
      await cancelPoint(ctx.signal);
      const out = checkpoint.load(tl.index);
      numEstimated += out.numEstimated[0];
      wDem.writeRows('dem', tl.r0, out.dem);
      wCor.writeRows('timeseries', tl.r0, out.tsCor);
      wRes.writeRows('timeseries', tl.r0, out.tsRes);
    }
    for (const w of writers) w.commit();
    writers = [];
    checkpoint.clear();
    ctx.log(
      `correct_topography: ${numEstimated} of ${length * width} pixels estimated (${pixelwise ? 'pixelwise' : 'scene-centre'} geometry)`,
    );
    return {
      outputs: [demFile, outFile, resFile],
      summary: {
        numEstimated,
        numPixels: length * width,
        pixelwiseGeometry: pixelwise,
        excludeDate: exclude,
        polyOrder: opts.polyOrder,
      },
    };
  } finally {
    for (const w of writers) w.abort();
    ts.close();
    geom?.close();
  }
}

export const correctTopographyStep = defineStep({
  name: 'correct_topography',
  description: 'DEM error of every pixel, removed from the time series (mintpy.topographicResidual.*)',
  run: correctTopography,
  skip: (t) => (t.bool('mintpy.topographicResidual') ? null : 'mintpy.topographicResidual = no'),
  keys: ['mintpy.topographicResidual', 'mintpy.topographicResidual.*'],
  reads: ['timeseries.h5', 'inputs/geometryGeo.h5', 'temporalCoherence.h5'],
  writes: ['demErr.h5', 'timeseries_demErr.h5', 'timeseriesResidual.h5'],
  layers: [
    {
      file: 'timeseries_demErr.h5',
      dataset: 'timeseries',
      label: 'Displacement, DEM error corrected',
      kind: 'timeseries',
    },
    { file: 'demErr.h5', dataset: 'dem', label: 'DEM error', kind: 'map' },
  ],
  tiled: 'demErr',
});
