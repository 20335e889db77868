/**
 * Derived products written as MintPy-style HDF5 files (atomic writes through H5Writer):
 * - `writeVerticalVelocity`: velocity / cos(incidence) (vertical-only ASSUMPTION, labelled in the file);
 * - `writeSignificanceMask`: mask = |velocity| > k · velocityStd (h5py bool, FILE_TYPE mask).
 */
import { basename, dirname, join, resolve } from 'node:path';
import { H5Reader, writeH5File, type Attrs } from '../formats/h5';
import { InputError } from '../../common/pipeline/types';
import { losToVertical, significanceMask, VERTICAL_ONLY_NOTE } from '../../common/derived/vertical';

async function readDs(file: string, names: string[]): Promise<{ attrs: Attrs; data: Record<string, Float32Array> }> {
  const h = await H5Reader.open(file);
  try {
    const data: Record<string, Float32Array> = {};
    for (const n of names) {
      if (!h.has(n)) throw new InputError(`${file}: no dataset "${n}"`);
      data[n] = Float32Array.from(h.read(n));
    }
    return { attrs: h.attrs, data };
  } finally {
    h.close();
  }
}

/**
 * velocity.h5 + geometry (incidenceAngle) → `<dir>/velocityVertical.h5` with `velocity` and (if present)
 * `velocityStd` divided by cos(incidence). Root attribute `VERTICAL_ASSUMPTION` says what was assumed.
 */
export async function writeVerticalVelocity(opts: {
  velFile: string;
  geomFile: string;
  out?: string;
}): Promise<string> {
  const velFile = resolve(opts.velFile);
  const h = await H5Reader.open(velFile);
  const hasStd = h.has('velocityStd');
  h.close();
  const v = await readDs(velFile, hasStd ? ['velocity', 'velocityStd'] : ['velocity']);
  const g = await readDs(resolve(opts.geomFile), ['incidenceAngle']);
  const inc = g.data.incidenceAngle;
  if (inc.length !== v.data.velocity.length)
    throw new InputError(`${opts.geomFile}: geometry size differs from ${velFile}`);
  const out = resolve(opts.out ?? join(dirname(velFile), 'velocityVertical.h5'));
  const unit = v.attrs.UNIT ?? 'm/year';
  const datasets = [
    {
      name: 'velocity',
      data: losToVertical(v.data.velocity, inc),
      shape: [Number(v.attrs.LENGTH), Number(v.attrs.WIDTH)],
      attrs: { UNIT: unit },
    },
  ];
  if (hasStd)
    datasets.push({
      name: 'velocityStd',
      data: losToVertical(v.data.velocityStd, inc).map(Math.abs),
      shape: datasets[0].shape,
      attrs: { UNIT: unit },
    });
  await writeH5File(
    out,
    { ...v.attrs, FILE_TYPE: 'velocity', VERTICAL_ASSUMPTION: VERTICAL_ONLY_NOTE, SOURCE_FILE: basename(velFile) },
    datasets,
  );
  return out;
}

/** velocity.h5 → `<dir>/maskSignificant.h5`: True where |velocity| > k·velocityStd. */
export async function writeSignificanceMask(opts: {
  velFile: string;
  k?: number;
  out?: string;
}): Promise<{ path: string; count: number }> {
  const velFile = resolve(opts.velFile);
  const k = opts.k ?? 2;
  const v = await readDs(velFile, ['velocity', 'velocityStd']);
  const m = significanceMask(v.data.velocity, v.data.velocityStd, k);
  const out = resolve(opts.out ?? join(dirname(velFile), 'maskSignificant.h5'));
  await writeH5File(out, { ...v.attrs, FILE_TYPE: 'mask', UNIT: '1', SIGNIFICANCE_K: String(k) }, [
    { name: 'mask', data: m, shape: [Number(v.attrs.LENGTH), Number(v.attrs.WIDTH)], dtype: 'bool' },
  ]);
  let count = 0;
  for (const x of m) count += x;
  return { path: out, count };
}
