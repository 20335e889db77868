/** A pixel's series relative to another of its dates (tsview --ref-date), for the figures of the app and the CLI. */
import { InputError } from '../pipeline/types';
import { displayModel, seriesToDate } from './displayReference';
import type { PixelSeriesData } from './pixelSeriesData';

/**
 * A pixel's series relative to another of its dates (MintPy tsview --ref-date): each value minus the pixel's
 * own value on `refDate` (src-core displayReference seriesToDate, float32 as MintPy's), the model shifted by
 * the same observed value (displayModel: what re-fitting the shifted series gives), the RMS of the residuals
 * unchanged; without a date, `p` as it is. The app's figure and the CLI's `export figure timeseries
 * --ref-date` draw from it.
 */
export function pixelSeriesRelativeTo(p: PixelSeriesData, refDate: string | undefined): PixelSeriesData {
  if (!refDate) return p;
  const iref = p.dates.indexOf(refDate);
  if (iref < 0)
    throw new InputError(
      `${p.file}: reference date ${refDate} is not one of its ${p.dates.length} dates (${p.dates[0]} … ${p.dates.at(-1)})`,
    );
  return {
    ...p,
    values: seriesToDate(p.values, iref),
    model: p.model.length ? displayModel(p.model, p.values, iref, null, null) : p.model,
    referenceDate: refDate,
  };
}
