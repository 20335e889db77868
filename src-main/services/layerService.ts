/**
 * Reads what the map shows from the MintPy files in a work directory: 2-D layers, one date of the time
 * series, one pair of the interferogram stack, a pixel's time series, transects. Row-block reads keep
 * memory bounded; nothing here writes. No Electron import.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { H5Reader, type NumericArray } from '../../src-core/node/formats/h5';
import { GRID_ATTRS, gridOf, rowColToLatLon, latLonToRowCol } from '../../src-core/node/formats/mintpyFiles';
import { decimalYear } from '../../src-core/common/time/dates';
import { evaluateModel } from '../../src-core/common/timefunc/fitTile';
import { datasetSpecs, defaultModel, numParams, parseTimeFuncOptions } from '../../src-core/common/timefunc/model';
import type {
  Grid,
  LayerData,
  LayerInfo,
  LayerKind,
  LayerRef,
  LayerStats,
  PixelSeries,
  Transect,
} from '../../src-shared/api';

export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

interface KnownFile {
  file: string;
  datasets: { name: string; label: string; kind: LayerKind }[];
}

/** The MintPy outputs the app knows, in the order the layer list shows them. */
export const KNOWN_FILES: KnownFile[] = [
  {
    file: 'velocity.h5',
    datasets: [
      { name: 'velocity', label: 'Velocity', kind: 'map' },
      { name: 'velocityStd', label: 'Velocity std. dev.', kind: 'map' },
    ],
  },
  {
    file: 'timeseries.h5',
    datasets: [{ name: 'timeseries', label: 'Displacement (time series)', kind: 'timeseries' }],
  },
  { file: 'temporalCoherence.h5', datasets: [{ name: 'temporalCoherence', label: 'Temporal coherence', kind: 'map' }] },
  { file: 'avgSpatialCoh.h5', datasets: [{ name: 'coherence', label: 'Average spatial coherence', kind: 'map' }] },
  { file: 'numInvIfgram.h5', datasets: [{ name: 'mask', label: 'Number of inverted interferograms', kind: 'map' }] },
  { file: 'maskTempCoh.h5', datasets: [{ name: 'mask', label: 'Mask: temporal coherence', kind: 'mask' }] },
  { file: 'maskConnComp.h5', datasets: [{ name: 'mask', label: 'Mask: connected components', kind: 'mask' }] },
  { file: 'waterMask.h5', datasets: [{ name: 'waterMask', label: 'Water mask', kind: 'mask' }] },
  { file: 'avgPhaseVelocity.h5', datasets: [{ name: 'velocity', label: 'Average phase velocity', kind: 'map' }] },
  {
    file: 'inputs/geometryGeo.h5',
    datasets: [
      { name: 'height', label: 'DEM height', kind: 'geometry' },
      { name: 'incidenceAngle', label: 'Incidence angle', kind: 'geometry' },
      { name: 'azimuthAngle', label: 'Azimuth angle', kind: 'geometry' },
    ],
  },
  {
    file: 'inputs/ifgramStack.h5',
    datasets: [
      { name: 'unwrapPhase', label: 'Pair: unwrapped phase', kind: 'pair' },
      { name: 'coherence', label: 'Pair: coherence', kind: 'pair' },
      { name: 'connectComponent', label: 'Pair: connected components', kind: 'pair' },
    ],
  },
];

const ROW_BLOCK = 256;

export function toFloat32(a: NumericArray): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a as ArrayLike<number>);
}

export function computeStats(v: Float32Array): LayerStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    n++;
  }
  if (!n) return { min: NaN, max: NaN, mean: NaN, p2: NaN, p98: NaN, validCount: 0 };
  // percentiles from a strided sample (≤ 200k values) — enough for colour limits
  const stride = Math.max(1, Math.floor(v.length / 200_000));
  const s: number[] = [];
  for (let i = 0; i < v.length; i += stride) if (Number.isFinite(v[i])) s.push(v[i]);
  s.sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))] : NaN);
  return { min, max, mean: sum / n, p2: q(0.02), p98: q(0.98), validCount: n };
}

function gridOrThrow(attrs: Record<string, string>, path: string): Grid {
  const g = gridOf(attrs, path);
  if (!g) throw new LayerError(`${path}: no geographic grid (X_FIRST/Y_FIRST); radar-coordinate files are not mapped`);
  return g;
}

export class LayerService {
  private cache = new Map<string, { mtime: number; data: LayerData }>();
  /** root attributes per file version (h5wasm reads MintPy's ~90 attributes in ~100 ms) */
  private attrsCache = new Map<string, { mtime: number; attrs: Record<string, string> }>();

  private attrsOf(r: H5Reader): Record<string, string> {
    const mtime = statSync(r.path).mtimeMs;
    const hit = this.attrsCache.get(r.path);
    if (hit && hit.mtime === mtime) return hit.attrs;
    const attrs = r.attrs;
    this.attrsCache.set(r.path, { mtime, attrs });
    return attrs;
  }

  constructor(private readonly workDir: () => string | null) {}

  private dir(): string {
    const d = this.workDir();
    if (!d) throw new LayerError('no project is open: open a project folder first');
    return d;
  }

  /** Resolve a work-dir-relative file, refusing anything outside the work dir. */
  resolveFile(file: string): string {
    const dir = resolve(this.dir());
    const p = resolve(dir, file);
    const rel = relative(dir, p);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..'))
      throw new LayerError(`${file}: outside the project's work directory`);
    if (!p.endsWith('.h5')) throw new LayerError(`${file}: not an HDF5 (.h5) file`);
    if (!existsSync(p)) throw new LayerError(`${file}: not found in ${dir} — run the pipeline first`);
    return p;
  }

  async listLayers(): Promise<LayerInfo[]> {
    const dir = this.dir();
    const out: LayerInfo[] = [];
    for (const kf of KNOWN_FILES) {
      const p = join(dir, kf.file);
      if (!existsSync(p)) continue;
      let r: H5Reader;
      try {
        r = await H5Reader.open(p);
      } catch {
        continue; // a file being written or broken: not listed
      }
      try {
        const attrs = r.attrsNamed([...GRID_ATTRS, 'UNIT']);
        if (!gridOf(attrs, p)) continue;
        for (const d of kf.datasets) {
          if (!r.has(d.name)) continue;
          const info: LayerInfo = {
            id: `${kf.file}:${d.name}`,
            file: kf.file,
            dataset: d.name,
            label: d.label,
            kind: d.kind,
            units: unitsOf(kf.file, d.name, attrs.UNIT),
          };
          if (d.kind === 'timeseries') info.dates = r.readStrings('date');
          if (d.kind === 'pair') {
            const s = r.readStrings('date');
            info.dates = [];
            for (let i = 0; i + 1 < s.length; i += 2) info.dates.push(`${s[i]}_${s[i + 1]}`);
          }
          out.push(info);
        }
      } finally {
        r.close();
      }
    }
    return out;
  }

  async getLayer(file: string, dataset: string, date?: string): Promise<LayerData> {
    const p = this.resolveFile(file);
    const key = `${p}\0${dataset}\0${date ?? ''}`;
    const mtime = statSync(p).mtimeMs;
    const hit = this.cache.get(key);
    if (hit && hit.mtime === mtime) return hit.data;
    const r = await H5Reader.open(p);
    try {
      if (!r.has(dataset)) throw new LayerError(`${file}: no dataset "${dataset}" (has: ${r.keys().join(', ')})`);
      const attrs = r.attrs;
      const grid = gridOrThrow(attrs, p);
      const shape = r.shape(dataset);
      const values = new Float32Array(grid.length * grid.width);
      let band: number | undefined;
      if (shape.length === 3) {
        if (!date) throw new LayerError(`${file}:${dataset} is a stack: choose a date`);
        const labels = r.has('date') ? r.readStrings('date') : [];
        if (labels.length === shape[0] * 2) {
          const pairs: string[] = [];
          for (let i = 0; i < labels.length; i += 2) pairs.push(`${labels[i]}_${labels[i + 1]}`);
          band = pairs.indexOf(date);
        } else band = labels.indexOf(date);
        if (band < 0) throw new LayerError(`${file}: no date "${date}"`);
      } else if (shape.length !== 2)
        throw new LayerError(`${file}:${dataset} is ${shape.length}-D; only maps and stacks are shown`);
      for (let r0 = 0; r0 < grid.length; r0 += ROW_BLOCK) {
        const r1 = Math.min(grid.length, r0 + ROW_BLOCK);
        const block = band === undefined ? r.readRows(dataset, r0, r1) : r.readRows(dataset, r0, r1, [band, band + 1]);
        const f = toFloat32(block);
        values.set(f, r0 * grid.width);
      }
      const data: LayerData = {
        ref: { file, dataset, ...(date ? { date } : {}) },
        grid,
        values,
        units: unitsOf(file, dataset, attrs.UNIT),
        stats: computeStats(values),
        stale: false,
      };
      if (this.cache.size > 24) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { mtime, data });
      return data;
    } finally {
      r.close();
    }
  }

  /** A pixel's displacement history from timeseries.h5 plus the velocity model fitted by MintPy. */
  async pixelSeries(row: number, col: number): Promise<PixelSeries> {
    const p = this.resolveFile('timeseries.h5');
    const r = await H5Reader.open(p);
    let out: PixelSeries;
    try {
      const attrs = this.attrsOf(r);
      const grid = gridOrThrow(attrs, p);
      if (row < 0 || row >= grid.length || col < 0 || col >= grid.width)
        throw new LayerError(`pixel (${row}, ${col}) is outside the ${grid.length} × ${grid.width} grid`);
      const dates = r.readStrings('date');
      const rowData = r.readRows('timeseries', row, row + 1);
      const values = new Float32Array(dates.length);
      for (let i = 0; i < dates.length; i++) values[i] = rowData[i * grid.width + col];
      const years = dates.map((d) => decimalYear(d));
      const [lat, lon] = rowColToLatLon(grid, row, col);
      out = {
        row,
        col,
        lat,
        lon,
        dates,
        years,
        values,
        velocity: NaN,
        velocityStd: NaN,
        residualStd: NaN,
        model: new Float32Array(0),
        referenceDate: attrs.REF_DATE ?? dates[0],
      };
    } finally {
      r.close();
    }
    const vp = join(this.dir(), 'velocity.h5');
    if (existsSync(vp)) {
      const v = await H5Reader.open(vp);
      try {
        const fit = fittedModelAt(v, row, col, out.dates, this.attrsOf(v));
        out.velocity = fit.velocity;
        out.model = fit.model;
        out.velocityStd = v.has('velocityStd') ? Number(v.readRows('velocityStd', row, row + 1)[col]) : NaN;
        out.residualStd = residualRms(out.values, fit.model);
      } finally {
        v.close();
      }
    }
    return out;
  }

  /** Nearest-pixel samples of a layer along a great-circle-ish straight line (in lat/lon) from start to end. */
  async transect(ref: LayerRef, start: [number, number], end: [number, number], samples?: number): Promise<Transect> {
    const layer = await this.getLayer(ref.file, ref.dataset, ref.date);
    const g = layer.grid;
    const [r0, c0] = latLonToRowCol(g, start[0], start[1]);
    const [r1, c1] = latLonToRowCol(g, end[0], end[1]);
    const n = samples ?? Math.max(2, Math.min(2000, Math.ceil(Math.hypot(r1 - r0, c1 - c0)) + 1));
    const lat = new Float32Array(n);
    const lon = new Float32Array(n);
    const values = new Float32Array(n);
    const distanceKm = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = n === 1 ? 0 : i / (n - 1);
      const la = start[0] + t * (end[0] - start[0]);
      const lo = start[1] + t * (end[1] - start[1]);
      lat[i] = la;
      lon[i] = lo;
      distanceKm[i] = haversineKm(start[0], start[1], la, lo);
      const [rr, cc] = latLonToRowCol(g, la, lo);
      values[i] = rr >= 0 && rr < g.length && cc >= 0 && cc < g.width ? layer.values[rr * g.width + cc] : NaN;
    }
    return { ref, units: layer.units, distanceKm, lat, lon, values };
  }

  clearCache(): void {
    this.cache.clear();
    this.attrsCache.clear();
  }
}

/**
 * The time-function model velocity.h5 holds at one pixel, evaluated at `dates` (src-core evaluateModel):
 * the model from the file's mintpy.timeFunc.* attributes, the parameters from its datasets (intercept,
 * velocity, …; periodic terms back from amplitude/phase), τ from START_DATE (the first date of the fit).
 */
export function fittedModelAt(
  v: H5Reader,
  row: number,
  col: number,
  dates: string[],
  attrs: Record<string, string> = v.attrs,
): { velocity: number; model: Float32Array } {
  const at = (ds: string) => (v.has(ds) ? Number(v.readRows(ds, row, row + 1)[col]) : NaN);
  const velocity = at('velocity');
  if (!Number.isFinite(velocity)) return { velocity, model: new Float32Array(0) };
  let model = defaultModel();
  try {
    model = parseTimeFuncOptions(attrs).model;
  } catch {
    /* a velocity.h5 without time-function attributes: MintPy's linear default */
  }
  const params = new Float64Array(numParams(model));
  const specs = datasetSpecs(model, 'residue');
  for (const sp of specs) {
    if (sp.kind === 'value') params[sp.param] = at(sp.name);
    else if (sp.kind === 'amplitude') {
      const amp = at(sp.name);
      const ph = at(sp.name.replace(/Amplitude$/, 'Phase'));
      params[sp.param] = amp * Math.sin(ph);
      params[sp.param + 1] = amp * Math.cos(ph);
    }
  }
  if (!v.has('intercept')) params[0] = 0;
  for (let i = 0; i < params.length; i++)
    if (!Number.isFinite(params[i])) return { velocity, model: new Float32Array(0) };
  const refDate = attrs.START_DATE ?? attrs.REF_DATE ?? dates[0];
  const m = evaluateModel(model, params, dates, refDate, Number(attrs.CENTER_LINE_UTC ?? 0) || 0);
  return { velocity, model: Float32Array.from(m) };
}

/** RMS of values − model over the dates where both are finite (NaN when there is no model). */
export function residualRms(values: ArrayLike<number>, model: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < model.length; i++) {
    const d = values[i] - model[i];
    if (Number.isFinite(d)) {
      s += d * d;
      n++;
    }
  }
  return n ? Math.sqrt(s / n) : NaN;
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const R = 6371.0088;
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function unitsOf(file: string, dataset: string, fileUnit: string | undefined): string {
  if (file === 'inputs/ifgramStack.h5') return dataset === 'unwrapPhase' ? 'radian' : '1';
  if (file === 'inputs/geometryGeo.h5') return dataset === 'height' ? 'm' : dataset.endsWith('Angle') ? 'degree' : '1';
  if (file.startsWith('mask') || file === 'waterMask.h5') return '1';
  if (file === 'numInvIfgram.h5') return 'count';
  return fileUnit ?? '1';
}
