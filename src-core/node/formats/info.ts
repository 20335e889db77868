/**
 * `mintpy info`-style text summary of a file: for MintPy HDF5 files the file type, coordinates, root
 * attributes (sorted), datasets with shape/dtype/compression and their attributes, the grid, and the
 * dates (pairs for ifgramStack, epochs for time series); for VRT/ENVI/GeoTIFF rasters the size, bands,
 * data types, no-data values and geotransform.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { InputError } from '../../common/pipeline/types';
import { H5Reader, type Attrs } from './h5';
import { gridOf } from './mintpyFiles';
import { openRaster, VrtDataset } from './vrt';

/** MintPy's file type: dataset names first, then FILE_TYPE, then the first dataset (readfile.read_attribute). */
export function mintpyFileType(keys: string[], attrs: Attrs): string {
  if (keys.some((k) => ['unwrapPhase', 'rangeOffset', 'azimuthOffset'].includes(k))) return 'ifgramStack';
  if (keys.some((k) => ['height', 'latitude', 'azimuthCoord'].includes(k))) return 'geometry';
  if (keys.includes('timeseries')) return 'timeseries';
  if (keys.includes('velocity')) return 'velocity';
  if (keys.includes('HDFEOS')) return 'HDFEOS';
  if (attrs.FILE_TYPE) return attrs.FILE_TYPE;
  return keys[0] ?? 'unknown';
}

/** numpy's name for an h5wasm dtype string. */
export function numpyDtype(h5wasmDtype: string): string {
  const m = /^([<>|=]?)([bBhHiIqQefd])$/.exec(h5wasmDtype);
  if (m) {
    const names: Record<string, string> = {
      b: 'int8',
      B: 'uint8',
      h: 'int16',
      H: 'uint16',
      i: 'int32',
      I: 'uint32',
      q: 'int64',
      Q: 'uint64',
      e: 'float16',
      f: 'float32',
      d: 'float64',
    };
    return names[m[2]];
  }
  const s = /^[SA](\d+)$/.exec(h5wasmDtype);
  if (s) return `|S${s[1]}`;
  if (h5wasmDtype === 'unknown') return 'bool'; // h5py's bool enum (the only enum MintPy writes)
  return h5wasmDtype;
}

const pyShape = (s: number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

function attrsText(a: Attrs): string {
  const keys = Object.keys(a).sort();
  const w = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `  ${k.padEnd(w)}    ${a[k]}\n`).join('');
}

const compressionName = (filters: { id: number; name: string }[]): string => {
  const f = filters.find((x) => x.id === 1 || x.id === 32000 || x.id === 307);
  if (!f) return 'None';
  return f.id === 1 ? 'gzip' : f.id === 32000 ? 'lzf' : f.name;
};

async function h5Info(path: string): Promise<string> {
  const r = await H5Reader.open(path);
  try {
    const attrs = r.attrs;
    const keys = r.keys();
    const type = mintpyFileType(keys, attrs);
    let out = '******************** Basic File Info ************************\n';
    out += `file name: ${path}\nfile type: ${type}\n`;
    out += `coordinates : ${attrs.Y_FIRST !== undefined && attrs.X_FIRST !== undefined ? 'GEO' : 'RADAR'}\n\n`;
    out += '******************** HDF5 File Structure ********************\n';
    if (Object.keys(attrs).length) out += `Attributes in / level:\n${attrsText(attrs)}\n`;
    const w = Math.max(20, ...keys.map((k) => k.length + 1));
    for (const k of [...keys].sort()) {
      let info;
      try {
        info = r.info(k);
      } catch {
        out += `HDF5 group   "/${k}"\n`;
        continue;
      }
      out += `HDF5 dataset "/${k.padEnd(w)}": shape=${pyShape(info.shape).padEnd(20)}, dtype=${numpyDtype(info.dtype).padEnd(10)}, compression=${compressionName(info.filters)}\n`;
      if (Object.keys(info.attrs).length) out += attrsText(info.attrs);
    }
    if (attrs.LENGTH !== undefined && attrs.WIDTH !== undefined) {
      out += '\n******************** Grid ************************\n';
      out += `size: ${attrs.LENGTH} rows × ${attrs.WIDTH} columns\n`;
      const g = gridOf(attrs, path);
      if (g) {
        const south = g.yFirst + g.length * g.yStep;
        const east = g.xFirst + g.width * g.xStep;
        out += `pixel: ${g.xStep} × ${g.yStep} ${attrs.X_UNIT ?? ''}\n`;
        out += `extent: W ${g.xFirst}, E ${east}, S ${Math.min(south, g.yFirst)}, N ${Math.max(south, g.yFirst)}\n`;
      }
      if (attrs.REF_Y !== undefined)
        out += `reference pixel: y ${attrs.REF_Y}, x ${attrs.REF_X}${attrs.REF_LAT ? ` (lat ${attrs.REF_LAT}, lon ${attrs.REF_LON})` : ''}\n`;
    }
    if (r.has('date')) {
      const d = r.readStrings('date');
      out += '\n******************** Dates ************************\n';
      if (type === 'ifgramStack') {
        const pairs: string[] = [];
        for (let i = 0; i + 1 < d.length; i += 2) pairs.push(`${d[i]}_${d[i + 1]}`);
        const keep = r.has('dropIfgram') ? Array.from(r.read('dropIfgram'), (v) => v !== 0) : pairs.map(() => true);
        const dates = [...new Set(d)].sort();
        out += `pairs: ${pairs.length} (${keep.filter(Boolean).length} kept), dates: ${dates.length} (${dates[0]} … ${dates[dates.length - 1]})\n`;
        out += pairs.map((p, i) => `${p}${keep[i] ? '' : '  (dropped)'}\n`).join('');
      } else {
        out += `Start Date: ${d[0]}\nEnd   Date: ${d[d.length - 1]}\nNumber of dates  : ${d.length}\n`;
        out += d.map((x) => `${x}\n`).join('');
      }
    }
    return out;
  } finally {
    r.close();
  }
}

async function rasterInfo(path: string): Promise<string> {
  const r = await openRaster(path);
  const kind = r instanceof VrtDataset ? 'VRT' : /\.tiff?$/i.test(path) ? 'GeoTIFF' : 'ENVI';
  let out = '******************** Basic File Info ************************\n';
  out += `file name: ${path}\nfile type: ${kind}\n`;
  out += `size: ${r.length} rows × ${r.width} columns, ${r.bandCount} band(s)\n`;
  if (r.geoTransform) out += `geotransform: ${r.geoTransform.join(', ')}\n`;
  const shown = Math.min(r.bandCount, 5);
  for (let b = 1; b <= shown; b++) {
    out += `band ${b}: ${r.dataType(b)}, no-data ${r.noData(b) ?? 'None'}\n`;
    if (r instanceof VrtDataset) {
      for (const [dom, md] of Object.entries(r.bands[b - 1].metadata)) {
        out += `  metadata${dom ? ` (${dom})` : ''}:\n${attrsText(md).replace(/^ {2}/gm, '    ')}`;
      }
    }
  }
  if (r.bandCount > shown) out += `… ${r.bandCount - shown} more band(s)\n`;
  return out;
}

/** A `mintpy info`-like description of an HDF5 file or a VRT/ENVI/GeoTIFF raster. */
export async function infoText(path: string): Promise<string> {
  if (!existsSync(path)) throw new InputError(`${path}: file not found`);
  if (statSync(path).isDirectory()) throw new InputError(`${path}: is a folder, not a file`);
  const ext = extname(path).toLowerCase();
  if (ext === '.h5' || ext === '.he5' || ext === '.hdf5') return h5Info(path);
  if (ext === '.hdr') {
    // an ENVI header: describe the raster beside it (<name>.hdr or <stem>.hdr)
    const stem = path.slice(0, -4);
    const dir = dirname(path);
    const raw = existsSync(stem)
      ? stem
      : readdirSync(dir)
          .map((f) => join(dir, f))
          .find((f) => f.startsWith(`${stem}.`) && !/\.(hdr|xml|vrt)$/i.test(f) && statSync(f).isFile());
    if (!raw) throw new InputError(`${path}: no raster file beside this ENVI header`);
    return rasterInfo(raw);
  }
  return rasterInfo(path);
}
