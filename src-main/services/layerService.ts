/**
 * Reads what the map shows from the MintPy files in a work directory: 2-D layers, one date of the time
 * series, one pair of the interferogram stack, a pixel's time series, transects. Row-block reads keep
 * memory bounded; nothing here writes. No Electron import.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { H5Reader, type NumericArray } from '../../src-core/node/formats/h5';
import { gridOf, rowColToLatLon } from '../../src-core/node/formats/mintpyFiles';
import { decimalYear } from '../../src-core/common/time/dates';
import { evaluateModel } from '../../src-core/common/timefunc/fitTile';
import { datasetSpecs, defaultModel, numParams, parseTimeFuncOptions } from '../../src-core/common/timefunc/model';
import { modelTerms } from '../../src-core/common/timefunc/terms';
import { referenceToDate } from '../../src-core/common/derived/displayReference';
import { readRegionSeries } from '../../src-core/node/derived/regionSeries';
import type {
  Grid,
  LayerData,
  LayerInfo,
  LayerKind,
  LayerRef,
  LayerStats,
  PixelSeries,
  PixelValues,
  RegionSeries,
  Transect,
  TransectOptions,
} from '../../src-shared/api';
import { swathProfile, transectLalo } from '../../src-core/common/derived/transect';

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
        const attrs = r.attrs;
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
          if (d.kind === 'timeseries') {
            info.dates = r.readStrings('date');
            info.refDate = attrs.REF_DATE ?? info.dates[0];
          }
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

  /**
   * A layer's values: a 2-D map, or one date (pair) of a stack; with `refDate` a time series relative to
   * that date (each pixel minus its own value then: src-core referenceToDate, MintPy's tsview --ref-date).
   */
  async getLayer(file: string, dataset: string, date?: string, refDate?: string): Promise<LayerData> {
    const p = this.resolveFile(file);
    const key = `${p}\0${dataset}\0${date ?? ''}\0${refDate ?? ''}`;
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
      let refBand: number | undefined;
      if (refDate && shape.length !== 3) throw new LayerError(`${file}:${dataset} is a map: it has no reference date`);
      if (shape.length === 3) {
        if (!date) throw new LayerError(`${file}:${dataset} is a stack: choose a date`);
        const labels = r.has('date') ? r.readStrings('date') : [];
        if (labels.length === shape[0] * 2) {
          const pairs: string[] = [];
          for (let i = 0; i < labels.length; i += 2) pairs.push(`${labels[i]}_${labels[i + 1]}`);
          band = pairs.indexOf(date);
        } else band = labels.indexOf(date);
        if (band < 0) throw new LayerError(`${file}: no date "${date}"`);
        if (refDate) {
          if (labels.length === shape[0] * 2)
            throw new LayerError(`${file}: interferograms have no reference date (a pair is a difference already)`);
          refBand = labels.indexOf(refDate);
          if (refBand < 0) throw new LayerError(`${file}: no date "${refDate}" to reference to`);
        }
      } else if (shape.length !== 2)
        throw new LayerError(`${file}:${dataset} is ${shape.length}-D; only maps and stacks are shown`);
      for (let r0 = 0; r0 < grid.length; r0 += ROW_BLOCK) {
        const r1 = Math.min(grid.length, r0 + ROW_BLOCK);
        const block = band === undefined ? r.readRows(dataset, r0, r1) : r.readRows(dataset, r0, r1, [band, band + 1]);
        let f = toFloat32(block);
        if (refBand !== undefined)
          f = referenceToDate(f, toFloat32(r.readRows(dataset, r0, r1, [refBand, refBand + 1])));
        values.set(f, r0 * grid.width);
      }
      const data: LayerData = {
        ref: { file, dataset, ...(date ? { date } : {}), ...(refDate ? { refDate } : {}) },
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
      const attrs = r.attrs;
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
        terms: [],
      };
    } finally {
      r.close();
    }
    const vp = join(this.dir(), 'velocity.h5');
    if (existsSync(vp)) {
      const v = await H5Reader.open(vp);
      try {
        const fit = fittedModelAt(v, row, col, out.dates);
        out.velocity = fit.velocity;
        out.model = fit.model;
        out.velocityStd = v.has('velocityStd') ? Number(v.readRows('velocityStd', row, row + 1)[col]) : NaN;
        out.residualStd = residualRms(out.values, fit.model);
        out.terms = termsAt(v, row, col);
      } finally {
        v.close();
      }
    }
    return out;
  }

  /** One pixel of a layer: every date (pair) of a stack, or the one value of a map (display re-referencing). */
  async pixelValues(ref: LayerRef, row: number, col: number): Promise<PixelValues> {
    const p = this.resolveFile(ref.file);
    const r = await H5Reader.open(p);
    try {
      if (!r.has(ref.dataset)) throw new LayerError(`${ref.file}: no dataset "${ref.dataset}"`);
      const attrs = r.attrs;
      const grid = gridOrThrow(attrs, p);
      if (row < 0 || row >= grid.length || col < 0 || col >= grid.width)
        throw new LayerError(`pixel (${row}, ${col}) is outside the ${grid.length} × ${grid.width} grid`);
      const shape = r.shape(ref.dataset);
      const block = r.readRows(ref.dataset, row, row + 1);
      let dates: string[] | null = null;
      const values = new Float32Array(shape.length === 3 ? shape[0] : 1);
      if (shape.length === 3) {
        const labels = r.has('date') ? r.readStrings('date') : [];
        dates =
          labels.length === shape[0] * 2
            ? Array.from({ length: shape[0] }, (_, i) => `${labels[2 * i]}_${labels[2 * i + 1]}`)
            : labels;
        for (let i = 0; i < shape[0]; i++) values[i] = Number(block[i * grid.width + col]);
      } else values[0] = Number(block[col]);
      const [lat, lon] = rowColToLatLon(grid, row, col);
      return { row, col, lat, lon, dates, values, units: unitsOf(ref.file, ref.dataset, attrs.UNIT) };
    } finally {
      r.close();
    }
  }

  /**
   * The mean series of a polygon with its spread (src-core readRegionSeries) from the time series the pixel
   * chart reads, maskTempCoh.h5 as the mask when present; relative to `refDate` when given.
   */
  async regionSeries(polygon: [number, number][], refDate?: string): Promise<RegionSeries> {
    const file = 'timeseries.h5';
    const p = this.resolveFile(file);
    const maskFile = join(this.dir(), 'maskTempCoh.h5');
    let res;
    try {
      res = await readRegionSeries(p, polygon, { refDate: refDate ?? null, maskFile });
    } catch (e) {
      if ((e as Error).name === 'InputError') throw new LayerError((e as Error).message.replace(p, file));
      throw e;
    }
    return {
      file,
      dates: res.dates,
      refDate: res.refDate ?? res.fileRefDate,
      unit: res.unit,
      inside: res.inside,
      masked: res.masked,
      count: res.count,
      mean: res.mean,
      std: res.std,
      p25: res.p25,
      median: res.median,
      p75: res.p75,
    };
  }

  /**
   * MintPy's transect_lalo of the layer as shown (a time-series date relative to `ref.refDate` too): linear
   * interpolation, NaN/0 samples dropped, distance in m (src-core transectLalo); with `widthKm` the swath
   * profile around the line (src-core swathProfile: mean, std, min, max, quartiles per bin).
   */
  async transect(
    ref: LayerRef,
    start: [number, number],
    end: [number, number],
    opts?: TransectOptions,
  ): Promise<Transect> {
    const layer = await this.getLayer(ref.file, ref.dataset, ref.date, ref.refDate);
    const g = layer.grid;
    const raster = { data: layer.values, length: g.length, width: g.width };
    let t;
    let sw = null;
    try {
      t = transectLalo(raster, g, start, end, { interpolation: 'linear' });
      if (opts?.widthKm !== undefined) sw = swathProfile(raster, g, start, end, opts.widthKm);
    } catch (e) {
      if (e instanceof RangeError) throw new LayerError(`${ref.file}: ${e.message}`);
      throw e;
    }
    const n = t.value.length;
    const lat = new Float64Array(n);
    const lon = new Float64Array(n);
    for (let k = 0; k < n; k++) [lat[k], lon[k]] = rowColToLatLon(g, t.y[k], t.x[k]);
    const bins = sw?.bins ?? [];
    const col = (f: (b: (typeof bins)[number]) => number) => Float64Array.from(bins, f);
    return {
      ref,
      units: layer.units,
      distance: t.distance,
      distanceUnit: t.distanceUnit,
      distanceKm: Float32Array.from(t.distance, (d) => d / 1000),
      lat,
      lon,
      row: t.y,
      col: t.x,
      values: t.value,
      numSamples: t.numSamples,
      swath: sw
        ? {
            widthKm: opts!.widthKm!,
            lengthM: sw.lengthM,
            distance: col((b) => b.distance),
            count: Int32Array.from(bins, (b) => b.count),
            mean: col((b) => b.mean),
            std: col((b) => b.std),
            min: col((b) => b.min),
            max: col((b) => b.max),
            p25: col((b) => b.p25),
            median: col((b) => b.median),
            p75: col((b) => b.p75),
          }
        : null,
    };
  }

  clearCache(): void {
    this.cache.clear();
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
): { velocity: number; model: Float32Array } {
  const attrs = v.attrs;
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

/** The model's terms velocity.h5 holds at one pixel (src-core modelTerms), in MintPy's dataset order. */
export function termsAt(v: H5Reader, row: number, col: number): PixelSeries['terms'] {
  let model = defaultModel();
  try {
    model = parseTimeFuncOptions(v.attrs).model;
  } catch {
    /* a velocity.h5 without time-function attributes: MintPy's linear default */
  }
  const at = (ds: string) => (v.has(ds) ? Number(v.readRows(ds, row, row + 1)[col]) : NaN);
  return modelTerms(model, at).filter((t) => v.has(t.name));
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

function unitsOf(file: string, dataset: string, fileUnit: string | undefined): string {
  if (file === 'inputs/ifgramStack.h5') return dataset === 'unwrapPhase' ? 'radian' : '1';
  if (file === 'inputs/geometryGeo.h5') return dataset === 'height' ? 'm' : dataset.endsWith('Angle') ? 'degree' : '1';
  if (file.startsWith('mask') || file === 'waterMask.h5') return '1';
  if (file === 'numInvIfgram.h5') return 'count';
  return fileUnit ?? '1';
}
