/** A pixel's time series with the model velocity.h5 holds there: what src-core readPixelSeries returns. */
import type { ModelTerm } from '../timefunc/termLines';

export interface PixelSeriesData {
  /** the time-series file read */
  file: string;
  row: number;
  col: number;
  /** pixel centre */
  lat: number;
  lon: number;
  dates: string[];
  /** decimal years */
  years: number[];
  /** displacement as stored (m), float32 */
  values: Float32Array;
  /** the file's unit (m) */
  unit: string;
  /** reference date of the file (REF_DATE, else the first date) */
  referenceDate: string;
  /** velocity at the pixel, m/yr (NaN without velocity.h5) */
  velocity: number;
  /** its 1σ uncertainty (velocityStd), m/yr; NaN if absent */
  velocityStd: number;
  /** the fitted model at `dates` (m); empty without velocity.h5 or where the fit is NaN */
  model: Float32Array;
  /** RMS of values − model over the dates where both are finite (m); NaN without a model */
  residualStd: number;
  /** the velocity file the model came from, or null */
  velocityFile: string | null;
  /** the model's terms velocity.h5 holds at the pixel, in MintPy's dataset order (src-core modelTerms; empty without it) */
  terms: ModelTerm[];
}
