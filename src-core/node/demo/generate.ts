/**
 * generateDemoStack: writes a deterministic synthetic stack in the ARIA-tools `ariaTSsetup -of ENVI`
 * layout (the cv-tiny fixture's), a MintPy template and the truth (truth.json + raw float32 maps).
 *
 * Memory is bounded by one block of rows × all dates (≈ 4 M float64 values), whatever the number of
 * pairs: the raw files are written row block by row block, pair by pair, with positional writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, InputError } from '../../common/pipeline/types';
import {
  auxXml,
  enviHeader,
  fileVrt,
  mintpyTemplate,
  stackVrt,
  type GridGeo,
  type RasterType,
  type StackMeta,
} from '../../common/demo/ariaLayout';
import { resolveDemoOptions, type DemoOptions } from '../../common/demo/options';
import { DemoScene, StaticBlock, type DemoPair, type Ellipse, type PixelBox } from '../../common/demo/scene';

export type { DemoOptions } from '../../common/demo/options';
export type { DemoPair, Ellipse, PixelBox } from '../../common/demo/scene';

export const TRUTH_JSON = 'truth.json';
/** Marker file that says a folder holds a generated demo (so regenerating into it is allowed). */
export const DEMO_MARKER = '.insar-studio-demo';

const LAYER_DIRS = ['unwrappedPhase', 'coherence', 'connectedComponents'] as const;

/**
 * Refuse to write into a non-empty folder that is not a demo (it could hold a real stack); in a
 * previous demo, remove the per-pair files of pairs the new network does not have.
 */
function prepareOutDir(root: string, pairNames: readonly string[]): void {
  if (!fs.existsSync(root)) return;
  if (!fs.statSync(root).isDirectory()) throw new InputError(`${root}: exists and is not a folder`);
  const entries = fs.readdirSync(root);
  if (entries.length === 0) return;
  if (!entries.includes(DEMO_MARKER))
    throw new InputError(
      `${root}: the folder is not empty and does not hold a generated demo; choose a new or empty folder`,
    );
  const keep = new Set(pairNames);
  const stale = (name: string) => /^\d{8}_\d{8}$/.test(name.split('.')[0]) && !keep.has(name.split('.')[0]);
  for (const d of [...LAYER_DIRS, 'incidenceAngle', 'azimuthAngle']) {
    const dir = path.join(root, d);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      const own = d === 'incidenceAngle' || d === 'azimuthAngle' ? f.split('.')[0] !== pairNames[0] : stale(f);
      if (own && /^\d{8}_\d{8}(\.hdr|\.vrt|\.aux\.xml)?$/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
    }
  }
}

/** Raw little-endian rasters under truth/, rows × cols (× dates for the per-date ones). */
export const TRUTH_FILES = {
  /** LOS velocity, m/yr, positive toward the satellite (the secular rate) */
  velocity: 'truth/velocity.f32',
  /** least-squares linear-fit slope of the true displacement over MintPy decimal years (seasonal included) */
  velocityLinearFit: 'truth/velocityLinearFit.f32',
  /** amplitude A of the seasonal term, m */
  seasonalAmplitude: 'truth/seasonalAmplitude.f32',
  /** date × row × col, m, LOS toward the satellite, 0 at the first date */
  displacement: 'truth/displacement.f32',
  /** date × row × col, m, tropospheric path delay (enters the phase as −delay) */
  tropoDelay: 'truth/tropoDelay.f32',
  /** 1 on the low-coherence lakebed */
  lakebed: 'truth/lakebed.u8',
  /** 1 on the water body (also 0 in mask/watermask.msk) */
  water: 'truth/water.u8',
} as const;

export interface DemoTruth {
  format: 'insar-studio-demo-truth';
  version: 1;
  seed: number;
  rows: number;
  cols: number;
  /** north-west corner (edge of the first pixel) and pixel size, degrees */
  lat0: number;
  lon0: number;
  pixelSize: number;
  wavelength: number;
  dates: string[];
  /** pairs in stack band order */
  pairs: DemoPair[];
  /** pair names (ARIA `<later>_<earlier>`) that carry an unwrapping-error island */
  unwrapErrorPairs: string[];
  water: Ellipse;
  lakebed: Ellipse;
  /** always-coherent town (MintPy's automatic reference point lands there) */
  town: Ellipse;
  noDataDate: string | null;
  noDataArea: PixelBox | null;
  seasonal: { peakDayOfYear: number; basis: number[] };
  files: typeof TRUTH_FILES;
  conventions: string;
  options: Record<string, unknown>;
}

export interface DemoInfo extends DemoTruth {
  outDir: string;
  /** the ARIA stack root (= outDir) */
  ariaDir: string;
  templatePath: string;
  truthPath: string;
  bytesWritten: number;
  seconds: number;
}

const STACK_META: Omit<StackMeta, 'wavelength'> = {
  utcTime: '13:52:36.00',
  startRange: '799000.0',
  endRange: '950000.0',
  slantRangeSpacing: '2.329562',
  orbitDirection: 'ASCENDING',
};

const CONVENTIONS =
  'ARIA phase of pair <later>_<earlier> (band order of stack/*.vrt): ' +
  'phase = float32(S[later] - S[earlier] + offset + 2*pi*cycles*island + noise) with ' +
  'S[d] = 4*pi/wavelength*(float64(displacement[d]) - float64(tropoDelay[d])) from the float32 truth files; ' +
  'MintPy unwrapPhase = -ARIA phase; displacement = -wavelength/(4*pi)*mintpyPhase, positive toward the satellite; ' +
  'water: phase 0, coherence < 0.12, connComp 0; no-data patch in noData pairs: phase 0, coherence 0, connComp -1; ' +
  'island pixels of unwrapError pairs: connComp 2 (else 1, or 0 where coherence < 0.12 on poor ground, static coherence ≤ 0.5). Velocities are absolute ' +
  '(subtract the value at the reference pixel to compare with MintPy).';

interface RasterOut {
  path: string;
  type: RasterType;
}

/** Write a typed array's bytes at a byte position of a file. */
function writeAt(file: string, data: ArrayBufferView, position: number): number {
  const fd = fs.openSync(file, 'r+');
  try {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off, position + off);
  } finally {
    fs.closeSync(fd);
  }
  return data.byteLength;
}

function writeText(file: string, text: string): number {
  fs.writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/** Write the `raw` ENVI file's companions: <stem>.hdr (or hdrName), <raw>.vrt, <raw>.aux.xml. */
function writeEnviCompanions(
  dir: string,
  rawName: string,
  hdrName: string,
  description: string,
  g: GridGeo,
  type: RasterType,
  nodata: number | null,
): number {
  const nd = nodata === null ? null : String(nodata);
  let n = writeText(path.join(dir, hdrName), enviHeader(description, g, type, nd));
  n += writeText(path.join(dir, `${rawName}.vrt`), fileVrt(rawName, g, type, nd));
  if (nodata !== null) n += writeText(path.join(dir, `${rawName}.aux.xml`), auxXml(g, type, nodata));
  return n;
}

/** Rows per block so that all dates of a block fit in ≈ 4 M float64 values. */
function blockRows(rows: number, cols: number, numDates: number): number {
  return Math.max(1, Math.min(rows, Math.floor(4_000_000 / (cols * (numDates + 2)))));
}

/**
 * Generate the synthetic stack into `outDir` (created if needed; files of the same names are replaced).
 * Returns what was generated (also saved as truth.json without the machine-specific fields).
 */
export async function generateDemoStack(outDir: string, opts: DemoOptions = {}): Promise<DemoInfo> {
  const started = Date.now();
  const o = resolveDemoOptions(opts);
  const scene = new DemoScene(o);
  const { rows, cols } = scene;
  const g: GridGeo = { rows, cols, lat0: scene.lat0, lon0: scene.lon0, pixelSize: o.pixelSize };
  const root = path.resolve(outDir);
  const pairNames = scene.pairs.map((p) => p.name);
  const first = pairNames[0];
  let bytes = 0;

  prepareOutDir(root, pairNames);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, DEMO_MARKER), 'generated by insar-studio generateDemoStack; safe to regenerate\n');
  for (const d of [
    'stack',
    'unwrappedPhase',
    'coherence',
    'connectedComponents',
    'DEM',
    'incidenceAngle',
    'azimuthAngle',
    'mask',
    'mintpy',
    'truth',
  ])
    fs.mkdirSync(path.join(root, d), { recursive: true });
  // a stale truth.json would claim a complete stack: remove it until the end
  fs.rmSync(path.join(root, TRUTH_JSON), { force: true });

  // --- text files ---------------------------------------------------------------------------
  const layers = [
    { dir: 'unwrappedPhase', type: 'Float32', nodata: 0, stack: 'unwrapStack.vrt', stackNodata: '0.0' },
    { dir: 'coherence', type: 'Float32', nodata: 0, stack: 'cohStack.vrt', stackNodata: '0.0' },
    { dir: 'connectedComponents', type: 'Int16', nodata: -1, stack: 'connCompStack.vrt', stackNodata: '-1' },
  ] as const;
  const meta: StackMeta = { ...STACK_META, wavelength: o.wavelength };
  for (const L of layers) {
    const dir = path.join(root, L.dir);
    for (const name of pairNames)
      bytes += writeEnviCompanions(dir, name, `${name}.hdr`, `${L.dir}/${name}`, g, L.type, L.nodata);
    bytes += writeText(
      path.join(root, 'stack', L.stack),
      stackVrt(
        L.dir,
        scene.pairs.map((p) => ({ name: p.name, bperp: p.bperp })),
        g,
        L.type,
        L.stackNodata,
        meta,
      ),
    );
  }
  bytes += writeEnviCompanions(
    path.join(root, 'DEM'),
    'SRTM_3arcsec.dem',
    'SRTM_3arcsec.hdr',
    'DEM/SRTM_3arcsec.dem',
    g,
    'Float32',
    -32768,
  );
  for (const d of ['incidenceAngle', 'azimuthAngle'])
    bytes += writeEnviCompanions(path.join(root, d), first, `${first}.hdr`, `${d}/${first}`, g, 'Float32', 0);
  bytes += writeEnviCompanions(
    path.join(root, 'mask'),
    'watermask.msk',
    'watermask.hdr',
    'mask/watermask.msk',
    g,
    'Byte',
    null,
  );
  const templatePath = path.join(root, 'mintpy', `${o.name}.cfg`);
  bytes += writeText(templatePath, mintpyTemplate());

  // --- raw rasters: create (truncate) every file, then fill block by block -------------------
  const dem: RasterOut = { path: path.join(root, 'DEM', 'SRTM_3arcsec.dem'), type: 'Float32' };
  const inc: RasterOut = { path: path.join(root, 'incidenceAngle', first), type: 'Float32' };
  const az: RasterOut = { path: path.join(root, 'azimuthAngle', first), type: 'Float32' };
  const msk: RasterOut = { path: path.join(root, 'mask', 'watermask.msk'), type: 'Byte' };
  const tf = (k: keyof typeof TRUTH_FILES): string => path.join(root, TRUTH_FILES[k]);
  const pairFiles = scene.pairs.map((p) => layers.map((L) => path.join(root, L.dir, p.name)));
  const all = [
    dem.path,
    inc.path,
    az.path,
    msk.path,
    ...Object.keys(TRUTH_FILES).map((k) => tf(k as keyof typeof TRUTH_FILES)),
    ...pairFiles.flat(),
  ];
  for (const f of all) fs.writeFileSync(f, new Uint8Array(0));

  const nDates = scene.dates.length;
  const nPairs = scene.pairs.length;
  const B = blockRows(rows, cols, nDates);
  const nBlocks = Math.ceil(rows / B);
  const total = nBlocks * (nPairs + 1);
  let done = 0;
  const pixels = rows * cols;
  const maxN = B * cols;
  const sig = Array.from({ length: nDates }, () => new Float64Array(maxN));
  const disp = new Float64Array(maxN);
  const tropo = new Float64Array(maxN);
  const f32 = new Float32Array(maxN);
  const f32b = new Float32Array(maxN);
  const u8 = new Uint8Array(maxN);
  const phase = new Float32Array(maxN);
  const coh = new Float32Array(maxN);
  const cc = new Int16Array(maxN);
  const k4pl = (4 * Math.PI) / o.wavelength;
  const tick = async () => {
    done++;
    opts.onProgress?.(done, total);
    if (opts.signal?.aborted) throw new CancelledError();
    if (done % 8 === 0) await new Promise<void>((r) => setImmediate(r));
  };

  for (let b = 0; b < nBlocks; b++) {
    const row0 = b * B;
    const nr = Math.min(B, rows - row0);
    const n = nr * cols;
    const st = new StaticBlock(n);
    scene.fillStatic(row0, st);
    const off4 = row0 * cols * 4;
    const off1 = row0 * cols;
    const put = (file: string, src: Float64Array, pos: number) => {
      const v = f32.subarray(0, n);
      for (let k = 0; k < n; k++) v[k] = src[k];
      bytes += writeAt(file, v, pos);
    };
    put(dem.path, st.height, off4);
    put(inc.path, st.incidence, off4);
    put(az.path, st.azimuth, off4);
    put(tf('velocity'), st.velocity, off4);
    put(tf('seasonalAmplitude'), st.seasonalAmp, off4);
    {
      const v = f32.subarray(0, n);
      for (let k = 0; k < n; k++) v[k] = scene.linearFitVelocity(st.velocity[k], st.seasonalAmp[k]);
      bytes += writeAt(tf('velocityLinearFit'), v, off4);
    }
    const w = u8.subarray(0, n);
    for (let k = 0; k < n; k++) w[k] = st.water[k] ? 0 : 1;
    bytes += writeAt(msk.path, w, off1);
    bytes += writeAt(tf('water'), st.water, off1);
    bytes += writeAt(tf('lakebed'), st.lakebed, off1);

    for (let d = 0; d < nDates; d++) {
      scene.fillDate(row0, d, st, disp, tropo);
      const a = f32.subarray(0, n);
      const t = f32b.subarray(0, n);
      const s = sig[d];
      for (let k = 0; k < n; k++) {
        a[k] = disp[k];
        t[k] = tropo[k];
        s[k] = k4pl * (a[k] - t[k]);
      }
      const pos = (d * pixels + row0 * cols) * 4;
      bytes += writeAt(tf('displacement'), a, pos);
      bytes += writeAt(tf('tropoDelay'), t, pos);
    }
    await tick();

    for (let p = 0; p < nPairs; p++) {
      const ph = phase.subarray(0, n);
      const co = coh.subarray(0, n);
      const c2 = cc.subarray(0, n);
      scene.fillPair(row0, p, st, sig, ph, co, c2);
      const [fp, fc, fk] = pairFiles[p];
      bytes += writeAt(fp, ph, off4);
      bytes += writeAt(fc, co, off4);
      bytes += writeAt(fk, c2, row0 * cols * 2);
      await tick();
    }
  }

  const truth: DemoTruth = {
    format: 'insar-studio-demo-truth',
    version: 1,
    seed: o.seed,
    rows,
    cols,
    lat0: scene.lat0,
    lon0: scene.lon0,
    pixelSize: o.pixelSize,
    wavelength: o.wavelength,
    dates: scene.dates,
    pairs: scene.pairs,
    unwrapErrorPairs: scene.pairs.filter((p) => p.unwrapError).map((p) => p.name),
    water: scene.water,
    lakebed: scene.lakebed,
    town: scene.town,
    noDataDate: scene.noDataDate,
    noDataArea: scene.noDataBox,
    seasonal: { peakDayOfYear: scene.seasonalPeakDoy, basis: Array.from(scene.seasonalBasis) },
    files: TRUTH_FILES,
    conventions: CONVENTIONS,
    options: { ...o },
  };
  const truthPath = path.join(root, TRUTH_JSON);
  const json = JSON.stringify(truth, null, 1) + '\n';
  fs.writeFileSync(`${truthPath}.tmp`, json);
  fs.renameSync(`${truthPath}.tmp`, truthPath);
  bytes += Buffer.byteLength(json);
  return {
    ...truth,
    outDir: root,
    ariaDir: root,
    templatePath,
    truthPath,
    bytesWritten: bytes,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The CLI's `insar-studio demo <dir>`: generate and say where the template and the ARIA stack are. */
export async function writeDemo(
  outDir: string,
  opts: DemoOptions = {},
): Promise<{ templatePath: string; ariaDir: string; info: DemoInfo }> {
  const info = await generateDemoStack(outDir, opts);
  return { templatePath: info.templatePath, ariaDir: info.ariaDir, info };
}

/** Read truth.json of a generated demo; throws an Error naming the file if it is missing or not a demo truth. */
export function readDemoTruth(outDir: string): DemoTruth {
  const file = path.join(outDir, TRUTH_JSON);
  let obj: DemoTruth;
  try {
    obj = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoTruth;
  } catch (e) {
    throw new Error(`${file}: cannot read the demo truth (${(e as Error).message})`);
  }
  if (obj.format !== 'insar-studio-demo-truth') throw new Error(`${file}: not an insar-studio demo truth file`);
  return obj;
}

/**
 * One truth raster (rows × cols) of a generated demo: a static map, or the `dateIndex`-th date of
 * displacement/tropoDelay.
 */
export function readTruthRaster(
  outDir: string,
  key: keyof typeof TRUTH_FILES,
  dateIndex = 0,
): Float32Array | Uint8Array {
  const t = readDemoTruth(outDir);
  const file = path.join(outDir, TRUTH_FILES[key]);
  const n = t.rows * t.cols;
  const isU8 = file.endsWith('.u8');
  const perDate = key === 'displacement' || key === 'tropoDelay';
  if (perDate && (!Number.isInteger(dateIndex) || dateIndex < 0 || dateIndex >= t.dates.length))
    throw new Error(`${file}: date index ${dateIndex} out of range [0, ${t.dates.length})`);
  const bytesPer = isU8 ? 1 : 4;
  const buf = Buffer.alloc(n * bytesPer);
  const fd = fs.openSync(file, 'r');
  try {
    const got = fs.readSync(fd, buf, 0, buf.length, perDate ? dateIndex * n * bytesPer : 0);
    if (got !== buf.length) throw new Error(`${file}: truncated (read ${got} of ${buf.length} bytes)`);
  } finally {
    fs.closeSync(fd);
  }
  if (isU8) return new Uint8Array(buf.buffer, buf.byteOffset, n);
  const out = new Float32Array(n);
  out.set(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)));
  return out;
}
