/**
 * SVG figures of the NISAR validation report (self-contained text, no DOM):
 * - the validation figure (§3 "Validation figure"): |residual| vs distance, green/red requirement bands,
 *   dashed requirement line, grey bin edges, per-bin 68.3% quantile bars coloured pass/fail, pair counts
 *   on a log twin axis, info boxes and the PASSED/FAILED patch (the pooled Total row, as the notebook);
 * - the velocity map (RdBu_r, ±25 mm/yr) with GNSS stations (dots + labels, rejected as X, reference as
 *   a square) or the stable-area polygon;
 * - the semivariogram panel with its exponential fit and the binned-quantile comparison √(2γ(h)).
 */
import { encode } from 'fast-png';
import { applyColormap, getColormap } from '../../common/colormap';
import { xmlEscape as esc } from '../export/atomic';
import { niceTicks } from '../../common/export/ticks';
import type { GeoGrid } from '../formats/mintpyFiles';
import { evaluateModel } from '../../common/timefunc/fitTile';
import type { StationRecord } from './method1';
import type { RequirementTable } from '../../common/nisar/requirement';
import { exponentialModel, type ExponentialFit, type Variogram } from '../../common/nisar/variogram';

const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';
const GREEN = '#227522';
const RED = '#7c1b1b';
const f3 = (v: number) => Number(v.toFixed(2)).toString();

function open(w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="11">\n<rect width="${w}" height="${h}" fill="white"/>\n`;
}

interface Scale {
  (v: number): number;
  ticks: { v: number; label: string }[];
}

function linScale(d0: number, d1: number, r0: number, r1: number, nt = 6): Scale {
  const s = ((v: number) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0)) as Scale;
  const t = niceTicks(d0, d1, nt);
  s.ticks = t.values
    .filter((v) => v >= Math.min(d0, d1) - 1e-9 && v <= Math.max(d0, d1) + 1e-9)
    .map((v) => ({ v, label: t.label(v) }));
  return s;
}

function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const s = ((v: number) => r0 + ((Math.log10(Math.max(v, 1e-300)) - l0) / (l1 - l0 || 1)) * (r1 - r0)) as Scale;
  s.ticks = [];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) {
    const v = 10 ** e;
    if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9))
      s.ticks.push({ v, label: e >= 0 && e < 6 ? String(v) : `1e${e}` });
  }
  return s;
}

function xAxis(sx: Scale, y: number, label: string, cx: number): string {
  let s = '';
  for (const t of sx.ticks) {
    const x = f3(sx(t.v));
    s += `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="black"/><text x="${x}" y="${y + 16}" text-anchor="middle">${esc(t.label)}</text>\n`;
  }
  return `${s}<text x="${f3(cx)}" y="${y + 32}" text-anchor="middle">${esc(label)}</text>\n`;
}

function yAxis(sy: Scale, x: number, label: string, cy: number, right = false): string {
  let s = '';
  const d = right ? 1 : -1;
  for (const t of sy.ticks) {
    const y = f3(sy(t.v));
    s += `<line x1="${x}" y1="${y}" x2="${x + 4 * d}" y2="${y}" stroke="black"/><text x="${x + 7 * d}" y="${f3(sy(t.v) + 4)}" text-anchor="${right ? 'start' : 'end'}">${esc(t.label)}</text>\n`;
  }
  const lx = x + (right ? 48 : -42);
  return `${s}<text transform="translate(${lx},${f3(cy)}) rotate(${right ? 90 : -90})" text-anchor="middle">${esc(label)}</text>\n`;
}

export interface ValidationFigureOptions {
  site: string;
  sensor: string;
  startDate: string;
  endDate: string;
  /** 'GNSS' (Method 1: double differences) or 'InSAR' (Method 2: relative velocities) */
  validationData: 'GNSS' | 'InSAR';
  /** most points drawn (a deterministic stride subset beyond that; default 20000) */
  maxPoints?: number;
  yMax?: number;
}

/** The validation figure: scatter, bands, quantile bars, counts (twin log axis), PASSED/FAILED box. */
export function validationFigureSvg(
  t: RequirementTable,
  distanceKm: ArrayLike<number>,
  absResidual: ArrayLike<number>,
  o: ValidationFigureOptions,
): string {
  const W = 900;
  const H = 360;
  const ax = { x0: 75, y0: 40, w: 720, h: 250 };
  const log = t.binning.kind === 'log';
  const edges = t.edges;
  const xmin = log ? Math.min(1, edges[0]) : 0;
  const xmax = edges[edges.length - 1];
  const sx = log ? logScale(xmin, xmax, ax.x0, ax.x0 + ax.w) : linScale(xmin, xmax, ax.x0, ax.x0 + ax.w, 11);
  // the notebook's 0–30 mm/yr, extended when the 68.3% bars would not fit
  const qmax = Math.max(0, ...t.rows.map((r) => (Number.isFinite(r.quantile) ? r.quantile : 0)));
  const ymax =
    o.yMax ??
    (qmax * 1.1 > 30 ? niceTicks(0, qmax * 1.1, 7).values.slice(-1)[0] + niceTicks(0, qmax * 1.1, 7).step : 30);
  const sy = linScale(0, ymax, ax.y0 + ax.h, ax.y0, 7);
  const counts = t.rows.map((r) => r.total);
  const cmax = Math.max(1, ...counts);
  const cmin = Math.max(1, Math.min(...counts.filter((c) => c > 0), cmax));
  const sc = logScale(
    Math.max(0.5, 10 ** Math.floor(Math.log10(cmin))),
    10 ** Math.ceil(Math.log10(10 * cmax)),
    ax.y0 + ax.h,
    ax.y0,
  );
  const req = t.requirement;
  let s = open(W, H);
  s += `<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">Secular requirement: ${esc(o.site || 'site')}</text>\n`;
  s += `<defs><clipPath id="plotArea"><rect x="${ax.x0}" y="${ax.y0}" width="${ax.w}" height="${ax.h}"/></clipPath></defs>\n`;
  s += `<g clip-path="url(#plotArea)">\n`;
  const xr0 = f3(sx(log ? Math.max(edges[0], xmin) : edges[0]));
  const xr1 = f3(sx(xmax));
  s += `<rect x="${xr0}" y="${f3(sy(req))}" width="${f3(Number(xr1) - Number(xr0))}" height="${f3(sy(0) - sy(req))}" fill="#e6ffe6" fill-opacity="0.6"/>\n`;
  s += `<rect x="${xr0}" y="${ax.y0}" width="${f3(Number(xr1) - Number(xr0))}" height="${f3(sy(req) - ax.y0)}" fill="#ffe6e6" fill-opacity="0.6"/>\n`;
  for (const e of edges)
    s += `<line x1="${f3(sx(e))}" y1="${ax.y0}" x2="${f3(sx(e))}" y2="${ax.y0 + ax.h}" stroke="gray" stroke-width="0.4"/>\n`;
  // scatter (subset)
  const n = absResidual.length;
  const maxP = o.maxPoints ?? 20000;
  const stride = Math.max(1, Math.ceil(n / maxP));
  // dots as zero-length round-capped segments: one path element for any number of points
  const r = n < 1e4 ? 3.5 : 1.4;
  let path = '';
  for (let k = 0; k < n; k += stride) {
    const v = absResidual[k];
    const d = distanceKm[k];
    if (!Number.isFinite(v) || !(d > 0)) continue;
    path += `M${f3(sx(d))} ${f3(sy(Math.min(v, ymax * 1.02)))}h0`;
  }
  s += `<path d="${path}" stroke="black" stroke-opacity="${n < 1e4 ? 0.6 : 0.3}" stroke-width="${r}" stroke-linecap="round" fill="none"/>\n`;
  s += `<line x1="${xr0}" y1="${f3(sy(req))}" x2="${xr1}" y2="${f3(sy(req))}" stroke="black" stroke-dasharray="6 4" stroke-width="1.2"/>\n`;
  // quantile bars
  for (const row of t.rows) {
    if (!(row.total > 0)) continue;
    const x0 = sx(row.lo);
    const x1 = sx(row.hi);
    const yq = sy(Math.min(row.quantile, ymax));
    s += `<rect x="${f3(x0 + 1)}" y="${f3(yq)}" width="${f3(x1 - x0 - 2)}" height="${f3(sy(0) - yq)}" fill="none" stroke="${row.pass ? GREEN : RED}" stroke-width="2"/>\n`;
  }
  // counts (twin axis)
  const centres = t.rows.map((row) => (row.lo + row.hi) / 2);
  const cpts = t.rows
    .map((row, k) => (row.total > 0 ? `${f3(sx(centres[k]))},${f3(sc(row.total))}` : ''))
    .filter(Boolean);
  if (cpts.length) s += `<polyline points="${cpts.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>\n`;
  for (const p of cpts) {
    const [x, y] = p.split(',');
    s += `<circle cx="${x}" cy="${y}" r="3" fill="#1f77b4"/>\n`;
  }
  s += `</g>\n<rect x="${ax.x0}" y="${ax.y0}" width="${ax.w}" height="${ax.h}" fill="none" stroke="black"/>\n`;
  s += xAxis(sx, ax.y0 + ax.h, `Distance (km)${log ? ', log scale' : ''}`, ax.x0 + ax.w / 2);
  s += yAxis(
    sy,
    ax.x0,
    o.validationData === 'GNSS'
      ? 'Double-differenced velocity residual (mm/yr)'
      : 'Relative velocity measurement (mm/yr)',
    ax.y0 + ax.h / 2,
  );
  s += yAxis(sc, ax.x0 + ax.w, 'Pairs per bin (log)', ax.y0 + ax.h / 2, true).replace(
    /<text x="([\d.]+)" y="([\d.]+)" text-anchor="start">/g,
    '<text x="$1" y="$2" text-anchor="start" fill="#1f77b4">',
  );
  // info boxes
  const info = [
    `Sensor: ${o.sensor}`,
    `${o.validationData}-InSAR point pairs`.replace('InSAR-InSAR', 'InSAR'),
    `Record: ${o.startDate}-${o.endDate}`,
  ];
  s += `<rect x="${ax.x0 + 8}" y="${ax.y0 + 8}" width="200" height="${info.length * 14 + 8}" fill="white" stroke="black" stroke-width="0.4"/>\n`;
  info.forEach(
    (line, k) => (s += `<text x="${ax.x0 + 14}" y="${ax.y0 + 22 + 14 * k}" font-size="10">${esc(line)}</text>\n`),
  );
  const ok = t.verdicts.pooled.pass;
  const bx = ax.x0 + ax.w - 150;
  const by = ax.y0 + 8;
  s += `<rect x="${bx}" y="${by}" width="142" height="60" fill="${ok ? '#239d23' : '#bc2e2e'}" stroke="black"/>\n`;
  s += `<text x="${bx + 8}" y="${by + 14}" font-size="10" fill="white">Secular requirement</text><text x="${bx + 8}" y="${by + 27}" font-size="10" fill="white">Site: ${esc(o.site || '—')}</text>\n`;
  s += `<text x="${bx + 71}" y="${by + 50}" font-size="15" font-weight="bold" text-anchor="middle" fill="white">${ok ? 'PASSED' : 'FAILED'}</text>\n`;
  s += `<text x="${ax.x0}" y="${H - 8}" font-size="9" fill="#555">Bars: 68.3% quantile of |residual| per bin (green pass, red fail). Dashed: ${req} mm/yr. Verdict box: pooled Total row (the notebook's). ${
    stride > 1 ? `Scatter shows every ${stride}th of ${n} pairs.` : `${n} pairs.`
  }</text>\n`;
  return `${s}</svg>\n`;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export interface MapOptions {
  title?: string;
  vlim?: [number, number];
  stations?: StationRecord[];
  refStation?: string;
  polygon?: [number, number][];
  /** station values drawn as circles on the same colour scale (re-referenced GNSS) */
  showGnssColours?: boolean;
}

/** Velocity map (mm/yr, RdBu_r, ±25 by default) with lon/lat axes, colour bar and station overlay. */
export function velocityMapSvg(data: ArrayLike<number>, g: GeoGrid, o: MapOptions = {}): string {
  const [vmin, vmax] = o.vlim ?? [-25, 25];
  const cm = getColormap('RdBu_r');
  const k = Math.min(560 / g.width, 420 / g.length);
  const w = Math.round(g.width * k);
  const h = Math.round(g.length * k);
  const ax = { x0: 70, y0: 36, w, h };
  const west = g.xFirst;
  const east = g.xFirst + g.width * g.xStep;
  const north = g.yFirst;
  const south = g.yFirst + g.length * g.yStep;
  const sx = linScale(west, east, ax.x0, ax.x0 + w, 5);
  const sy = linScale(south, north, ax.y0 + h, ax.y0, 5);
  // large grids are decimated (nearest pixel) to ≤ 1000 px per side to keep the report small
  const step = Math.max(1, Math.ceil(Math.max(g.width, g.length) / 1000));
  const iw = Math.ceil(g.width / step);
  const ih = Math.ceil(g.length / step);
  let img: ArrayLike<number> = data;
  if (step > 1) {
    const sub = new Float32Array(iw * ih);
    for (let r = 0; r < ih; r++) for (let c = 0; c < iw; c++) sub[r * iw + c] = data[r * step * g.width + c * step];
    img = sub;
  }
  const png = encode({ width: iw, height: ih, data: applyColormap(img, cm, vmin, vmax), channels: 4, depth: 8 });
  const W = ax.x0 + w + 100;
  const H = ax.y0 + h + 48;
  let s = open(W, H);
  if (o.title)
    s += `<text x="${f3(ax.x0 + w / 2)}" y="22" text-anchor="middle" font-size="13">${esc(o.title)}</text>\n`;
  s += `<rect x="${ax.x0}" y="${ax.y0}" width="${w}" height="${h}" fill="#eeeeee"/>\n`;
  s += `<image x="${ax.x0}" y="${ax.y0}" width="${w}" height="${h}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${toBase64(png)}"/>\n`;
  s += `<rect x="${ax.x0}" y="${ax.y0}" width="${w}" height="${h}" fill="none" stroke="black"/>\n`;
  s += xAxis(sx, ax.y0 + h, 'Longitude (°)', ax.x0 + w / 2);
  s += yAxis(sy, ax.x0, 'Latitude (°)', ax.y0 + h / 2);
  if (o.polygon?.length) {
    const pts = o.polygon.map(([la, lo]) => `${f3(sx(lo))},${f3(sy(la))}`).join(' ');
    s += `<polygon points="${pts}" fill="none" stroke="black" stroke-width="1.5" stroke-dasharray="5 3"/>\n`;
  }
  for (const st of o.stations ?? []) {
    const x = sx(st.lon);
    const y = sy(st.lat);
    if (st.status === 'rejected') {
      s += `<path d="M${f3(x - 4)} ${f3(y - 4)}L${f3(x + 4)} ${f3(y + 4)}M${f3(x - 4)} ${f3(y + 4)}L${f3(x + 4)} ${f3(y - 4)}" stroke="black" stroke-width="1.5"/>\n`;
    } else {
      const isRef = st.site === o.refStation;
      const fill = o.showGnssColours && st.gnss !== undefined ? colourHex(cm.lut, cm.n, st.gnss, vmin, vmax) : 'black';
      s += isRef
        ? `<rect x="${f3(x - 5)}" y="${f3(y - 5)}" width="10" height="10" fill="${fill}" stroke="black" stroke-width="1.5"/>\n`
        : `<circle cx="${f3(x)}" cy="${f3(y)}" r="${o.showGnssColours ? 5 : 3}" fill="${fill}" stroke="black"/>\n`;
    }
    s += `<text x="${f3(x + 6)}" y="${f3(y - 5)}" font-size="9">${esc(st.site)}</text>\n`;
  }
  // colour bar (stacked rects: renders the same in every SVG viewer)
  const cbx = ax.x0 + w + 14;
  const nSeg = 64;
  for (let q = 0; q < nSeg; q++) {
    const i = Math.min(cm.n - 1, Math.floor(((q + 0.5) / nSeg) * cm.n));
    const y0 = ax.y0 + h - ((q + 1) / nSeg) * h;
    s += `<rect x="${cbx}" y="${f3(y0)}" width="14" height="${f3(h / nSeg + 0.3)}" fill="#${[0, 1, 2].map((c) => cm.lut[3 * i + c].toString(16).padStart(2, '0')).join('')}"/>`;
  }
  s += `\n<rect x="${cbx}" y="${ax.y0}" width="14" height="${h}" fill="none" stroke="black"/>\n`;
  const cs = linScale(vmin, vmax, ax.y0 + h, ax.y0, 6);
  s += yAxis(cs, cbx + 14, 'LOS velocity (mm/yr)', ax.y0 + h / 2, true);
  return `${s}</svg>\n`;
}

function colourHex(lut: Uint8Array, n: number, v: number, vmin: number, vmax: number): string {
  let i = Math.floor(((v - vmin) / (vmax - vmin)) * n);
  i = Math.max(0, Math.min(n - 1, i));
  return `#${[0, 1, 2].map((c) => lut[3 * i + c].toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Semivariogram panel: γ(h) per lag bin with the exponential fit and the γ = req²/2 line (left), and the
 * binned 68.3% quantiles of |Δv| next to √(2γ(h)) from the fit (right).
 */
export function semivariogramSvg(v: Variogram, fit: ExponentialFit, t: RequirementTable): string {
  const W = 900;
  const H = 330;
  const req = t.requirement;
  let s = open(W, H);
  s += `<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">Structure function (diagnostic, not used for pass/fail)</text>\n`;
  const L = { x0: 70, y0: 40, w: 330, h: 230 };
  const hmax = v.edges[v.edges.length - 1] || 1;
  const gvals = [...v.gamma].filter(Number.isFinite);
  const gmax = Math.max(req * req * 0.75, ...gvals, Number.isFinite(fit.sill) ? fit.sill : 0) * 1.1;
  const sx = linScale(0, hmax, L.x0, L.x0 + L.w, 6);
  const sy = linScale(0, gmax, L.y0 + L.h, L.y0, 6);
  s += `<rect x="${L.x0}" y="${L.y0}" width="${L.w}" height="${L.h}" fill="none" stroke="black"/>\n`;
  s += `<line x1="${L.x0}" y1="${f3(sy((req * req) / 2))}" x2="${L.x0 + L.w}" y2="${f3(sy((req * req) / 2))}" stroke="#bc2e2e" stroke-dasharray="6 4"/>\n`;
  s += `<text x="${L.x0 + L.w - 4}" y="${f3(sy((req * req) / 2) - 4)}" text-anchor="end" font-size="9" fill="#bc2e2e">γ = ${(req * req) / 2} (mm/yr)²</text>\n`;
  if (Number.isFinite(fit.sill)) {
    let d = '';
    for (let q = 0; q <= 100; q++) {
      const hh = (hmax * q) / 100;
      d += `${q ? 'L' : 'M'}${f3(sx(hh))} ${f3(sy(Math.min(exponentialModel(hh, fit), gmax)))}`;
    }
    s += `<path d="${d}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>\n`;
  }
  for (let k = 0; k < v.lag.length; k++)
    if (Number.isFinite(v.gamma[k]))
      s += `<circle cx="${f3(sx(v.lag[k]))}" cy="${f3(sy(Math.min(v.gamma[k], gmax)))}" r="3" fill="black"/>\n`;
  s += xAxis(sx, L.y0 + L.h, 'Lag h (km)', L.x0 + L.w / 2);
  s += yAxis(sy, L.x0, 'γ(h) ((mm/yr)²)', L.y0 + L.h / 2);
  s += `<text x="${L.x0 + 8}" y="${L.y0 + 16}" font-size="10">γ(h) = b(1 − e^(−h/a)): sill b = ${fit.sill.toPrecision(3)} (mm/yr)², range a = ${fit.range.toPrecision(3)} km</text>\n`;
  // right panel: quantile bars vs √(2γ)
  const R = { x0: 520, y0: 40, w: 330, h: 230 };
  const e = t.edges;
  const rx = linScale(0, e[e.length - 1], R.x0, R.x0 + R.w, 6);
  const qmax =
    Math.max(
      req * 1.5,
      ...t.rows.map((r) => (Number.isFinite(r.quantile) ? r.quantile : 0)),
      Number.isFinite(fit.sill) ? Math.sqrt(2 * fit.sill) : 0,
    ) * 1.1;
  const ry = linScale(0, qmax, R.y0 + R.h, R.y0, 6);
  s += `<rect x="${R.x0}" y="${R.y0}" width="${R.w}" height="${R.h}" fill="none" stroke="black"/>\n`;
  for (const row of t.rows) {
    if (!(row.total > 0)) continue;
    const x0 = rx(row.lo);
    const x1 = rx(row.hi);
    s += `<rect x="${f3(x0 + 1)}" y="${f3(ry(row.quantile))}" width="${f3(x1 - x0 - 2)}" height="${f3(ry(0) - ry(row.quantile))}" fill="none" stroke="${row.pass ? GREEN : RED}" stroke-width="2"/>\n`;
  }
  s += `<line x1="${R.x0}" y1="${f3(ry(req))}" x2="${R.x0 + R.w}" y2="${f3(ry(req))}" stroke="black" stroke-dasharray="6 4"/>\n`;
  if (Number.isFinite(fit.sill)) {
    let d = '';
    const hm = e[e.length - 1];
    for (let q = 0; q <= 100; q++) {
      const hh = (hm * q) / 100;
      d += `${q ? 'L' : 'M'}${f3(rx(hh))} ${f3(ry(Math.min(Math.sqrt(2 * exponentialModel(hh, fit)), qmax)))}`;
    }
    s += `<path d="${d}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>\n`;
  }
  s += xAxis(rx, R.y0 + R.h, 'Distance (km)', R.x0 + R.w / 2);
  s += yAxis(ry, R.x0, '68.3% quantile of |Δv| (mm/yr)', R.y0 + R.h / 2);
  s += `<text x="${R.x0 + 8}" y="${R.y0 + 16}" font-size="10">bars: binned quantiles; blue: √(2γ(h)) from the fit</text>\n`;
  return `${s}</svg>\n`;
}

/**
 * Per-station GNSS LOS series (§3 plot b): the window's daily data (black), outliers removed by the fit
 * (red), the fitted model (blue) and its 95% envelope ± 1.96·σ_residual (dashed). Small multiples, 3 per row.
 */
export function stationSeriesSvg(stations: StationRecord[]): string {
  const list = stations.filter((s) => s.fit && s.fit.params.length > 0);
  if (!list.length) return '';
  const cols = 3;
  const pw = 280;
  const ph = 150;
  const rows = Math.ceil(list.length / cols);
  const W = cols * pw + 20;
  const H = rows * (ph + 60) + 30;
  let s = open(W, H);
  s += `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">GNSS LOS series in the record window (mm): data, outliers (red), model (blue), 95% envelope (dashed)</text>\n`;
  list.forEach((st, k) => {
    const fit = st.fit!;
    const x0 = 20 + (k % cols) * pw + 45;
    const y0 = 40 + Math.floor(k / cols) * (ph + 60);
    const w = pw - 60;
    const h = ph - 20;
    const d = fit.data;
    const tOf = (date: string) =>
      Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) / 86_400_000;
    const t = d.dates.map(tOf);
    const ref = fit.dates[0];
    const model = evaluateModel(fit.model, fit.params, d.dates, ref, 0);
    const env = 1.96 * fit.residualStd;
    let lo = Infinity;
    let hi = -Infinity;
    d.los.forEach((v, i) => {
      lo = Math.min(lo, v, model[i] - env);
      hi = Math.max(hi, v, model[i] + env);
    });
    const sx = linScale(t[0], t[t.length - 1], x0, x0 + w, 4);
    const sy = linScale(lo, hi, y0 + h, y0, 4);
    const out = new Set(fit.outliers);
    let dots = '';
    let red = '';
    d.dates.forEach((date, i) => {
      const seg = `M${f3(sx(t[i]))} ${f3(sy(d.los[i]))}h0`;
      if (out.has(date)) red += seg;
      else dots += seg;
    });
    const line = (off: number) => t.map((ti, i) => `${i ? 'L' : 'M'}${f3(sx(ti))} ${f3(sy(model[i] + off))}`).join('');
    s += `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="black"/>\n`;
    s += `<path d="${dots}" stroke="black" stroke-width="2" stroke-linecap="round" stroke-opacity="0.6"/>\n`;
    if (red) s += `<path d="${red}" stroke="red" stroke-width="4" stroke-linecap="round"/>\n`;
    s += `<path d="${line(0)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>\n`;
    s += `<path d="${line(env)}${line(-env)}" fill="none" stroke="#1f77b4" stroke-dasharray="4 3"/>\n`;
    s += `<text x="${x0 + 4}" y="${y0 + 12}" font-size="10">${esc(st.site)}: v = ${st.gnssLos.toFixed(2)} ± ${st.gnssLosStd.toFixed(2)} mm/yr${st.status === 'rejected' ? ' (rejected)' : ''}</text>\n`;
    // axis: first/last date and the y ticks
    s += `<text x="${x0}" y="${y0 + h + 13}" font-size="9">${d.dates[0]}</text><text x="${x0 + w}" y="${y0 + h + 13}" font-size="9" text-anchor="end">${d.dates[d.dates.length - 1]}</text>\n`;
    for (const tk of sy.ticks)
      s += `<text x="${x0 - 4}" y="${f3(sy(tk.v) + 3)}" font-size="9" text-anchor="end">${esc(tk.label)}</text>\n`;
  });
  return `${s}</svg>\n`;
}

/** One histogram panel per data set (Method 1 appendix: station velocities, residuals, double differences). */
export function histogramsSvg(
  panels: { title: string; unit: string; sets: { label: string; values: ArrayLike<number>; colour: string }[] }[],
): string {
  const pw = 290;
  const ph = 200;
  const W = panels.length * pw + 20;
  const H = ph + 70;
  let s = open(W, H);
  panels.forEach((panel, k) => {
    const x0 = 20 + k * pw + 35;
    const y0 = 30;
    const w = pw - 55;
    const h = ph - 30;
    const all: number[] = [];
    for (const set of panel.sets)
      for (let i = 0; i < set.values.length; i++) if (Number.isFinite(set.values[i])) all.push(set.values[i]);
    s += `<text x="${f3(x0 + w / 2)}" y="18" text-anchor="middle" font-size="11">${esc(panel.title)}</text>\n<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="black"/>\n`;
    if (!all.length) return;
    let lo = Math.min(...all);
    let hi = Math.max(...all);
    if (hi === lo) {
      lo -= 1;
      hi += 1;
    }
    const nb = Math.max(5, Math.min(30, Math.ceil(Math.sqrt(all.length) * 2)));
    const counts = panel.sets.map((set) => {
      const c = new Array(nb).fill(0);
      for (let i = 0; i < set.values.length; i++) {
        const v = set.values[i];
        if (Number.isFinite(v)) c[Math.min(nb - 1, Math.floor(((v - lo) / (hi - lo)) * nb))]++;
      }
      return c;
    });
    const cmax = Math.max(1, ...counts.flat());
    const sx = linScale(lo, hi, x0, x0 + w, 5);
    const sy = linScale(0, cmax, y0 + h, y0, 4);
    counts.forEach((c, si) => {
      c.forEach((n: number, b: number) => {
        if (!n) return;
        const xa = sx(lo + ((hi - lo) * b) / nb);
        const xb = sx(lo + ((hi - lo) * (b + 1)) / nb);
        s += `<rect x="${f3(xa)}" y="${f3(sy(n))}" width="${f3(xb - xa)}" height="${f3(sy(0) - sy(n))}" fill="${panel.sets[si].colour}" fill-opacity="0.5" stroke="${panel.sets[si].colour}"/>\n`;
      });
    });
    s += xAxis(sx, y0 + h, panel.unit, x0 + w / 2);
    for (const t of sy.ticks)
      s += `<text x="${x0 - 4}" y="${f3(sy(t.v) + 3)}" font-size="9" text-anchor="end">${esc(t.label)}</text>\n`;
    panel.sets.forEach((set, si) => {
      s += `<rect x="${x0 + 6}" y="${y0 + 6 + 13 * si}" width="9" height="9" fill="${set.colour}" fill-opacity="0.5" stroke="${set.colour}"/><text x="${x0 + 19}" y="${y0 + 14 + 13 * si}" font-size="9">${esc(set.label)}</text>\n`;
    });
  });
  return `${s}</svg>\n`;
}
