/**
 * Worker task of residual_RMS: one date of the residual time series, deramped (MintPy's deramp) or not, and
 * its RMS over the mask. Dates run side by side on the pool, and a cancel aborts the ones in flight.
 */
import { H5Reader } from '../formats/h5';
import { deramp2d, maskedRms, type RampType } from '../../common/deramp/ramp';

export interface DerampTask {
  kind: 'deramp';
  file: string;
  dataset: string;
  /** the date (band) */
  index: number;
  length: number;
  width: number;
  /** the RMS mask (0 = left out), shared between the tasks (a SharedArrayBuffer view); null = every pixel */
  mask: ArrayLike<number> | null;
  /** null: no deramping, the RMS of the band as it is */
  rampType: RampType | null;
  /** the reference pixel (row, col) where the ramp is 0 */
  ref: [number, number] | null;
}

export async function executeDerampTask(t: DerampTask): Promise<{
  arrays: Record<string, Float32Array>;
  stats: Record<string, number>;
}> {
  const h5 = await H5Reader.open(t.file);
  let band;
  try {
    band = h5.readBand(t.dataset, t.index);
  } finally {
    h5.close();
  }
  if (!t.rampType) return { arrays: {}, stats: { rms: maskedRms(band, t.mask) } };
  const out = deramp2d(band, t.length, t.width, t.mask, t.rampType, t.ref).out;
  return { arrays: { out }, stats: { rms: maskedRms(out, t.mask) } };
}
