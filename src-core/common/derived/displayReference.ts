/**
 * Display re-referencing, as MintPy's viewers do it (tsview.py read_timeseries_data, view.py --ref-lalo /
 * --ref-date): a time series shown relative to another date (each pixel minus its own value on that date)
 * and/or to another pixel (each date minus that pixel's value on the date). Nothing is re-inverted: the run's
 * reference point and date stay what the pipeline used; these only change what is drawn and read out.
 *
 * Arithmetic is float32 as MintPy's (numpy float32 arrays): every difference is rounded to float32. MintPy
 * subtracts the pixel first and the date second; the app applies the date on the main side (per pixel, where
 * the rows are read) and the pixel in the renderer (a per-date offset applied where values are coloured and
 * read out), so it subtracts the date first. Each alone is bit-identical to MintPy's; both together differ
 * from MintPy's order by float32 round-off only. The map, the cursor readout, the chart and the CSV all use
 * the functions below, so they show the same numbers.
 */
const f32 = Math.fround;

/** Index of `refDate` in `dates`; null when no reference date is asked for; throws when it is not a date of the series. */
export function refDateIndex(dates: readonly string[], refDate: string | null | undefined): number | null {
  if (!refDate) return null;
  const i = dates.indexOf(refDate);
  if (i < 0) throw new RangeError(`reference date ${refDate} is not one of the ${dates.length} dates`);
  return i;
}

/** One date of a stack relative to another: out[p] = f32(values[p] − refValues[p]) (NaN stays NaN). */
export function referenceToDate(values: ArrayLike<number>, refValues: ArrayLike<number>): Float32Array {
  if (values.length !== refValues.length)
    throw new RangeError(`referenceToDate: ${values.length} values but ${refValues.length} reference values`);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] - refValues[i];
  return out;
}

/** A pixel's series relative to its own value on date index `iref` (null: unchanged copy). */
export function seriesToDate(values: ArrayLike<number>, iref: number | null): Float32Array {
  const out = Float32Array.from(values);
  if (iref === null) return out;
  const r = out[iref];
  for (let i = 0; i < out.length; i++) out[i] = out[i] - r;
  return out;
}

/**
 * The per-date offsets of a display reference pixel: its own series (as stored) relative to date `iref`
 * (null: as stored). The value shown at date d of any pixel is then f32(v_d − offset_d) (`applyOffset`).
 * For a 2-D layer (velocity) the series has one value. No reference pixel: zeros.
 */
export function displayOffsets(
  refPixelValues: ArrayLike<number> | null,
  iref: number | null,
  length: number,
): Float32Array {
  if (!refPixelValues) return new Float32Array(length);
  if (refPixelValues.length !== length)
    throw new RangeError(`displayOffsets: ${refPixelValues.length} reference values for ${length} dates`);
  return seriesToDate(refPixelValues, iref);
}

/** One value shown under a display offset: f32(v − offset); NaN stays NaN. */
export function applyOffset(value: number, offset: number): number {
  return offset === 0 ? value : f32(value - offset);
}

/** A series under per-date offsets: out[d] = f32(values[d] − offsets[d]). */
export function applyOffsets(values: ArrayLike<number>, offsets: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] - (offsets[i] ?? 0);
  return out;
}

/**
 * A pixel's series as displayed: relative to date `iref`, then to the display reference pixel's offsets.
 * `applyOffsets(seriesToDate(v, iref), displayOffsets(r, iref))`.
 */
export function displaySeries(
  values: ArrayLike<number>,
  iref: number | null,
  refPixelValues: ArrayLike<number> | null,
): Float32Array {
  return applyOffsets(seriesToDate(values, iref), displayOffsets(refPixelValues, iref, values.length));
}

/**
 * The fitted model of a pixel as MintPy's tsview would draw it after re-referencing (it re-fits the shown
 * series; a least-squares fit with an intercept is linear in the data): a date reference shifts the model by
 * the pixel's observed value on that date, a pixel reference subtracts that pixel's model (and its observed
 * value on the reference date). model'_d = (m_d − v_ref) − (mR_d − vR_ref).
 */
export function displayModel(
  model: ArrayLike<number>,
  values: ArrayLike<number>,
  iref: number | null,
  refModel: ArrayLike<number> | null,
  refValues: ArrayLike<number> | null,
): Float32Array {
  const out = new Float32Array(model.length);
  const shift = iref === null ? 0 : values[iref];
  const rshift = iref === null || !refValues ? 0 : refValues[iref];
  for (let i = 0; i < model.length; i++) {
    const own = model[i] - shift;
    out[i] = refModel ? own - (refModel[i] - rshift) : own;
  }
  return out;
}

/**
 * Mean of a region's series shown under a display reference pixel: the offsets are constants per date, so
 * the mean shifts by them and the spread (std, percentiles) does not. Float64 in and out.
 */
export function shiftSeries(values: ArrayLike<number>, offsets: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] - (offsets[i] ?? 0);
  return out;
}
