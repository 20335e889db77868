/**
 * velocity (MintPy timeseries2velocity.py): fit the `mintpy.timeFunc.*` model to the last time-series file
 * of the chain, tile by tile on the worker pool, and write velocity.h5 with every dataset MintPy writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { H5Reader, H5Writer, type Attrs } from '../formats/h5';
import { defaultWorkers } from '../pipeline/pool';
import { planTiles, tileBudgetBytes } from '../pipeline/tiles';
import { runTiledStep } from '../pipeline/tiledRun';
import type { FitTask } from '../pipeline/fitTask';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { selectDates } from '../../common/timefunc/design';
import {
  datasetSpecs,
  parseTimeFuncOptions,
  timeFuncAttributes,
  validateModel,
  type TimeFuncOptions,
  type UncertaintyMethod,
} from '../../common/timefunc/model';
import { MINTPY_DEFAULTS } from '../../common/config/defaults';
import type { Template } from '../config/template';
import { timeseriesChainFiles } from './correctTopography';
import { statSync } from 'node:fs';
import { cancelPoint } from '../pipeline/cancelPoint';

/** The time-series file velocity uses: the last of MintPy's chain (timeseries.h5 → timeseries_demErr.h5 …) for this template. */
export function timeseriesFileOf(workDir: string, template: Template): string {
  const found = timeseriesChainFiles(workDir, template);
  if (!found.length) throw new InputError(`${join(workDir, 'timeseries.h5')}: not found (run invert_network first)`);
  return found[found.length - 1];
}

/** Dates listed in exclude-date text files (one YYYYMMDD per line, MintPy's exclude_date.txt). */
function readDateFiles(workDir: string, names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const p = n.startsWith('/') ? n : join(workDir, n);
    if (!existsSync(p)) continue;
    for (const line of readFileSync(p, 'utf8').split(/\r?\n/)) {
      const d = line.split('#')[0].trim().split(/\s+/)[0];
      if (d) out.push(d);
    }
  }
  return out;
}

/**
 * The attributes MintPy's readfile.read_attribute adds to a file's own when timeseries2velocity reads them (and
 * so writes into velocity.h5): DATA_TYPE of the data, PROCESSOR 'mintpy' if absent, NO_DATA_VALUE as
 * str(value).lower() ('none' if absent), OG_FILE_PATH = the file's own FILE_PATH (if any, once) and FILE_PATH
 * = the absolute path read.
 */
function readAttributeExtras(attrs: Attrs, path: string, dtype: string): Attrs {
  const out: Attrs = { ...attrs };
  out.DATA_TYPE =
    ({ '<f': 'float32', '<d': 'float64', '<f4': 'float32', '<f8': 'float64' } as Record<string, string>)[dtype] ??
    'float32';
  out.PROCESSOR ??= 'mintpy';
  out.NO_DATA_VALUE = attrs.NO_DATA_VALUE === undefined ? 'none' : String(attrs.NO_DATA_VALUE).toLowerCase();
  if (attrs.FILE_PATH !== undefined && attrs.OG_FILE_PATH === undefined) out.OG_FILE_PATH = attrs.FILE_PATH;
  out.FILE_PATH = resolve(path);
  return out;
}

/**
 * The `mintpy.timeFunc.*` settings of the fit and the dates excluded (the keys' list plus the dates of
 * exclude_date.txt-style files in the work directory): shared by the velocity step and the edit preview.
 */
export function timeFuncSettings(
  t: Template,
  workDir: string,
  log: (m: string) => void = () => {},
): { opts: TimeFuncOptions & { uncertainty: UncertaintyMethod }; excludeDate: string[] } {
  const values: Record<string, string> = {};
  for (const k of Object.keys(MINTPY_DEFAULTS)) if (k.startsWith('mintpy.timeFunc.')) values[k] = t.get(k);
  const opts = parseTimeFuncOptions(values);
  if (opts.uncertainty === 'covariance') {
    log('velocity: uncertaintyQuantification = covariance needs a time-series covariance file; using residue');
    opts.uncertainty = 'residue';
  }
  return {
    opts: opts as TimeFuncOptions & { uncertainty: UncertaintyMethod },
    excludeDate: [...opts.excludeDate, ...readDateFiles(workDir, opts.excludeDateFiles)],
  };
}

export async function velocity(ctx: StepContext): Promise<StepResult> {
  const t = ctx.template;
  const { opts, excludeDate } = timeFuncSettings(t, ctx.workDir, ctx.log);

  const tsFile = timeseriesFileOf(ctx.workDir, t);
  const h5 = await H5Reader.open(tsFile);
  let attrs: Attrs, dates: string[], shape: number[], dtype: string;
  try {
    attrs = h5.attrs;
    dates = h5.readStrings('date');
    shape = h5.shape('timeseries');
    dtype = h5.info('timeseries').dtype;
  } finally {
    h5.close();
  }
  const [N, length, width] = shape;
  if (N !== dates.length) throw new InputError(`${tsFile}: ${dates.length} dates but timeseries has ${N}`);
  const sel = selectDates(dates, { startDate: opts.startDate, endDate: opts.endDate, excludeDate });
  if (sel.used.length < 2)
    throw new InputError(`velocity: only ${sel.used.length} date(s) left after startDate/endDate/excludeDate`);
  const model = validateModel(opts.model, sel.used); // clear error before any work (e.g. step date outside the range)
  const specs = datasetSpecs(model, opts.uncertainty);
  const refYX: [number, number] | null = attrs.REF_Y !== undefined ? [Number(attrs.REF_Y), Number(attrs.REF_X)] : null;

  const numWorkers = ctx.numWorkers ?? defaultWorkers();
  const tiles = planTiles(
    length,
    width * 4 * (N + specs.length),
    tileBudgetBytes(ctx, numWorkers),
    numWorkers > 1 ? numWorkers * 2 : 1,
  );
  const base: Omit<FitTask, 'r0' | 'r1'> = {
    kind: 'fit',
    timeseriesFile: tsFile,
    dataset: 'timeseries',
    width,
    dates,
    startDate: opts.startDate,
    endDate: opts.endDate,
    excludeDate,
    model,
    centerLineUtc: Number(attrs.CENTER_LINE_UTC ?? 0) || 0,
    uncertainty: opts.uncertainty,
    bootstrapCount: opts.bootstrapCount,
    seed: 0,
    refYX,
  };
  const st = statSync(tsFile);
  const { checkpoint } = await runTiledStep(
    ctx,
    'velocity',
    tiles,
    { base, f: [st.size, st.mtimeMs] },
    (tl) => ({ ...base, r0: tl.r0, r1: tl.r1 }),
    numWorkers,
  );

  const out = join(ctx.workDir, 'velocity.h5');
  const first = sel.used[0];
  const last = sel.used[sel.used.length - 1];
  const w = await H5Writer.create(out, {
    ...readAttributeExtras(attrs, tsFile, dtype),
    FILE_TYPE: 'velocity',
    UNIT: 'm/year',
    START_DATE: first,
    END_DATE: last,
    DATE12: `${first}_${last}`,
    REF_DATE: attrs.REF_DATE ?? dates[0],
    ...timeFuncAttributes({ ...opts, model }),
  });
  try {
    for (const s of specs) w.createEmpty(s.name, { shape: [length, width], dtype: '<f4', attrs: { UNIT: s.unit } });
    for (const tl of tiles) {
      await cancelPoint(ctx.signal);
      const r = checkpoint.load(tl.index);
      for (const s of specs) w.writeRows(s.name, tl.r0, r[s.name]);
    }
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
  checkpoint.clear();
  return {
    outputs: [out],
    summary: { datesUsed: sel.used.length, datasets: specs.map((s) => s.name), tiles: tiles.length },
  };
}

export const velocityStep = defineStep({
  name: 'velocity',
  description: "fit the mintpy.timeFunc.* model to the chain's last time series (timeseries_demErr.h5 …)",
  run: velocity,
  keys: ['mintpy.timeFunc.*'],
  reads: ["the chain's last time-series file", 'exclude_date.txt'],
  writes: ['velocity.h5'],
  layers: [
    { file: 'velocity.h5', dataset: 'velocity', label: 'Velocity', kind: 'map' },
    { file: 'velocity.h5', dataset: 'velocityStd', label: 'Velocity std. dev.', kind: 'map' },
  ],
  tiled: 'fit',
});
