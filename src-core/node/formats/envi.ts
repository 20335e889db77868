/**
 * ENVI raw rasters (what `ariaTSsetup.py -of ENVI` writes): a `.hdr` text header beside a raw binary file.
 * The header is `<name>.hdr` or `<stem>.hdr` (SRTM_3arcsec.dem → SRTM_3arcsec.hdr). Rows are read at an
 * offset with fs.readSync, so no caller needs a whole raster in memory.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../../common/pipeline/types';
import type { NumericArray } from './h5';

export type RasterArray = NumericArray | Uint16Array | Uint32Array;

/** ENVI `data type` codes we read → element size and typed-array constructor. */
const ENVI_TYPES: Record<number, { bytes: number; name: string; make: (n: number) => RasterArray }> = {
  1: { bytes: 1, name: 'Byte', make: (n) => new Uint8Array(n) },
  2: { bytes: 2, name: 'Int16', make: (n) => new Int16Array(n) },
  3: { bytes: 4, name: 'Int32', make: (n) => new Int32Array(n) },
  4: { bytes: 4, name: 'Float32', make: (n) => new Float32Array(n) },
  5: { bytes: 8, name: 'Float64', make: (n) => new Float64Array(n) },
  12: { bytes: 2, name: 'UInt16', make: (n) => new Uint16Array(n) },
  13: { bytes: 4, name: 'UInt32', make: (n) => new Uint32Array(n) },
};

export interface EnviHeader {
  /** the .hdr file */
  hdrPath: string;
  samples: number;
  lines: number;
  bands: number;
  headerOffset: number;
  dataType: number;
  interleave: 'bsq' | 'bil' | 'bip';
  /** 0 = little endian, 1 = big endian */
  byteOrder: 0 | 1;
  dataIgnoreValue: number | null;
  /** GDAL-style geotransform from `map info`, if present */
  geoTransform: number[] | null;
  /** every key as written (lower-case keys, braces removed) */
  raw: Record<string, string>;
}

/** The header beside a raw file: `<name>.hdr`, else `<stem>.hdr`; null if neither exists. */
export function findEnviHeader(rasterPath: string): string | null {
  const a = `${rasterPath}.hdr`;
  if (existsSync(a)) return a;
  const ext = extname(rasterPath);
  if (ext) {
    const b = join(dirname(rasterPath), `${basename(rasterPath, ext)}.hdr`);
    if (existsSync(b)) return b;
  }
  return null;
}

/** Parse the `key = value` / `key = { … }` lines of an ENVI header. */
export function parseEnviHeaderText(text: string, hdrPath: string): EnviHeader {
  const lines = text.split(/\r?\n/);
  if (!lines[0] || lines[0].trim().toUpperCase() !== 'ENVI')
    throw new InputError(`${hdrPath}: not an ENVI header (first line is not "ENVI")`);
  const raw: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    let value = line.slice(eq + 1).trim();
    if (value.startsWith('{')) {
      while (!value.includes('}') && i + 1 < lines.length) value += '\n' + lines[++i];
      value = value.slice(1, value.lastIndexOf('}')).trim();
    }
    raw[key] = value;
  }
  const int = (key: string, dflt?: number): number => {
    const v = raw[key];
    if (v === undefined) {
      if (dflt !== undefined) return dflt;
      throw new InputError(`${hdrPath}: ENVI header has no "${key}"`);
    }
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new InputError(`${hdrPath}: ENVI header "${key} = ${v}" is not a non-negative integer`);
    return n;
  };
  const samples = int('samples');
  const lines_ = int('lines');
  const bands = int('bands', 1);
  const headerOffset = int('header offset', 0);
  const dataType = int('data type');
  if (!ENVI_TYPES[dataType])
    throw new InputError(
      `${hdrPath}: unsupported ENVI data type ${dataType} (supported: 1 byte, 2 int16, 3 int32, 4 float32, 5 float64, 12 uint16, 13 uint32)`,
    );
  const il = (raw['interleave'] ?? 'bsq').toLowerCase();
  if (il !== 'bsq' && il !== 'bil' && il !== 'bip')
    throw new InputError(`${hdrPath}: unsupported ENVI interleave "${il}"`);
  const bo = int('byte order', 0);
  if (bo !== 0 && bo !== 1) throw new InputError(`${hdrPath}: ENVI "byte order = ${bo}" must be 0 or 1`);
  const div = raw['data ignore value'];
  const dataIgnoreValue = div === undefined || div === '' ? null : Number(div);
  if (dataIgnoreValue !== null && Number.isNaN(dataIgnoreValue) && !/^nan$/i.test(div ?? ''))
    throw new InputError(`${hdrPath}: ENVI "data ignore value = ${div}" is not a number`);
  return {
    hdrPath,
    samples,
    lines: lines_,
    bands,
    headerOffset,
    dataType,
    interleave: il,
    byteOrder: bo as 0 | 1,
    dataIgnoreValue,
    geoTransform: mapInfoToGeoTransform(raw['map info']),
    raw,
  };
}

/** `map info = {proj, refX, refY, easting, northing, xSize, ySize, …}` (1-based reference pixel). */
function mapInfoToGeoTransform(mapInfo: string | undefined): number[] | null {
  if (!mapInfo) return null;
  const p = mapInfo.split(',').map((s) => s.trim());
  if (p.length < 7) return null;
  const [refX, refY, east, north, dx, dy] = p.slice(1, 7).map(Number);
  if (![refX, refY, east, north, dx, dy].every(Number.isFinite)) return null;
  return [east - (refX - 1) * dx, dx, 0, north + (refY - 1) * dy, 0, -dy];
}

/** An ENVI raster opened for row reads. */
export class EnviRaster {
  readonly width: number;
  readonly length: number;
  readonly bandCount: number;
  readonly bytesPerSample: number;
  readonly dataTypeName: string;

  private constructor(
    readonly path: string,
    readonly header: EnviHeader,
  ) {
    this.width = header.samples;
    this.length = header.lines;
    this.bandCount = header.bands;
    this.bytesPerSample = ENVI_TYPES[header.dataType].bytes;
    this.dataTypeName = ENVI_TYPES[header.dataType].name;
  }

  /** Open `path` (the raw file) with its header; checks that the file holds the whole raster. */
  static open(path: string): EnviRaster {
    if (!existsSync(path)) throw new InputError(`${path}: raster file not found`);
    const hdr = findEnviHeader(path);
    if (!hdr) throw new InputError(`${path}: no ENVI header (looked for ${basename(path)}.hdr and <stem>.hdr)`);
    const header = parseEnviHeaderText(readFileSync(hdr, 'utf8'), hdr);
    const r = new EnviRaster(path, header);
    const expected = header.headerOffset + header.samples * header.lines * header.bands * r.bytesPerSample;
    const fd = openSync(path, 'r');
    let size: number;
    try {
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    if (size < expected)
      throw new InputError(
        `${path}: raster is truncated or its header ${basename(hdr)} is wrong: ${header.samples} × ${header.lines} × ${header.bands} ${r.dataTypeName} + offset ${header.headerOffset} needs ${expected} bytes, the file has ${size}`,
      );
    return r;
  }

  get noData(): number | null {
    return this.header.dataIgnoreValue;
  }

  get geoTransform(): number[] | null {
    return this.header.geoTransform;
  }

  /** Rows [r0, r1) of band `band` (1-based), as the file's data type. */
  readRows(band: number, r0: number, r1: number): RasterArray {
    const { samples: w, bands, interleave, headerOffset } = this.header;
    if (band < 1 || band > bands) throw new InputError(`${this.path}: band ${band} out of range 1..${bands}`);
    if (r0 < 0 || r1 > this.length || r1 < r0)
      throw new InputError(`${this.path}: rows [${r0}, ${r1}) outside 0..${this.length}`);
    const bps = this.bytesPerSample;
    const n = (r1 - r0) * w;
    const out = ENVI_TYPES[this.header.dataType].make(n);
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    const fd = openSync(this.path, 'r');
    try {
      const b = band - 1;
      if (interleave === 'bsq') {
        readFully(fd, bytes, headerOffset + (b * this.length + r0) * w * bps, this.path);
      } else {
        // bil: rows of all bands interleaved; bip: pixels of all bands interleaved
        const rowBytes = w * bands * bps;
        const block = new Uint8Array((r1 - r0) * rowBytes);
        readFully(fd, block, headerOffset + r0 * rowBytes, this.path);
        for (let r = 0; r < r1 - r0; r++) {
          if (interleave === 'bil') {
            bytes.set(block.subarray(r * rowBytes + b * w * bps, r * rowBytes + (b + 1) * w * bps), r * w * bps);
          } else {
            for (let c = 0; c < w; c++) {
              const src = r * rowBytes + (c * bands + b) * bps;
              bytes.set(block.subarray(src, src + bps), (r * w + c) * bps);
            }
          }
        }
      }
    } finally {
      closeSync(fd);
    }
    if (this.header.byteOrder === 1 && bps > 1) swapBytes(bytes, bps);
    return out;
  }

  /**
   * Where rows [r0, r1) of `band` lie in the raw file, when they are one contiguous little-endian run
   * (band-sequential layout): the caller may read them straight into its own buffer. Null otherwise.
   */
  rawLocation(band: number, r0: number, r1: number): RawLocation | null {
    const { headerOffset, interleave, byteOrder } = this.header;
    if (interleave !== 'bsq' || (byteOrder === 1 && this.bytesPerSample > 1)) return null;
    if (band < 1 || band > this.bandCount) throw new InputError(`${this.path}: no band ${band}`);
    if (r0 < 0 || r1 > this.length || r1 < r0)
      throw new InputError(`${this.path}: rows [${r0}, ${r1}) outside 0..${this.length}`);
    const w = this.width;
    return {
      path: this.path,
      position: headerOffset + ((band - 1) * this.length + r0) * w * this.bytesPerSample,
      bytes: (r1 - r0) * w * this.bytesPerSample,
      dataType: this.dataTypeName,
    };
  }
}

/** A contiguous run of raw little-endian samples in a file. */
export interface RawLocation {
  path: string;
  position: number;
  bytes: number;
  /** GDAL type name of the samples (Float32, Int16, …) */
  dataType: string;
}

/** Read a raw run into `into` (exactly its length). */
export function readRaw(loc: RawLocation, into: Uint8Array): void {
  if (into.length !== loc.bytes) throw new Error(`readRaw: buffer of ${into.length} bytes for ${loc.bytes}`);
  const fd = openSync(loc.path, 'r');
  try {
    readFully(fd, into, loc.position, loc.path);
  } finally {
    closeSync(fd);
  }
}

/** Write all of `data` at `position` (pwrite until done). */
export function writeFully(fd: number, data: Uint8Array, position: number): void {
  let put = 0;
  while (put < data.length) put += writeSync(fd, data, put, data.length - put, position + put);
}

/** Read exactly `into.length` bytes at `position`. */
export function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n <= 0) throw new InputError(`${path}: unexpected end of file at byte ${position + got}`);
    got += n;
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}
