/**
 * Shared velocity preparation (docs/nisar-secular-validation.md §2): the InSAR LOS velocity in mm/yr with
 * mask == 0 and exact zeros set to NaN, either as MintPy wrote it (velocity.h5) or refitted from
 * timeseries.h5 with the notebook's model — offset + velocity + annual + semi-annual, t in decimal years
 * year + (doy − 1)/365.25 from the first date, parameter order [c0, v, cos1, sin1, cos½, sin½] so the
 * velocity is parameter 1; seasonal terms dropped when the span is under 365 days (warning under 2 years).
 */
import { H5Reader, type Attrs } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { readMap, readMask } from '../export/source';
import { InputError } from '../../common/pipeline/types';
import { daysBetween } from '../../common/time/dates';
import { fitTile } from '../../common/timefunc/fitTile';
import type { TimeFuncModel } from '../../common/timefunc/model';

export interface VelocityField {
  /** file the velocity came from */
  file: string;
  /** how: MintPy's velocity dataset, or the §2 refit of a time series */
  source: 'velocity' | 'timeseries-fit';
  attrs: Attrs;
  grid: GeoGrid;
  length: number;
  width: number;
  /** LOS velocity, mm/yr, positive toward the satellite; NaN where masked, zero or not estimated */
  data: Float32Array;
  maskFile: string | null;
  startDate: string;
  endDate: string;
  /** seasonal terms in the model (timeseries-fit only) */
  seasonal?: boolean;
  warnings: string[];
}

/** m/yr (or mm/yr) → mm/yr with mask == 0 and exact 0 → NaN (new array). */
export function prepareVelocityMm(v: ArrayLike<number>, mask: ArrayLike<number> | null, scale: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = (mask && !mask[i]) || x === 0 || !Number.isFinite(x) ? NaN : x * scale;
  }
  return out;
}

/** scale from a velocity/displacement unit to mm (per year): m → 1000, cm → 10, mm → 1 */
export function unitScaleToMm(unit: string, file: string): number {
  const u = unit.trim().toLowerCase();
  if (/^m(\/|$)/.test(u) || u === '') return 1000;
  if (/^cm(\/|$)/.test(u)) return 10;
  if (/^mm(\/|$)/.test(u)) return 1;
  throw new InputError(`${file}: unit "${unit}" is not a length (m, cm or mm)`);
}

export interface SecularModel {
  model: TimeFuncModel;
  seasonal: boolean;
  spanDays: number;
  warnings: string[];
}

/** The §2 model for a record window: seasonal terms only when the span is at least 365 days. */
export function secularModel(startDate: string, endDate: string): SecularModel {
  const spanDays = daysBetween(startDate, endDate);
  const warnings: string[] = [];
  const seasonal = spanDays >= 365;
  if (!seasonal)
    warnings.push(`record ${startDate}–${endDate} spans ${spanDays} days (< 365): annual/semi-annual terms dropped`);
  else if (spanDays < 730)
    warnings.push(
      `record ${startDate}–${endDate} spans ${spanDays} days (< 2 years): seasonal terms are poorly separated from the velocity`,
    );
  return {
    model: { polynomial: 1, periodic: seasonal ? [1, 0.5] : [], stepDate: [], exp: [], log: [] },
    seasonal,
    spanDays,
    warnings,
  };
}

function checkGrid(file: string, attrs: Attrs): GeoGrid {
  const g = gridOf(attrs, file);
  if (!g) throw new InputError(`${file}: not geocoded (no X_FIRST/Y_FIRST); the validation needs a geocoded velocity`);
  return g;
}

/** velocity.h5 (dataset `velocity`) → mm/yr with the mask applied. */
export async function loadVelocityField(
  file: string,
  maskFile: string | null = null,
  dataset = 'velocity',
): Promise<VelocityField> {
  const m = await readMap(file, dataset);
  if (m.fileType === 'timeseries')
    throw new InputError(`${file}: is a time series; give velocity.h5 or use the time-series refit`);
  const grid = checkGrid(file, m.attrs);
  const mask = maskFile ? await readMask(maskFile, m.length, m.width) : null;
  const data = prepareVelocityMm(m.data, mask, unitScaleToMm(m.unit, file));
  return {
    file,
    source: 'velocity',
    attrs: m.attrs,
    grid,
    length: m.length,
    width: m.width,
    data,
    maskFile,
    startDate: m.attrs.START_DATE ?? '',
    endDate: m.attrs.END_DATE ?? '',
    warnings: [],
  };
}

/**
 * Refit timeseries.h5 with the §2 model over [startDate, endDate] (default: the whole series) using the
 * velocity step's kernel (fitTile), in row blocks; CENTER_LINE_UTC is not added (t = year + (doy−1)/365.25).
 */
export async function velocityFromTimeseries(
  file: string,
  opts: { maskFile?: string | null; startDate?: string; endDate?: string; rowsPerBlock?: number } = {},
): Promise<VelocityField> {
  const h5 = await H5Reader.open(file);
  try {
    if (!h5.has('timeseries') || !h5.has('date'))
      throw new InputError(`${file}: not a MintPy time series (no timeseries/date datasets)`);
    const attrs = h5.attrs;
    const grid = checkGrid(file, attrs);
    const dates = h5.readStrings('date');
    const [N, L, W] = h5.shape('timeseries');
    if (N !== dates.length) throw new InputError(`${file}: ${dates.length} dates but ${N} time-series bands`);
    const start = opts.startDate ?? dates[0];
    const end = opts.endDate ?? dates[dates.length - 1];
    const used = dates.filter((d) => d >= start && d <= end);
    if (used.length < 2) throw new InputError(`${file}: fewer than 2 dates in ${start}–${end}`);
    const sm = secularModel(used[0], used[used.length - 1]);
    const scale = unitScaleToMm(attrs.UNIT ?? 'm', file);
    const mask = opts.maskFile ? await readMask(opts.maskFile, L, W) : null;
    const out = new Float32Array(L * W);
    const rb = Math.max(1, opts.rowsPerBlock ?? Math.max(1, Math.floor(2_000_000 / (N * W))));
    for (let r0 = 0; r0 < L; r0 += rb) {
      const r1 = Math.min(L, r0 + rb);
      const ts = Float32Array.from(h5.readRows('timeseries', r0, r1));
      // the reference pixel is all zeros (nanmean 0): estimate it anyway, as MintPy does
      const refY = Number(attrs.REF_Y);
      const refX = Number(attrs.REF_X);
      const refPixel =
        Number.isInteger(refY) && refY >= r0 && refY < r1 && Number.isInteger(refX)
          ? (refY - r0) * W + refX
          : undefined;
      const fit = fitTile({
        dates,
        ts,
        numPixels: (r1 - r0) * W,
        model: sm.model,
        startDate: start,
        endDate: end,
        centerLineUtc: 0,
        refPixel,
      });
      out.set(fit.datasets.velocity, r0 * W);
    }
    return {
      file,
      source: 'timeseries-fit',
      attrs,
      grid,
      length: L,
      width: W,
      data: prepareVelocityMm(out, mask, scale),
      maskFile: opts.maskFile ?? null,
      startDate: used[0],
      endDate: used[used.length - 1],
      seasonal: sm.seasonal,
      warnings: sm.warnings,
    };
  } finally {
    h5.close();
  }
}

/** incidence and azimuth angle maps (degrees, MintPy convention) of geometryGeo.h5 */
export interface GeometryMaps {
  file: string;
  length: number;
  width: number;
  incidence: Float32Array;
  azimuth: Float32Array;
}

export async function loadGeometry(file: string, length: number, width: number): Promise<GeometryMaps> {
  const h5 = await H5Reader.open(file);
  try {
    for (const k of ['incidenceAngle', 'azimuthAngle'])
      if (!h5.has(k))
        throw new InputError(`${file}: no "${k}" dataset (need geometryGeo.h5 with incidenceAngle and azimuthAngle)`);
    const a = h5.attrs;
    if (Number(a.LENGTH) !== length || Number(a.WIDTH) !== width)
      throw new InputError(`${file}: geometry is ${a.LENGTH}×${a.WIDTH}, velocity is ${length}×${width}`);
    return {
      file,
      length,
      width,
      incidence: Float32Array.from(h5.read('incidenceAngle')),
      azimuth: Float32Array.from(h5.read('azimuthAngle')),
    };
  } finally {
    h5.close();
  }
}
