/**
 * maskTempCoh (MintPy `generate_mask.py temporalCoherence.h5 -m minTempCoh [--base geometry
 * --base-dataset shadowMask --base-value 1]` + smallbaselineApp's minNumPixel check):
 * 1 where tcoh ≥ minTempCoh (float32 compare, NaN → 0), 0 where shadowMask == 1.
 */
import { writeH5File, type Attrs } from '../formats/h5';
import { InputError } from '../../common/pipeline/types';

export interface TempCohMask {
  mask: Uint8Array;
  numPixel: number;
}

export function maskTempCoh(
  tcoh: ArrayLike<number>,
  shadowMask: ArrayLike<number> | null | undefined,
  minTempCoh: number,
  minNumPixel: number,
): TempCohMask {
  if (shadowMask && shadowMask.length !== tcoh.length)
    throw new Error(`maskTempCoh: shadowMask has ${shadowMask.length} pixels, temporal coherence ${tcoh.length}`);
  const thr = Math.fround(minTempCoh);
  const mask = new Uint8Array(tcoh.length);
  let n = 0;
  for (let i = 0; i < tcoh.length; i++) {
    const v = tcoh[i];
    // MintPy: NaN → 0, then value < vmin → 0
    let ok = !Number.isNaN(v) && !(Math.fround(v) < thr);
    if (ok && shadowMask && shadowMask[i] === 1) ok = false;
    if (ok) {
      mask[i] = 1;
      n++;
    }
  }
  if (n < minNumPixel)
    throw new InputError(
      `Not enough reliable pixels: ${n} pixels have temporal coherence ≥ ${minTempCoh} (minimum ${Math.trunc(minNumPixel)}). ` +
        'Check the reference pixel (it must not be in an area with unwrapping errors) and that the network is fully connected.',
    );
  return { mask, numPixel: n };
}

/** Write maskTempCoh.h5: dataset `mask` (h5py bool, as MintPy), FILE_TYPE mask, with the two config attributes. */
export async function writeMaskTempCoh(
  path: string,
  mask: Uint8Array,
  baseAttrs: Attrs,
  minTempCoh: number,
  shadowMaskUsed: boolean,
): Promise<void> {
  const length = Number(baseAttrs.LENGTH);
  const width = Number(baseAttrs.WIDTH);
  if (mask.length !== length * width)
    throw new Error(`${path}: mask has ${mask.length} pixels, LENGTH×WIDTH = ${length * width}`);
  await writeH5File(
    path,
    {
      ...baseAttrs,
      FILE_TYPE: 'mask',
      UNIT: '1',
      'mintpy.networkInversion.minTempCoh': String(minTempCoh),
      'mintpy.networkInversion.shadowMask': shadowMaskUsed ? 'True' : 'False',
    },
    [{ name: 'mask', data: mask, shape: [length, width], dtype: 'bool' }],
  );
}
