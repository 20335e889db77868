/**
 * waterMask.h5 as smallbaselineApp's modify_network step makes it: the geometry file's `waterMask`
 * (1 = land), with 0 where the geometry's latitude or longitude is exactly 0 (no-data in radar-coded
 * geometry). FILE_TYPE waterMask, the geometry's attributes otherwise.
 */
import { H5Reader, writeH5File, type Attrs } from '../formats/h5';
import { nonZeroFlags } from '../../common/util/nonZero';

/** Pure: land mask (1/0) from the geometry datasets. */
export function waterMaskFromGeometry(
  waterMask: ArrayLike<number>,
  latitude?: ArrayLike<number> | null,
  longitude?: ArrayLike<number> | null,
): Uint8Array {
  const out = nonZeroFlags(waterMask);
  for (const ll of [latitude, longitude]) {
    if (!ll) continue;
    if (ll.length !== out.length)
      throw new Error(`waterMask: latitude/longitude has ${ll.length} pixels, waterMask ${out.length}`);
    for (let i = 0; i < out.length; i++) if (ll[i] === 0) out[i] = 0;
  }
  return out;
}

/**
 * Make waterMask.h5 from a geometry file. Returns false (and writes nothing) when the geometry has no
 * `waterMask` dataset, as MintPy does.
 */
export async function writeWaterMaskFromGeometry(geometryFile: string, outFile: string): Promise<boolean> {
  const g = await H5Reader.open(geometryFile);
  let mask: Uint8Array;
  let attrs: Attrs;
  try {
    if (!g.has('waterMask')) return false;
    const lat = g.has('latitude') ? g.read('latitude') : null;
    const lon = g.has('longitude') ? g.read('longitude') : null;
    mask = waterMaskFromGeometry(g.read('waterMask'), lat, lon);
    attrs = g.attrs;
  } finally {
    g.close();
  }
  const length = Number(attrs.LENGTH);
  const width = Number(attrs.WIDTH);
  if (mask.length !== length * width)
    throw new Error(`${geometryFile}: waterMask has ${mask.length} pixels, LENGTH×WIDTH = ${length * width}`);
  await writeH5File(outFile, { ...attrs, FILE_TYPE: 'waterMask', UNIT: '1' }, [
    { name: 'waterMask', data: Int8Array.from(mask), shape: [length, width], dtype: 'bool' },
  ]);
  return true;
}

/** Read a mask file's `mask` or `waterMask` dataset (MintPy's choice for reference/network masks). */
export async function readMaskFile(
  path: string,
): Promise<{ mask: Uint8Array; length: number; width: number; dataset: string }> {
  const r = await H5Reader.open(path);
  try {
    const ds = ['mask', 'waterMask'].find((d) => r.has(d));
    if (!ds) throw new Error(`${path}: no "mask" or "waterMask" dataset`);
    const shape = r.shape(ds);
    if (shape.length !== 2) throw new Error(`${path}: dataset "${ds}" is ${shape.length}-D, expected 2-D`);
    return {
      mask: nonZeroFlags(r.read(ds) as ArrayLike<number>),
      length: shape[0],
      width: shape[1],
      dataset: ds,
    };
  } finally {
    r.close();
  }
}
