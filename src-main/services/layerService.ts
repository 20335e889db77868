/**
 * Reads what the map shows from the MintPy files in a work directory: 2-D layers, one date of the time
 * series, one pair of the interferogram stack (row-block reads keep memory bounded). A pixel's series and
 * model, transects and swaths are the science core's (readPixelSeries, transectOfFile): nothing is
 * recomputed here. Nothing here writes. No Electron import.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { H5Reader, type NumericArray } from '../../src-core/node/formats/h5';
import { GRID_ATTRS, gridOf } from '../../src-core/node/formats/mintpyFiles';
import { rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { datasetUnit } from '../../src-core/common/export/units';
import { mapDatasetName } from '../../src-core/node/export/source';
import { referenceToDate } from '../../src-core/common/derived/displayReference';
import { valueStats } from '../../src-core/common/util/valueStats';
import { readPixelSeries } from '../../src-core/node/derived/pixelSeries';
import { readRegionSeries } from '../../src-core/node/derived/regionSeries';
import { transectOfFile, type TransectRequest } from '../../src-core/node/derived/transectFile';
import { readGnssStations } from '../../src-core/node/derived/gnssStations';
import { knownLayers } from '../../src-core/node/pipeline/registry';
import type {
  Grid,
  LayerData,
  LayerInfo,
  LayerRef,
  PixelSeries,
  PixelValues,
  RegionSeries,
  Transect,
  TransectOptions,
  GnssStationsResult,
} from '../../src-shared/api';

export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

const ROW_BLOCK = 256;

export function toFloat32(a: NumericArray): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a as ArrayLike<number>);
}

function gridOrThrow(attrs: Record<string, string>, path: string): Grid {
  const g = gridOf(attrs, path);
  if (!g) throw new LayerError(`${path}: no geographic grid (X_FIRST/Y_FIRST); radar-coordinate files are not mapped`);
  return g;
}

export class LayerService {
  private cache = new Map<string, { mtime: number; data: LayerData }>();

  constructor(
    private readonly workDir: () => string | null,
    /** the chain's last time-series file, work-dir relative (the one `velocity` fitted) */
    private readonly timeseriesFile: () => string = () => 'timeseries.h5',
  ) {}

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

  /** The layers of the step descriptors whose files exist and are geocoded, latest step first. */
  async listLayers(): Promise<LayerInfo[]> {
    const dir = this.dir();
    const out: LayerInfo[] = [];
    const specs = knownLayers();
    for (const file of [...new Set(specs.map((l) => l.file))]) {
      const p = join(dir, file);
      if (!existsSync(p)) continue;
      let r: H5Reader;
      try {
        r = await H5Reader.open(p);
      } catch {
        continue; // a file being written or broken: not listed
      }
      try {
        const attrs = r.attrsNamed([...GRID_ATTRS, 'UNIT', 'FILE_TYPE']);
        if (!gridOf(attrs, p)) continue;
        for (const d of specs.filter((l) => l.file === file)) {
          if (!r.has(d.dataset)) continue;
          const info: LayerInfo = {
            id: `${file}:${d.dataset}`,
            file,
            dataset: d.dataset,
            label: d.label,
            kind: d.kind,
            units: datasetUnit(attrs.FILE_TYPE ?? '', d.dataset, r.info(d.dataset).attrs.UNIT ?? attrs.UNIT),
            fileType: attrs.FILE_TYPE ?? '',
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
        units: datasetUnit(attrs.FILE_TYPE ?? '', dataset, r.info(dataset).attrs.UNIT ?? attrs.UNIT),
        fileType: attrs.FILE_TYPE ?? '',
        stats: valueStats(values),
        stale: false,
      };
      if (this.cache.size > 24) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { mtime, data });
      return data;
    } finally {
      r.close();
    }
  }

  /**
   * A pixel of the chain's last time-series file (timeseries_demErr.h5 after the DEM-error chain) with the
   * model, velocity ± std and residual RMS of velocity.h5: src-core's readPixelSeries.
   */
  async pixelSeries(row: number, col: number): Promise<PixelSeries> {
    const file = this.timeseriesFile();
    const p = this.resolveFile(file);
    // the core's series as the wire carries it: the file relative to the work folder
    const { velocityFile: _velocityFile, ...series } = await readPixelSeries(
      p,
      row,
      col,
      join(this.dir(), 'velocity.h5'),
    );
    return { ...series, file };
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
      const [lat, lon] = rowColToLatLonGeo(grid, row, col);
      return {
        row,
        col,
        lat,
        lon,
        dates,
        values,
        units: datasetUnit(attrs.FILE_TYPE ?? '', ref.dataset, r.info(ref.dataset).attrs.UNIT ?? attrs.UNIT),
      };
    } finally {
      r.close();
    }
  }

  /**
   * The mean series of a polygon with its spread (src-core readRegionSeries) from the time series the pixel
   * chart reads (the chain's last), maskTempCoh.h5 as the mask when present; relative to `refDate` when given.
   */
  async regionSeries(polygon: [number, number][], refDate?: string): Promise<RegionSeries> {
    const file = this.timeseriesFile();
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

  /** The core's transect request for a layer as shown (its file, dataset, date and reference date). */
  transectRequest(ref: LayerRef, start: [number, number], end: [number, number], widthKm?: number): TransectRequest {
    return {
      file: this.resolveFile(ref.file),
      dataset: mapDatasetName(ref),
      ...(ref.refDate ? { refDate: mapDatasetName({ ...ref, date: ref.refDate }) } : {}),
      start,
      end,
      ...(widthKm !== undefined ? { widthKm } : {}),
    };
  }

  /**
   * MintPy's transect_lalo of the layer as shown (a time-series date relative to `ref.refDate` too) and, with
   * `widthKm`, the swath profile (mean, std, min, max, quartiles per bin): src-core's transectOfFile.
   */
  async transect(
    ref: LayerRef,
    start: [number, number],
    end: [number, number],
    opts?: TransectOptions,
  ): Promise<Transect> {
    const r = await transectOfFile(this.transectRequest(ref, start, end, opts?.widthKm));
    const t = r.transect;
    const sw = r.swath;
    return {
      ref,
      units: r.unit,
      fileType: r.fileType,
      distance: t.distance,
      distanceUnit: t.distanceUnit,
      distanceKm: Float32Array.from(t.distance, (d) => d / 1000),
      lat: r.lat,
      lon: r.lon,
      row: t.y,
      col: t.x,
      values: t.value,
      numSamples: t.numSamples,
      swath: sw
        ? {
            widthKm: sw.widthKm,
            lengthM: sw.lengthM,
            distance: Float64Array.from(sw.bins, (b) => b.distance),
            count: Int32Array.from(sw.bins, (b) => b.count),
            mean: Float64Array.from(sw.bins, (b) => b.mean),
            std: Float64Array.from(sw.bins, (b) => b.std),
            min: Float64Array.from(sw.bins, (b) => b.min),
            max: Float64Array.from(sw.bins, (b) => b.max),
            p25: Float64Array.from(sw.bins, (b) => b.p25),
            median: Float64Array.from(sw.bins, (b) => b.median),
            p75: Float64Array.from(sw.bins, (b) => b.p75),
          }
        : null,
    };
  }

  /**
   * GNSS stations from the user's files (absolute paths, or relative to the project folder `base`) on the
   * chain's time-series grid, with their LOS series: src-core's readGnssStations.
   */
  async gnssStations(paths: string[], base: string): Promise<GnssStationsResult> {
    const file = this.timeseriesFile();
    const p = this.resolveFile(file);
    const abs = paths.map((x) => (isAbsolute(x) ? x : resolve(base, x)));
    const r = await readGnssStations(abs, p, join(this.dir(), 'inputs', 'geometryGeo.h5'));
    return { ...r, file };
  }

  clearCache(): void {
    this.cache.clear();
  }
}
