/**
 * Figures as SVG text from plain arrays: velocity map with colour bar, network (date × bperp, pairs
 * coloured by coherence, dropped pairs dashed), coherence matrix, a pixel's time series, a transect.
 * No DOM and no Node APIs (usable in the renderer); the map image is an embedded PNG (data URI).
 */
import { encode } from 'fast-png';
import { applyColormap, getColormap, valueToHex, type Colormap } from '../colormap';
import { xmlEscape as esc } from './xml';
import { niceTicks } from './ticks';

const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

export function fmt(v: number, d = 3): string {
  return Number(v.toFixed(d)).toString();
}

export function svgOpen(w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="12">\n<rect width="${w}" height="${h}" fill="white"/>\n`;
}

function rgbHex(cm: Colormap, i: number): string {
  return `#${[0, 1, 2].map((k) => cm.lut[3 * i + k].toString(16).padStart(2, '0')).join('')}`;
}

function colorOf(cm: Colormap, v: number, vmin: number, vmax: number): string {
  return valueToHex(cm, v, vmin, vmax);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** YYYYMMDD → fractional year (calendar days / year length), for plotting only. */
export function dateToYear(d: string): number {
  const y = Number(d.slice(0, 4));
  const t = Date.UTC(y, Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
  const t0 = Date.UTC(y, 0, 1);
  const t1 = Date.UTC(y + 1, 0, 1);
  return y + (t - t0) / (t1 - t0);
}

export interface Axes {
  x0: number;
  y0: number;
  w: number;
  h: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}
export const sx = (a: Axes, x: number): number => a.x0 + ((x - a.xmin) / (a.xmax - a.xmin || 1)) * a.w;
export const sy = (a: Axes, y: number): number => a.y0 + a.h - ((y - a.ymin) / (a.ymax - a.ymin || 1)) * a.h;

export function axesFrame(
  a: Axes,
  xlabel: string,
  ylabel: string,
  opts: { xTicks?: { v: number; label: string }[] } = {},
): string {
  let s = `<rect x="${a.x0}" y="${a.y0}" width="${a.w}" height="${a.h}" fill="none" stroke="black"/>\n`;
  const xt =
    opts.xTicks ??
    niceTicks(a.xmin, a.xmax, 6).values.map((v) => ({ v, label: niceTicks(a.xmin, a.xmax, 6).label(v) }));
  for (const t of xt) {
    if (t.v < Math.min(a.xmin, a.xmax) - 1e-9 || t.v > Math.max(a.xmin, a.xmax) + 1e-9) continue;
    const x = sx(a, t.v);
    s += `<line x1="${fmt(x)}" y1="${a.y0 + a.h}" x2="${fmt(x)}" y2="${a.y0 + a.h + 4}" stroke="black"/>`;
    s += `<text x="${fmt(x)}" y="${a.y0 + a.h + 17}" text-anchor="middle">${esc(t.label)}</text>\n`;
  }
  const yt = niceTicks(a.ymin, a.ymax, 6);
  for (const v of yt.values) {
    if (v < Math.min(a.ymin, a.ymax) - 1e-9 || v > Math.max(a.ymin, a.ymax) + 1e-9) continue;
    const y = sy(a, v);
    s += `<line x1="${a.x0 - 4}" y1="${fmt(y)}" x2="${a.x0}" y2="${fmt(y)}" stroke="black"/>`;
    s += `<text x="${a.x0 - 7}" y="${fmt(y + 4)}" text-anchor="end">${esc(yt.label(v))}</text>\n`;
  }
  s += `<text x="${fmt(a.x0 + a.w / 2)}" y="${a.y0 + a.h + 36}" text-anchor="middle">${esc(xlabel)}</text>\n`;
  s += `<text transform="translate(${a.x0 - 52},${fmt(a.y0 + a.h / 2)}) rotate(-90)" text-anchor="middle">${esc(ylabel)}</text>\n`;
  return s;
}

export function dateTicks(ymin: number, ymax: number): { v: number; label: string }[] {
  const span = ymax - ymin;
  const out: { v: number; label: string }[] = [];
  const months = span > 4 ? 12 : span > 1.5 ? 6 : span > 0.6 ? 3 : 1;
  const mnames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  for (let y = Math.floor(ymin); y <= Math.ceil(ymax); y++)
    for (let m = 0; m < 12; m += months) {
      const v = dateToYear(`${y}${String(m + 1).padStart(2, '0')}01`);
      if (v >= ymin && v <= ymax) out.push({ v, label: months === 12 ? String(y) : `${mnames[m]} ${y}` });
    }
  return out;
}

function colorbarSvg(cm: Colormap, vmin: number, vmax: number, x: number, y: number, h: number, label: string): string {
  let stops = '';
  for (let k = 0; k <= 16; k++) {
    const i = Math.min(cm.n - 1, Math.floor((k / 16) * cm.n));
    stops += `<stop offset="${fmt(k / 16)}" stop-color="${rgbHex(cm, i)}"/>`;
  }
  // an id from the gradient itself: the same figure gives the same bytes, two different bars never share one
  let hash = 0x811c9dc5;
  for (let k = 0; k < stops.length; k++) hash = Math.imul(hash ^ stops.charCodeAt(k), 0x01000193) >>> 0;
  const id = `cb${hash.toString(36)}`;
  let s = `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops}`;
  s += `</linearGradient></defs>\n<rect x="${x}" y="${y}" width="14" height="${h}" fill="url(#${id})" stroke="black"/>\n`;
  const t = niceTicks(vmin, vmax, 6);
  for (const v of t.values) {
    if (v < Math.min(vmin, vmax) - 1e-12 || v > Math.max(vmin, vmax) + 1e-12) continue;
    const yy = y + h - ((v - vmin) / (vmax - vmin || 1)) * h;
    s += `<line x1="${x + 14}" y1="${fmt(yy)}" x2="${x + 18}" y2="${fmt(yy)}" stroke="black"/><text x="${x + 21}" y="${fmt(yy + 4)}">${esc(t.label(v))}</text>\n`;
  }
  s += `<text transform="translate(${x + 70},${fmt(y + h / 2)}) rotate(-90)" text-anchor="middle">${esc(label)}</text>\n`;
  return s;
}

export interface MapFigure {
  data: ArrayLike<number>;
  length: number;
  width: number;
  vlim: [number, number];
  cmap?: string;
  title?: string;
  /** colour-bar label, e.g. 'LOS velocity [cm/year]' */
  label?: string;
  /** geo extent for axis labels: [west, east, south, north] */
  extent?: [number, number, number, number];
  /** reference pixel [row, col] drawn as a black square */
  ref?: [number, number] | null;
}

/** A map (embedded PNG, nearest-neighbour) with lon/lat axes and a colour bar. */
export function mapSvg(f: MapFigure): string {
  const cm = getColormap(f.cmap ?? 'jet');
  const maxW = 520;
  const maxH = 420;
  const k = Math.min(maxW / f.width, maxH / f.length);
  const w = Math.round(f.width * k);
  const h = Math.round(f.length * k);
  const rgba = applyColormap(f.data, cm, f.vlim[0], f.vlim[1]);
  const png = encode({ width: f.width, height: f.length, data: rgba, channels: 4, depth: 8 });
  const a: Axes = {
    x0: 70,
    y0: 40,
    w,
    h,
    xmin: f.extent ? f.extent[0] : 0,
    xmax: f.extent ? f.extent[1] : f.width,
    ymin: f.extent ? f.extent[2] : f.length,
    ymax: f.extent ? f.extent[3] : 0,
  };
  const W = a.x0 + w + 110;
  const H = a.y0 + h + 50;
  let s = svgOpen(W, H);
  if (f.title)
    s += `<text x="${fmt(a.x0 + w / 2)}" y="24" text-anchor="middle" font-size="14">${esc(f.title)}</text>\n`;
  s += `<image x="${a.x0}" y="${a.y0}" width="${w}" height="${h}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${toBase64(png)}"/>\n`;
  s += f.extent ? axesFrame(a, 'Longitude [°]', 'Latitude [°]') : axesFrame(a, 'Column', 'Row');
  if (f.ref) {
    const x = a.x0 + (f.ref[1] + 0.5) * k;
    const y = a.y0 + (f.ref[0] + 0.5) * k;
    s += `<rect x="${fmt(x - 3)}" y="${fmt(y - 3)}" width="6" height="6" fill="black"/>\n`;
  }
  s += colorbarSvg(cm, f.vlim[0], f.vlim[1], a.x0 + w + 12, a.y0, h, f.label ?? '');
  return `${s}</svg>\n`;
}

export interface NetworkFigure {
  /** YYYYMMDD */
  dates: string[];
  /** perpendicular baseline per date [m] */
  bperp: ArrayLike<number>;
  /** pairs as indices into `dates` */
  pairs: [number, number][];
  /** per-pair spatial coherence (colours the lines) */
  coherence?: ArrayLike<number>;
  /** per-pair keep flag (false → dashed grey) */
  kept?: boolean[];
  /** colour limits / truncation point as MintPy plot_network: [0.2, minCoherence, 1.0] */
  vlist?: [number, number, number];
  title?: string;
}

/** MintPy-style network plot: dates × bperp, pairs coloured by coherence (RdBu_truncate), dropped dashed. */
export function networkSvg(f: NetworkFigure): string {
  const t = f.dates.map(dateToYear);
  const b = Array.from(f.bperp);
  const vl = f.vlist ?? [0.2, 0.7, 1.0];
  const cm = getColormap('RdBu_truncate', vl);
  const pad = (hi: number, lo: number): number => (hi - lo) * 0.05 || 1;
  const a: Axes = {
    x0: 80,
    y0: 40,
    w: 560,
    h: 360,
    xmin: Math.min(...t),
    xmax: Math.max(...t),
    ymin: Math.min(...b),
    ymax: Math.max(...b),
  };
  const px = pad(a.xmax, a.xmin) * 0.5;
  const py = pad(a.ymax, a.ymin);
  a.xmin -= px;
  a.xmax += px;
  a.ymin -= py;
  a.ymax += py;
  let s = svgOpen(a.x0 + a.w + (f.coherence ? 110 : 20), a.y0 + a.h + 50);
  s += `<text x="${a.x0 + a.w / 2}" y="24" text-anchor="middle" font-size="14">${esc(f.title ?? `Network: ${f.pairs.length} pairs, ${f.dates.length} dates`)}</text>\n`;
  s += axesFrame(a, 'Time [years]', 'Perp Baseline [m]', { xTicks: dateTicks(a.xmin, a.xmax) });
  const order = f.pairs.map((_, k) => k).sort((p, q) => Number(f.kept?.[q] ?? true) - Number(f.kept?.[p] ?? true));
  for (const k of order) {
    const [i, j] = f.pairs[k];
    const kept = f.kept?.[k] ?? true;
    const c = f.coherence ? colorOf(cm, f.coherence[k], vl[0], vl[2]) : '#1f77b4';
    const dash = kept ? '' : ' stroke-dasharray="4 3"';
    const col = kept ? c : '#999999';
    s += `<line x1="${fmt(sx(a, t[i]))}" y1="${fmt(sy(a, b[i]))}" x2="${fmt(sx(a, t[j]))}" y2="${fmt(sy(a, b[j]))}" stroke="${col}" stroke-width="1.2"${dash}><title>${f.dates[i]}_${f.dates[j]}${f.coherence ? ` γ=${fmt(f.coherence[k], 3)}` : ''}${kept ? '' : ' (dropped)'}</title></line>\n`;
  }
  f.dates.forEach((d, i) => {
    s += `<circle cx="${fmt(sx(a, t[i]))}" cy="${fmt(sy(a, b[i]))}" r="3.5" fill="orange" stroke="black" stroke-width="0.6"><title>${d}</title></circle>\n`;
  });
  if (f.coherence) s += colorbarSvg(cm, vl[0], vl[2], a.x0 + a.w + 12, a.y0, a.h, 'Average Spatial Coherence');
  return `${s}</svg>\n`;
}

export interface CoherenceMatrixFigure {
  dates: string[];
  pairs: [number, number][];
  coherence: ArrayLike<number>;
  kept?: boolean[];
  title?: string;
}

/**
 * MintPy's plot_coherence_matrix layout: [i,j] = [j,i] = coherence of pair (i, j); upper triangle only
 * kept pairs, lower triangle all pairs, diagonal black, missing = white; RdBu_truncate [0, 0.7, 1], vlim 0.2–1.
 */
export function coherenceMatrixSvg(f: CoherenceMatrixFigure): string {
  const n = f.dates.length;
  const cm = getColormap('RdBu_truncate', [0, 0.7, 1]);
  const size = Math.min(480, Math.max(120, n * 14));
  const c = size / n;
  const x0 = 90;
  const y0 = 40;
  let s = svgOpen(x0 + size + 110, y0 + size + 70);
  s += `<text x="${x0 + size / 2}" y="24" text-anchor="middle" font-size="14">${esc(f.title ?? 'Coherence matrix')}</text>\n`;
  const M: number[][] = Array.from({ length: n }, () => Array(n).fill(NaN));
  f.pairs.forEach(([i, j], k) => {
    const g = f.coherence[k];
    const kept = f.kept?.[k] ?? true;
    const [lo, hi] = i < j ? [i, j] : [j, i];
    if (kept) M[lo][hi] = g; // upper triangle: kept pairs
    M[hi][lo] = g; // lower triangle: all pairs
  });
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const fill = i === j ? 'black' : colorOf(cm, M[i][j], 0.2, 1.0);
      if (fill === 'none') continue;
      s += `<rect x="${fmt(x0 + j * c)}" y="${fmt(y0 + i * c)}" width="${fmt(c + 0.05)}" height="${fmt(c + 0.05)}" fill="${fill}"><title>${f.dates[Math.min(i, j)]}_${f.dates[Math.max(i, j)]}${Number.isFinite(M[i][j]) ? ` γ=${fmt(M[i][j], 3)}` : ''}</title></rect>\n`;
    }
  s += `<rect x="${x0}" y="${y0}" width="${size}" height="${size}" fill="none" stroke="black"/>\n`;
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += every) {
    s += `<text x="${x0 - 5}" y="${fmt(y0 + (i + 0.5) * c + 4)}" text-anchor="end" font-size="10">${f.dates[i]}</text>\n`;
    s += `<text transform="translate(${fmt(x0 + (i + 0.5) * c + 3)},${y0 + size + 6}) rotate(-90)" text-anchor="end" font-size="10">${f.dates[i]}</text>\n`;
  }
  s += colorbarSvg(cm, 0.2, 1.0, x0 + size + 12, y0, size, 'Coherence');
  return `${s}</svg>\n`;
}

export interface TimeSeriesFigure {
  dates: string[];
  values: ArrayLike<number>;
  /** y-axis label, e.g. 'LOS displacement [cm]' */
  ylabel?: string;
  title?: string;
  /** optional straight-line fit: value = intercept + velocity·(year − year of the first date) */
  fit?: { velocity: number; intercept: number };
  /** optional fitted model at each date (a line), drawn with a dashed ± `band` around it */
  model?: ArrayLike<number>;
  band?: number;
  width?: number;
  height?: number;
}

/** A pixel's time series (points), optional linear fit or fitted model with its ± band. */
export function timeSeriesSvg(f: TimeSeriesFigure): string {
  const t = f.dates.map(dateToYear);
  const v = Array.from(f.values);
  const model = f.model && f.model.length === v.length ? Array.from(f.model) : null;
  const band = model && Number.isFinite(f.band) ? (f.band as number) : 0;
  const finite = [...v, ...(model ? model.flatMap((m) => [m - band, m + band]) : [])].filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const py = (hi - lo) * 0.08 || 1;
  const px = (Math.max(...t) - Math.min(...t)) * 0.03 || 0.05;
  const W = f.width ?? 560;
  const H = f.height ?? 300;
  const a: Axes = {
    x0: 75,
    y0: 34,
    w: W - 115,
    h: H - 84,
    xmin: Math.min(...t) - px,
    xmax: Math.max(...t) + px,
    ymin: lo - py,
    ymax: hi + py,
  };
  let s = svgOpen(W, H);
  if (f.title) s += `<text x="${a.x0 + a.w / 2}" y="20" text-anchor="middle" font-size="14">${esc(f.title)}</text>\n`;
  s += axesFrame(a, 'Time', f.ylabel ?? 'Displacement', { xTicks: dateTicks(a.xmin, a.xmax) });
  if (f.fit) {
    const t0 = t[0];
    const ya = f.fit.intercept + f.fit.velocity * (t[0] - t0);
    const yb = f.fit.intercept + f.fit.velocity * (t[t.length - 1] - t0);
    s += `<line x1="${fmt(sx(a, t[0]))}" y1="${fmt(sy(a, ya))}" x2="${fmt(sx(a, t[t.length - 1]))}" y2="${fmt(sy(a, yb))}" stroke="#d62728" stroke-width="1.5"/>\n`;
  }
  if (model) {
    const line = (off: number) =>
      model
        .map((m, i) => (Number.isFinite(m) ? `${fmt(sx(a, t[i]))},${fmt(sy(a, m + off))}` : ''))
        .filter(Boolean)
        .join(' ');
    s += `<polyline points="${line(0)}" fill="none" stroke="#d62728" stroke-width="1.5"/>\n`;
    if (band > 0)
      for (const off of [-band, band])
        s += `<polyline points="${line(off)}" fill="none" stroke="#d62728" stroke-width="1" stroke-dasharray="4 3"/>\n`;
  }
  v.forEach((y, i) => {
    if (!Number.isFinite(y)) return;
    s += `<circle cx="${fmt(sx(a, t[i]))}" cy="${fmt(sy(a, y))}" r="3" fill="#1f77b4"><title>${f.dates[i]}: ${fmt(y, 4)}</title></circle>\n`;
  });
  return `${s}</svg>\n`;
}

export interface TransectFigure {
  distance: ArrayLike<number>;
  value: ArrayLike<number>;
  /** 'm' distances are drawn in km */
  distanceUnit?: 'm' | 'pixel';
  ylabel?: string;
  title?: string;
  /** optional swath band (min/max or mean ± std) at `bandDistance` */
  band?: { distance: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> };
}

/** A transect profile (points), distance in km, optional shaded swath band. */
export function transectSvg(f: TransectFigure): string {
  const km = (f.distanceUnit ?? 'm') === 'm' ? 1e-3 : 1;
  const d = Array.from(f.distance, (x) => x * km);
  const v = Array.from(f.value);
  const all = [...v, ...(f.band ? [...Array.from(f.band.lower), ...Array.from(f.band.upper)] : [])].filter(
    Number.isFinite,
  );
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const py = (hi - lo) * 0.08 || 1;
  const a: Axes = { x0: 75, y0: 34, w: 480, h: 240, xmin: 0, xmax: Math.max(1e-9, ...d), ymin: lo - py, ymax: hi + py };
  let s = svgOpen(a.x0 + a.w + 20, a.y0 + a.h + 50);
  if (f.title) s += `<text x="${a.x0 + a.w / 2}" y="20" text-anchor="middle" font-size="14">${esc(f.title)}</text>\n`;
  if (f.band) {
    const bd = Array.from(f.band.distance, (x) => x * km);
    const up = bd.map((x, i) => `${fmt(sx(a, x))},${fmt(sy(a, f.band!.upper[i]))}`);
    const dn = bd.map((x, i) => `${fmt(sx(a, x))},${fmt(sy(a, f.band!.lower[i]))}`).reverse();
    s += `<polygon points="${[...up, ...dn].join(' ')}" fill="#1f77b4" fill-opacity="0.25" stroke="none"/>\n`;
  }
  s += axesFrame(a, km === 1 ? 'Distance [pixel]' : 'Distance [km]', f.ylabel ?? 'Value');
  v.forEach((y, i) => {
    if (!Number.isFinite(y)) return;
    s += `<circle cx="${fmt(sx(a, d[i]))}" cy="${fmt(sy(a, y))}" r="1.8" fill="black"/>`;
  });
  return `${s}\n</svg>\n`;
}
