/**
 * Float32 GeoTIFF export of a 2-D dataset or of one / all dates of a time series (as MintPy's save_gdal,
 * plus multi-band time series): geotransform from X/Y_FIRST/STEP (PixelIsArea, X/Y_FIRST = outer corner of
 * the upper-left pixel), EPSG:4326 geokeys (or the file's EPSG code for projected grids), GDAL_NODATA and
 * GDAL_METADATA (UNIT, FILE_TYPE, dataset, reference point, band descriptions = dates).
 * Values are written as stored (m, m/year, …), like save_gdal; an optional mask sets masked pixels to NaN.
 */
import { globals, writeArrayBuffer } from 'geotiff';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { H5Reader } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { epsgOfAttrs } from '../../common/geo/crs';
import { writeFileAtomic, xmlEscape } from './atomic';
import { readDates, readMap, readMask } from './source';

// geotiff.js knows GDAL_METADATA (42112) for reading but has no writer type for it: declare it ASCII.
(globals.fieldTagTypes as Record<number, string>)[42112] = 'ASCII';

export interface GeoTiffMeta {
  unit?: string;
  /** no-data value (default NaN) */
  nodata?: number;
  /** one description per band (dates for a time series) */
  bandNames?: string[];
  /** extra GDAL metadata items */
  items?: Record<string, string>;
  /** EPSG code (default 4326) */
  epsg?: number;
}

/**
 * Encode bands (each length × width, row-major) as a float32 GeoTIFF (pixel-interleaved, one strip).
 */
export function encodeGeoTiff(bands: Float32Array[], grid: GeoGrid, meta: GeoTiffMeta = {}): Uint8Array {
  const nb = bands.length;
  const { length: L, width: W } = grid;
  if (nb === 0) throw new Error('encodeGeoTiff: no band');
  for (const b of bands) if (b.length !== L * W) throw new Error('encodeGeoTiff: band size does not match the grid');
  let values: Float32Array;
  if (nb === 1) values = bands[0];
  else {
    values = new Float32Array(L * W * nb);
    for (let k = 0; k < nb; k++) {
      const b = bands[k];
      for (let i = 0; i < L * W; i++) values[i * nb + k] = b[i];
    }
  }
  const items: string[] = [];
  const add = (name: string, v: string, extra = ''): void => {
    items.push(`<Item name="${xmlEscape(name)}"${extra}>${xmlEscape(v)}</Item>`);
  };
  if (meta.unit) add('UNIT', meta.unit);
  for (const [k, v] of Object.entries(meta.items ?? {})) add(k, v);
  meta.bandNames?.forEach((n, k) => add('DESCRIPTION', n, ` sample="${k}" role="description"`));
  const epsg = meta.epsg ?? 4326;
  const geoKeys: Record<string, unknown> =
    epsg === 4326
      ? { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326, GeogCitationGeoKey: 'WGS 84' }
      : { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: epsg };
  const md: Record<string, unknown> = {
    height: L,
    width: W,
    ModelPixelScale: [grid.xStep, -grid.yStep, 0],
    ModelTiepoint: [0, 0, 0, grid.xFirst, grid.yFirst, 0],
    GTRasterTypeGeoKey: 1, // RasterPixelIsArea
    ...geoKeys,
    SamplesPerPixel: nb,
    BitsPerSample: Array(nb).fill(32),
    SampleFormat: Array(nb).fill(3),
    PhotometricInterpretation: 1,
    GDAL_NODATA: `${formatNodata(meta.nodata ?? NaN)}\0`,
    ...(items.length ? { GDAL_METADATA: `<GDALMetadata>${items.join('')}</GDALMetadata>\0` } : {}),
    ...(nb > 1 ? { ExtraSamples: Array(nb - 1).fill(0) } : {}),
  };
  return new Uint8Array(writeArrayBuffer(values, md as never));
}

function formatNodata(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  return String(v);
}

export interface GeoTiffOptions {
  file: string;
  /** dataset name; for a time series a date YYYYMMDD, REFDATE_DATE, or 'all' (default: all dates) */
  dataset?: string;
  out?: string;
  /** mask file: masked pixels (mask == 0) are written as NaN (default: no mask, like save_gdal) */
  mask?: string;
  nodata?: number;
}

export interface GeoTiffResult {
  path: string;
  bands: number;
  bandNames: string[];
  width: number;
  height: number;
  unit: string;
}

/** Write a float32 GeoTIFF (atomically) from a MintPy HDF5 file. */
export async function writeGeoTiff(opts: GeoTiffOptions): Promise<GeoTiffResult> {
  const file = opts.file;
  const h5 = await H5Reader.open(file);
  let dates: string[] | null;
  let attrs;
  try {
    dates = readDates(h5);
    attrs = h5.attrs;
  } finally {
    h5.close();
  }
  const grid = gridOf(attrs, file);
  if (!grid) throw new InputError(`${file}: not geocoded (no X_FIRST/Y_FIRST); geocode it first`);
  const L = grid.length;
  const W = grid.width;
  const mask = opts.mask ? await readMask(opts.mask, L, W) : null;

  const bands: Float32Array[] = [];
  const names: string[] = [];
  let unit = '1';
  let dsLabel: string;
  if (dates && (opts.dataset === undefined || opts.dataset === 'all')) {
    const r = await H5Reader.open(file);
    try {
      for (let k = 0; k < dates.length; k++) {
        bands.push(Float32Array.from(r.readBand('timeseries', k)));
        names.push(dates[k]);
      }
    } finally {
      r.close();
    }
    unit = attrs.UNIT ?? 'm';
    dsLabel = 'timeseries';
  } else {
    const m = await readMap(file, opts.dataset);
    bands.push(m.data);
    names.push(m.dataset);
    unit = m.unit;
    dsLabel = m.dataset;
  }
  if (mask) for (const b of bands) for (let i = 0; i < b.length; i++) if (!mask[i]) b[i] = NaN;

  const items: Record<string, string> = { FILE_TYPE: attrs.FILE_TYPE ?? '', DATASET: dsLabel };
  for (const k of ['REF_Y', 'REF_X', 'REF_LAT', 'REF_LON', 'REF_DATE', 'START_DATE', 'END_DATE'])
    if (attrs[k] !== undefined) items[k] = attrs[k];
  const epsg = epsgOfAttrs(attrs);
  const tif = encodeGeoTiff(bands, grid, { unit, nodata: opts.nodata, bandNames: names, items, epsg });
  const fbase = basename(file, extname(file));
  const out = resolve(
    opts.out ??
      join(dirname(file), `${opts.dataset && opts.dataset !== 'all' ? `${fbase}_${opts.dataset}` : fbase}.tif`),
  );
  writeFileAtomic(out, tif);
  return { path: out, bands: bands.length, bandNames: names, width: W, height: L, unit };
}
