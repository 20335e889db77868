/**
 * One pixel's displacement history with the model the velocity step fitted to it: the values from the
 * chain's LAST time-series file (the one `velocity` fitted: timeseries_demErr.h5 after the DEM-error chain)
 * with that file's reference date, the model rebuilt from velocity.h5 (its mintpy.timeFunc.* attributes and
 * parameter datasets, evaluated with src-core's timefunc), velocity ± velocityStd and the RMS of the
 * residuals (the band drawn around the model). The app's Inspect panel, its CSV/figure exports and the
 * CLI's `export figure timeseries` all read a pixel through here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { H5Reader } from '../formats/h5';
import { gridOf } from '../formats/mintpyFiles';
import { rowColToLatLonGeo } from '../../common/geo/gridCoords';
import { InputError } from '../../common/pipeline/types';
import { decimalYear } from '../../common/time/dates';
import { evaluateModel } from '../../common/timefunc/fitTile';
import { datasetSpecs, defaultModel, numParams, parseTimeFuncOptions } from '../../common/timefunc/model';
import { modelTerms, type ModelTerm } from '../../common/timefunc/terms';
import type { PixelSeriesData } from '../../common/derived/pixelSeriesData';

export type { PixelSeriesData } from '../../common/derived/pixelSeriesData';

/**
 * The time-function model velocity.h5 holds at one pixel, evaluated at `dates`: the model from the file's
 * mintpy.timeFunc.* attributes, the parameters from its datasets (intercept, velocity, …; periodic terms back
 * from amplitude/phase), τ from START_DATE (the first date of the fit).
 */
export function fittedModelAt(
  v: H5Reader,
  row: number,
  col: number,
  dates: string[],
): { velocity: number; model: Float32Array } {
  const attrs = v.attrs;
  const at = (ds: string) => (v.has(ds) ? Number(v.readRows(ds, row, row + 1)[col]) : NaN);
  const velocity = at('velocity');
  if (!Number.isFinite(velocity)) return { velocity, model: new Float32Array(0) };
  let model = defaultModel();
  try {
    model = parseTimeFuncOptions(attrs).model;
  } catch {
    /* a velocity.h5 without time-function attributes: MintPy's linear default */
  }
  const params = new Float64Array(numParams(model));
  for (const sp of datasetSpecs(model, 'residue')) {
    if (sp.kind === 'value') params[sp.param] = at(sp.name);
    else if (sp.kind === 'amplitude') {
      const amp = at(sp.name);
      const ph = at(sp.name.replace(/Amplitude$/, 'Phase'));
      params[sp.param] = amp * Math.sin(ph);
      params[sp.param + 1] = amp * Math.cos(ph);
    }
  }
  if (!v.has('intercept')) params[0] = 0;
  for (let i = 0; i < params.length; i++)
    if (!Number.isFinite(params[i])) return { velocity, model: new Float32Array(0) };
  const refDate = attrs.START_DATE ?? attrs.REF_DATE ?? dates[0];
  const m = evaluateModel(model, params, dates, refDate, Number(attrs.CENTER_LINE_UTC ?? 0) || 0);
  return { velocity, model: Float32Array.from(m) };
}

/** The model's terms velocity.h5 holds at one pixel (src-core modelTerms), in MintPy's dataset order. */
export function termsAt(v: H5Reader, row: number, col: number): ModelTerm[] {
  let model = defaultModel();
  try {
    model = parseTimeFuncOptions(v.attrs).model;
  } catch {
    /* a velocity.h5 without time-function attributes: MintPy's linear default */
  }
  const at = (ds: string) => (v.has(ds) ? Number(v.readRows(ds, row, row + 1)[col]) : NaN);
  return modelTerms(model, at).filter((t) => v.has(t.name));
}

/** RMS of values − model over the dates where both are finite (NaN when there is no model). */
export function residualRms(values: ArrayLike<number>, model: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < model.length; i++) {
    const d = values[i] - model[i];
    if (Number.isFinite(d)) {
      s += d * d;
      n++;
    }
  }
  return n ? Math.sqrt(s / n) : NaN;
}

/**
 * The pixel (row, col) of `tsFile`, with the model of `velocityFile` (default: velocity.h5 beside it, if
 * present; null: no model).
 */
export async function readPixelSeries(
  tsFile: string,
  row: number,
  col: number,
  velocityFile: string | null = join(dirname(tsFile), 'velocity.h5'),
): Promise<PixelSeriesData> {
  const r = await H5Reader.open(tsFile);
  let out: PixelSeriesData;
  try {
    const attrs = r.attrs;
    const length = Number(attrs.LENGTH);
    const width = Number(attrs.WIDTH);
    if (!r.has('timeseries') || !r.has('date')) throw new InputError(`${tsFile}: not a time-series file`);
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || row >= length || col < 0 || col >= width)
      throw new InputError(`${tsFile}: pixel (${row}, ${col}) is outside the ${length} × ${width} grid`);
    const dates = r.readStrings('date');
    const block = r.readRows('timeseries', row, row + 1);
    const values = new Float32Array(dates.length);
    for (let i = 0; i < dates.length; i++) values[i] = block[i * width + col];
    const g = gridOf(attrs, tsFile);
    const [lat, lon] = g ? rowColToLatLonGeo(g, row, col) : [NaN, NaN];
    out = {
      file: tsFile,
      row,
      col,
      lat,
      lon,
      dates,
      years: dates.map((d) => decimalYear(d)),
      values,
      unit: attrs.UNIT ?? 'm',
      referenceDate: attrs.REF_DATE ?? dates[0],
      velocity: NaN,
      velocityStd: NaN,
      model: new Float32Array(0),
      residualStd: NaN,
      velocityFile: null,
      terms: [],
    };
  } finally {
    r.close();
  }
  if (velocityFile && existsSync(velocityFile)) {
    const v = await H5Reader.open(velocityFile);
    try {
      const fit = fittedModelAt(v, row, col, out.dates);
      out.velocity = fit.velocity;
      out.model = fit.model;
      out.velocityStd = v.has('velocityStd') ? Number(v.readRows('velocityStd', row, row + 1)[col]) : NaN;
      out.residualStd = residualRms(out.values, fit.model);
      out.velocityFile = velocityFile;
      out.terms = termsAt(v, row, col);
    } finally {
      v.close();
    }
  }
  return out;
}
