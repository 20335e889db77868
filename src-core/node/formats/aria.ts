/**
 * ARIA-tools stacks (`ariaTSsetup.py` output) read the way MintPy 1.5.1's prep_aria.py reads them:
 *
 * - pairs: band metadata `Dates` = "<later>_<earlier>" → [earlier, later], sorted by "date1_date2";
 *   unwrapped phase and bperp change sign (ARIA's date2_date1 → MintPy's date1_date2);
 * - no-data: the NoDataValue of the last per-pair source file of each stack → 0;
 * - geometry: height no-data → NaN, incidence/azimuth no-data → NaN, azimuth − 90 (ARIA: from east,
 *   MintPy: from north), slantRangeDistance = STARTING_RANGE everywhere, water mask false where the
 *   incidence angle is no-data;
 * - attributes: the unwrapStack band-1 metadata plus MintPy's fixed Sentinel-1 values. MintPy treats the
 *   VRT GeoTransform origin as a pixel *centre* and subtracts half a pixel (X_FIRST = −119.80125 for a
 *   VRT origin of −119.8, prep_aria.extract_metadata: `W = transform[0] - x_step / 2.`), although GDAL's
 *   origin is the outer corner: MintPy's grid is half a pixel north-west of the data. We reproduce that
 *   so files and coordinates match MintPy's; `AriaStack.geoTransform` keeps the true VRT geotransform.
 * - mintpy.subset.yx / .lalo (lalo wins, clipped to the data) and mintpy.multilook.ystep/xstep/method
 *   as prep_aria applies them (subset first, then multilook; attributes via update_attribute4subset /
 *   update_attribute4multilook).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Template } from '../config/template';
import { InputError } from '../../common/pipeline/types';
import { parseDate } from '../../common/time/dates';
import { pyFloat, pyFixed } from '../../common/util/pyfmt';
import type { Attrs } from './h5';
import type { GeoGrid } from './mintpyFiles';
import { openRaster, VrtDataset, type Raster } from './vrt';

/** Resolved input files (absolute); optional ones are null when not given / not found. */
export interface AriaInputs {
  unwFile: string;
  corFile: string;
  connCompFile: string;
  magFile: string | null;
  demFile: string;
  incAngleFile: string;
  azAngleFile: string | null;
  waterMaskFile: string | null;
}

export interface AriaPair {
  /** [earlier, later] YYYYMMDD */
  dates: [string, string];
  /** 1-based band in the stack VRTs */
  band: number;
  /** MintPy sign (date1_date2): −perpendicularBaseline */
  bperp: number;
}

export interface AriaStack {
  inputs: AriaInputs;
  length: number;
  width: number;
  /** MintPy's grid (half-pixel shifted, see the module comment), of the subset if any */
  grid: GeoGrid;
  /** the part of the input rasters that is loaded (mintpy.subset.*; the whole grid without one) */
  box: PixelBox;
  /** multilooking applied to the box while loading (1 × 1: none) */
  looks: Looks;
  /** the VRT's own geotransform */
  geoTransform: number[];
  pairs: AriaPair[];
  dates: string[];
  /** MintPy's metadata (prep_aria extract_metadata), without FILE_TYPE and template keys */
  attrs: Attrs;
  /** no-data values MintPy converts to 0 */
  noData: { unw: number | null; coh: number | null; connComp: number | null; mag: number | null };
  rasters: {
    unw: VrtDataset;
    coh: VrtDataset;
    connComp: VrtDataset;
    mag: VrtDataset | null;
    dem: Raster;
    inc: Raster;
    az: Raster | null;
    water: Raster | null;
  };
}

/** Layer (metadata domain) names ARIA-tools uses in each stack VRT. */
export { ARIA_LOAD_KEYS } from '../../common/formats/ariaKeys';

export const ARIA_DOMAINS = {
  unw: 'unwrappedPhase',
  coh: 'coherence',
  connComp: 'connectedComponents',
  mag: 'amplitude',
} as const;

/**
 * Expand `*` and `?` in the last path component (sorted matches); a path without wildcards is
 * returned as is if it exists. Python's glob, for the patterns MintPy templates use.
 */
export function globLast(pattern: string): string[] {
  const dir = dirname(pattern);
  const name = basename(pattern);
  if (!/[*?[]/.test(name)) return existsSync(pattern) ? [pattern] : [];
  if (/[*?[]/.test(dir)) throw new InputError(`${pattern}: wildcards are only supported in the file name`);
  if (!existsSync(dir)) return [];
  const re = new RegExp(
    '^' +
      name
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|\\\]]/g, '\\$&')))
        .join('') +
      '$',
  );
  return readdirSync(dir)
    .filter((f) => re.test(f) && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
}

/** Template → input files, as prep_aria resolves them (cor/connComp/mag live in the unwrapStack's folder). */
export function resolveAriaInputs(template: Template): AriaInputs {
  const pick = (key: string, required: boolean): string | null => {
    const p = template.path_(key);
    if (!p) {
      if (required) throw new InputError(`${template.path}: ${key} is not set (needed to load an ARIA stack)`);
      return null;
    }
    const m = globLast(p);
    if (!m.length) {
      if (required) throw new InputError(`${p}: no file found for ${key}`);
      return null;
    }
    return m[0];
  };
  const unwFile = pick('mintpy.load.unwFile', true) as string;
  const stackDir = dirname(unwFile);
  const inStackDir = (key: string, dflt: string | null, required: boolean): string | null => {
    const p = template.path_(key);
    const name = p ? basename(p) : dflt;
    if (!name) return null;
    const m = globLast(join(stackDir, name));
    if (!m.length) {
      if (required) throw new InputError(`${join(stackDir, name)}: no file found for ${key}`);
      return null;
    }
    return m[0];
  };
  return {
    unwFile,
    corFile: inStackDir('mintpy.load.corFile', 'cohStack.vrt', true) as string,
    connCompFile: inStackDir('mintpy.load.connCompFile', 'connCompStack.vrt', true) as string,
    magFile: inStackDir('mintpy.load.magFile', 'ampStack.vrt', false),
    demFile: pick('mintpy.load.demFile', true) as string,
    incAngleFile: pick('mintpy.load.incAngleFile', true) as string,
    azAngleFile: pick('mintpy.load.azAngleFile', false),
    waterMaskFile: pick('mintpy.load.waterMaskFile', false),
  };
}

/** mintpy.multilook.* as prep_aria reads them. */
export interface Looks {
  y: number;
  x: number;
  /** for unwrapPhase/coherence/magnitude; connectComponent and geometry always use nearest */
  method: 'nearest' | 'mean' | 'median';
}

export function ariaLooks(template: Template): Looks {
  const int = (k: string): number => {
    const v = template.get(k);
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${template.path}: ${k} = ${v}: expected an integer ≥ 1`);
    return n;
  };
  const method = template.get('mintpy.multilook.method').toLowerCase();
  if (method !== 'nearest' && method !== 'mean' && method !== 'median')
    throw new InputError(`${template.path}: mintpy.multilook.method = ${method}: expected nearest, mean or median`);
  return { y: int('mintpy.multilook.ystep'), x: int('mintpy.multilook.xstep'), method };
}

/** attribute.update_attribute4multilook (no margin box): X/Y_FIRST and NCORRLOOKS are left as they are. */
export function multilookAttrs(meta: Attrs, ly: number, lx: number): Attrs {
  const a: Attrs = { ...meta };
  const L = Math.floor(Number(meta.LENGTH) / ly);
  const W = Math.floor(Number(meta.WIDTH) / lx);
  a.LENGTH = String(L);
  a.WIDTH = String(W);
  a.XMIN = '0';
  a.YMIN = '0';
  a.XMAX = String(W - 1);
  a.YMAX = String(L - 1);
  a.RLOOKS = String(Number(meta.RLOOKS ?? '1') * lx);
  a.ALOOKS = String(Number(meta.ALOOKS ?? '1') * ly);
  if (meta.Y_STEP !== undefined) {
    a.Y_STEP = pyFloat(ly * Number(meta.Y_STEP));
    a.X_STEP = pyFloat(lx * Number(meta.X_STEP));
  }
  if (meta.AZIMUTH_PIXEL_SIZE !== undefined) a.AZIMUTH_PIXEL_SIZE = pyFloat(ly * Number(meta.AZIMUTH_PIXEL_SIZE));
  if (meta.RANGE_PIXEL_SIZE !== undefined) a.RANGE_PIXEL_SIZE = pyFloat(lx * Number(meta.RANGE_PIXEL_SIZE));
  if (meta.SUBSET_XMIN !== undefined) {
    a.SUBSET_YMIN = String(Math.floor(Number(meta.SUBSET_YMIN) / ly));
    a.SUBSET_YMAX = String(Math.floor(Number(meta.SUBSET_YMAX) / ly));
    a.SUBSET_XMIN = String(Math.floor(Number(meta.SUBSET_XMIN) / lx));
    a.SUBSET_XMAX = String(Math.floor(Number(meta.SUBSET_XMAX) / lx));
  }
  return a;
}

/** A pixel box [x0, x1) × [y0, y1) of the stack grid. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** "a:b,c:d" → two sorted ranges (subset.read_subset_template2box); null for no/none/auto. */
function parseRanges(template: Template, key: string, int: boolean): [[number, number], [number, number]] | null {
  const v = template.get(key);
  if (/^(no|none|auto)$/i.test(v)) return null;
  const opts = v.split(',').map((x) => x.trim().replace(/[[\]]/g, ''));
  const range = (o: string | undefined): [number, number] => {
    const p = (o ?? '').split(':').map((x) => x.trim());
    const n = p.map(Number);
    if (p.length !== 2 || !n.every(Number.isFinite) || (int && !n.every(Number.isInteger)))
      throw new InputError(
        `${template.path}: ${key} = ${v}: expected ${int ? 'y0:y1,x0:x1 (integers)' : 'lat0:lat1,lon0:lon1'}`,
      );
    return [Math.min(n[0], n[1]), Math.max(n[0], n[1])];
  };
  return [range(opts[0]), range(opts[1])];
}

/**
 * prep_aria.read_subset_box: mintpy.subset.lalo (wins) or mintpy.subset.yx → a pixel box on MintPy's
 * (half-pixel shifted) grid, clipped to the data for lalo like coordinate.check_box_within_data_coverage;
 * null when no subset is asked for.
 */
export function ariaSubsetBox(template: Template, meta: Attrs, file: string): PixelBox | null {
  const L = Number(meta.LENGTH);
  const W = Number(meta.WIDTH);
  const lalo = parseRanges(template, 'mintpy.subset.lalo', false);
  const yx = parseRanges(template, 'mintpy.subset.yx', true);
  if (lalo) {
    const [[lat0, lat1], [lon0, lon1]] = lalo;
    const y0f = Number(meta.Y_FIRST);
    const x0f = Number(meta.X_FIRST);
    const ys = [lat1, lat1, lat0, lat0].map((lat) => Math.floor((lat - y0f) / Number(meta.Y_STEP) + 0.01));
    const xs = [lon0, lon1, lon0, lon1].map((lon) => Math.floor((lon - x0f) / Number(meta.X_STEP) + 0.01));
    const b = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    if (b.y0 >= L || b.y1 <= 0 || b.x0 >= W || b.x1 <= 0)
      throw new InputError(
        `${template.path}: mintpy.subset.lalo = ${template.get('mintpy.subset.lalo')} is outside the data of ${file}`,
      );
    return { x0: Math.max(0, b.x0), y0: Math.max(0, b.y0), x1: Math.min(W, b.x1), y1: Math.min(L, b.y1) };
  }
  if (yx) {
    const [[y0, y1], [x0, x1]] = yx;
    if (y0 < 0 || x0 < 0 || y1 > L || x1 > W || y1 <= y0 || x1 <= x0)
      throw new InputError(
        `${template.path}: mintpy.subset.yx = ${template.get('mintpy.subset.yx')} is outside the ${L} × ${W} px data of ${file}`,
      );
    return { x0, y0, x1, y1 };
  }
  return null;
}

/** attribute.update_attribute4subset for geocoded files. */
export function subsetAttrs(meta: Attrs, b: PixelBox): Attrs {
  const a: Attrs = { ...meta };
  a.LENGTH = String(b.y1 - b.y0);
  a.WIDTH = String(b.x1 - b.x0);
  a.YMAX = String(b.y1 - b.y0 - 1);
  a.XMAX = String(b.x1 - b.x0 - 1);
  const ymin = Number(meta.SUBSET_YMIN ?? '0');
  const xmin = Number(meta.SUBSET_XMIN ?? '0');
  a.SUBSET_YMAX = String(b.y1 + ymin);
  a.SUBSET_YMIN = String(b.y0 + ymin);
  a.SUBSET_XMAX = String(b.x1 + xmin);
  a.SUBSET_XMIN = String(b.x0 + xmin);
  if (meta.Y_FIRST !== undefined) {
    a.Y_FIRST = pyFloat(Number(meta.Y_FIRST) + b.y0 * Number(meta.Y_STEP));
    a.X_FIRST = pyFloat(Number(meta.X_FIRST) + b.x0 * Number(meta.X_STEP));
  }
  return a;
}

/** sensor.SENSOR_DICT['sen'] values prep_aria uses for NCORRLOOKS. */
const SEN = { rangeResolution: 3.1, rangePixelSize: 2.3, azimuthResolution: 22.7, azimuthPixelSize: 14.1 };

/** prep_aria.extract_metadata: MintPy's attributes from the unwrapStack VRT. */
export function ariaMetadata(unw: VrtDataset): Attrs {
  const src = unw.bandMetadata(1, ARIA_DOMAINS.unw);
  const need = (k: string): string => {
    const v = src[k];
    if (v === undefined)
      throw new InputError(`${unw.path}: band 1 metadata (domain ${ARIA_DOMAINS.unw}) has no "${k}"`);
    return v;
  };
  const num = (k: string): number => {
    const n = Number(need(k));
    if (!Number.isFinite(n)) throw new InputError(`${unw.path}: band 1 metadata "${k}" = "${src[k]}" is not a number`);
    return n;
  };
  const meta: Attrs = {};
  for (const [k, v] of Object.entries(src)) if (k !== 'Dates' && k !== 'perpendicularBaseline') meta[k] = v;
  const orbit = need('orbitDirection').toUpperCase();
  const gt = unw.geoTransform;
  if (!gt) throw new InputError(`${unw.path}: VRT has no <GeoTransform> (ARIA stacks are geocoded)`);
  const rlooks = 19;
  const alooks = 7;
  const rgfact = SEN.rangeResolution / SEN.rangePixelSize;
  const azfact = SEN.azimuthResolution / SEN.azimuthPixelSize;
  const xStep = Math.abs(gt[1]);
  const yStep = Math.abs(gt[5]) * -1;
  const W = gt[0] - xStep / 2;
  const N = gt[3] - yStep / 2;
  const E = W + xStep * unw.width;
  const S = N + yStep * unw.length;
  const utc = need('UTCTime (HH:MM:SS.ss)');
  const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d*)?$/.exec(utc.trim());
  if (!m) throw new InputError(`${unw.path}: band 1 metadata "UTCTime (HH:MM:SS.ss)" = "${utc}" is not HH:MM:SS.ss`);
  Object.assign(meta, {
    ANTENNA_SIDE: '-1',
    PROCESSOR: 'isce',
    FILE_LENGTH: String(unw.length),
    LENGTH: String(unw.length),
    ORBIT_DIRECTION: orbit,
    PLATFORM: 'Sen',
    WAVELENGTH: pyFloat(num('Wavelength (m)')),
    WIDTH: String(unw.width),
    NUMBER_OF_PAIRS: String(unw.bandCount),
    STARTING_RANGE: pyFloat(num('startRange')),
    HEADING: orbit.startsWith('D') ? '-168' : '-12',
    ALOOKS: String(alooks),
    RLOOKS: String(rlooks),
    RANGE_PIXEL_SIZE: pyFloat(num('slantRangeSpacing') * rlooks),
    NCORRLOOKS: pyFloat((rlooks * alooks) / (rgfact * azfact)),
    X_FIRST: pyFixed(W, 9),
    Y_FIRST: pyFixed(N, 9),
    X_STEP: pyFixed(xStep, 9),
    Y_STEP: pyFixed(yStep, 9),
    X_UNIT: 'degrees',
    Y_UNIT: 'degrees',
    CENTER_LINE_UTC: pyFloat(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])),
    EARTH_RADIUS: '6337286.638938101',
    HEIGHT: '693000.0',
  });
  const [lat, lon] = orbit.startsWith('ASC')
    ? [
        [S, S, N, N],
        [W, E, W, E],
      ]
    : [
        [N, N, S, S],
        [E, W, E, W],
      ];
  for (let i = 0; i < 4; i++) {
    meta[`LAT_REF${i + 1}`] = pyFloat(lat[i]);
    meta[`LON_REF${i + 1}`] = pyFloat(lon[i]);
  }
  return meta;
}

/** Pairs of a stack VRT from its band `Dates` ("later_earlier"), sorted the way MintPy sorts them. */
export function ariaPairs(unw: VrtDataset): AriaPair[] {
  const seen = new Map<string, number>();
  const pairs: AriaPair[] = [];
  for (let b = 1; b <= unw.bandCount; b++) {
    const md = unw.bandMetadata(b, ARIA_DOMAINS.unw);
    const d = md.Dates;
    if (d === undefined)
      throw new InputError(`${unw.path}: band ${b} has no "Dates" metadata (domain ${ARIA_DOMAINS.unw})`);
    const parts = d.trim().split('_');
    if (parts.length !== 2) throw new InputError(`${unw.path}: band ${b}: Dates "${d}" is not <date>_<date>`);
    for (const p of parts) {
      try {
        parseDate(p);
        if (!/^\d{8}$/.test(p)) throw new Error('not YYYYMMDD');
      } catch {
        throw new InputError(`${unw.path}: band ${b}: Dates "${d}": "${p}" is not a date (YYYYMMDD)`);
      }
    }
    const sorted = [...parts].sort() as [string, string];
    const key = sorted.join('_');
    if (seen.has(key)) throw new InputError(`${unw.path}: bands ${seen.get(key)} and ${b} are the same pair ${key}`);
    seen.set(key, b);
    const bp = Number(md.perpendicularBaseline);
    if (md.perpendicularBaseline === undefined || !Number.isFinite(bp))
      throw new InputError(
        `${unw.path}: band ${b}: perpendicularBaseline "${md.perpendicularBaseline ?? ''}" is not a number`,
      );
    pairs.push({ dates: sorted, band: b, bperp: -bp });
  }
  return pairs.sort((a, b) => (a.dates.join('_') < b.dates.join('_') ? -1 : 1));
}

function sameGrid(a: Raster, b: Raster): string | null {
  if (a.width !== b.width || a.length !== b.length) return `${b.width}×${b.length} px vs ${a.width}×${a.length} px`;
  const ga = a.geoTransform;
  const gb = b.geoTransform;
  if (ga && gb) {
    const tol = 1e-6 * Math.max(Math.abs(ga[1]), Math.abs(ga[5]));
    for (const i of [0, 1, 3, 5])
      if (Math.abs(ga[i] - gb[i]) > tol) return `geotransform [${gb.join(', ')}] vs [${ga.join(', ')}]`;
  }
  return null;
}

async function lastSourceNoData(stack: VrtDataset): Promise<number | null> {
  const files = stack.fileList();
  if (!files.length) return stack.noData(1);
  const last = files[files.length - 1];
  const r = await stack.openSource({ ...stack.bands[stack.bandCount - 1].sources[0], file: last }, stack.bandCount);
  return r.noData(1);
}

/** Open an ARIA stack from a template's mintpy.load.* keys; checks files, grids, dates and metadata. */
export async function openAriaStack(template: Template): Promise<AriaStack> {
  const looks = ariaLooks(template);
  const inputs = resolveAriaInputs(template);
  const cache = new Map();
  const vrt = async (p: string): Promise<VrtDataset> => {
    const r = await openRaster(p, cache);
    if (!(r instanceof VrtDataset)) throw new InputError(`${p}: expected a stack VRT file`);
    return r;
  };
  const unw = await vrt(inputs.unwFile);
  const coh = await vrt(inputs.corFile);
  const connComp = await vrt(inputs.connCompFile);
  const mag = inputs.magFile ? await vrt(inputs.magFile) : null;
  if (unw.bandCount === 0) throw new InputError(`${unw.path}: the stack has no bands`);
  const fullAttrs = ariaMetadata(unw);
  const sub = ariaSubsetBox(template, fullAttrs, unw.path);
  const subAttrs = sub ? subsetAttrs(fullAttrs, sub) : fullAttrs;
  const attrs = looks.x * looks.y > 1 ? multilookAttrs(subAttrs, looks.y, looks.x) : subAttrs;
  const box = sub ?? { x0: 0, y0: 0, x1: unw.width, y1: unw.length };
  const L = Math.floor((box.y1 - box.y0) / looks.y);
  const W = Math.floor((box.x1 - box.x0) / looks.x);
  if (L < 1 || W < 1)
    throw new InputError(
      `${template.path}: multilooking ${looks.y} × ${looks.x} leaves no pixel of the ${box.y1 - box.y0} × ${box.x1 - box.x0} px data`,
    );
  const pairs = ariaPairs(unw);
  const dem = await openRaster(inputs.demFile, cache);
  const inc = await openRaster(inputs.incAngleFile, cache);
  const az = inputs.azAngleFile ? await openRaster(inputs.azAngleFile, cache) : null;
  const water = inputs.waterMaskFile ? await openRaster(inputs.waterMaskFile, cache) : null;
  for (const s of [coh, connComp, mag]) {
    if (!s) continue;
    if (s.bandCount !== unw.bandCount)
      throw new InputError(`${s.path}: has ${s.bandCount} bands but ${unw.path} has ${unw.bandCount}`);
  }
  for (const [s, dom] of [
    [coh, ARIA_DOMAINS.coh],
    [connComp, ARIA_DOMAINS.connComp],
  ] as const) {
    for (const p of pairs) {
      const d = s.bandMetadata(p.band, dom).Dates;
      if (d !== undefined && [...d.trim().split('_')].sort().join('_') !== p.dates.join('_'))
        throw new InputError(
          `${s.path}: band ${p.band} is pair ${d} but band ${p.band} of ${unw.path} is ${p.dates[1]}_${p.dates[0]}`,
        );
    }
  }
  for (const r of [coh, connComp, mag, dem, inc, az, water]) {
    if (!r) continue;
    const why = sameGrid(unw, r);
    if (why) throw new InputError(`${r.path}: grid does not match ${unw.path}: ${why}`);
  }
  const dates = [...new Set(pairs.flatMap((p) => p.dates))].sort();
  return {
    inputs,
    length: L,
    width: W,
    box,
    looks,
    grid: {
      length: L,
      width: W,
      xFirst: Number(attrs.X_FIRST),
      yFirst: Number(attrs.Y_FIRST),
      xStep: Number(attrs.X_STEP),
      yStep: Number(attrs.Y_STEP),
    },
    geoTransform: unw.geoTransform as number[],
    pairs,
    dates,
    attrs,
    noData: {
      unw: await lastSourceNoData(unw),
      coh: await lastSourceNoData(coh),
      connComp: await lastSourceNoData(connComp),
      mag: mag ? await lastSourceNoData(mag) : null,
    },
    rasters: { unw, coh, connComp, mag, dem, inc, az, water },
  };
}
