/**
 * reference_date (MintPy 1.5.1 reference_date.py via smallbaselineApp): ts −= ts[D] for every time-series
 * file of the chain and REF_DATE = D. Each file is rewritten whole into a temp file then renamed
 * (MintPy edits in place). D comes from `mintpy.reference.date`: a YYYYMMDD date, a text file of dates
 * (the earliest is used, as ptime.read_date_txt sorts) or an .h5 file's REF_DATE; 'no' or a missing
 * file skips the step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { H5Reader, H5Writer } from '../formats/h5';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { timeseriesChainFiles } from './correctTopography';
import { cancelPoint } from '../pipeline/cancelPoint';

/** The reference date the template asks for, or null when the step should be skipped. */
export async function readRefDate(value: string, workDir: string): Promise<string | null> {
  const v = value.trim();
  if (!v || ['no', 'none', 'false', 'auto'].includes(v.toLowerCase())) return null;
  if (/^\d+$/.test(v)) return v.length === 6 ? `20${v}` : v;
  const p = v.startsWith('/') ? v : join(workDir, v);
  if (!existsSync(p)) return null;
  if (p.endsWith('.h5')) {
    const h = await H5Reader.open(p);
    try {
      const d = h.attrs.REF_DATE;
      if (!d) throw new InputError(`${p}: no REF_DATE attribute`);
      return d;
    } finally {
      h.close();
    }
  }
  const ds = readFileSync(p, 'utf8')
    .split(/\r?\n/)
    .filter((x) => x)
    .map((x) => (x.length === 6 ? `20${x}` : x))
    .sort();
  if (!ds.length) throw new InputError(`${p}: no date in the file`);
  return ds[0];
}

/** Re-reference one time-series file to `refDate` (new file + rename). Returns false when nothing changed. */
export async function changeRefDate(file: string, refDate: string, signal?: AbortSignal): Promise<boolean> {
  const h = await H5Reader.open(file);
  let w: H5Writer | null = null;
  let open = true;
  try {
    const attrs = h.attrs;
    if (attrs.REF_DATE === refDate) return false;
    const dates = h.readStrings('date');
    const k = dates.indexOf(refDate);
    if (k < 0)
      throw new InputError(
        `${file}: reference date ${refDate} is not found among its dates (${dates[0]}…${dates[dates.length - 1]})`,
      );
    const [N, length, width] = h.shape('timeseries');
    w = await H5Writer.create(file, { ...attrs, REF_DATE: refDate, FILE_PATH: file });
    for (const name of h.keys()) {
      if (name === 'timeseries') continue;
      const info = h.info(name);
      if (name === 'date') w.write('date', dates, [N]);
      else w.write(name, h.read(name), info.shape, Object.keys(info.attrs).length ? info.attrs : undefined);
    }
    w.createEmpty('timeseries', { shape: [N, length, width], dtype: '<f4', attrs: h.info('timeseries').attrs });
    // blocks of ≈ 16 MB: each a short stretch of work between two cancel points
    const rows = Math.max(1, Math.floor(16e6 / (4 * width * N)));
    for (let r0 = 0; r0 < length; r0 += rows) {
      await cancelPoint(signal);
      const r1 = Math.min(length, r0 + rows);
      const n = (r1 - r0) * width;
      const d = Float32Array.from(h.readRows('timeseries', r0, r1) as ArrayLike<number>);
      const ref = d.slice(k * n, (k + 1) * n);
      for (let i = 0; i < N; i++) for (let p = 0; p < n; p++) d[i * n + p] -= ref[p];
      w.writeRows('timeseries', r0, d);
    }
    h.close();
    open = false;
    w.commit();
    w = null;
    return true;
  } finally {
    w?.abort();
    if (open) h.close();
  }
}

/** The reference date of the previous run's results (velocity.h5's REF_DATE, still there before velocity runs). */
async function previousRefDate(workDir: string): Promise<string | null> {
  const p = join(workDir, 'velocity.h5');
  if (!existsSync(p)) return null;
  try {
    const h = await H5Reader.open(p);
    try {
      return h.attrs.REF_DATE ?? null;
    } finally {
      h.close();
    }
  } catch {
    return null; // a broken or half-written file: no previous run to compare with
  }
}

/**
 * The run log's line when the reference date differs from the previous run's: MintPy's auto choice
 * (reference_date.txt, the date of least residual RMS among those not in exclude_date.txt) moves when the
 * excluded dates change, and every time series then reads relative to another date.
 */
export function refDateChangeNote(prev: string, next: string, value: string, workDir: string): string {
  const fromTxt = /reference_date\.txt$/.test(value.trim());
  const why = fromTxt
    ? existsSync(join(workDir, 'exclude_date.txt'))
      ? ` (${value.trim()}: the date of least residual RMS among the dates not in exclude_date.txt, as MintPy picks it)`
      : ` (${value.trim()}: the date of least residual RMS, as MintPy picks it)`
    : ` (mintpy.reference.date = ${value.trim()})`;
  return `reference_date: the reference date changed from ${prev} (previous run) to ${next}${why}; the time series and velocity are now relative to ${next}`;
}

export async function referenceDate(ctx: StepContext): Promise<StepResult> {
  const value = ctx.template.get('mintpy.reference.date');
  const refDate = await readRefDate(value, ctx.workDir);
  if (!refDate) {
    ctx.log(`reference_date: mintpy.reference.date = ${value}: no reference date, nothing to do`);
    return { outputs: [], summary: { skipped: true } };
  }
  const files = timeseriesChainFiles(ctx.workDir, ctx.template);
  if (!files.length)
    throw new InputError(`${join(ctx.workDir, 'timeseries.h5')}: not found (run invert_network first)`);
  const prev = await previousRefDate(ctx.workDir);
  const changed: string[] = [];
  for (const f of files) if (await changeRefDate(f, refDate, ctx.signal)) changed.push(f);
  ctx.log(`reference_date: ${refDate}; ${changed.length} file(s) re-referenced`);
  if (prev && prev !== refDate) ctx.log(refDateChangeNote(prev, refDate, value, ctx.workDir));
  return { outputs: changed, summary: { refDate, files, changed } };
}

export const referenceDateStep = defineStep({
  name: 'reference_date',
  description: 're-reference every time-series file of the chain to mintpy.reference.date (in place, as MintPy)',
  run: referenceDate,
  keys: ['mintpy.reference.date'],
  reads: ['reference_date.txt'],
  writes: ['timeseries.h5', 'timeseries_demErr.h5'],
});
