/**
 * Float32 GeoTIFF export of a 2-D dataset or of one / all dates of a time series (as MintPy's save_gdal,
 * plus multi-band time series): geotransform from X/Y_FIRST/STEP (PixelIsArea, X/Y_FIRST = outer corner of
 * the upper-left pixel), EPSG:4326 geokeys (or the file's EPSG code for projected grids), GDAL_NODATA and
 * GDAL_METADATA (UNIT, FILE_TYPE, dataset, reference point; per band: description, DATE, unit type).
 * Values are written as stored (m, m/year, …), like save_gdal; an optional mask sets masked pixels to NaN.
 *
 * Our own small TIFF writer rather than geotiff.js's: that one writes every tag into a fixed 1000-byte header
 * (a time series' GDAL_METADATA overflows it: GDAL then finds a cut, NUL-filled block it cannot parse) and
 * needs all bands in memory. Here the header is sized to its tags, bands are stored one after the other
 * (PlanarConfiguration 2, strips of ≈ 256 KB) so a whole time series is streamed band by band, row block by
 * row block, and files past 4 GiB become BigTIFF.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { H5Reader } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { xmlEscape } from './atomic';
import { epsgOfAttrs } from '../../common/geo/crs';
import { readDates, readMap, readMask } from './source';

export interface GeoTiffMeta {
  unit?: string;
  /** no-data value (default NaN) */
  nodata?: number;
  /** one description per band (dates for a time series) */
  bandNames?: string[];
  /** per-band metadata items (e.g. DATE), one record per band */
  bandItems?: Record<string, string>[];
  /** extra GDAL metadata items */
  items?: Record<string, string>;
  /** EPSG code (default 4326) */
  epsg?: number;
  /** force BigTIFF (default: only when the file would pass 4 GiB) */
  bigTiff?: boolean;
}

// TIFF field types
const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const DOUBLE = 12;
const LONG8 = 16;
const TYPE_SIZE: Record<number, number> = { [ASCII]: 1, [SHORT]: 2, [LONG]: 4, [DOUBLE]: 8, [LONG8]: 8 };

interface Tag {
  tag: number;
  type: number;
  /** numbers, or the text of an ASCII tag (written as UTF-8, NUL-terminated, as GDAL does) */
  values: number[] | string;
}

const utf8 = new TextEncoder();

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const STRIP_BYTES = 1 << 18;

/** Where each band's strips go, for a grid of length × width float32 pixels and `bands` bands. */
export interface TiffLayout {
  width: number;
  length: number;
  bands: number;
  rowsPerStrip: number;
  bigTiff: boolean;
  /** byte offset of the first pixel (the header's size) */
  dataOffset: number;
  header: Uint8Array;
}

/** GDAL's metadata block: dataset items, then per band its description, unit type and items. */
export function gdalMetadataXml(meta: GeoTiffMeta, bands: number): string {
  const items: string[] = [];
  const add = (name: string, v: string, extra = ''): void => {
    items.push(`  <Item name="${xmlEscape(name)}"${extra}>${xmlEscape(v)}</Item>`);
  };
  if (meta.unit) add('UNIT', meta.unit);
  for (const [k, v] of Object.entries(meta.items ?? {})) add(k, v);
  for (let k = 0; k < bands; k++) {
    const name = meta.bandNames?.[k];
    if (name !== undefined) add('DESCRIPTION', name, ` sample="${k}" role="description"`);
    if (meta.unit) add('UNITTYPE', meta.unit, ` sample="${k}" role="unittype"`);
    for (const [key, v] of Object.entries(meta.bandItems?.[k] ?? {})) add(key, v, ` sample="${k}"`);
  }
  return `<GDALMetadata>\n${items.join('\n')}\n</GDALMetadata>`;
}

function geoKeyTags(epsg: number): Tag[] {
  // GeoKeyDirectory: header (version 1.1.0, key count), then [key, location, count, value] sorted by key
  const keys: number[][] = [
    [1024, 0, 1, epsg === 4326 ? 2 : 1],
    [1025, 0, 1, 1],
  ];
  const tags: Tag[] = [];
  if (epsg === 4326) {
    const citation = 'WGS 84|';
    keys.push([2048, 0, 1, 4326], [2049, 34737, citation.length, 0]);
    tags.push({ tag: 34737, type: ASCII, values: citation });
  } else keys.push([3072, 0, 1, epsg]);
  tags.push({ tag: 34735, type: SHORT, values: [1, 1, 0, keys.length, ...keys.flat()] });
  return tags;
}

function formatNodata(v: number): string {
  return Number.isNaN(v) ? 'nan' : String(v);
}

/** The TIFF header (image file directory and its values) for float32 bands stored one after the other. */
export function tiffLayout(grid: GeoGrid, bands: number, meta: GeoTiffMeta = {}): TiffLayout {
  const { length: L, width: W } = grid;
  if (!(bands >= 1)) throw new Error('GeoTIFF: no band');
  if (!(L >= 1 && W >= 1)) throw new Error(`GeoTIFF: bad size ${L} × ${W}`);
  const rowsPerStrip = Math.max(1, Math.min(L, Math.floor(STRIP_BYTES / (4 * W))));
  const stripsPerBand = Math.ceil(L / rowsPerStrip);
  const dataBytes = bands * L * W * 4;
  const build = (big: boolean, dataOffset: number): Tag[] => {
    const offs: number[] = [];
    const counts: number[] = [];
    for (let b = 0; b < bands; b++)
      for (let s = 0; s < stripsPerBand; s++) {
        const r0 = s * rowsPerStrip;
        offs.push(dataOffset + (b * L + r0) * W * 4);
        counts.push(Math.min(rowsPerStrip, L - r0) * W * 4);
      }
    const nodata = `${formatNodata(meta.nodata ?? NaN)}`;
    const tags: Tag[] = [
      { tag: 256, type: LONG, values: [W] },
      { tag: 257, type: LONG, values: [L] },
      { tag: 258, type: SHORT, values: Array(bands).fill(32) },
      { tag: 259, type: SHORT, values: [1] },
      { tag: 262, type: SHORT, values: [1] },
      { tag: 273, type: big ? LONG8 : LONG, values: offs },
      { tag: 277, type: SHORT, values: [bands] },
      { tag: 278, type: LONG, values: [rowsPerStrip] },
      { tag: 279, type: big ? LONG8 : LONG, values: counts },
      { tag: 284, type: SHORT, values: [bands > 1 ? 2 : 1] },
      { tag: 305, type: ASCII, values: 'InSAR Studio' },
      ...(bands > 1 ? [{ tag: 338, type: SHORT, values: Array(bands - 1).fill(0) }] : []),
      { tag: 339, type: SHORT, values: Array(bands).fill(3) },
      { tag: 33550, type: DOUBLE, values: [grid.xStep, -grid.yStep, 0] },
      { tag: 33922, type: DOUBLE, values: [0, 0, 0, grid.xFirst, grid.yFirst, 0] },
      ...geoKeyTags(meta.epsg ?? 4326),
      { tag: 42112, type: ASCII, values: gdalMetadataXml(meta, bands) },
      { tag: 42113, type: ASCII, values: nodata },
    ];
    return tags.sort((a, b) => a.tag - b.tag);
  };
  // the header's size does not depend on the offsets' values: size it once, then fill it in
  let big = meta.bigTiff ?? false;
  let size = encodeIfd(build(big, 0), big).length;
  if (!big && size + dataBytes > 0xffffffff) {
    big = true;
    size = encodeIfd(build(big, 0), big).length;
  }
  const dataOffset = Math.ceil(size / 16) * 16;
  const header = new Uint8Array(dataOffset);
  header.set(encodeIfd(build(big, dataOffset), big));
  return { width: W, length: L, bands, rowsPerStrip, bigTiff: big, dataOffset, header };
}

/** Header + one IFD + its out-of-line values, in the host's byte order. */
function encodeIfd(tags: Tag[], big: boolean): Uint8Array {
  const headerSize = big ? 16 : 8;
  const entrySize = big ? 20 : 12;
  const inline = big ? 8 : 4;
  const ifdSize = (big ? 8 : 2) + tags.length * entrySize + (big ? 8 : 4);
  const text = new Map<Tag, Uint8Array>();
  for (const t of tags)
    if (typeof t.values === 'string') {
      const b = utf8.encode(t.values);
      if (b.includes(0)) throw new Error(`GeoTIFF: tag ${t.tag} contains a NUL character`);
      text.set(t, b);
    }
  const valueBytes = (t: Tag) =>
    text.has(t) ? text.get(t)!.length + 1 : (t.values as number[]).length * TYPE_SIZE[t.type];
  let extra = 0;
  for (const t of tags) {
    const n = valueBytes(t);
    if (n > inline) extra += n + (n % 2);
  }
  const buf = new ArrayBuffer(headerSize + ifdSize + extra);
  const dv = new DataView(buf);
  const u8 = new Uint8Array(buf);
  const le = HOST_LE;
  const u64 = (o: number, v: number) => dv.setBigUint64(o, BigInt(v), le);
  u8[0] = u8[1] = le ? 0x49 : 0x4d;
  dv.setUint16(2, big ? 43 : 42, le);
  if (big) {
    dv.setUint16(4, 8, le);
    dv.setUint16(6, 0, le);
    u64(8, headerSize);
  } else dv.setUint32(4, headerSize, le);
  let p = headerSize;
  if (big) u64(p, tags.length);
  else dv.setUint16(p, tags.length, le);
  p += big ? 8 : 2;
  let ext = headerSize + ifdSize;
  const put = (o: number, t: Tag) => {
    const bytes = text.get(t);
    if (bytes) {
      u8.set(bytes, o); // the NUL after it is already there
      return;
    }
    (t.values as number[]).forEach((v, i) => {
      const q = o + i * TYPE_SIZE[t.type];
      if (t.type === SHORT) dv.setUint16(q, v, le);
      else if (t.type === LONG) dv.setUint32(q, v, le);
      else if (t.type === LONG8) u64(q, v);
      else dv.setFloat64(q, v, le);
    });
  };
  for (const t of tags) {
    const n = valueBytes(t);
    const count = text.has(t) ? n : (t.values as number[]).length;
    dv.setUint16(p, t.tag, le);
    dv.setUint16(p + 2, t.type, le);
    if (big) u64(p + 4, count);
    else dv.setUint32(p + 4, count, le);
    const vo = p + (big ? 12 : 8);
    if (n <= inline) put(vo, t);
    else {
      if (big) u64(vo, ext);
      else dv.setUint32(vo, ext, le);
      put(ext, t);
      ext += n + (n % 2);
    }
    p += entrySize;
  }
  // next IFD: none (already zero)
  return u8;
}

/**
 * Encode bands (each length × width, row-major) as a float32 GeoTIFF in memory (small layers; a whole
 * time series goes through `writeGeoTiff`, which streams).
 */
export function encodeGeoTiff(bands: Float32Array[], grid: GeoGrid, meta: GeoTiffMeta = {}): Uint8Array {
  const lay = tiffLayout(grid, bands.length, meta);
  const n = grid.length * grid.width;
  for (const b of bands) if (b.length !== n) throw new Error('encodeGeoTiff: band size does not match the grid');
  const out = new Uint8Array(lay.dataOffset + bands.length * n * 4);
  out.set(lay.header);
  bands.forEach((b, k) => out.set(new Uint8Array(b.buffer, b.byteOffset, n * 4), lay.dataOffset + k * n * 4));
  return out;
}

/**
 * Write a GeoTIFF band by band, row block by row block: `rows(band, r0, r1)` gives rows [r0, r1) of a band
 * as float32. Written to a temp file beside `out`, then renamed (never a half-written file at `out`).
 */
export async function streamGeoTiff(
  out: string,
  grid: GeoGrid,
  bands: number,
  meta: GeoTiffMeta,
  rows: (band: number, r0: number, r1: number) => Float32Array | Promise<Float32Array>,
  rowsPerBlock = Math.max(1, Math.floor((1 << 22) / grid.width)),
): Promise<void> {
  const lay = tiffLayout(grid, bands, meta);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, lay.header);
    let pos = lay.dataOffset;
    for (let b = 0; b < bands; b++)
      for (let r0 = 0; r0 < grid.length; r0 += rowsPerBlock) {
        const r1 = Math.min(grid.length, r0 + rowsPerBlock);
        const block = await rows(b, r0, r1);
        if (block.length !== (r1 - r0) * grid.width)
          throw new Error(`GeoTIFF: band ${b} rows ${r0}–${r1} came back with ${block.length} values`);
        const bytes = new Uint8Array(block.buffer, block.byteOffset, block.length * 4);
        pos += writeSync(fd, bytes, 0, bytes.length, pos);
      }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, out);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface GeoTiffOptions {
  file: string;
  /** dataset name; for a time series a date YYYYMMDD, REFDATE_DATE, or 'all' (default: all dates) */
  dataset?: string;
  out?: string;
  /** mask file: masked pixels (mask == 0) are written as NaN (default: no mask, like save_gdal) */
  mask?: string;
  nodata?: number;
  /** force BigTIFF (default: only past 4 GiB) */
  bigTiff?: boolean;
}

export interface GeoTiffResult {
  path: string;
  bands: number;
  bandNames: string[];
  width: number;
  height: number;
  unit: string;
}

/** Write a float32 GeoTIFF (atomically) from a MintPy HDF5 file; a whole time series is streamed. */
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
  const W = grid.width;
  const mask = opts.mask ? await readMask(opts.mask, grid.length, W) : null;
  const fbase = basename(file, extname(file));
  const out = resolve(
    opts.out ??
      join(dirname(file), `${opts.dataset && opts.dataset !== 'all' ? `${fbase}_${opts.dataset}` : fbase}.tif`),
  );
  const items: Record<string, string> = { FILE_TYPE: attrs.FILE_TYPE ?? '' };
  for (const k of ['REF_Y', 'REF_X', 'REF_LAT', 'REF_LON', 'REF_DATE', 'START_DATE', 'END_DATE'])
    if (attrs[k] !== undefined) items[k] = attrs[k];
  const epsg = epsgOfAttrs(attrs);
  const applyMask = (block: Float32Array, r0: number): Float32Array => {
    if (mask) for (let i = 0; i < block.length; i++) if (!mask[r0 * W + i]) block[i] = NaN;
    return block;
  };

  if (dates && (opts.dataset === undefined || opts.dataset === 'all')) {
    const unit = attrs.UNIT ?? 'm';
    const r = await H5Reader.open(file);
    try {
      await streamGeoTiff(
        out,
        grid,
        dates.length,
        {
          unit,
          nodata: opts.nodata,
          bandNames: dates,
          bandItems: dates.map((d) => ({ DATE: d })),
          items: { ...items, DATASET: 'timeseries' },
          epsg,
          bigTiff: opts.bigTiff,
        },
        (b, r0, r1) => {
          const v = r.readRows('timeseries', r0, r1, [b, b + 1]);
          return applyMask(v instanceof Float32Array ? v : Float32Array.from(v), r0);
        },
      );
    } finally {
      r.close();
    }
    return { path: out, bands: dates.length, bandNames: dates, width: W, height: grid.length, unit };
  }
  const m = await readMap(file, opts.dataset);
  applyMask(m.data, 0);
  const isDate = dates !== null && /^\d{8}$/.test(m.dataset);
  await streamGeoTiff(
    out,
    grid,
    1,
    {
      unit: m.unit,
      nodata: opts.nodata,
      bandNames: [m.dataset],
      bandItems: [isDate ? { DATE: m.dataset } : {}],
      items: { ...items, DATASET: m.dataset },
      epsg,
      bigTiff: opts.bigTiff,
    },
    (_b, r0, r1) => m.data.subarray(r0 * W, r1 * W),
  );
  return { path: out, bands: 1, bandNames: [m.dataset], width: W, height: grid.length, unit: m.unit };
}
