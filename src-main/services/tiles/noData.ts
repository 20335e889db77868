/**
 * What counts as "no data" and as "masked" for each layer, so the map and the cursor never show a true
 * zero where there is none:
 * - NaN is no data everywhere;
 * - MintPy writes 0 where no interferogram was inverted: in the outputs of invert_network and later steps,
 *   pixels with numInvIfgram = 0 are no data;
 * - in the interferogram stack 0 is no data (ARIA's fill value; MintPy's inversion skips zero phase);
 * - velocity and time series are masked where maskTempCoh.h5 is 0 (MintPy's default mask for them).
 */
import type { LayerRef } from '../../../src-shared/api';

export interface NoDataRule {
  zeroIsNoData: boolean;
  /** a raster whose 0 marks no data (numInvIfgram.h5) */
  countMask?: LayerRef;
  /** a raster whose 0 marks masked pixels (maskTempCoh.h5) */
  qualityMask?: LayerRef;
}

const COUNT: LayerRef = { file: 'numInvIfgram.h5', dataset: 'mask' };
const QUALITY: LayerRef = { file: 'maskTempCoh.h5', dataset: 'mask' };
const INVERTED = /^(timeseries[\w]*|velocity[\w]*|temporalCoherence|demErr)\.h5$/;
const MASKED = /^(timeseries[\w]*|velocity[\w]*|demErr)\.h5$/;

export function noDataRule(ref: LayerRef): NoDataRule {
  if (ref.file === 'inputs/ifgramStack.h5') return { zeroIsNoData: true };
  const r: NoDataRule = { zeroIsNoData: false };
  if (INVERTED.test(ref.file)) r.countMask = COUNT;
  if (MASKED.test(ref.file)) r.qualityMask = QUALITY;
  return r;
}

/** Sample states, as tiles carry them (one byte per pixel). */
export const VALID = 0;
export const NO_DATA = 1;
export const MASKED_OUT = 2;
