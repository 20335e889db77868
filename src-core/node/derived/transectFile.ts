/**
 * A transect (MintPy's `ut.transect_lalo`: linear interpolation, NaN/0 samples removed, distance in m) and,
 * with a width, a swath profile (statistics of every pixel within width/2 of the line) of one map of a
 * file, and the files `insar-studio export transect` writes: `<out>.csv`, `<out>_swath.csv`, a figure.
 * The app's Transect tool and its exports call the same functions, so both give the same numbers and bytes.
 */
import { resolve } from 'node:path';
import { swathProfile, transectLalo, type SwathBin, type Transect } from '../../common/derived/transect';
import { transectSvg } from '../../common/export/figures';
import { InputError } from '../../common/pipeline/types';
import { referenceToDate } from '../../common/derived/displayReference';
import { rowColToLatLonGeo } from '../../common/geo/gridCoords';
import type { GeoGrid } from '../formats/mintpyFiles';
import { writeFileAtomic } from '../export/atomic';
import { f32, toCsv } from '../export/csv';
import { writeFigure } from '../export/figureFiles';
import { readMap, requireGeo } from '../export/source';

export interface TransectRequest {
  file: string;
  /** readMap's dataset name (a date for a time series, `ds-date12` for a pair); default the file's main map */
  dataset?: string;
  /** [lat, lon] */
  start: [number, number];
  end: [number, number];
  /** swath width in km (statistics of the pixels within width/2 of the line) */
  widthKm?: number;
  /**
   * another map of the same file (readMap's name: a date of the time series) subtracted pixel by pixel first
   * (src-core referenceToDate, float32): the profile of the series relative to that date, as the app shows it
   */
  refDate?: string;
}

export interface TransectOfFile {
  file: string;
  dataset: string;
  /** unit as stored */
  unit: string;
  fileType: string;
  grid: GeoGrid;
  /** MintPy's samples (float32 row/col, value, distance) */
  transect: Transect;
  /** pixel-centre lat/lon of each kept sample, as written to the CSV */
  lat: Float64Array;
  lon: Float64Array;
  swath: { widthKm: number; lengthM: number; bins: SwathBin[] } | null;
}

export async function transectOfFile(req: TransectRequest): Promise<TransectOfFile> {
  const m = await readMap(req.file, req.dataset);
  const g = requireGeo(m);
  const data = req.refDate ? referenceToDate(m.data, (await readMap(req.file, req.refDate)).data) : m.data;
  const raster = { data, length: m.length, width: m.width };
  let t: Transect;
  try {
    t = transectLalo(raster, g, req.start, req.end, { interpolation: 'linear' });
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(`${req.file}: ${err.message}`);
    throw err;
  }
  const n = t.value.length;
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // the pixel centre in lat/lon (on a UTM grid through its projection)
    const [la, lo] = rowColToLatLonGeo(g, t.y[k], t.x[k]);
    lat[k] = +la.toFixed(9);
    lon[k] = +lo.toFixed(9);
  }
  let swath: TransectOfFile['swath'] = null;
  if (req.widthKm !== undefined) {
    if (!(req.widthKm > 0)) throw new InputError(`swath width ${req.widthKm} km: expected a width > 0`);
    let sw;
    try {
      sw = swathProfile(raster, g, req.start, req.end, req.widthKm);
    } catch (err) {
      if (err instanceof RangeError) throw new InputError(`${req.file}: ${err.message}`);
      throw err;
    }
    swath = { widthKm: req.widthKm, lengthM: sw.lengthM, bins: sw.bins };
  }
  return {
    file: m.file,
    dataset: m.dataset,
    unit: m.unit,
    fileType: m.fileType,
    grid: g,
    transect: t,
    lat,
    lon,
    swath,
  };
}

export function transectCsv(r: TransectOfFile): string {
  const t = r.transect;
  const rows: string[][] = [];
  for (let k = 0; k < t.value.length; k++)
    rows.push([f32(t.distance[k]), String(r.lat[k]), String(r.lon[k]), f32(t.y[k]), f32(t.x[k]), f32(t.value[k])]);
  return toCsv([`distance[${t.distanceUnit}]`, 'lat', 'lon', 'row', 'col', `${r.dataset}[${r.unit}]`], rows);
}

export function swathCsv(r: TransectOfFile): string {
  if (!r.swath) throw new Error('swathCsv: no swath (give a width)');
  const u = r.unit;
  return toCsv(
    ['distance[m]', 'count', `mean[${u}]`, `std[${u}]`, `min[${u}]`, `max[${u}]`],
    r.swath.bins.map((b) => [f32(b.distance), String(b.count), f32(b.mean), f32(b.std), f32(b.min), f32(b.max)]),
  );
}

/** The profile figure (points, and the swath's mean ± std band when there is one). */
export function transectFigure(r: TransectOfFile): string {
  const band = r.swath
    ? {
        distance: r.swath.bins.map((b) => b.distance),
        lower: r.swath.bins.map((b) => b.mean - b.std),
        upper: r.swath.bins.map((b) => b.mean + b.std),
      }
    : undefined;
  return transectSvg({
    distance: r.transect.distance,
    value: r.transect.value,
    distanceUnit: r.transect.distanceUnit,
    ylabel: `${r.dataset} [${r.unit}]`,
    band,
  });
}

export interface TransectFilesResult {
  result: TransectOfFile;
  /** the transect CSV */
  path: string;
  swathPath: string | null;
  figurePath: string | null;
}

/**
 * `insar-studio export transect`: the transect CSV at `out` (default `<file>_transect.csv`), with a width also
 * `<out>_swath.csv`, with `figure` the profile as .svg or .png. Every file is written atomically.
 */
export async function writeTransectFiles(
  req: TransectRequest & { out?: string; figure?: string },
): Promise<TransectFilesResult> {
  const r = await transectOfFile(req);
  const path = req.out ? resolve(req.out) : resolve(req.file.replace(/\.h5$/, '') + '_transect.csv');
  writeFileAtomic(path, transectCsv(r));
  let swathPath: string | null = null;
  if (r.swath) {
    swathPath = path.replace(/(\.csv)?$/, '_swath.csv');
    writeFileAtomic(swathPath, swathCsv(r));
  }
  let figurePath: string | null = null;
  if (req.figure) {
    figurePath = resolve(req.figure);
    writeFigure(figurePath, transectFigure(r));
  }
  return { result: r, path, swathPath, figurePath };
}
