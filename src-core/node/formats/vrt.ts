/**
 * GDAL VRT datasets as ARIA-tools writes them (stack/*.vrt → per-pair VRT → ENVI raw file), plus a
 * small `openRaster` that opens any of VRT / ENVI / GeoTIFF by path with one row-reading interface.
 *
 * Supported: SimpleSource and ComplexSource (NODATA, ScaleOffset/ScaleRatio) with SrcRect/DstRect of the
 * same size (a shift, no resampling), band NoDataValue and `<Metadata domain=…><MDI key=…>` dictionaries.
 * Values are kept as strings (fast-xml-parser with parseTagValue false): "799000.0" stays "799000.0".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fromFile } from 'geotiff';
import { InputError } from '../../common/pipeline/types';
import { EnviRaster, findEnviHeader, type RasterArray, type RawLocation } from './envi';

/** Anything we can read rows from. Bands are 1-based (GDAL convention). */
export interface Raster {
  readonly path: string;
  readonly width: number;
  readonly length: number;
  readonly bandCount: number;
  /** GDAL geotransform [x0, dx, 0, y0, 0, dy] (upper-left corner), null if unknown */
  readonly geoTransform: number[] | null;
  noData(band: number): number | null;
  /** GDAL data type name of the band: Byte, Int16, UInt16, Int32, UInt32, Float32, Float64 */
  dataType(band: number): string;
  readRows(band: number, r0: number, r1: number): Promise<RasterArray>;
  /**
   * Where rows [r0, r1) of the band lie as one contiguous run of raw samples of the band's type, when
   * reading those bytes gives exactly what `readRows` returns — ENVI, and VRTs whose band is one
   * whole-raster source of the same type without scaling (ARIA's stacks). Null: use `readRows`.
   */
  rawLocation?(band: number, r0: number, r1: number): Promise<RawLocation | null>;
}

type RasterCache = Map<string, Promise<Raster>>;

/** Open a raster by path: `.vrt` → VRT, `.tif/.tiff` → GeoTIFF, anything else → ENVI (header beside it). */
export function openRaster(path: string, cache: RasterCache = new Map()): Promise<Raster> {
  const key = resolve(path);
  let p = cache.get(key);
  if (!p) {
    p = openUncached(key, cache);
    cache.set(key, p);
  }
  return p;
}

async function openUncached(path: string, cache: RasterCache): Promise<Raster> {
  if (!existsSync(path)) throw new InputError(`${path}: raster file not found`);
  const ext = extname(path).toLowerCase();
  if (ext === '.vrt') return VrtDataset.open(path, cache);
  if (ext === '.tif' || ext === '.tiff') return GeoTiffRaster.open(path);
  if (findEnviHeader(path)) return new EnviAdapter(EnviRaster.open(path));
  throw new InputError(`${path}: unknown raster format (expected .vrt, .tif or an ENVI file with a .hdr beside it)`);
}

/** Band no-data values from GDAL's `<raster>.aux.xml` (PAM), which GDAL prefers over the driver's. */
function pamNoData(path: string): Map<number, number> {
  const out = new Map<number, number>();
  const aux = `${path}.aux.xml`;
  if (!existsSync(aux)) return out;
  try {
    const doc = pamParser.parse(readFileSync(aux, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const b of (doc.PAMDataset?.PAMRasterBand as Record<string, unknown>[] | undefined) ?? []) {
      const v = b.NoDataValue;
      const t = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['#text'] : v;
      if (t !== undefined && String(t).trim() !== '') out.set(Number(b['@_band'] ?? 1), Number(String(t).trim()));
    }
  } catch {
    // an unreadable .aux.xml is ignored, as GDAL does
  }
  return out;
}

const pamParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'PAMRasterBand',
});

class EnviAdapter implements Raster {
  private readonly pam: Map<number, number>;
  constructor(readonly envi: EnviRaster) {
    this.pam = pamNoData(envi.path);
  }
  get path(): string {
    return this.envi.path;
  }
  get width(): number {
    return this.envi.width;
  }
  get length(): number {
    return this.envi.length;
  }
  get bandCount(): number {
    return this.envi.bandCount;
  }
  get geoTransform(): number[] | null {
    return this.envi.geoTransform;
  }
  noData(band = 1): number | null {
    return this.pam.get(band) ?? this.envi.noData;
  }
  dataType(): string {
    return this.envi.dataTypeName;
  }
  readRows(band: number, r0: number, r1: number): Promise<RasterArray> {
    return Promise.resolve(this.envi.readRows(band, r0, r1));
  }
  rawLocation(band: number, r0: number, r1: number): Promise<RawLocation | null> {
    return Promise.resolve(this.envi.rawLocation(band, r0, r1));
  }
}

class GeoTiffRaster implements Raster {
  private constructor(
    readonly path: string,
    private readonly image: Awaited<ReturnType<Awaited<ReturnType<typeof fromFile>>['getImage']>>,
  ) {}
  static async open(path: string): Promise<GeoTiffRaster> {
    try {
      const tiff = await fromFile(path);
      return new GeoTiffRaster(path, await tiff.getImage());
    } catch (e) {
      throw new InputError(`${path}: not a readable GeoTIFF (${(e as Error).message})`);
    }
  }
  get width(): number {
    return this.image.getWidth();
  }
  get length(): number {
    return this.image.getHeight();
  }
  get bandCount(): number {
    return this.image.getSamplesPerPixel();
  }
  get geoTransform(): number[] | null {
    try {
      const [x0, y0] = this.image.getOrigin();
      const [dx, dy] = this.image.getResolution();
      return [x0, dx, 0, y0, 0, dy];
    } catch {
      return null;
    }
  }
  noData(): number | null {
    return this.image.getGDALNoData();
  }
  dataType(band: number): string {
    const fmt = this.image.getSampleFormat(band - 1);
    const bits = this.image.getBitsPerSample(band - 1);
    if (fmt === 3) return bits === 64 ? 'Float64' : 'Float32';
    const base = bits === 8 ? 'Byte' : `Int${bits}`;
    return fmt === 2 || bits === 8 ? base : `U${base}`;
  }
  async readRows(band: number, r0: number, r1: number): Promise<RasterArray> {
    const rasters = await this.image.readRasters({ window: [0, r0, this.width, r1], samples: [band - 1] });
    return (rasters as unknown as RasterArray[])[0];
  }
}

export interface VrtSource {
  kind: 'SimpleSource' | 'ComplexSource';
  file: string;
  sourceBand: number;
  src: { x: number; y: number; w: number; h: number } | null;
  dst: { x: number; y: number; w: number; h: number } | null;
  nodata: number | null;
  scaleOffset: number;
  scaleRatio: number;
}

export interface VrtBand {
  band: number;
  dataType: string;
  noData: number | null;
  sources: VrtSource[];
  /** metadata dictionaries by domain ('' = default domain) */
  metadata: Record<string, Record<string, string>>;
}

const ARRAYS = new Set(['VRTRasterBand', 'SimpleSource', 'ComplexSource', 'Metadata', 'MDI']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

type XmlNode = Record<string, unknown>;
const text = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return String((v as XmlNode)['#text'] ?? '');
  return String(v);
};

function metadataOf(node: XmlNode): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const md of (node.Metadata as XmlNode[] | undefined) ?? []) {
    if (typeof md !== 'object' || md === null) continue;
    const domain = String(md['@_domain'] ?? '');
    const d = (out[domain] ??= {});
    for (const mdi of (md.MDI as XmlNode[] | undefined) ?? []) {
      if (typeof mdi === 'object' && mdi !== null && mdi['@_key'] !== undefined) d[String(mdi['@_key'])] = text(mdi);
    }
  }
  return out;
}

/** fast-xml-parser's validation error in one line: where, and what (unclosed tags mean a truncated file). */
export function xmlProblem(xml: string, err: { line: number; col: number; msg: string }): string {
  const open = /^Invalid '\[(.*)\]' found/.exec(err.msg);
  if (open) {
    const tags = [...open[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    return `ends inside <${tags[tags.length - 1]}> (unclosed: ${tags.join(' > ')}): the file is truncated`;
  }
  const lines = xml.trimEnd().split('\n').length;
  const what = err.msg.split('\n')[0].replace(/[\s.]+$/, '');
  return `line ${err.line}, column ${err.col}: not valid XML (${what})${err.line >= lines ? ': the file looks truncated' : ''}`;
}

/** A GDAL VRT file. */
export class VrtDataset implements Raster {
  private constructor(
    readonly path: string,
    readonly width: number,
    readonly length: number,
    readonly geoTransform: number[] | null,
    readonly bands: VrtBand[],
    readonly metadata: Record<string, Record<string, string>>,
    private readonly cache: RasterCache,
  ) {}

  static async open(path: string, cache: RasterCache = new Map()): Promise<VrtDataset> {
    if (!existsSync(path)) throw new InputError(`${path}: VRT file not found`);
    return VrtDataset.parse(readFileSync(path, 'utf8'), resolve(path), cache);
  }

  static parse(xml: string, path: string, cache: RasterCache = new Map()): VrtDataset {
    // the parser alone accepts a truncated file and its own errors quote the XML over several lines:
    // validate first, and say where in one line
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new InputError(`${path}: ${xmlProblem(xml, valid.err)}`);
    let doc: XmlNode;
    try {
      doc = parser.parse(xml) as XmlNode;
    } catch (e) {
      throw new InputError(`${path}: not a valid VRT (XML error: ${(e as Error).message.split('\n')[0]})`);
    }
    const ds = doc.VRTDataset as XmlNode | undefined;
    if (!ds || typeof ds !== 'object') throw new InputError(`${path}: not a VRT (no <VRTDataset>)`);
    const width = Number(ds['@_rasterXSize']);
    const length = Number(ds['@_rasterYSize']);
    if (!(width > 0 && length > 0)) throw new InputError(`${path}: VRT without a valid rasterXSize/rasterYSize`);
    let gt: number[] | null = null;
    if (ds.GeoTransform !== undefined) {
      gt = text(ds.GeoTransform)
        .split(',')
        .map((s) => Number(s.trim()));
      if (gt.length !== 6 || !gt.every(Number.isFinite))
        throw new InputError(`${path}: bad <GeoTransform> "${text(ds.GeoTransform)}"`);
    }
    const dir = dirname(path);
    const bands: VrtBand[] = ((ds.VRTRasterBand as XmlNode[] | undefined) ?? []).map((b, i) => {
      const band = b['@_band'] !== undefined ? Number(b['@_band']) : i + 1;
      const nd = b.NoDataValue !== undefined ? text(b.NoDataValue) : '';
      const sources: VrtSource[] = [];
      for (const kind of ['SimpleSource', 'ComplexSource'] as const) {
        for (const s of (b[kind] as XmlNode[] | undefined) ?? []) {
          const fnNode = s.SourceFilename;
          const fn = text(fnNode);
          if (!fn) throw new InputError(`${path}: band ${band} has a ${kind} without <SourceFilename>`);
          const rel =
            typeof fnNode === 'object' && fnNode !== null ? String((fnNode as XmlNode)['@_relativeToVRT'] ?? '0') : '0';
          if (s.LUT !== undefined) throw new InputError(`${path}: band ${band}: ComplexSource <LUT> is not supported`);
          const rect = (r: unknown): VrtSource['src'] => {
            if (!r || typeof r !== 'object') return null;
            const o = r as XmlNode;
            return { x: Number(o['@_xOff']), y: Number(o['@_yOff']), w: Number(o['@_xSize']), h: Number(o['@_ySize']) };
          };
          const src = rect(s.SrcRect);
          const dst = rect(s.DstRect);
          if (src && dst && (src.w !== dst.w || src.h !== dst.h))
            throw new InputError(
              `${path}: band ${band}: SrcRect ${src.w}×${src.h} and DstRect ${dst.w}×${dst.h} differ (resampling VRT sources is not supported)`,
            );
          sources.push({
            kind,
            file: rel === '1' || !isAbsolute(fn) ? resolve(dir, fn) : fn,
            sourceBand: s.SourceBand !== undefined ? Number(text(s.SourceBand)) : 1,
            src,
            dst,
            nodata: s.NODATA !== undefined && text(s.NODATA) !== '' ? Number(text(s.NODATA)) : null,
            scaleOffset: s.ScaleOffset !== undefined ? Number(text(s.ScaleOffset)) : 0,
            scaleRatio: s.ScaleRatio !== undefined ? Number(text(s.ScaleRatio)) : 1,
          });
        }
      }
      return {
        band,
        dataType: String(b['@_dataType'] ?? 'Float32'),
        noData: nd === '' ? null : Number(nd),
        sources,
        metadata: metadataOf(b),
      };
    });
    return new VrtDataset(path, width, length, gt, bands, metadataOf(ds), cache);
  }

  get bandCount(): number {
    return this.bands.length;
  }

  private bandOf(band: number): VrtBand {
    const b = this.bands[band - 1];
    if (!b) throw new InputError(`${this.path}: no band ${band} (the VRT has ${this.bands.length})`);
    return b;
  }

  noData(band: number): number | null {
    return this.bandOf(band).noData;
  }

  dataType(band: number): string {
    return this.bandOf(band).dataType;
  }

  /** The band's metadata dictionary of `domain` (empty object if absent). */
  bandMetadata(band: number, domain = ''): Record<string, string> {
    return this.bandOf(band).metadata[domain] ?? {};
  }

  /** Source files, like GDAL's GetFileList() minus the VRT itself. */
  fileList(): string[] {
    return [...new Set(this.bands.flatMap((b) => b.sources.map((s) => s.file)))];
  }

  /** Open a source (checks existence, names this VRT in errors). */
  async openSource(s: VrtSource, band: number): Promise<Raster> {
    if (!existsSync(s.file)) throw new InputError(`${this.path}: band ${band} source file ${s.file} not found`);
    try {
      return await openRaster(s.file, this.cache);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${this.path}: band ${band}: ${e.message}`);
      throw e;
    }
  }

  async rawLocation(band: number, r0: number, r1: number): Promise<RawLocation | null> {
    const b = this.bandOf(band);
    if (b.sources.length !== 1 || r0 < 0 || r1 > this.length || r1 < r0) return null;
    const s = b.sources[0];
    const src = await this.openSource(s, band);
    if (!src.rawLocation || src.width !== this.width || src.length !== this.length) return null;
    const whole = (r: VrtSource['src']) =>
      r === null || (r.x === 0 && r.y === 0 && r.w === this.width && r.h === this.length);
    if (!whole(s.src) || !whole(s.dst)) return null;
    // the conditions of readRows' fast path: no scaling; source no-data absent or equal to the fill value
    if (s.scaleOffset !== 0 || s.scaleRatio !== 1) return null;
    const fill = b.noData ?? 0;
    const nd = s.kind === 'ComplexSource' ? s.nodata : null;
    if (!(nd === null || nd === fill || (Number.isNaN(nd) && Number.isNaN(fill)))) return null;
    if (src.dataType(s.sourceBand) !== b.dataType) return null;
    return src.rawLocation(s.sourceBand, r0, r1);
  }

  async readRows(band: number, r0: number, r1: number): Promise<RasterArray> {
    const b = this.bandOf(band);
    if (r0 < 0 || r1 > this.length || r1 < r0)
      throw new InputError(`${this.path}: rows [${r0}, ${r1}) outside 0..${this.length}`);
    const w = this.width;
    const out = makeRaster(b.dataType, (r1 - r0) * w, this.path);
    if (b.noData !== null && b.noData !== 0) out.fill(b.noData);
    const isInt = !b.dataType.startsWith('Float');
    for (const s of b.sources) {
      const src = await this.openSource(s, band);
      const sr = s.src ?? { x: 0, y: 0, w: src.width, h: src.length };
      const dr = s.dst ?? { x: 0, y: 0, w: sr.w, h: sr.h };
      if (sr.x < 0 || sr.y < 0 || sr.x + sr.w > src.width || sr.y + sr.h > src.length)
        throw new InputError(
          `${this.path}: band ${band}: SrcRect (${sr.x},${sr.y},${sr.w}×${sr.h}) outside ${s.file} (${src.width}×${src.length})`,
        );
      const y0 = Math.max(r0, dr.y);
      const y1 = Math.min(r1, dr.y + dr.h);
      if (y1 <= y0) continue;
      const x0 = Math.max(0, dr.x);
      const x1 = Math.min(w, dr.x + dr.w);
      if (x1 <= x0) continue;
      const data = await src.readRows(s.sourceBand, y0 - dr.y + sr.y, y1 - dr.y + sr.y);
      const nd = s.kind === 'ComplexSource' ? s.nodata : null;
      const ndNaN = nd !== null && Number.isNaN(nd);
      const scaled = s.scaleOffset !== 0 || s.scaleRatio !== 1;
      // fast path (ARIA's case): same type, no scaling, and source no-data either absent or equal to the
      // value the band starts with, so skipping those pixels and copying them give the same result
      const fill = b.noData ?? 0;
      const sameNoData = nd === null || nd === fill || (ndNaN && Number.isNaN(fill));
      if (!scaled && sameNoData && data.constructor === out.constructor) {
        for (let y = y0; y < y1; y++) {
          const srow = (y - y0) * src.width + (sr.x - dr.x);
          out.set(data.subarray(srow + x0, srow + x1) as never, (y - r0) * w + x0);
        }
        continue;
      }
      for (let y = y0; y < y1; y++) {
        const srow = (y - y0) * src.width + (sr.x - dr.x);
        const orow = (y - r0) * w;
        for (let x = x0; x < x1; x++) {
          let v = data[srow + x];
          if (nd !== null && (ndNaN ? Number.isNaN(v) : v === nd)) continue;
          if (scaled) v = v * s.scaleRatio + s.scaleOffset;
          out[orow + x] = isInt ? Math.round(v) : v;
        }
      }
    }
    return out;
  }
}

function makeRaster(dataType: string, n: number, path: string): RasterArray {
  switch (dataType) {
    case 'Byte':
      return new Uint8Array(n);
    case 'Int8':
      return new Int8Array(n);
    case 'Int16':
      return new Int16Array(n);
    case 'UInt16':
      return new Uint16Array(n);
    case 'Int32':
      return new Int32Array(n);
    case 'UInt32':
      return new Uint32Array(n);
    case 'Float32':
      return new Float32Array(n);
    case 'Float64':
      return new Float64Array(n);
    default:
      throw new InputError(`${path}: unsupported VRT band data type "${dataType}"`);
  }
}
