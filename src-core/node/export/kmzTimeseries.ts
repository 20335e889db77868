/**
 * Time-series KMZ, after MintPy 1.5.1's save_kmz_timeseries (geo only): a root KML with the colour bar,
 * the reference point (star) and one Region/LOD NetworkLink per level of detail; each level is a set of
 * boxes (kml_data/<s>by<s>/region_<k>.kml) holding one dot per `s` pixels (masked pixels skipped), coloured
 * by velocity (cm/year), with a balloon giving lat/lon/row/col, v ± std, cumulative displacement,
 * temporal coherence and the displacement series (inline SVG chart + values).
 *
 * Levels as MintPy: steps [20, 5, 2], LODs [0, 1500, 4000, −1]; the coarse levels tile the whole grid in
 * boxes of 50·step pixels, the finest only boxes of 30·step pixels where ≥ 20 % of pixels deform
 * (|v − quadratic ramp| ≥ median + 3·MAD). Differences: the balloon chart is an inline SVG (no dygraph
 * JavaScript); icon colours come from the 8-bit LUT (MintPy rounds the float LUT, ±1 in a channel).
 */
import { strToU8 } from 'fflate';
import { zipFrom } from './zip';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { getColormap, valueToRgba, type Colormap } from '../../common/colormap';
import { H5Reader } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { isProjectedGrid, rowColToLatLonGeo, xyToLonLat } from '../../common/geo/gridCoords';
import { InputError } from '../../common/pipeline/types';
import { writeFileAtomic, xmlEscape } from './atomic';
import { renderColorbar } from './kmz';
import { dotIcon, starIcon } from './icons';
import { readDates, readMask } from './source';

export interface KmzTimeseriesOptions {
  /** timeseries.h5 (geocoded) */
  tsFile: string;
  /** default velocity.h5 beside the time series */
  velFile?: string;
  /** default temporalCoherence.h5 beside */
  tcohFile?: string;
  /** default maskTempCoh.h5 beside */
  maskFile?: string;
  /** default `<dir>/<ts base>.kmz` */
  out?: string;
  /** colour limits in cm/year (default [nanmin, nanmax] of the velocity, as MintPy) */
  vlim?: [number, number];
  cmap?: string;
  steps?: [number, number, number];
  lods?: [number, number, number, number];
  cutoff?: number;
  minPercentage?: number;
}

export interface KmzTimeseriesResult {
  path: string;
  vlim: [number, number];
  levels: { step: number; boxes: number; points: number }[];
  entries: string[];
  seconds: number;
}

type Box = [number, number, number, number]; // c0, r0, c1, r1

function splitBoxes(length: number, width: number, win: number): Box[] {
  const out: Box[] = [];
  for (let r0 = 0; r0 < length; r0 += win)
    for (let c0 = 0; c0 < width; c0 += win) out.push([c0, r0, Math.min(width, c0 + win), Math.min(length, r0 + win)]);
  return out;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Solve a small dense system (Gaussian elimination with partial pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    if (M[k][k] === 0) return Array(n).fill(0);
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/**
 * MintPy's deramp(ramp_type='quadratic', ignore_zero_value=True): least-squares surface
 * [y², x², y·x, y, x, 1] fitted on mask & finite & non-zero pixels (sub-sampled to ≤ 1e6 pixels),
 * referenced to the reference pixel when given, not applied to zero pixels.
 */
export function derampQuadratic(
  v: Float32Array,
  mask: Uint8Array,
  length: number,
  width: number,
  ref?: [number, number] | null,
): Float32Array {
  const use = new Uint8Array(v.length);
  let count = 0;
  for (let i = 0; i < v.length; i++)
    if (mask[i] && !Number.isNaN(v[i]) && v[i] !== 0) {
      use[i] = 1;
      count++;
    }
  if (count > 1e6) {
    const step = Math.ceil(Math.sqrt(count / 1e6));
    const h = Math.trunc(step / 2);
    if (step > 1)
      for (let r = 0; r < length; r++)
        for (let c = 0; c < width; c++)
          if ((r - h) % step !== 0 || (c - h) % step !== 0 || r < h || c < h) use[r * width + c] = 0;
  }
  // scaled coordinates for conditioning (the fitted surface is the same)
  const basis = (r: number, c: number): number[] => {
    const y = r / Math.max(1, length - 1);
    const x = c / Math.max(1, width - 1);
    return [y * y, x * x, y * x, y, x, 1];
  };
  const A = Array.from({ length: 6 }, () => Array(6).fill(0));
  const b = Array(6).fill(0);
  for (let r = 0; r < length; r++)
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (!use[i]) continue;
      const g = basis(r, c);
      for (let p = 0; p < 6; p++) {
        b[p] += g[p] * v[i];
        for (let q = 0; q < 6; q++) A[p][q] += g[p] * g[q];
      }
    }
  const m = solve(A, b);
  const rampAt = (r: number, c: number): number => basis(r, c).reduce((s, g, p) => s + g * m[p], 0);
  const r0 = ref ? rampAt(ref[0], ref[1]) : 0;
  const out = new Float32Array(v.length);
  for (let r = 0; r < length; r++)
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      out[i] = v[i] === 0 ? 0 : v[i] - Math.fround(rampAt(r, c) - r0);
    }
  return out;
}

/** numpy nanmedian. */
function nanMedian(vals: number[]): number {
  return median(vals.filter((x) => !Number.isNaN(x)));
}

/**
 * MintPy 1.5.1's get_boxes4deforming_area: quadratic deramp, threshold = median + cutoff·MAD with
 * MAD = median|v − median|·0.67449 (1.5.1's scale), deforming = v ≥ thr or v ≤ −thr (masked → 0),
 * boxes of 30·step pixels holding ≥ minPerc of deforming pixels.
 */
export function deformingBoxes(
  v: Float32Array,
  mask: Uint8Array,
  length: number,
  width: number,
  step: number,
  cutoff = 3,
  minPerc = 0.2,
  ref?: [number, number] | null,
): Box[] {
  const win = Math.trunc(30 * step);
  const d = derampQuadratic(v, mask, length, width, ref);
  const vals: number[] = [];
  for (let i = 0; i < d.length; i++) if (mask[i]) vals.push(d[i]);
  if (!vals.length) return [];
  const centre = nanMedian(vals);
  const mad = nanMedian(vals.map((x) => Math.abs(x - centre))) * 0.67449;
  const thr = centre + cutoff * mad;
  const aoi = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const x = mask[i] ? d[i] : 0;
    aoi[i] = x >= thr || x <= -thr ? 1 : 0;
  }
  const minNum = minPerc * win * win;
  return splitBoxes(length, width, win).filter(([c0, r0, c1, r1]) => {
    let n = 0;
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) n += aoi[r * width + c];
    return n >= minNum;
  });
}

/**
 * Pixel-centre lat/lon as MintPy's ut.get_lat_lon(meta, box) gives them: np.mgrid over the box from
 * the first to the last pixel centre (float64), then cast to float32.
 */
export function mintpyLatLon(g: GeoGrid, box: Box, r: number, c: number): [number, number] {
  const [c0, r0, c1, r1] = box;
  const lat0 = g.yFirst + g.yStep * (r0 + 0.5);
  const lon0 = g.xFirst + g.xStep * (c0 + 0.5);
  const nLat = r1 - r0;
  const nLon = c1 - c0;
  const lat1 = lat0 + g.yStep * (nLat - 1);
  const lon1 = lon0 + g.xStep * (nLon - 1);
  const sLat = nLat > 1 ? (lat1 - lat0) / (nLat - 1) : 0;
  const sLon = nLon > 1 ? (lon1 - lon0) / (nLon - 1) : 0;
  const y = (r - r0) * sLat + lat0;
  const x = (c - c0) * sLon + lon0;
  if (isProjectedGrid(g)) {
    // a UTM grid: the placemark goes at the pixel centre's WGS 84 lat/lon
    const [lon, lat] = xyToLonLat(g, x, y);
    return [Math.fround(lat), Math.fround(lon)];
  }
  return [Math.fround(y), Math.fround(x)];
}

/** KML colour aabbggrr of a value. */
function kmlColor(cm: Colormap, v: number, vlim: [number, number]): string {
  const [r, g, b] = valueToRgba(cm, v, vlim[0], vlim[1]);
  return `ff${[b, g, r].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function sparkline(dates: string[], disp: Float32Array): string {
  const W = 420;
  const H = 180;
  const pad = { l: 46, r: 10, t: 10, b: 24 };
  const t = dates.map((d) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)));
  const vals = Array.from(disp).filter(Number.isFinite);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(0, ...vals);
  const span = hi - lo || 1;
  const X = (k: number): number => pad.l + ((t[k] - t[0]) / (t[t.length - 1] - t[0] || 1)) * (W - pad.l - pad.r);
  const Y = (v: number): number => pad.t + (1 - (v - lo) / span) * (H - pad.t - pad.b);
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="Arial" font-size="11">`;
  s += `<rect x="${pad.l}" y="${pad.t}" width="${W - pad.l - pad.r}" height="${H - pad.t - pad.b}" fill="none" stroke="#444"/>`;
  s += `<text x="${pad.l - 4}" y="${Y(hi) + 4}" text-anchor="end">${hi.toFixed(1)}</text><text x="${pad.l - 4}" y="${Y(lo)}" text-anchor="end">${lo.toFixed(1)}</text>`;
  s += `<text x="${pad.l}" y="${H - 8}">${dates[0]}</text><text x="${W - pad.r}" y="${H - 8}" text-anchor="end">${dates[dates.length - 1]}</text>`;
  s += `<text transform="translate(12,${H / 2}) rotate(-90)" text-anchor="middle">LOS [cm]</text>`;
  // dots as zero-length round-capped segments (compact: thousands of balloons per KMZ)
  let d = '';
  for (let k = 0; k < dates.length; k++)
    if (Number.isFinite(disp[k])) d += `M${X(k).toFixed(1)} ${Y(disp[k]).toFixed(1)}h0`;
  s += `<path d="${d}" stroke="#1f77b4" stroke-width="5" stroke-linecap="round"/>`;
  return `${s}</svg>`;
}

function descriptionHtml(
  lat: number,
  lon: number,
  row: number,
  col: number,
  v: number,
  vstd: number,
  disp: Float32Array,
  tcoh: number | null,
  dates: string[],
): string {
  let s = '<font size=4>';
  s += `Latitude: ${lat.toFixed(6)}˚ <br /> \nLongitude: ${lon.toFixed(6)}˚ <br /> \n`;
  s += `Row: ${row.toFixed(0)} <br /> \nColumn: ${col.toFixed(0)} <br /> \n <br /> \n`;
  s += `Mean LOS velocity [cm/year]: ${v.toFixed(2)} +/- ${vstd.toFixed(2)} <br /> \n`;
  s += `Cumulative displacement [cm]: ${disp[disp.length - 1].toFixed(2)} <br /> \n`;
  if (tcoh !== null) s += `Temporal coherence: ${tcoh.toFixed(2)} <br /> \n`;
  s += '</font> <br /> ';
  s += sparkline(dates, disp);
  return s;
}

const KML_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">\n';

function regionBox(g: GeoGrid, box: Box): { north: number; south: number; east: number; west: number } {
  const [c0, r0, c1, r1] = box;
  // the four corner pixels (a UTM box is not lat/lon-aligned; on a lat/lon grid two would do)
  const pts = [
    rowColToLatLonGeo(g, r0, c0),
    rowColToLatLonGeo(g, r1 - 1, c1 - 1),
    rowColToLatLonGeo(g, r0, c1 - 1),
    rowColToLatLonGeo(g, r1 - 1, c0),
  ];
  const lats = pts.map((p) => p[0]);
  const lons = pts.map((p) => p[1]);
  // MintPy pads the region by 0.5° so that it is activated early
  return {
    north: Math.max(...lats) + 0.5,
    south: Math.min(...lats) - 0.5,
    east: Math.max(...lons) + 0.5,
    west: Math.min(...lons) - 0.5,
  };
}

function networkLink(
  name: string,
  href: string,
  lod: [number, number],
  b: { north: number; south: number; east: number; west: number },
): string {
  return `  <NetworkLink><name>${xmlEscape(name)}</name><visibility>1</visibility>
    <Region><Lod><minLodPixels>${lod[0]}</minLodPixels><maxLodPixels>${lod[1]}</maxLodPixels></Lod>
      <LatLonAltBox><north>${b.north}</north><south>${b.south}</south><east>${b.east}</east><west>${b.west}</west></LatLonAltBox></Region>
    <Link><href>${xmlEscape(href)}</href><viewRefreshMode>onRegion</viewRefreshMode></Link></NetworkLink>\n`;
}

async function read2d(path: string, name?: string): Promise<Float32Array> {
  const h = await H5Reader.open(path);
  try {
    const ds = name && h.has(name) ? name : h.keys().find((k) => h.shape(k).length === 2);
    if (!ds) throw new InputError(`${path}: no 2-D dataset`);
    return Float32Array.from(h.read(ds));
  } finally {
    h.close();
  }
}

/** Write a save_kmz_timeseries-like KMZ (atomically). */
export async function writeKmzTimeseries(opts: KmzTimeseriesOptions): Promise<KmzTimeseriesResult> {
  const t0 = performance.now();
  const tsFile = resolve(opts.tsFile);
  const dir = dirname(tsFile);
  const h5 = await H5Reader.open(tsFile);
  const attrs = h5.attrs;
  const dates = readDates(h5);
  if (!dates) {
    h5.close();
    throw new InputError(`${tsFile}: not a time-series file (no "timeseries"/"date" datasets)`);
  }
  const g = gridOf(attrs, tsFile);
  if (!g) {
    h5.close();
    throw new InputError(`${tsFile}: not geocoded (no X_FIRST/Y_FIRST): save_kmz_timeseries needs geo input`);
  }
  const { length: L, width: W } = g;
  try {
    const velFile = opts.velFile ?? join(dir, 'velocity.h5');
    const tcohFile = opts.tcohFile ?? join(dir, 'temporalCoherence.h5');
    const maskFile = opts.maskFile ?? join(dir, 'maskTempCoh.h5');
    for (const f of [velFile, maskFile])
      if (!existsSync(f)) throw new InputError(`${f}: file not found (needed for the time-series KMZ of ${tsFile})`);
    const velRaw = await read2d(velFile, 'velocity');
    const vel = velRaw.map((x) => Math.fround(x * 100));
    const vstdRaw = await (async () => {
      const h = await H5Reader.open(velFile);
      try {
        return h.has('velocityStd') ? Float32Array.from(h.read('velocityStd')) : null;
      } finally {
        h.close();
      }
    })();
    const vstd = vstdRaw ? vstdRaw.map((x) => Math.fround(x * 100)) : new Float32Array(L * W).fill(NaN);
    const tcoh = existsSync(tcohFile) ? await read2d(tcohFile, 'temporalCoherence') : null;
    const mask = await readMask(maskFile, L, W);
    if (vel.length !== L * W) throw new InputError(`${velFile}: size differs from ${tsFile}`);

    let vlim = opts.vlim;
    if (!vlim) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of vel)
        if (Number.isFinite(x)) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      if (!(lo <= hi)) throw new InputError(`${velFile}: no finite velocity`);
      vlim = [lo, hi];
    }
    const cm = getColormap(opts.cmap ?? 'jet');
    // MintPy writes icon colours with matplotlib.colors.to_hex (rounded LUT), the colour bar as an image
    const cmIcon = getColormap(opts.cmap ?? 'jet', undefined, 'round');
    const steps = opts.steps ?? [20, 5, 2];
    const lods = opts.lods ?? [0, 1500, 4000, -1];

    const refYX: [number, number] | null =
      attrs.REF_Y !== undefined && attrs.REF_X !== undefined ? [Number(attrs.REF_Y), Number(attrs.REF_X)] : null;
    // which pixels each level shows
    const levels = steps.map((step, li) => {
      const boxes =
        li === steps.length - 1
          ? deformingBoxes(velRaw, mask, L, W, step, opts.cutoff ?? 3, opts.minPercentage ?? 0.2, refYX)
          : splitBoxes(L, W, Math.trunc(50 * step));
      const pts = boxes.map(([c0, r0, c1, r1]) => {
        const p: number[] = [];
        for (let r = r0; r < r1; r += step) for (let c = c0; c < c1; c += step) if (mask[r * W + c]) p.push(r * W + c);
        return p;
      });
      return { step, lod: [lods[li], lods[li + 1]] as [number, number], boxes, pts };
    });
    // read the needed pixel series row by row (cm, relative to the first date)
    const need = new Set<number>();
    for (const lv of levels) for (const p of lv.pts) for (const i of p) need.add(i);
    const refY = attrs.REF_Y !== undefined ? Number(attrs.REF_Y) : null;
    const refX = attrs.REF_X !== undefined ? Number(attrs.REF_X) : null;
    const series = new Map<number, Float32Array>();
    const rowsNeeded = new Set([...need].map((i) => Math.floor(i / W)));
    const N = dates.length;
    for (const r of [...rowsNeeded].sort((a, b) => a - b)) {
      const block = h5.readRows('timeseries', r, r + 1);
      for (let c = 0; c < W; c++) {
        const i = r * W + c;
        if (!need.has(i)) continue;
        const s = new Float32Array(N);
        const first = block[c];
        for (let k = 0; k < N; k++) s[k] = Math.fround(Math.fround(block[k * W + c] * 100) - Math.fround(first * 100));
        series.set(i, s);
      }
    }

    const fbase = opts.out ? basename(opts.out, extname(opts.out)) : basename(tsFile, extname(tsFile));
    const out = resolve(opts.out ?? join(dir, `${fbase}.kmz`));
    const files: Record<string, Uint8Array> = {};
    const cbarName = `${fbase}_cbar.png`;
    const levelLinks: string[] = [];
    const stats: KmzTimeseriesResult['levels'] = [];
    for (const lv of levels) {
      const name = `${lv.step}by${lv.step}`;
      let links = `${KML_HEAD}<Document>\n`;
      let npts = 0;
      lv.boxes.forEach((box, k) => {
        let doc = `${KML_HEAD}<Document>\n<Folder><name>Data</name>\n`;
        for (const i of lv.pts[k]) {
          const r = Math.floor(i / W);
          const c = i % W;
          const [lat, lon] = mintpyLatLon(g, box, r, c);
          const desc = descriptionHtml(lat, lon, r, c, vel[i], vstd[i], series.get(i)!, tcoh ? tcoh[i] : null, dates);
          doc += `<Placemark><Style><IconStyle><color>${kmlColor(cmIcon, vel[i], vlim!)}</color><scale>0.5</scale><Icon><href>../../shaded_dot.png</href></Icon></IconStyle></Style>`;
          doc += `<description><![CDATA[${desc}]]></description><Point><coordinates>${lon},${lat}</coordinates></Point></Placemark>\n`;
          npts++;
        }
        doc += '</Folder>\n</Document>\n</kml>\n';
        files[`kml_data/${name}/region_${k}.kml`] = strToU8(doc);
        links += networkLink(`Region ${k}`, `${name}/region_${k}.kml`, lv.lod, regionBox(g, box));
      });
      links += '</Document>\n</kml>\n';
      files[`kml_data/${name}.kml`] = strToU8(links);
      levelLinks.push(networkLink(name, `kml_data/${name}.kml`, [0, 1800], regionBox(g, [0, 0, W, L])));
      stats.push({ step: lv.step, boxes: lv.boxes.length, points: npts });
    }

    let root = `${KML_HEAD}<Document>\n<name>${xmlEscape(fbase)}</name>\n`;
    root += `<ScreenOverlay><name>colorbar</name><Icon><href>${cbarName}</href><viewBoundScale>0.75</viewBoundScale></Icon>
  <overlayXY x="0" y="0" xunits="fraction" yunits="fraction"/><screenXY x="0" y="0" xunits="fraction" yunits="fraction"/>
  <size x="0" y="250" xunits="pixel" yunits="pixel"/><rotation>0</rotation><visibility>1</visibility><open>0</open></ScreenOverlay>\n`;
    if (refY !== null && refX !== null) {
      const [rlat, rlon] = mintpyLatLon(g, [0, 0, W, L], refY, refX);
      const zero = new Float32Array(N);
      root += `<Folder><name>ReferencePoint</name><Placemark><name>ReferencePoint</name><Style><IconStyle><color>${kmlColor(cmIcon, 0, vlim)}</color><scale>1</scale><Icon><href>star.png</href></Icon></IconStyle></Style>`;
      root += `<description><![CDATA[Reference point <br /> \n <br /> \n${descriptionHtml(rlat, rlon, refY, refX, 0, 0, zero, 1, dates)}]]></description>`;
      root += `<Point><coordinates>${rlon}, ${rlat}</coordinates></Point></Placemark></Folder>\n`;
    }
    root += `<Folder><name>Data</name>\n${levelLinks.join('')}</Folder>\n</Document>\n</kml>\n`;

    const ordered: Record<string, Uint8Array> = {
      [`${fbase}_root.kml`]: strToU8(root),
      [cbarName]: renderColorbar(cm, vlim, 'Mean LOS velocity [cm/year]').toPng(),
      'shaded_dot.png': dotIcon(),
      'star.png': starIcon(),
      ...files,
    };
    const zip = zipFrom(tsFile, ordered, 4);
    writeFileAtomic(out, zip);
    return { path: out, vlim, levels: stats, entries: Object.keys(ordered), seconds: (performance.now() - t0) / 1000 };
  } finally {
    h5.close();
  }
}
