/**
 * GNSS files a desktop user can bring offline (docs/nisar-secular-validation.md §5): UNR/NGL `.tenv3`
 * daily series, UNR `DataHoldings.txt` station list, UNR MIDAS velocity lists, and the app's CSV formats.
 *
 * Units in what the parsers return: displacements in metres relative to the first epoch, velocities and
 * their σ in m/yr, dates YYYYMMDD, longitudes in (−180, 180].
 *
 * App CSV formats (comma-separated, one header line, columns found by name, case-insensitive):
 * - station list: `site,lat,lon[,ve,vn,vu,se,sn,su,start,end]` — velocities in m/yr, dates YYYYMMDD or
 *   YYYY-MM-DD; latitude is the column named lat/latitude (never guessed from the position);
 * - per-site series `<SITE>.csv`: `date,e,n,u[,se,sn,su]` in metres.
 * A column name may carry a unit in brackets, e.g. `e(mm)`, `ve[mm/yr]`: m, cm, mm are understood.
 */
import { InputError } from '../pipeline/types';
import { formatDate } from '../time/dates';
import { normLon } from './geometry';

export interface GnssSeries {
  site: string;
  lat: number;
  lon: number;
  height: number;
  /** YYYYMMDD, ascending */
  dates: string[];
  /** metres relative to the first epoch */
  e: Float64Array;
  n: Float64Array;
  u: Float64Array;
  /** 1-σ, metres (NaN if not given) */
  se: Float64Array;
  sn: Float64Array;
  su: Float64Array;
  file: string;
}

export interface GnssVelocity {
  /** m/yr */
  ve: number;
  vn: number;
  vu: number;
  se: number;
  sn: number;
  su: number;
}

export interface GnssSiteInfo {
  site: string;
  lat: number;
  lon: number;
  height?: number;
  /** data window YYYYMMDD */
  start?: string;
  end?: string;
  numSol?: number;
  /** a velocity from a list (MIDAS or CSV): not window-matched to the InSAR record */
  velocity?: GnssVelocity;
  file: string;
  format: 'DataHoldings' | 'MIDAS' | 'CSV';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** UNR 'YYMMMDD' (18JAN01) → '20180101' (YY > 50 → 19YY) */
export function unrDate(s: string): string {
  const m = /^(\d{2})([A-Za-z]{3})(\d{2})$/.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not a YYMMMDD date`);
  const mon = MONTHS.indexOf(m[2].toUpperCase());
  if (mon < 0) throw new Error(`"${s}": unknown month "${m[2]}"`);
  const yy = Number(m[1]);
  return `${yy > 50 ? 1900 + yy : 2000 + yy}${String(mon + 1).padStart(2, '0')}${m[3]}`;
}

/** 'YYYY-MM-DD' or 'YYYYMMDD' → 'YYYYMMDD' */
export function isoToYmd(s: string): string {
  const t = s.trim().replace(/-/g, '');
  if (!/^\d{8}$/.test(t)) throw new Error(`"${s}" is not a date (YYYY-MM-DD or YYYYMMDD)`);
  return t;
}

/** decimal year (calendar: fraction of the year's days) → YYYYMMDD, nearest day */
export function decimalYearToYmd(y: number): string {
  const yr = Math.floor(y);
  const t0 = Date.UTC(yr, 0, 1);
  const t1 = Date.UTC(yr + 1, 0, 1);
  const t = t0 + Math.round(((y - yr) * (t1 - t0)) / 86_400_000) * 86_400_000;
  return formatDate(new Date(t));
}

/** normalised header key: lower case, no underscores/spaces, unit in (…) or […] split off */
function headerKey(h: string): { key: string; unit: string } {
  const m = /^([^([]*)[([]([^)\]]*)[)\]]\s*$/.exec(h.trim());
  const name = m ? m[1] : h;
  return { key: name.toLowerCase().replace(/[_\s.]/g, ''), unit: m ? m[2].trim().toLowerCase() : '' };
}

function lengthScale(unit: string, file: string, col: string): number {
  if (unit === '' || /^m(\/|$)/.test(unit)) return 1;
  if (/^cm(\/|$)/.test(unit)) return 0.01;
  if (/^mm(\/|$)/.test(unit)) return 0.001;
  if (unit === 'deg') return 1;
  throw new InputError(`${file}: column "${col}" has unit "${unit}" (expected m, cm or mm)`);
}

function num(file: string, line: number, what: string, s: string | undefined): number {
  const v = Number(s);
  if (s === undefined || s.trim() === '' || !Number.isFinite(v))
    throw new InputError(`${file}: line ${line}: ${what} "${s ?? ''}" is not a number`);
  return v;
}

/** Columns of a `.tenv3` file (0-based) when the header does not name them. */
const TENV3_DEFAULT: Record<string, number> = {
  site: 0,
  yymmmdd: 1,
  e0: 7,
  east: 8,
  n0: 9,
  north: 10,
  u0: 11,
  up: 12,
  sige: 14,
  sign: 15,
  sigu: 16,
  latitude: 20,
  longitude: 21,
  height: 22,
};

/**
 * UNR `.tenv3`: one header line, one whitespace-separated row per day. Columns are found by header name
 * (newer files add columns), falling back to the classic positions. Total displacement = integer part
 * (e0/n0/u0) + fraction, minus the first epoch; lat/lon from the first data row.
 */
export function parseTenv3(text: string, file: string): GnssSeries {
  const lines = text.split(/\r?\n/);
  let col = { ...TENV3_DEFAULT };
  let i0 = 0;
  const first = lines[0]?.trim() ?? '';
  if (/^site\b/i.test(first)) {
    const hdr = first.split(/\s+/).map((h) => headerKey(h.replace(/^_+/, '')).key);
    const found: Record<string, number> = {};
    hdr.forEach((h, k) => (found[h] = k));
    const need = ['yymmmdd', 'east', 'north', 'up', 'latitude', 'longitude'];
    const missing = need.filter((k) => found[k] === undefined);
    if (missing.length) throw new InputError(`${file}: .tenv3 header has no column ${missing.join(', ')}`);
    col = { ...TENV3_DEFAULT, ...found };
    i0 = 1;
  }
  const rows: GnssRow[] = [];
  let site = '';
  for (let i = i0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (!t || t.startsWith('#')) continue;
    const f = t.split(/\s+/);
    const ln = i + 1;
    if (f.length <= Math.max(col.up, col.latitude, col.longitude))
      throw new InputError(`${file}: line ${ln}: ${f.length} columns, too few for a .tenv3 row`);
    let date: string;
    try {
      date = unrDate(f[col.yymmmdd]);
    } catch (e) {
      throw new InputError(`${file}: line ${ln}: ${(e as Error).message}`);
    }
    const opt = (k: string) => (col[k] !== undefined && f[col[k]] !== undefined ? Number(f[col[k]]) : 0);
    const sig = (k: string) => (col[k] !== undefined && f[col[k]] !== undefined ? Number(f[col[k]]) : NaN);
    site ||= f[col.site];
    rows.push({
      date,
      e: opt('e0') + num(file, ln, 'east', f[col.east]),
      n: opt('n0') + num(file, ln, 'north', f[col.north]),
      u: opt('u0') + num(file, ln, 'up', f[col.up]),
      se: sig('sige'),
      sn: sig('sign'),
      su: sig('sigu'),
      lat: num(file, ln, 'latitude', f[col.latitude]),
      lon: num(file, ln, 'longitude', f[col.longitude]),
      h: opt('height'),
    });
  }
  if (!rows.length) throw new InputError(`${file}: no data rows in the .tenv3 file`);
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return seriesFrom(site, rows, file);
}

/** One epoch of a station series as the parsers read it (metres, degrees). */
interface GnssRow {
  date: string;
  e: number;
  n: number;
  u: number;
  se: number;
  sn: number;
  su: number;
  lat: number;
  lon: number;
  h: number;
}

function seriesFrom(site: string, rows: GnssRow[], file: string): GnssSeries {
  const r0 = rows[0];
  return {
    site,
    lat: r0.lat,
    lon: normLon(r0.lon),
    height: r0.h,
    dates: rows.map((r) => r.date),
    e: Float64Array.from(rows, (r) => r.e - r0.e),
    n: Float64Array.from(rows, (r) => r.n - r0.n),
    u: Float64Array.from(rows, (r) => r.u - r0.u),
    se: Float64Array.from(rows, (r) => r.se),
    sn: Float64Array.from(rows, (r) => r.sn),
    su: Float64Array.from(rows, (r) => r.su),
    file,
  };
}

/**
 * UNR `DataHoldings.txt`: `Sta Lat(deg) Long(deg) Hgt(m) X(m) Y(m) Z(m) Dtbeg Dtend Dtmod NumSol
 * StaOrigName`, dates YYYY-MM-DD. Split into at most 12 fields (the original name may be missing or
 * contain spaces).
 */
export function parseDataHoldings(text: string, file: string): GnssSiteInfo[] {
  const out: GnssSiteInfo[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || /^sta\b/i.test(t) || t.startsWith('#')) return;
    const f = t.split(/\s+/);
    if (f.length < 11)
      throw new InputError(
        `${file}: line ${i + 1}: ${f.length} fields, expected at least 11 (Sta Lat Long Hgt X Y Z Dtbeg Dtend Dtmod NumSol)`,
      );
    let start: string;
    let end: string;
    try {
      start = isoToYmd(f[7]);
      end = isoToYmd(f[8]);
    } catch (e) {
      throw new InputError(`${file}: line ${i + 1}: ${(e as Error).message}`);
    }
    out.push({
      site: f[0],
      lat: num(file, i + 1, 'Lat', f[1]),
      lon: normLon(num(file, i + 1, 'Long', f[2])),
      height: num(file, i + 1, 'Hgt', f[3]),
      start,
      end,
      numSol: num(file, i + 1, 'NumSol', f[10]),
      file,
      format: 'DataHoldings',
    });
  });
  return out;
}

/**
 * UNR MIDAS velocities (no header, 27 whitespace-separated columns, 1-based): 1 site, 3–4 first/last
 * epoch (decimal year), 9–11 vE vN vU (m/yr), 12–14 σ (m/yr), 25–27 lat lon height.
 */
export function parseMidas(text: string, file: string): GnssSiteInfo[] {
  const out: GnssSiteInfo[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const f = t.split(/\s+/);
    const ln = i + 1;
    if (f.length < 27) throw new InputError(`${file}: line ${ln}: ${f.length} columns, a MIDAS row has 27`);
    const c = (k: number, what: string) => num(file, ln, what, f[k - 1]);
    out.push({
      site: f[0],
      lat: c(25, 'latitude'),
      lon: normLon(c(26, 'longitude')),
      height: c(27, 'height'),
      start: decimalYearToYmd(c(3, 'first epoch')),
      end: decimalYearToYmd(c(4, 'last epoch')),
      numSol: c(7, 'good epochs'),
      velocity: { ve: c(9, 'vE'), vn: c(10, 'vN'), vu: c(11, 'vU'), se: c(12, 'σE'), sn: c(13, 'σN'), su: c(14, 'σU') },
      file,
      format: 'MIDAS',
    });
  });
  return out;
}

interface CsvTable {
  cols: Map<string, { index: number; unit: string; name: string }>;
  rows: { line: number; cells: string[] }[];
}

function readCsv(text: string, file: string): CsvTable {
  const lines = text.split(/\r?\n/);
  let h = 0;
  while (h < lines.length && (!lines[h].trim() || lines[h].trim().startsWith('#'))) h++;
  if (h >= lines.length) throw new InputError(`${file}: empty CSV`);
  const cols = new Map<string, { index: number; unit: string; name: string }>();
  lines[h].split(',').forEach((c, index) => {
    const { key, unit } = headerKey(c);
    cols.set(key, { index, unit, name: c.trim() });
  });
  const rows: { line: number; cells: string[] }[] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const t = lines[i].trim();
    if (!t || t.startsWith('#')) continue;
    rows.push({ line: i + 1, cells: t.split(',').map((s) => s.trim()) });
  }
  return { cols, rows };
}

function pick(t: CsvTable, names: string[]): { index: number; unit: string; name: string } | undefined {
  for (const n of names) {
    const c = t.cols.get(n);
    if (c) return c;
  }
  return undefined;
}

/** True when a CSV header names a `date` column (a per-site series) rather than `site` (a list). */
export function csvKind(text: string): 'series' | 'list' | null {
  const first = text.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
  const keys = first.split(',').map((c) => headerKey(c).key);
  if (keys.includes('date')) return 'series';
  if (keys.some((k) => ['site', 'station', 'sta', 'name'].includes(k))) return 'list';
  return null;
}

/** App CSV station list `site,lat,lon[,ve,vn,vu,se,sn,su,start,end]` (velocities in m/yr). */
export function parseSiteListCsv(text: string, file: string): GnssSiteInfo[] {
  const t = readCsv(text, file);
  const site = pick(t, ['site', 'station', 'sta', 'name']);
  const lat = pick(t, ['lat', 'latitude']);
  const lon = pick(t, ['lon', 'long', 'longitude', 'lng']);
  if (!site || !lat || !lon)
    throw new InputError(
      `${file}: station-list CSV needs columns site, lat, lon (has: ${[...t.cols.values()].map((c) => c.name).join(', ')})`,
    );
  const v = ['ve', 'vn', 'vu', 'se', 'sn', 'su'].map((k) => pick(t, [k]));
  const hasVel = v[0] && v[1] && v[2];
  const start = pick(t, ['start', 'startdate', 'dtbeg']);
  const end = pick(t, ['end', 'enddate', 'dtend']);
  return t.rows.map(({ line, cells }) => {
    const val = (c: { index: number; unit: string; name: string } | undefined, dflt = NaN) =>
      c && cells[c.index] !== undefined && cells[c.index] !== ''
        ? num(file, line, c.name, cells[c.index]) * lengthScale(c.unit, file, c.name)
        : dflt;
    const date = (c: { index: number; name: string } | undefined) => {
      if (!c || !cells[c.index]) return undefined;
      try {
        return isoToYmd(cells[c.index]);
      } catch (e) {
        throw new InputError(`${file}: line ${line}: ${c.name}: ${(e as Error).message}`);
      }
    };
    const info: GnssSiteInfo = {
      site: cells[site.index],
      lat: num(file, line, lat.name, cells[lat.index]),
      lon: normLon(num(file, line, lon.name, cells[lon.index])),
      start: date(start),
      end: date(end),
      file,
      format: 'CSV',
    };
    if (hasVel && cells[v[0]!.index])
      info.velocity = { ve: val(v[0]), vn: val(v[1]), vu: val(v[2]), se: val(v[3]), sn: val(v[4]), su: val(v[5]) };
    return info;
  });
}

/** App per-site CSV series `date,e,n,u[,se,sn,su]` (metres); coordinates come from the station list. */
export function parseSeriesCsv(text: string, file: string, site: string, lat = NaN, lon = NaN): GnssSeries {
  const t = readCsv(text, file);
  const dc = pick(t, ['date']);
  const ec = pick(t, ['e', 'east', 'de']);
  const nc = pick(t, ['n', 'north', 'dn']);
  const uc = pick(t, ['u', 'up', 'du']);
  if (!dc || !ec || !nc || !uc)
    throw new InputError(
      `${file}: series CSV needs columns date, e, n, u (has: ${[...t.cols.values()].map((c) => c.name).join(', ')})`,
    );
  const sc = ['se', 'sn', 'su'].map((k) => pick(t, [k, `sig${k.slice(1)}`, `sigma${k.slice(1)}`]));
  const rows = t.rows.map(({ line, cells }) => {
    const val = (c: { index: number; unit: string; name: string } | undefined) =>
      c && cells[c.index] ? num(file, line, c.name, cells[c.index]) * lengthScale(c.unit, file, c.name) : NaN;
    let date: string;
    try {
      date = isoToYmd(cells[dc.index] ?? '');
    } catch (e) {
      throw new InputError(`${file}: line ${line}: ${(e as Error).message}`);
    }
    const need = (c: { index: number; unit: string; name: string }) =>
      num(file, line, c.name, cells[c.index]) * lengthScale(c.unit, file, c.name);
    return {
      date,
      e: need(ec),
      n: need(nc),
      u: need(uc),
      se: val(sc[0]),
      sn: val(sc[1]),
      su: val(sc[2]),
      lat,
      lon,
      h: NaN,
    };
  });
  if (!rows.length) throw new InputError(`${file}: no data rows`);
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return seriesFrom(site, rows, file);
}
