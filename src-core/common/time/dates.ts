/**
 * MintPy's two time axes (mintpy-algorithms.md §0):
 * - network inversion: days between dates (plus HH:MM if present) / 365.25;
 * - time functions: decimal year Y(d) = year + (doy − 1)/365.25 + CENTER_LINE_UTC/(365.25·86400).
 */

export class DateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DateError';
  }
}

const DATE_RE = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2}))?$/;

/** Parse 'YYYYMMDD' (or 'YYYYMMDDTHHMM' / 'YYYY-MM-DD') into a UTC Date; throws DateError naming the value. */
export function parseDate(s: string): Date {
  const t = s.trim().replace(/-/g, '');
  const m = DATE_RE.exec(t);
  if (!m) throw new DateError(`"${s}" is not a date (expected YYYYMMDD)`);
  const [y, mo, d, hh, mm] = [+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0];
  const date = new Date(Date.UTC(y, mo - 1, d, hh, mm));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || hh > 23 || mm > 59)
    throw new DateError(`"${s}" is not a valid calendar date`);
  return date;
}

/** True if `s` parses as a date. */
export function isDate(s: string): boolean {
  try {
    parseDate(s);
    return true;
  } catch {
    return false;
  }
}

export function formatDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}

const DAY_MS = 86_400_000;

/** Days (fractional if times are given) from a to b. */
export function daysBetween(a: string, b: string): number {
  return (parseDate(b).getTime() - parseDate(a).getTime()) / DAY_MS;
}

/** Network-inversion time axis: years since dates[0] as days/365.25. */
export function yearsSinceFirst(dates: readonly string[]): Float64Array {
  const t0 = parseDate(dates[0]).getTime();
  return Float64Array.from(dates, (d) => (parseDate(d).getTime() - t0) / DAY_MS / 365.25);
}

/** Day of year, 1-based. */
export function dayOfYear(d: Date): number {
  return Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}

/** MintPy's decimal year: year + (doy − 1)/365.25 + seconds/(365.25·86400). */
export function decimalYear(date: string, centerLineUtcSeconds = 0): number {
  const d = parseDate(date);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const doy = dayOfYear(new Date(midnight));
  const secs = (d.getTime() - midnight) / 1000 + centerLineUtcSeconds;
  return d.getUTCFullYear() + (doy - 1) / 365.25 + secs / (365.25 * 86400);
}

/** Sorted unique dates of a list of [date1, date2] pairs. */
export function datesOfPairs(pairs: readonly (readonly [string, string])[]): string[] {
  const s = new Set<string>();
  for (const [a, b] of pairs) {
    s.add(a);
    s.add(b);
  }
  return [...s].sort();
}

/** MintPy's ptime.yyyymmdd: (YY)YYMMDD(THHMM) → YYYYMMDD(THHMM); a 6-digit date starting with 9 is 19xx, else 20xx. */
export function yyyymmdd(d: string): string {
  const s = d.trim();
  if (s.split('T')[0].length === 6) return (s[0] === '9' ? '19' : '20') + s;
  return s;
}
