/**
 * Reading what the exporters export: one 2-D map (a dataset of a 2-D file, or one date of a time series),
 * the geo grid, the unit, the default mask (MintPy's read_mask rule) and display-unit scaling.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { H5Reader, type Attrs } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { datasetUnit } from '../../common/export/units';
import { referenceToDate } from '../../common/derived/displayReference';

export interface MapData {
  file: string;
  /** dataset name, or the date (YYYYMMDD) for a time series */
  dataset: string;
  fileType: string;
  attrs: Attrs;
  length: number;
  width: number;
  grid: GeoGrid | null;
  data: Float32Array;
  /** unit as stored ('m/year', 'm', '1', …) */
  unit: string;
}

/** A file's default 2-D dataset to show (MintPy's choice for the common file types). */
export function defaultDataset(fileType: string, keys: string[]): string {
  const pref: Record<string, string> = {
    velocity: 'velocity',
    temporalCoherence: 'temporalCoherence',
    mask: 'mask',
    coherence: 'coherence',
    geometry: 'height',
    dem: 'dem',
  };
  const p = pref[fileType];
  if (p && keys.includes(p)) return p;
  return keys[0];
}

/** Dates (YYYYMMDD) of a time-series file, or null if the file is not one. */
export function readDates(h5: H5Reader): string[] | null {
  if (!h5.has('timeseries') || !h5.has('date')) return null;
  return h5.readStrings('date');
}

/**
 * Read one 2-D map. For a time series, `dataset` is a date 'YYYYMMDD' (default: the last date) or
 * 'REFDATE_DATE' (displacement of DATE relative to REFDATE, as save_kmz does); for a stack of pairs
 * (ifgramStack.h5) 'unwrapPhase-YYYYMMDD_YYYYMMDD', MintPy's name for one pair.
 */
export async function readMap(file: string, dataset?: string): Promise<MapData> {
  const h5 = await H5Reader.open(file);
  try {
    const attrs = h5.attrs;
    const keys = h5.keys();
    const length = Number(attrs.LENGTH);
    const width = Number(attrs.WIDTH);
    if (!(length > 0 && width > 0)) throw new InputError(`${file}: no LENGTH/WIDTH attributes`);
    const dates = readDates(h5);
    let data: Float32Array;
    let name: string;
    let unit: string;
    const fileType = dates ? 'timeseries' : (attrs.FILE_TYPE ?? keys[0]);
    if (dates) {
      const want = dataset ?? dates[dates.length - 1];
      const [refDate, date] = want.includes('_') ? want.split('_') : [undefined, want];
      const k = dates.indexOf(date);
      if (k < 0)
        throw new InputError(`${file}: no date ${date} in the time series (${dates[0]}…${dates[dates.length - 1]})`);
      data = Float32Array.from(h5.readBand('timeseries', k));
      if (refDate) {
        const r = dates.indexOf(refDate);
        if (r < 0)
          throw new InputError(
            `${file}: no date ${refDate} in the time series (${dates[0]}…${dates[dates.length - 1]})`,
          );
        // the same function as the viewer's layers and transects (float32 differences)
        data = referenceToDate(data, h5.readBand('timeseries', r));
      }
      name = want;
      unit = attrs.UNIT ?? 'm';
    } else if (dataset && !keys.includes(dataset) && /^\w+-\d{8}_\d{8}$/.test(dataset)) {
      // one pair of a stack, named as MintPy's readfile names it: 'unwrapPhase-20180109_20180121'
      const [ds, date12] = dataset.split('-');
      if (!keys.includes(ds) || h5.shape(ds).length !== 3)
        throw new InputError(`${file}: no 3-D dataset "${ds}" (has: ${keys.join(', ')})`);
      const d = h5.has('date') ? h5.readStrings('date') : [];
      let k = -1;
      for (let i = 0; i + 1 < d.length; i += 2) if (`${d[i]}_${d[i + 1]}` === date12) k = i / 2;
      if (k < 0) throw new InputError(`${file}: no pair ${date12}`);
      data = Float32Array.from(h5.readBand(ds, k));
      name = dataset;
      unit = datasetUnit('ifgramStack', ds, undefined);
    } else {
      name = dataset ?? defaultDataset(fileType, keys);
      if (!keys.includes(name)) throw new InputError(`${file}: no dataset "${name}" (has: ${keys.join(', ')})`);
      const shape = h5.shape(name);
      if (shape.length !== 2)
        throw new InputError(`${file}: dataset "${name}" is ${shape.length}-D, expected a 2-D map`);
      data = Float32Array.from(h5.read(name));
      unit = datasetUnit(fileType, name, h5.info(name).attrs.UNIT ?? attrs.UNIT);
    }
    if (data.length !== length * width)
      throw new InputError(`${file}: dataset "${name}" does not match LENGTH × WIDTH`);
    return { file, dataset: name, fileType, attrs, length, width, grid: gridOf(attrs, file), data, unit };
  } finally {
    h5.close();
  }
}

/** The dataset name readMap takes for a layer: the date of a time series, `ds-date12` for one pair of a stack. */
export function mapDatasetName(ref: { file: string; dataset: string; date?: string }): string {
  if (!ref.date) return ref.dataset;
  return ref.dataset === 'timeseries' ? ref.date : `${ref.dataset}-${ref.date}`;
}

/** MintPy's default mask for a file: maskTempCoh.h5 (geo_ prefix for geo_ files) beside velocity/timeseries files. */
export function defaultMaskFile(file: string, fileType: string): string | null {
  if (!['velocity', 'timeseries'].includes(fileType) || file.includes('msk') || file.includes('PhaseVelocity'))
    return null;
  const prefix = basename(file).startsWith('geo_') ? 'geo_' : '';
  for (const m of ['maskTempCoh.h5', 'maskResInv.h5']) {
    const p = join(dirname(file), prefix + m);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Read a mask file (dataset 'mask', else its first 2-D dataset): true = keep (non-zero, finite). */
export async function readMask(maskFile: string, length: number, width: number): Promise<Uint8Array> {
  const h5 = await H5Reader.open(maskFile);
  try {
    const a = h5.attrs;
    if (Number(a.LENGTH) !== length || Number(a.WIDTH) !== width)
      throw new InputError(`${maskFile}: mask is ${a.LENGTH}×${a.WIDTH}, data is ${length}×${width}`);
    const keys = h5.keys();
    const name = keys.includes('mask') ? 'mask' : keys.find((k) => h5.shape(k).length === 2);
    if (!name) throw new InputError(`${maskFile}: no 2-D dataset to use as a mask`);
    const v = h5.read(name);
    const out = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number.isFinite(v[i]) && v[i] !== 0 ? 1 : 0;
    return out;
  } finally {
    h5.close();
  }
}

export { datasetUnit, displayUnit } from '../../common/export/units';

/** Apply mask (mask == 0 → NaN) and display scale, in place; returns the same array. */
export function maskAndScale(data: Float32Array, mask: Uint8Array | null, scale: number): Float32Array {
  for (let i = 0; i < data.length; i++) {
    if (mask && !mask[i]) data[i] = NaN;
    else if (scale !== 1) data[i] = Math.fround(data[i] * scale);
  }
  return data;
}

/** [nanmin, nanmax] of finite values (null when there are none). */
export function nanMinMax(data: ArrayLike<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

export function requireGeo(m: { file: string; grid: GeoGrid | null }): GeoGrid {
  if (!m.grid) throw new InputError(`${m.file}: not geocoded (no X_FIRST/Y_FIRST); geocode it first`);
  return m.grid;
}
