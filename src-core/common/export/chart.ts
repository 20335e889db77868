/**
 * What a chart of the app shows, as plain data, and that chart written out: as an SVG figure (the core's
 * figure code: frame, ticks and date axis of figures.ts) and as CSV. The app's pixel chart (several pixels,
 * polygon means with their spread, fitted models with their ± band) and its transect profiles (several lines
 * with their swath band) build one ChartSpec; the screen, the figure and the table all draw from it, so an
 * export is what was shown (the x range in view included). Pure: no DOM, no Node.
 */
import { axesFrame, dateTicks, fmt, svgOpen, sx, sy, type Axes } from './figures';
import { xmlEscape as esc } from './xml';

export interface ChartSeries {
  label: string;
  /** CSS colour (the marker's colour on the map) */
  color: string;
  /** x: calendar years (figures.dateToYear) on a date axis, else the axis' own unit (km) */
  x: ArrayLike<number>;
  /** how each x is written in tables and read-outs (YYYYMMDD dates); default the number */
  xText?: readonly string[];
  /** values in the chart's unit; NaN = no value */
  y: ArrayLike<number>;
  style: 'points' | 'line';
  /** a fitted model at each x, drawn as a line; `modelBand` its ± half-width (dashed) */
  model?: ArrayLike<number>;
  modelBand?: number;
  /** a spread band at each x (shaded): mean ± std, percentiles… named by `bandLabel` */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  bandLabel?: string;
  /** more table columns (counts, …), not drawn */
  extra?: { name: string; values: ArrayLike<number> }[];
}

export interface ChartSpec {
  title: string;
  xAxis: 'date' | 'linear';
  xLabel: string;
  /** the y axis, with its unit: 'LOS displacement [cm]' */
  yLabel: string;
  /** the values' unit, for table headers ('cm') */
  unit: string;
  /** lines said under the title and at the top of the table: references, what the band is */
  notes: string[];
  series: ChartSeries[];
  /** the x range in view (zoom); default all */
  xRange?: [number, number];
}

const finite = (a: Iterable<number>) => [...a].filter(Number.isFinite);

/** The x range shown: the zoom, else every series' x (a small margin when all x are equal). */
export function chartXRange(spec: ChartSpec): [number, number] {
  if (spec.xRange) return spec.xRange;
  const xs = finite(spec.series.flatMap((s) => Array.from(s.x)));
  if (!xs.length) return [0, 1];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** Indices of a series' points inside [x0, x1]. */
export function pointsInRange(s: ChartSeries, x0: number, x1: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.x.length; i++) if (s.x[i] >= x0 && s.x[i] <= x1) out.push(i);
  return out;
}

/** The y range of what is shown in [x0, x1] (points, models with their band, spread bands), padded 8 %. */
export function chartYRange(spec: ChartSpec, x0: number, x1: number): [number, number] {
  const ys: number[] = [];
  for (const s of spec.series)
    for (const i of pointsInRange(s, x0, x1)) {
      ys.push(s.y[i]);
      if (s.model) {
        const b = s.modelBand && Number.isFinite(s.modelBand) ? s.modelBand : 0;
        ys.push(s.model[i] - b, s.model[i] + b);
      }
      if (s.lower) ys.push(s.lower[i]);
      if (s.upper) ys.push(s.upper[i]);
    }
  const f = finite(ys);
  if (!f.length) return [0, 1];
  let lo = Math.min(...f);
  let hi = Math.max(...f);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Calendar year fraction of a UTC time (figures.dateToYear for a Date). */
function yearOf(t: number): number {
  const y = new Date(t).getUTCFullYear();
  const t0 = Date.UTC(y, 0, 1);
  return y + (t - t0) / (Date.UTC(y + 1, 0, 1) - t0);
}

/**
 * Date ticks for a range of calendar years: years, 6 / 3 / 1 months (figures.dateTicks), and below ~2
 * months the 1st, 11th and 21st of each month ('Mar 11'), down to single days.
 */
export function timeTicks(x0: number, x1: number): { v: number; label: string }[] {
  if (x1 - x0 > 0.25) return dateTicks(x0, x1);
  const out: { v: number; label: string }[] = [];
  const days = (x1 - x0) * 365.25;
  const every = days > 20 ? 10 : days > 8 ? 3 : 1;
  const yr = Math.floor(x0);
  const start = Date.UTC(yr, 0, 1) + Math.floor((x0 - yr) * 365.25 - 1) * 86400e3;
  for (let t = start; yearOf(t) <= x1; t += 86400e3) {
    const d = new Date(t);
    const day = d.getUTCDate();
    const keep = every === 10 ? day === 1 || day === 11 || day === 21 : (day - 1) % every === 0;
    const v = yearOf(t);
    if (keep && v >= x0) out.push({ v, label: `${MONTHS[d.getUTCMonth()]} ${day}` });
  }
  return out;
}

/** The x of a series' point as text: its date (YYYYMMDD) or the number. */
export function xTextOf(s: ChartSeries, i: number): string {
  return s.xText?.[i] ?? String(Number(s.x[i].toPrecision(7)));
}

const polyline = (a: Axes, xs: ArrayLike<number>, ys: ArrayLike<number>, idx: number[]) =>
  idx
    .filter((i) => Number.isFinite(ys[i]))
    .map((i) => `${fmt(sx(a, xs[i]), 2)},${fmt(sy(a, ys[i]), 2)}`)
    .join(' ');

/**
 * The chart as an SVG figure: title and notes, axes (date ticks on a date axis), spread bands shaded, models
 * as lines with a dashed ± band, points or lines in each series' colour, a legend; only the x range in view.
 */
export function chartSvg(spec: ChartSpec, size: { width?: number; height?: number } = {}): string {
  const W = size.width ?? 720;
  const legendRows = Math.ceil(spec.series.length / 2);
  const top = 30 + 16 * spec.notes.length;
  const H = (size.height ?? 380) + 18 * legendRows + 16 * spec.notes.length;
  const [x0, x1] = chartXRange(spec);
  const [y0, y1] = chartYRange(spec, x0, x1);
  const a: Axes = {
    x0: 80,
    y0: top,
    w: W - 110,
    h: H - top - 58 - 18 * legendRows,
    xmin: x0,
    xmax: x1,
    ymin: y0,
    ymax: y1,
  };
  let s = svgOpen(W, H);
  s += `<text x="${fmt(a.x0 + a.w / 2)}" y="20" text-anchor="middle" font-size="14">${esc(spec.title)}</text>\n`;
  spec.notes.forEach((n, k) => {
    s += `<text x="${fmt(a.x0 + a.w / 2)}" y="${20 + 16 * (k + 1)}" text-anchor="middle" font-size="11" fill="#444">${esc(n)}</text>\n`;
  });
  s += `<defs><clipPath id="plot"><rect x="${a.x0}" y="${a.y0}" width="${a.w}" height="${a.h}"/></clipPath></defs>\n`;
  if (y0 < 0 && y1 > 0)
    s += `<line x1="${a.x0}" x2="${a.x0 + a.w}" y1="${fmt(sy(a, 0))}" y2="${fmt(sy(a, 0))}" stroke="#ccc"/>\n`;
  s += '<g clip-path="url(#plot)">\n';
  for (const ser of spec.series) {
    // one point before and after the range, so lines and bands reach the frame
    const all = Array.from({ length: ser.x.length }, (_, i) => i);
    const idx = all.filter((i) => ser.x[i] >= x0 && ser.x[i] <= x1);
    const lo = all.filter((i) => ser.x[i] < x0).pop();
    const hi = all.find((i) => ser.x[i] > x1);
    const span = [...(lo !== undefined ? [lo] : []), ...idx, ...(hi !== undefined ? [hi] : [])];
    if (ser.lower && ser.upper) {
      const ok = span.filter((i) => Number.isFinite(ser.lower![i]) && Number.isFinite(ser.upper![i]));
      const up = ok.map((i) => `${fmt(sx(a, ser.x[i]), 2)},${fmt(sy(a, ser.upper![i]), 2)}`);
      const dn = ok.map((i) => `${fmt(sx(a, ser.x[i]), 2)},${fmt(sy(a, ser.lower![i]), 2)}`).reverse();
      if (ok.length)
        s += `<polygon points="${[...up, ...dn].join(' ')}" fill="${esc(ser.color)}" fill-opacity="0.22" stroke="none"/>\n`;
    }
    // lines get a dark halo under their colour, so light colours (the inspected pixel's yellow) read on white
    const line = (pts: string, width: number, dash = '') =>
      `<polyline points="${pts}" fill="none" stroke="#333" stroke-opacity="0.55" stroke-width="${width + 1.4}"${dash}/>` +
      `<polyline points="${pts}" fill="none" stroke="${esc(ser.color)}" stroke-width="${width}"${dash}/>\n`;
    if (ser.model && ser.model.length === ser.x.length) {
      s += line(polyline(a, ser.x, ser.model, span), 1.6);
      const b = ser.modelBand;
      if (b && Number.isFinite(b) && b > 0)
        for (const off of [-b, b]) {
          const shifted = Array.from(ser.model, (m) => m + off);
          s += line(polyline(a, ser.x, shifted, span), 1, ' stroke-dasharray="4 3"');
        }
    }
    if (ser.style === 'line') s += line(polyline(a, ser.x, ser.y, span), 1.8);
    else
      for (const i of idx)
        if (Number.isFinite(ser.y[i]))
          s += `<circle cx="${fmt(sx(a, ser.x[i]), 2)}" cy="${fmt(sy(a, ser.y[i]), 2)}" r="3.2" fill="${esc(ser.color)}" stroke="#222" stroke-width="0.6"><title>${esc(`${ser.label} ${xTextOf(ser, i)}: ${fmt(ser.y[i], 4)}`)}</title></circle>\n`;
  }
  s += '</g>\n';
  s += axesFrame(a, spec.xLabel, spec.yLabel, spec.xAxis === 'date' ? { xTicks: timeTicks(x0, x1) } : {});
  // legend: two columns under the axes
  spec.series.forEach((ser, k) => {
    const lx = a.x0 + (k % 2) * (a.w / 2);
    const ly = a.y0 + a.h + 52 + 18 * Math.floor(k / 2);
    const mark =
      ser.style === 'line'
        ? `<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${esc(ser.color)}" stroke-width="2"/>`
        : `<circle cx="${lx + 8}" cy="${ly - 4}" r="4" fill="${esc(ser.color)}" stroke="#222" stroke-width="0.6"/>`;
    const extra = [ser.model ? 'model' : '', ser.bandLabel ?? ''].filter(Boolean).join(', ');
    s += `${mark}<text x="${lx + 22}" y="${ly}" font-size="11">${esc(ser.label + (extra ? ` (${extra})` : ''))}</text>\n`;
  });
  return `${s}</svg>\n`;
}

/**
 * A number for a table: 7 significant digits — the precision of the float32 values it comes from (in m)
 * after scaling to the chart's unit (0.01 m as float32 × 100 writes 1, not 0.999999978).
 */
function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : '';
}
function field(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The chart as CSV, the x range in view only. Series on the same x (a time chart's dates) share rows: one
 * column per series, its model and band bounds and extra columns. Series on different x (transects) are
 * stacked: a `series` column, then x and the values. `#` lines first: title, notes, unit.
 */
export function chartCsv(spec: ChartSpec): string {
  const [x0, x1] = chartXRange(spec);
  const head = [`# ${spec.title}`, ...spec.notes.map((n) => `# ${n}`), `# values in ${spec.unit}`];
  const cols = (ser: ChartSeries) => {
    const u = spec.unit;
    const c: { name: string; at: (i: number) => number }[] = [{ name: `${ser.label} [${u}]`, at: (i) => ser.y[i] }];
    if (ser.model) c.push({ name: `${ser.label} model [${u}]`, at: (i) => ser.model![i] });
    if (ser.model && ser.modelBand && Number.isFinite(ser.modelBand))
      c.push({ name: `${ser.label} model band ± [${u}]`, at: () => ser.modelBand! });
    if (ser.lower && ser.upper) {
      const b = ser.bandLabel ?? 'band';
      c.push({ name: `${ser.label} ${b} low [${u}]`, at: (i) => ser.lower![i] });
      c.push({ name: `${ser.label} ${b} high [${u}]`, at: (i) => ser.upper![i] });
    }
    for (const e of ser.extra ?? []) c.push({ name: `${ser.label} ${e.name}`, at: (i) => e.values[i] });
    return c;
  };
  const first = spec.series[0];
  const sameX =
    !!first &&
    spec.series.every((s) => s.x.length === first.x.length && Array.from(s.x).every((v, i) => v === first.x[i]));
  const xName = spec.xAxis === 'date' ? 'date' : spec.xLabel;
  const lines: string[] = [...head];
  if (!first) return `${lines.join('\n')}\n`;
  if (sameX) {
    const cs = spec.series.flatMap(cols);
    lines.push([xName, ...cs.map((c) => c.name)].map(field).join(','));
    for (const i of pointsInRange(first, x0, x1))
      lines.push([xTextOf(first, i), ...cs.map((c) => num(c.at(i)))].map(field).join(','));
  } else {
    const names = ['value', 'model', 'low', 'high'];
    lines.push(['series', xName, ...names.map((n) => `${n} [${spec.unit}]`)].map(field).join(','));
    for (const ser of spec.series)
      for (const i of pointsInRange(ser, x0, x1))
        lines.push(
          [
            ser.label,
            xTextOf(ser, i),
            num(ser.y[i]),
            ser.model ? num(ser.model[i]) : '',
            ser.lower ? num(ser.lower[i]) : '',
            ser.upper ? num(ser.upper[i]) : '',
          ]
            .map(field)
            .join(','),
        );
  }
  return `${lines.join('\n')}\n`;
}
