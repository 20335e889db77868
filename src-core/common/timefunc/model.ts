/**
 * Time-function model of MintPy's velocity step (mintpy-algorithms.md §6; MintPy 1.5.1 utils/time_func.py,
 * timeseries2velocity.py): polynomial, periodic, step, exponential and logarithmic terms, the template
 * options that describe them, their validation, and the names/units of the datasets written to velocity.h5.
 */
import { pyFloat } from '../util/pyfmt';
import { InputError } from '../pipeline/types';
import { decimalYear, parseDate, yyyymmdd } from '../time/dates';

export interface OnsetTerm {
  /** onset date YYYYMMDD or YYYYMMDDTHHMM */
  onset: string;
  /** characteristic times in integer days (fractions are dropped, as MintPy) */
  tau: number[];
}

export interface TimeFuncModel {
  /** polynomial degree: 1 = linear (velocity), 2 = + acceleration, … */
  polynomial: number;
  /** periods in years (1 = annual, 0.5 = semi-annual) */
  periodic: number[];
  /** Heaviside step dates YYYYMMDD */
  stepDate: string[];
  exp: OnsetTerm[];
  log: OnsetTerm[];
}

export type UncertaintyMethod = 'residue' | 'bootstrap';

export function defaultModel(): TimeFuncModel {
  return { polynomial: 1, periodic: [], stepDate: [], exp: [], log: [] };
}

/** Number of unknowns P (MintPy get_num_param). */
export function numParams(model: TimeFuncModel): number {
  return (
    model.polynomial +
    1 +
    2 * model.periodic.length +
    model.stepDate.length +
    model.exp.reduce((s, e) => s + e.tau.length, 0) +
    model.log.reduce((s, e) => s + e.tau.length, 0)
  );
}

export interface TimeFuncOptions {
  model: TimeFuncModel;
  startDate?: string;
  endDate?: string;
  /** dates to exclude (YYYYMMDD) */
  excludeDate: string[];
  /** exclude-date text files named in the option (e.g. exclude_date.txt): the caller reads those that exist */
  excludeDateFiles: string[];
  uncertainty: UncertaintyMethod | 'covariance';
  bootstrapCount: number;
  timeSeriesCovFile?: string;
}

const UNSET = new Set(['', 'no', 'none', 'false', 'auto', '[]']);
const isSet = (v: string | undefined): v is string => v !== undefined && !UNSET.has(v.trim().toLowerCase());
const strip = (v: string) => v.replace(/[[\]'"]/g, '').trim();

/**
 * Parse `mintpy.timeFunc.*` values (after 'auto' → default substitution; missing keys = defaults) as
 * MintPy's read_template2inps: periodic "1,0.5", stepDate "20180412,20190101", exp/log
 * "20181026,60,200;20190101,30" (also '/' or '|' between terms).
 */
export function parseTimeFuncOptions(values: Record<string, string | undefined>): TimeFuncOptions {
  const get = (k: string) => values[`mintpy.timeFunc.${k}`] ?? values[k];
  const model = defaultModel();
  const out: TimeFuncOptions = {
    model,
    excludeDate: [],
    excludeDateFiles: [],
    uncertainty: 'residue',
    bootstrapCount: 400,
  };
  const v = (k: string) => {
    const x = get(k);
    return isSet(x) ? strip(x) : undefined;
  };
  const sd = v('startDate');
  if (sd && isSet(sd)) out.startDate = yyyymmdd(sd);
  const ed = v('endDate');
  if (ed && isSet(ed)) out.endDate = yyyymmdd(ed);
  const ex: string | undefined = get('excludeDate');
  const exAuto = ex === undefined || ex.trim().toLowerCase() === 'auto';
  const exList = exAuto
    ? ['exclude_date.txt']
    : isSet(ex)
      ? strip(ex)
          .split(/[,\s]+/)
          .filter(Boolean)
      : [];
  for (const e of exList) {
    if (/\.(txt|cfg|dat)$/.test(e)) out.excludeDateFiles.push(e);
    else out.excludeDate.push(yyyymmdd(e));
  }
  const poly = v('polynomial');
  if (poly && isSet(poly)) {
    const p = Number(poly);
    if (!Number.isInteger(p) || p < 0)
      throw new InputError(`mintpy.timeFunc.polynomial = "${poly}" is not a non-negative integer`);
    model.polynomial = p;
  }
  const per = v('periodic');
  if (per && isSet(per)) {
    model.periodic = per
      .replace(/;/g, ',')
      .split(',')
      .map((s) => {
        const x = Number(s.trim());
        if (!Number.isFinite(x)) throw new InputError(`mintpy.timeFunc.periodic: "${s}" is not a number`);
        return x;
      });
  }
  const st = v('stepDate');
  if (st && isSet(st))
    model.stepDate = st
      .replace(/;/g, ',')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (const key of ['exp', 'log'] as const) {
    // MintPy's own attribute form "[['20180601', '60'], ['20180801', '30']]" → "20180601,60;20180801,30"
    const given = get(key);
    const raw = given && isSet(given) ? strip(given.replace(/\]\s*,\s*\[/g, ';')) : undefined;
    if (!raw || !isSet(raw)) continue;
    model[key] = raw
      .replace(/[/|]/g, ';')
      .split(';')
      .map((t) =>
        t
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .filter((t) => t.length > 0)
      .map((t) => ({ onset: t[0], tau: t.slice(1).map(Number) }));
  }
  const uq = v('uncertaintyQuantification');
  if (uq && isSet(uq)) {
    if (uq !== 'residue' && uq !== 'bootstrap' && uq !== 'covariance')
      throw new InputError(
        `mintpy.timeFunc.uncertaintyQuantification = "${uq}" (expected residue, covariance or bootstrap)`,
      );
    out.uncertainty = uq;
  }
  const bc = v('bootstrapCount');
  if (bc && isSet(bc)) out.bootstrapCount = Math.trunc(Number(bc));
  const cov = v('timeSeriesCovFile');
  if (cov && isSet(cov)) out.timeSeriesCovFile = cov;
  return out;
}

/** MintPy's yyyymmdd2years without seconds (used for step/exp/log onsets and date limits). */
const yearsOf = (d: string) => decimalYear(d, 0);

/**
 * MintPy's inps2model checks against the dates used: periods > 0; step dates strictly inside
 * (first, last); exp/log onsets before the last date and in YYYYMMDD(THHMM); characteristic times > 0
 * (fractions of a day are dropped). Returns a normalised copy; throws InputError with the reason.
 */
export function validateModel(model: TimeFuncModel, datesUsed: readonly string[]): TimeFuncModel {
  if (datesUsed.length === 0) throw new InputError('time function: no dates left to fit');
  if (!Number.isInteger(model.polynomial) || model.polynomial < 0)
    throw new InputError(`time function: polynomial degree ${model.polynomial} is not a non-negative integer`);
  const dmin = datesUsed[0];
  const dmax = datesUsed[datesUsed.length - 1];
  const ymin = yearsOf(dmin);
  const ymax = yearsOf(dmax);
  for (const p of model.periodic)
    if (!(p > 0)) throw new InputError(`time function: zero or negative period (${model.periodic.join(', ')}) found`);
  for (const s of model.stepDate) {
    let y: number;
    try {
      y = yearsOf(s);
    } catch {
      throw new InputError(`time function: step date "${s}" is not a date (YYYYMMDD)`);
    }
    if (!(ymin < y && y < ymax))
      throw new InputError(
        `time function: step date ${s} is outside the dates used (${dmin} … ${dmax}); it must lie strictly between them`,
      );
  }
  const norm = (terms: OnsetTerm[], name: string): OnsetTerm[] =>
    terms.map((t) => {
      if (!/^\d{8}(T\d{4})?$/.test(t.onset))
        throw new InputError(`time function: ${name} onset "${t.onset}" is not in YYYYMMDD(THHMM) format`);
      parseDate(t.onset);
      if (yearsOf(t.onset) >= ymax)
        throw new InputError(`time function: ${name} onset ${t.onset} is not before the last date ${dmax}`);
      if (t.tau.length === 0)
        throw new InputError(
          `time function: ${name} onset ${t.onset} has no characteristic time (days), e.g. "${t.onset},60"`,
        );
      for (const x of t.tau)
        if (!(x > 0))
          throw new InputError(
            `time function: zero or negative characteristic time (${t.tau.join(', ')}) for ${name} onset ${t.onset}`,
          );
      return { onset: t.onset, tau: t.tau.map((x) => Math.trunc(x)) };
    });
  const out: TimeFuncModel = {
    polynomial: model.polynomial,
    periodic: [...model.periodic],
    stepDate: [...model.stepDate],
    exp: norm(model.exp, 'exp'),
    log: norm(model.log, 'log'),
  };
  if (numParams(out) <= 1)
    throw new InputError('time function: no time functions specified (need at least polynomial 1 or another term)');
  return out;
}

/** Python's repr of a float as used in f'period{P}Y' (1 → "1.0", 0.25 → "0.25"). */
export const pyFloatRepr = pyFloat;

export interface DatasetSpec {
  name: string;
  unit: string;
  /** index into the parameter vector (−1 for derived datasets: amplitude/phase/residue) */
  param: number;
  kind: 'value' | 'std' | 'amplitude' | 'phase' | 'residue';
}

/**
 * Datasets of velocity.h5 in MintPy's order (model2hdf5_dataset + residue), with units.
 * `residue` is included only for the residue uncertainty method.
 */
export function datasetSpecs(
  model: TimeFuncModel,
  uncertainty: UncertaintyMethod | 'covariance' = 'residue',
): DatasetSpec[] {
  const out: DatasetSpec[] = [];
  const deg = model.polynomial;
  for (let i = 0; i <= deg; i++) {
    const [name, unit] =
      i === 0
        ? ['intercept', 'm']
        : i === 1
          ? ['velocity', 'm/year']
          : i === 2
            ? ['acceleration', 'm/year^2']
            : [`poly${i}`, `m/year^${i}`];
    out.push({ name, unit, param: i, kind: 'value' }, { name: `${name}Std`, unit, param: i, kind: 'std' });
  }
  let p0 = deg + 1;
  model.periodic.forEach((period, i) => {
    const base = period === 1 ? 'annual' : period === 0.5 ? 'semiAnnual' : `period${pyFloatRepr(period)}Y`;
    out.push({ name: `${base}Amplitude`, unit: 'm', param: p0 + 2 * i, kind: 'amplitude' });
    out.push({ name: `${base}Phase`, unit: 'radian', param: p0 + 2 * i, kind: 'phase' });
  });
  p0 += 2 * model.periodic.length;
  model.stepDate.forEach((d, i) => {
    out.push(
      { name: `step${d}`, unit: 'm', param: p0 + i, kind: 'value' },
      { name: `step${d}Std`, unit: 'm', param: p0 + i, kind: 'std' },
    );
  });
  p0 += model.stepDate.length;
  for (const key of ['exp', 'log'] as const) {
    for (const t of model[key]) {
      for (const tau of t.tau) {
        const name = `${key}${t.onset}Tau${tau}D`;
        out.push(
          { name, unit: 'm', param: p0, kind: 'value' },
          { name: `${name}Std`, unit: 'm', param: p0, kind: 'std' },
        );
        p0++;
      }
    }
  }
  if (uncertainty === 'residue') out.push({ name: 'residue', unit: 'm', param: -1, kind: 'residue' });
  return out;
}

/** The 11 `mintpy.timeFunc.*` attributes MintPy writes (Python str() of its inputs). */
export function timeFuncAttributes(opts: TimeFuncOptions): Record<string, string> {
  const pyList = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
  const m = opts.model;
  const exclude = [...opts.excludeDate, ...opts.excludeDateFiles];
  const onsetList = (ts: OnsetTerm[]) =>
    `[${ts.map((t) => `[${[t.onset, ...t.tau.map(String)].map((x) => `'${x}'`).join(', ')}]`).join(', ')}]`;
  return {
    'mintpy.timeFunc.startDate': opts.startDate ?? 'None',
    'mintpy.timeFunc.endDate': opts.endDate ?? 'None',
    'mintpy.timeFunc.excludeDate': pyList(exclude),
    'mintpy.timeFunc.polynomial': String(m.polynomial),
    'mintpy.timeFunc.periodic': `[${m.periodic.map(pyFloatRepr).join(', ')}]`,
    'mintpy.timeFunc.stepDate': pyList(m.stepDate),
    'mintpy.timeFunc.exp': onsetList(m.exp),
    'mintpy.timeFunc.log': onsetList(m.log),
    'mintpy.timeFunc.uncertaintyQuantification': opts.uncertainty,
    'mintpy.timeFunc.timeSeriesCovFile': opts.timeSeriesCovFile ?? 'None',
    'mintpy.timeFunc.bootstrapCount': String(opts.bootstrapCount),
  };
}

/**
 * Dates listed in an exclude-date text file such as exclude_date.txt (MintPy ptime.read_date_txt):
 * one date per line, empty lines ignored, YYMMDD expanded, sorted. The caller reads the file (if it
 * exists) and passes its text.
 */
export function parseDateListText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map(yyyymmdd)
    .sort();
}
