/**
 * CSV exports: the time series (or a 2-D map's value) at chosen lat/lon points and the reference pixel,
 * and a point table of the masked velocity (lat, lon, velocity, std, temporal coherence), optionally only
 * inside a polygon. Values are written as stored (m, m/year); float32 values with 9 significant digits
 * (they read back to the same float32). Missing values are empty fields.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { H5Reader } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { rowColToLatLonGeo as rowColToLatLon, userLatLonToRowCol } from '../../common/geo/gridCoords';
import { InputError } from '../../common/pipeline/types';
import { seriesToDate } from '../../common/derived/displayReference';
import { writeFileAtomic } from './atomic';
import { defaultDataset, defaultMaskFile, readDates, readMap, readMask } from './source';

/** float32 → shortest text that reads back to the same float32; '' for NaN. */
export function f32(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '' : String(v);
  return String(Number(v.toPrecision(9)));
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

import { pointInPolygon } from '../../common/util/polygon';
export { pointInPolygon };

export interface PointSpec {
  name: string;
  lat: number;
  lon: number;
}

export interface PointSeries extends PointSpec {
  row: number;
  col: number;
  /** centre of the pixel the point falls in */
  pixelLat: number;
  pixelLon: number;
  /** one value per date (time series) or a single value (2-D file) */
  values: Float32Array;
}

function locate(file: string, g: GeoGrid, p: PointSpec): [number, number] {
  const [row, col] = userLatLonToRowCol(g, p.lat, p.lon);
  if (row < 0 || col < 0 || row >= g.length || col >= g.width)
    throw new InputError(`${file}: point ${p.name} (${p.lat}, ${p.lon}) is outside the grid`);
  return [row, col];
}

/**
 * Values at points: for a time series all dates, for a 2-D file its dataset (default: the main one).
 * With `includeRef`, the reference pixel (REF_Y/REF_X) is added first as point 'ref'.
 */
export async function readPoints(
  file: string,
  points: PointSpec[],
  opts: { dataset?: string; includeRef?: boolean; refDate?: string } = {},
): Promise<{ dates: string[] | null; dataset: string; unit: string; series: PointSeries[]; refDate: string | null }> {
  const h5 = await H5Reader.open(file);
  try {
    const attrs = h5.attrs;
    const g = gridOf(attrs, file);
    if (!g) throw new InputError(`${file}: not geocoded (no X_FIRST/Y_FIRST): lat/lon points need a geocoded file`);
    const dates = readDates(h5);
    const iref = refDateOf(file, dates, opts.refDate);
    const dataset = dates ? 'timeseries' : (opts.dataset ?? defaultDataset(attrs.FILE_TYPE ?? '', h5.keys()));
    if (!h5.has(dataset)) throw new InputError(`${file}: no dataset "${dataset}"`);
    const unit = (dates ? attrs.UNIT : (h5.info(dataset).attrs.UNIT ?? attrs.UNIT)) ?? '';
    const all = [...points];
    if (opts.includeRef && attrs.REF_Y !== undefined && attrs.REF_X !== undefined) {
      const [lat, lon] = rowColToLatLon(g, Number(attrs.REF_Y), Number(attrs.REF_X));
      all.unshift({ name: 'ref', lat, lon });
    }
    const series = all.map((p) => {
      const [row, col] = locate(file, g, p);
      const block = h5.readRows(dataset, row, row + 1);
      const n = dates ? dates.length : 1;
      const stored = new Float32Array(n);
      for (let k = 0; k < n; k++) stored[k] = block[k * g.width + col];
      // relative to the reference date: each value minus the pixel's own value on that date (float32)
      const values = seriesToDate(stored, iref);
      const [pixelLat, pixelLon] = rowColToLatLon(g, row, col);
      return { ...p, row, col, pixelLat, pixelLon, values };
    });
    return { dates, dataset, unit, series, refDate: iref === null ? null : opts.refDate! };
  } finally {
    h5.close();
  }
}

/**
 * The index of a reference date among a time series' dates (MintPy's `--ref-date`), null without one; an
 * InputError naming the file when the file is no time series or the date is not one of its dates.
 */
function refDateOf(file: string, dates: string[] | null, refDate: string | undefined): number | null {
  if (!refDate) return null;
  if (!dates) throw new InputError(`${file}: not a time series: a reference date applies to time series only`);
  const i = dates.indexOf(refDate);
  if (i < 0)
    throw new InputError(`${file}: reference date ${refDate} is not one of its dates (${dates[0]} … ${dates.at(-1)})`);
  return i;
}

/** The file-name part that says a CSV is relative to a reference date: `_refYYYYMMDD`, or nothing. */
export const refDateSuffix = (refDate: string | null | undefined): string => (refDate ? `_ref${refDate}` : '');

/** A value column's header: `value[m]`, relative to a reference date `value[m] relative to YYYYMMDD`. */
const valueHeader = (name: string, unit: string, refDate: string | null) =>
  `${name}[${unit}]${refDate ? ` relative to ${refDate}` : ''}`;

export interface PointsCsvOptions {
  file: string;
  points: PointSpec[];
  dataset?: string;
  /** a time series relative to this date (YYYYMMDD): each value minus the pixel's own value then (tsview --ref-date) */
  refDate?: string;
  /** add the reference pixel as point 'ref' (default true) */
  includeRef?: boolean;
  out?: string;
}

/**
 * Long-format CSV: `point,lat,lon,row,col,date,value[unit]` for a time series (one line per point and
 * date), `point,lat,lon,row,col,<dataset>[unit]` for a 2-D file. lat/lon are the pixel centres.
 */
export async function writePointsCsv(opts: PointsCsvOptions): Promise<{ path: string; rows: number }> {
  const r = await readPoints(opts.file, opts.points, {
    dataset: opts.dataset,
    includeRef: opts.includeRef ?? true,
    refDate: opts.refDate,
  });
  const head = ['point', 'lat', 'lon', 'row', 'col'];
  const rows: string[][] = [];
  let header: string[];
  const pos = (s: PointSeries): string[] => [
    s.name,
    String(+s.pixelLat.toFixed(9)),
    String(+s.pixelLon.toFixed(9)),
    String(s.row),
    String(s.col),
  ];
  if (r.dates) {
    header = [...head, 'date', valueHeader('value', r.unit, r.refDate)];
    for (const s of r.series) r.dates.forEach((d, k) => rows.push([...pos(s), d, f32(s.values[k])]));
  } else {
    header = [...head, `${r.dataset}[${r.unit}]`];
    for (const s of r.series) rows.push([...pos(s), f32(s.values[0])]);
  }
  const fbase = basename(opts.file, extname(opts.file));
  const out = resolve(opts.out ?? join(dirname(opts.file), `${fbase}_points${refDateSuffix(r.refDate)}.csv`));
  writeFileAtomic(out, toCsv(header, rows));
  return { path: out, rows: rows.length };
}

export interface VelocityRow {
  lat: number;
  lon: number;
  row: number;
  col: number;
  velocity: number;
  velocityStd: number;
  temporalCoherence: number;
}

export interface VelocityTableOptions {
  /** velocity.h5 */
  file: string;
  /** default MintPy's (maskTempCoh.h5 beside the file); false = every non-NaN pixel */
  mask?: string | false;
  /** default temporalCoherence.h5 beside the file (column left empty if absent) */
  tcohFile?: string | false;
  /** keep only pixels whose centre is inside this polygon ([lat, lon] vertices) */
  polygon?: [number, number][];
}

/** Masked velocity pixels as rows (row-major order). */
export async function velocityTable(
  opts: VelocityTableOptions,
): Promise<{ rows: VelocityRow[]; unit: string; maskFile: string | null }> {
  const h5 = await H5Reader.open(opts.file);
  let v: Float32Array;
  let s: Float32Array | null;
  let unit: string;
  const attrs = h5.attrs;
  try {
    if (!h5.has('velocity')) throw new InputError(`${opts.file}: no "velocity" dataset (not a velocity file)`);
    v = Float32Array.from(h5.read('velocity'));
    s = h5.has('velocityStd') ? Float32Array.from(h5.read('velocityStd')) : null;
    unit = h5.info('velocity').attrs.UNIT ?? attrs.UNIT ?? 'm/year';
  } finally {
    h5.close();
  }
  const g = gridOf(attrs, opts.file);
  if (!g) throw new InputError(`${opts.file}: not geocoded (no X_FIRST/Y_FIRST)`);
  const maskFile = opts.mask === false ? null : (opts.mask ?? defaultMaskFile(opts.file, 'velocity'));
  const mask = maskFile ? await readMask(maskFile, g.length, g.width) : null;
  const tcohPath = opts.tcohFile === false ? null : (opts.tcohFile ?? join(dirname(opts.file), 'temporalCoherence.h5'));
  let tcoh: Float32Array | null = null;
  if (tcohPath && existsSync(tcohPath)) {
    const t = await H5Reader.open(tcohPath);
    try {
      tcoh = Float32Array.from(t.read(t.has('temporalCoherence') ? 'temporalCoherence' : t.keys()[0]));
    } finally {
      t.close();
    }
    if (tcoh.length !== v.length) throw new InputError(`${tcohPath}: size differs from ${opts.file}`);
  }
  const rows: VelocityRow[] = [];
  for (let r = 0; r < g.length; r++)
    for (let c = 0; c < g.width; c++) {
      const i = r * g.width + c;
      if ((mask && !mask[i]) || !Number.isFinite(v[i])) continue;
      const [lat, lon] = rowColToLatLon(g, r, c);
      if (opts.polygon && !pointInPolygon(lat, lon, opts.polygon)) continue;
      rows.push({
        lat,
        lon,
        row: r,
        col: c,
        velocity: v[i],
        velocityStd: s ? s[i] : NaN,
        temporalCoherence: tcoh ? tcoh[i] : NaN,
      });
    }
  return { rows, unit, maskFile };
}

/** `lat,lon,row,col,velocity[u],velocityStd[u],temporalCoherence` of the masked pixels. */
export async function writeVelocityCsv(
  opts: VelocityTableOptions & { out?: string },
): Promise<{ path: string; rows: number }> {
  const t = await velocityTable(opts);
  const header = ['lat', 'lon', 'row', 'col', `velocity[${t.unit}]`, `velocityStd[${t.unit}]`, 'temporalCoherence'];
  const rows = t.rows.map((r) => [
    String(+r.lat.toFixed(9)),
    String(+r.lon.toFixed(9)),
    String(r.row),
    String(r.col),
    f32(r.velocity),
    f32(r.velocityStd),
    f32(r.temporalCoherence),
  ]);
  const fbase = basename(opts.file, extname(opts.file));
  const out = resolve(opts.out ?? join(dirname(opts.file), `${fbase}_table.csv`));
  writeFileAtomic(out, toCsv(header, rows));
  return { path: out, rows: rows.length };
}

/**
 * `insar-studio export csv <file> --table [--dataset D]`: the velocity table for a velocity file's velocity,
 * else `lat,lon,row,col,<dataset>[unit]` of one map (readMap's dataset names: a date of a time series,
 * `ds-date12` for a pair), masked by MintPy's default mask for the file (maskTempCoh.h5 beside velocity and
 * time-series files) unless `mask` says otherwise, optionally only inside a polygon. NaN pixels are left out.
 */
export async function writeTableCsv(
  opts: VelocityTableOptions & {
    dataset?: string;
    out?: string;
    /** a date of a time series relative to this date (YYYYMMDD): each pixel minus its own value then */
    refDate?: string;
  },
): Promise<{ path: string; rows: number }> {
  const isVelocity = async () => {
    const h = await H5Reader.open(opts.file);
    try {
      return h.has('velocity') && (h.attrs.FILE_TYPE ?? 'velocity') === 'velocity';
    } finally {
      h.close();
    }
  };
  if ((opts.dataset === undefined || opts.dataset === 'velocity') && !opts.refDate && (await isVelocity()))
    return writeVelocityCsv(opts);
  let m = await readMap(opts.file, opts.dataset);
  const name = m.dataset;
  if (opts.refDate) {
    if (m.fileType !== 'timeseries')
      throw new InputError(`${opts.file}: not a time series: a reference date applies to time series only`);
    // readMap's REFDATE_DATE (MintPy readfile's date1_date2): the date relative to the reference date, float32
    m = await readMap(opts.file, `${opts.refDate}_${name}`);
  }
  const data = m.data;
  const g = m.grid;
  if (!g) throw new InputError(`${opts.file}: not geocoded (no X_FIRST/Y_FIRST)`);
  const maskFile = opts.mask === false ? null : (opts.mask ?? defaultMaskFile(opts.file, m.fileType));
  const mask = maskFile ? await readMask(maskFile, g.length, g.width) : null;
  const rows: string[][] = [];
  for (let r = 0; r < g.length; r++)
    for (let c = 0; c < g.width; c++) {
      const i = r * g.width + c;
      if ((mask && !mask[i]) || !Number.isFinite(data[i])) continue;
      const [lat, lon] = rowColToLatLon(g, r, c);
      if (opts.polygon && !pointInPolygon(lat, lon, opts.polygon)) continue;
      rows.push([String(+lat.toFixed(9)), String(+lon.toFixed(9)), String(r), String(c), f32(data[i])]);
    }
  const fbase = basename(opts.file, extname(opts.file));
  const ref = refDateSuffix(opts.refDate);
  const out = resolve(
    opts.out ?? join(dirname(opts.file), `${opts.dataset ? `${fbase}_${opts.dataset}` : fbase}${ref}_table.csv`),
  );
  writeFileAtomic(out, toCsv(['lat', 'lon', 'row', 'col', valueHeader(name, m.unit, opts.refDate ?? null)], rows));
  return { path: out, rows: rows.length };
}
