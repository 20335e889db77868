/**
 * A stack of NISAR GUNW products as MintPy's prep_nisar (≥ 1.6.4) sees it, before anything is written:
 * the template's inputs (mintpy.load.unwFile glob, demFile, frequency, waterMaskFile, subset.lalo), the
 * products' pairs and dates, the common grid (common_raster_bound ∩ subset, pixel-centre selection), and
 * MintPy's attributes (extract_metadata + update_attribute4subset). Checks that every product has what the
 * loader reads and that all come from one frame and share a polarisation; each problem is one InputError
 * naming the file.
 */
import { existsSync, statSync } from 'node:fs';
import type { Template } from '../config/template';
import { TemplateError } from '../config/template';
import { globLast } from '../formats/aria';
import { frameOfName, GunwProduct, gunwPaths, normalizeFrequency, type Frequency } from '../formats/gunw';
import type { Attrs } from '../formats/h5';
import type { GeoGrid } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { transformBounds, utmZoneOf, WGS84 } from '../../common/geo/crs';
import { pyFloat } from '../../common/util/pyfmt';

/** MintPy's constants (mintpy.constants). */
export const SPEED_OF_LIGHT = 299792458;
export const EARTH_RADIUS_MINTPY = 6371008.8;
/** MintPy writes this for NISAR (prep_nisar: "NISAR altitude"). */
export const NISAR_HEIGHT = 747000;

export interface NisarInputs {
  /** GUNW files, sorted by name (MintPy: sorted(glob)) */
  files: string[];
  demFile: string;
  waterMaskFile: string | null;
  frequency: Frequency;
  /** mintpy.subset.lalo as [S, N, W, E] degrees, or null */
  subsetLalo: [number, number, number, number] | null;
}

const NONE = /^(auto|no|none|)$/i;

/** The template's NISAR inputs (paths relative to the template), checked for existence. */
export function resolveNisarInputs(t: Template, opts: { requireDem?: boolean } = {}): NisarInputs {
  const unw = t.path_('mintpy.load.unwFile');
  if (!unw) throw new InputError(`${t.path}: mintpy.load.unwFile is not set (a glob of NISAR GUNW .h5 files)`);
  const files = globLast(unw);
  if (!files.length) throw new InputError(`${unw}: no NISAR GUNW file matches mintpy.load.unwFile`);
  const demRaw = t.get('mintpy.load.demFile');
  let demFile = '';
  if (NONE.test(demRaw)) {
    if (opts.requireDem !== false)
      throw new InputError(`${t.path}: mintpy.load.demFile is required for processor = nisar (a DEM GeoTIFF, any CRS)`);
  } else {
    demFile = t.path_('mintpy.load.demFile') as string;
    if (opts.requireDem !== false && (!existsSync(demFile) || !statSync(demFile).isFile()))
      throw new InputError(`${demFile}: DEM file not found`);
  }
  const wm = t.get('mintpy.load.waterMaskFile');
  let waterMaskFile: string | null = null;
  if (!NONE.test(wm)) {
    waterMaskFile = t.path_('mintpy.load.waterMaskFile');
    if (!waterMaskFile || !existsSync(waterMaskFile))
      throw new InputError(`${waterMaskFile ?? wm}: water mask file not found (mintpy.load.waterMaskFile)`);
  }
  const fq = normalizeFrequency(t.get('mintpy.load.frequency'));
  if (!fq)
    throw new TemplateError(t.path, 'mintpy.load.frequency', `"${t.get('mintpy.load.frequency')}" is not auto, A or B`);
  return { files, demFile, waterMaskFile, frequency: fq, subsetLalo: subsetLaloOf(t) };
}

/** mintpy.subset.lalo = S:N,W:E (degrees) → [S, N, W, E]; null when no. */
export function subsetLaloOf(t: Template): [number, number, number, number] | null {
  const v = t.get('mintpy.subset.lalo');
  if (/^(no|none|auto)$/i.test(v)) return null;
  const m = /^\s*([-+.\deE]+)\s*:\s*([-+.\deE]+)\s*,\s*([-+.\deE]+)\s*:\s*([-+.\deE]+)\s*$/.exec(v);
  const n = m ? m.slice(1, 5).map(Number) : [];
  if (!m || !n.every(Number.isFinite))
    throw new TemplateError(t.path, 'mintpy.subset.lalo', `"${v}" is not S:N,W:E in degrees`);
  return [n[0], n[1], n[2], n[3]];
}

/** One product of the stack. */
export interface NisarProduct {
  path: string;
  /** YYYYMMDD of the reference and secondary acquisitions (MintPy's date1_date2 order) */
  date1: string;
  date2: string;
  /** pixel box of the common grid in this product [x0, y0, x1, y1) */
  box: [number, number, number, number];
}

export interface NisarStack {
  inputs: NisarInputs;
  polarization: string;
  products: NisarProduct[];
  /** EPSG code of the GUNW grid */
  epsg: number;
  /** pixel-centre coordinates of the loaded (common, subset) grid */
  x: Float64Array;
  y: Float64Array;
  length: number;
  width: number;
  grid: GeoGrid;
  /** sorted unique dates */
  dates: string[];
  /** MintPy's attributes from the first product (STARTING_RANGE from the cube; geometry overwrites it) */
  attrs: Attrs;
}

/** numpy's pairwise float64 sum (np.add.reduce on a contiguous array). */
export function pairwiseSum64(a: ArrayLike<number>, off = 0, n = a.length): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += a[off + i];
    return r;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => a[off + k]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[off + i + k];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[off + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum64(a, off, n2) + pairwiseSum64(a, off + n2, n - n2);
}

/** MintPy's _read_perpendicular_baseline: float32(mean of the finite cube values). */
export function meanBperp(p: GunwProduct, paths: ReturnType<typeof gunwPaths>): number {
  const path = paths.cube('perpendicularBaseline');
  const cube = p.f64(path);
  const fill = p.fillValue(path);
  const finite = cube.filter((v) => Number.isFinite(v) && v !== fill);
  if (!finite.length) throw new InputError(`${p.path}: no finite perpendicular baseline in ${path}`);
  return Math.fround(pairwiseSum64(finite) / finite.length);
}

/** MintPy's _get_date_pairs: identification start times, else the OPERA-style file name fields 11 and 13. */
function datesOf(p: GunwProduct, paths: ReturnType<typeof gunwPaths>): [string, string] {
  if (p.has(paths.referenceStart) && p.has(paths.secondaryStart)) {
    const d = (s: string): string => s.split('T')[0].replace(/-/g, '');
    return [d(p.text(paths.referenceStart)), d(p.text(paths.secondaryStart))];
  }
  const parts = p.path
    .replace(/^.*\//, '')
    .replace(/\.[^.]*$/, '')
    .split('_');
  if (parts.length > 13) return [parts[11].split('T')[0], parts[13].split('T')[0]];
  throw new InputError(`${p.path}: no reference/secondary dates (identification zero-Doppler start times missing)`);
}

/** "YYYY-MM-DDTHH:MM:SS.ffffff…" → microseconds since the epoch (datetime.strptime of the first 26 characters). */
function parseTimeMicros(s: string, file: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(s.slice(0, 26));
  if (!m) throw new InputError(`${file}: cannot read the time "${s}"`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return BigInt(ms) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0') || '0');
}

/**
 * MintPy's CENTER_LINE_UTC: seconds of day of the middle of the reference acquisition (timedelta / 2 rounds
 * half to even in microseconds).
 */
export function centerLineUtc(start: string, end: string, file = '?'): number {
  const a = parseTimeMicros(start, file);
  const b = parseTimeMicros(end, file);
  const d = b - a;
  let half = d / 2n;
  if (d % 2n !== 0n && half % 2n !== 0n) half += d > 0n ? 1n : -1n;
  const mid = a + half;
  const day = 86400n * 1000000n;
  return Number(((mid % day) + day) % day) / 1e6;
}

/** MintPy's get_rows_cols: pixel-centre indices within bounds [xmin, ymin, xmax, ymax] → [col1, row1, col2, row2). */
export function rowsColsOf(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  bounds: number[],
): [number, number, number, number] {
  let [xmin, ymin, xmax, ymax] = bounds;
  if (xmin > xmax) [xmin, xmax] = [xmax, xmin];
  if (ymin > ymax) [ymin, ymax] = [ymax, ymin];
  const mm = (a: ArrayLike<number>): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < a.length; i++) {
      if (a[i] < lo) lo = a[i];
      if (a[i] > hi) hi = a[i];
    }
    return [lo, hi];
  };
  const [xlo, xhi] = mm(x);
  const [ylo, yhi] = mm(y);
  xmin = Math.max(xmin, xlo);
  xmax = Math.min(xmax, xhi);
  ymin = Math.max(ymin, ylo);
  ymax = Math.min(ymax, yhi);
  if (xmin >= xmax || ymin >= ymax) [xmin, xmax, ymin, ymax] = [xlo, xhi, ylo, yhi];
  const pick = (a: ArrayLike<number>, lo: number, hi: number): [number, number] => {
    let i1 = -1;
    let i2 = -1;
    for (let i = 0; i < a.length; i++)
      if (a[i] >= lo && a[i] <= hi) {
        if (i1 < 0) i1 = i;
        i2 = i;
      }
    if (i1 < 0) {
      const near = (v: number): number => {
        let best = 0;
        for (let i = 1; i < a.length; i++) if (Math.abs(a[i] - v) < Math.abs(a[best] - v)) best = i;
        return best;
      };
      [i1, i2] = [near(lo), near(hi)].sort((p, q) => p - q);
    }
    return [i1, Math.min(i2 + 1, a.length)];
  };
  const [c1, c2] = pick(x, xmin, xmax);
  const [r1, r2] = pick(y, ymin, ymax);
  return [c1, r1, c2, r2];
}

const minOf = (a: Float64Array): number => a.reduce((m, v) => Math.min(m, v), Infinity);
const maxOf = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, v), -Infinity);

interface ProductMeta {
  path: string;
  pols: string[];
  x: Float64Array;
  y: Float64Array;
  epsg: number;
  dx: number;
  dy: number;
  direction: string;
  frame: { track: number | null; frame: number | null; direction: string } | null;
  corners: [number, number, number, number];
  dates: [string, string];
}

function frameText(m: ProductMeta): string {
  const f = m.frame;
  if (!f) return `${m.direction} pass`;
  return `frame ${f.frame ?? '?'} of track ${f.track ?? '?'} (${f.direction})`;
}

/**
 * Open every product's metadata, check them, and work out the common grid and MintPy's attributes.
 * `requireDem: false` for project detection (the DEM is needed by load_data only).
 */
export async function openNisarStack(t: Template, opts: { requireDem?: boolean } = {}): Promise<NisarStack> {
  const inputs = resolveNisarInputs(t, opts);
  const { files, frequency } = inputs;
  const metas: ProductMeta[] = [];
  let polarization = '';
  let attrs: Attrs = {};
  let first: ProductMeta | null = null;
  for (const path of files) {
    const p = await GunwProduct.open(path);
    try {
      const base = gunwPaths(frequency, 'HH');
      const letter = frequency.slice(-1);
      if (!p.has(base.group) || !p.has(base.centerFrequency))
        throw new InputError(
          `${path}: NISAR ${frequency} data not found (missing ${p.has(base.group) ? base.centerFrequency : base.group}); ` +
            (letter === 'A'
              ? 'set mintpy.load.frequency = B for frequencyB products'
              : 'check that the products hold frequencyB'),
        );
      p.require([base.listOfPolarizations]);
      const pols = p.strings(base.listOfPolarizations);
      if (!polarization) polarization = pols[0];
      if (!pols.includes(polarization))
        throw new InputError(
          `${path}: polarisation ${pols.join('/')} differs from ${polarization} of ${files[0]}: products of different polarisations cannot be stacked`,
        );
      const P = gunwPaths(frequency, polarization);
      p.require(
        [
          P.layer('unwrappedPhase'),
          P.layer('coherenceMagnitude'),
          P.layer('connectedComponents'),
          P.xCoordinates,
          P.yCoordinates,
          P.xCoordinateSpacing,
          P.yCoordinateSpacing,
          P.projection,
          P.radarGridX,
          P.radarGridY,
          P.radarGridHeight,
          P.cube('perpendicularBaseline'),
          P.orbitPassDirection,
        ],
        'a dataset the NISAR loader needs',
      );
      const x = p.f64(P.xCoordinates);
      const y = p.f64(P.yCoordinates);
      if (x.length < 2 || y.length < 2) throw new InputError(`${path}: the grid has fewer than 2 pixels along x or y`);
      const rx = p.f64(P.radarGridX);
      const ry = p.f64(P.radarGridY);
      const ident = p.has(P.trackNumber) && p.has(P.frameNumber);
      const direction = p.text(P.orbitPassDirection);
      const fromName = frameOfName(path);
      const m: ProductMeta = {
        path,
        pols,
        x,
        y,
        epsg: p.num(P.projection),
        dx: p.num(P.xCoordinateSpacing),
        dy: p.num(P.yCoordinateSpacing),
        direction,
        frame: ident
          ? { track: p.num(P.trackNumber), frame: p.num(P.frameNumber), direction }
          : fromName
            ? { track: fromName.track, frame: fromName.frame, direction: fromName.direction }
            : null,
        // get_raster_corners: west, south, east, north of the data ∩ radar grid (pixel centres)
        corners: [
          Math.max(minOf(rx), minOf(x)),
          Math.max(minOf(ry), minOf(y)),
          Math.min(maxOf(rx), maxOf(x)),
          Math.min(maxOf(ry), maxOf(y)),
        ],
        dates: datesOf(p, P),
      };
      if (!first) {
        first = m;
        p.require(
          [
            P.centerFrequency,
            P.missionId,
            P.referenceStart,
            P.referenceEnd,
            P.rangeLooks,
            P.azimuthLooks,
            P.cube('referenceSlantRange'),
            P.cube('incidenceAngle'),
            P.cube('losUnitVectorX'),
            P.cube('losUnitVectorY'),
          ],
          'a dataset the NISAR loader needs',
        );
        attrs = metadataOf(p, P, m, polarization);
      } else {
        const f0 = first;
        const sameFrame =
          m.direction === f0.direction &&
          (!m.frame || !f0.frame || (m.frame.track === f0.frame.track && m.frame.frame === f0.frame.frame));
        if (!sameFrame)
          throw new InputError(
            `${path}: ${frameText(m)} differs from ${frameText(f0)} of ${f0.path}: products of different frames cannot be stacked`,
          );
        if (m.epsg !== f0.epsg || m.dx !== f0.dx || m.dy !== f0.dy)
          throw new InputError(
            `${path}: grid EPSG:${m.epsg} at ${m.dx} × ${m.dy} differs from EPSG:${f0.epsg} at ${f0.dx} × ${f0.dy} of ${f0.path}: products of different frames cannot be stacked`,
          );
      }
      metas.push(m);
    } finally {
      p.close();
    }
  }
  const f0 = first as ProductMeta;
  // common_raster_bound (∩ the subset box transformed to the grid's CRS)
  let bounds = [
    Math.max(...metas.map((m) => m.corners[0])),
    Math.max(...metas.map((m) => m.corners[1])),
    Math.min(...metas.map((m) => m.corners[2])),
    Math.min(...metas.map((m) => m.corners[3])),
  ];
  if (inputs.subsetLalo) {
    const [S, N, W, E] = inputs.subsetLalo;
    const box = transformBounds(WGS84, f0.epsg, [Math.min(W, E), Math.min(S, N), Math.max(W, E), Math.max(S, N)]);
    bounds = [
      Math.max(bounds[0], box[0]),
      Math.max(bounds[1], box[1]),
      Math.min(bounds[2], box[2]),
      Math.min(bounds[3], box[3]),
    ];
  }
  if (bounds[0] >= bounds[2] || bounds[1] >= bounds[3])
    throw new InputError(
      `${inputs.files[0]}: the products${inputs.subsetLalo ? ' and mintpy.subset.lalo' : ''} have no common area (bounds ${bounds.join(', ')})`,
    );
  const products: NisarProduct[] = metas.map((m) => ({
    path: m.path,
    date1: m.dates[0],
    date2: m.dates[1],
    box: rowsColsOf(m.x, m.y, bounds),
  }));
  const b0 = products[0].box;
  for (const p of products) {
    const w = p.box[2] - p.box[0];
    const l = p.box[3] - p.box[1];
    if (w !== b0[2] - b0[0] || l !== b0[3] - b0[1])
      throw new InputError(
        `${p.path}: the common area is ${w} × ${l} px here but ${b0[2] - b0[0]} × ${b0[3] - b0[1]} px in ${products[0].path}: products of different frames cannot be stacked`,
      );
  }
  // attributes: bbox, then update_attribute4subset on the first product's full grid
  const [c1, r1, c2, r2] = b0;
  attrs.bbox = bounds.map(pyFloat).join(',');
  attrs.LENGTH = String(r2 - r1);
  attrs.WIDTH = String(c2 - c1);
  attrs.YMAX = String(r2 - r1 - 1);
  attrs.XMAX = String(c2 - c1 - 1);
  attrs.SUBSET_YMAX = String(r2);
  attrs.SUBSET_YMIN = String(r1);
  attrs.SUBSET_XMAX = String(c2);
  attrs.SUBSET_XMIN = String(c1);
  attrs.Y_FIRST = pyFloat(Number(attrs.Y_FIRST) + r1 * Number(attrs.Y_STEP));
  attrs.X_FIRST = pyFloat(Number(attrs.X_FIRST) + c1 * Number(attrs.X_STEP));
  const x = f0.x.slice(c1, c2);
  const y = f0.y.slice(r1, r2);
  const grid: GeoGrid = {
    length: r2 - r1,
    width: c2 - c1,
    xFirst: Number(attrs.X_FIRST),
    yFirst: Number(attrs.Y_FIRST),
    xStep: Number(attrs.X_STEP),
    yStep: Number(attrs.Y_STEP),
    ...(f0.epsg !== WGS84 ? { epsg: f0.epsg } : {}),
  };
  const dates = [...new Set(products.flatMap((p) => [p.date1, p.date2]))].sort();
  return {
    inputs,
    polarization,
    products,
    epsg: f0.epsg,
    x,
    y,
    length: grid.length,
    width: grid.width,
    grid,
    dates,
    attrs,
  };
}

/** extract_metadata: MintPy's attributes from the first product (full grid; the subset is applied after). */
function metadataOf(p: GunwProduct, P: ReturnType<typeof gunwPaths>, m: ProductMeta, pol: string): Attrs {
  const a: Attrs = {};
  a.EPSG = String(m.epsg);
  a.WAVELENGTH = pyFloat(SPEED_OF_LIGHT / p.num(P.centerFrequency));
  a.ORBIT_DIRECTION = p.text(P.orbitPassDirection);
  a.POLARIZATION = pol;
  a.ALOOKS = String(p.num(P.azimuthLooks));
  a.RLOOKS = String(p.num(P.rangeLooks));
  a.PLATFORM = p.text(P.missionId);
  const sr = p.f64(P.cube('referenceSlantRange'));
  a.STARTING_RANGE = pyFloat(sr.reduce((q, v) => (v < q || Number.isNaN(v) ? v : q), Infinity));
  a.CENTER_LINE_UTC = pyFloat(centerLineUtc(p.text(P.referenceStart), p.text(P.referenceEnd), p.path));
  a.X_FIRST = pyFloat(minOf(m.x) - m.dx / 2);
  a.Y_FIRST = pyFloat(maxOf(m.y) - m.dy / 2);
  a.X_STEP = pyFloat(m.dx);
  a.Y_STEP = pyFloat(m.dy);
  if (m.epsg === WGS84) a.X_UNIT = a.Y_UNIT = 'degree';
  else {
    a.X_UNIT = a.Y_UNIT = 'meters';
    a.UTM_ZONE =
      utmZoneOf(m.epsg) ??
      (String(m.epsg).startsWith('326') ? `${String(m.epsg).slice(3)}N` : `${String(m.epsg).slice(3)}S`);
  }
  a.EARTH_RADIUS = pyFloat(EARTH_RADIUS_MINTPY);
  a.HEIGHT = String(NISAR_HEIGHT);
  a.RANGE_PIXEL_SIZE = pyFloat(Math.abs(m.dx));
  a.AZIMUTH_PIXEL_SIZE = pyFloat(Math.abs(m.dy));
  a.LENGTH = String(m.y.length);
  a.WIDTH = String(m.x.length);
  return a;
}
