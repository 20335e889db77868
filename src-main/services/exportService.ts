/**
 * Exports of what the user sees, each through the science core's writer that `insar-studio export` calls with
 * the same request (so the bytes are the CLI's): KMZ (writeKmz), time-series KMZ (writeKmzTimeseries),
 * GeoTIFF (writeGeoTiff), CSV (writeTableCsv, writePointsCsv, writeTransectFiles), figures (figureFiles +
 * writeFigure). The writers write atomically (temp file beside the target, renamed; removed on failure).
 * Where a file may go is decided by `targets` (exportPaths.ts): the project's `exports/` folder in the browser
 * host, the native save dialog's choice in Electron. No Electron import.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { validateSecular, type ValidateOptions } from '../../src-core/node/nisar/validate';
import { tableRows, writeValidationReport } from '../../src-core/node/nisar/report';
import { validationFigureSvg } from '../../src-core/node/nisar/figures';
import { findSite } from '../../src-core/common/nisar/sites';
import { writeKmz } from '../../src-core/node/export/kmz';
import { writeKmzTimeseries } from '../../src-core/node/export/kmzTimeseries';
import { writeGeoTiff } from '../../src-core/node/export/geotiff';
import { refDateSuffix, writePointsCsv, writeTableCsv } from '../../src-core/node/export/csv';
import {
  coherenceMatrixFigure,
  mapFigure,
  networkFigure,
  pixelSeriesSvg,
  writeFigure,
} from '../../src-core/node/export/figureFiles';
import { mapDatasetName } from '../../src-core/node/export/source';
import { readPixelSeries } from '../../src-core/node/derived/pixelSeries';
import { pixelSeriesRelativeTo } from '../../src-core/common/derived/pixelSeriesRelative';
import { transectFigure, transectOfFile, writeTransectFiles } from '../../src-core/node/derived/transectFile';
import { gridOf } from '../../src-core/node/formats/mintpyFiles';
import { H5Reader } from '../../src-core/node/formats/h5';
import type {
  CsvExport,
  ExportResult,
  FigureExport,
  LayerRef,
  NisarOptions,
  NisarValidation,
} from '../../src-shared/api';
import { confinedExports, type ExportTargets } from './exportPaths';
import type { LayerService } from './layerService';
import { rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';

function result(...paths: string[]): ExportResult {
  return { path: paths[0], bytes: statSync(paths[0]).size, paths };
}

/** The export's default file name: `<file>_<dataset>[_<date>]`. */
function layerName(ref: LayerRef): string {
  return `${ref.file.replace(/^inputs\//, '').replace(/\.h5$/, '')}_${ref.dataset}${ref.date ? `_${ref.date}` : ''}`;
}

export class ExportService {
  constructor(
    private readonly layers: LayerService,
    private readonly workDir: () => string | null,
    /** the chain's last time-series file, work-dir relative */
    private readonly timeseriesFile: () => string = () => 'timeseries.h5',
    /** where files may go (exportPaths.ts): the project's exports/ folder, or the save dialog's choice */
    private readonly targets: ExportTargets = confinedExports(workDir),
  ) {}

  /** the file to write: `name` (sanitised) or `outPath`, as `targets` allows */
  private out(name: string, outPath?: string): Promise<string> {
    return this.targets.resolve(name, outPath);
  }

  /** `insar-studio export kmz <file> <dataset> -o <out>` */
  async kmz(ref: LayerRef = { file: 'velocity.h5', dataset: 'velocity' }, outPath?: string): Promise<ExportResult> {
    const res = await writeKmz({
      file: this.layers.resolveFile(ref.file),
      dataset: mapDatasetName(ref),
      out: await this.out(`${layerName(ref)}.kmz`, outPath),
    });
    return result(res.path);
  }

  /** `insar-studio export kmz-timeseries <file> -o <out>` (default: the chain's last time-series file) */
  async kmzTimeseries(outPath?: string, file = this.timeseriesFile()): Promise<ExportResult> {
    const res = await writeKmzTimeseries({
      tsFile: this.layers.resolveFile(file),
      out: await this.out(`${file.replace(/\.h5$/, '')}.kmz`, outPath),
    });
    return result(res.path);
  }

  /** `insar-studio export geotiff <file> <dataset> -o <out>` */
  async geotiff(ref: LayerRef, outPath?: string): Promise<ExportResult> {
    // a time series without a date: every date, one band each (`export geotiff <file> all`)
    const all = !ref.date && ref.dataset === 'timeseries';
    const res = await writeGeoTiff({
      file: this.layers.resolveFile(ref.file),
      dataset: all ? 'all' : mapDatasetName(ref),
      out: await this.out(`${layerName(ref)}.tif`, outPath),
    });
    return result(res.path);
  }

  /**
   * A file the app wrote into the project's exports/ folder, as bytes (the browser host offers it as a
   * download); anything else is refused.
   */
  async read(path: string): Promise<{ name: string; bytes: Uint8Array }> {
    const wd = this.workDir();
    if (!wd) throw new Error('no project is open: open a project folder first');
    const dir = realpathSync(join(wd, 'exports'));
    let real: string;
    try {
      real = realpathSync(isAbsolute(path) ? path : join(dir, path));
    } catch {
      throw new Error(`${basename(path)}: not found in the project's exports/ folder`);
    }
    if (dirname(real) !== dir || !statSync(real).isFile())
      throw new Error(`${basename(path)}: only files of the project's exports/ folder can be downloaded`);
    return { name: basename(real), bytes: new Uint8Array(readFileSync(real)) };
  }

  /**
   * `insar-studio nisar method1|method2`: the NISAR secular-requirement validation of the project's
   * velocity.h5 (src-core validateSecular), its report (HTML, JSON, CSV) written into exports/, and what the
   * panel shows: the verdicts, the table, the validation figure.
   */
  async nisar(o: NisarOptions): Promise<NisarValidation> {
    const wd = this.workDir();
    if (!wd) throw new Error('no project is open: open a project folder first');
    const site = o.site ? findSite(o.site) : null;
    const opts: ValidateOptions = {
      method: o.method,
      velocityFile: this.layers.resolveFile('velocity.h5'),
      ...(o.binning ? { binning: o.binning } : {}),
      ...(site ? { site: site.name } : {}),
    };
    if (o.method === 'method1') {
      if (!o.gnssPaths?.length) throw new Error('Method 1 needs GNSS files: give a folder or files');
      opts.gnssPaths = o.gnssPaths.map((x) => (isAbsolute(x) ? x : resolve(wd, x)));
      opts.refStation = o.refStation ?? site?.gnssRefSite;
      if (o.excludeStations?.length) opts.excludeStations = o.excludeStations;
    } else {
      if (o.stablePolygon) opts.stablePolygon = o.stablePolygon;
      if (o.numSamples !== undefined) opts.numSamples = o.numSamples;
      if (o.seed !== undefined) opts.seed = o.seed;
    }
    const r = await validateSecular(opts);
    const html = await this.out(`nisar_${o.method}${site ? `_${site.name}` : ''}_report.html`);
    const paths = writeValidationReport(r, html);
    const t = r.table;
    return {
      method: o.method,
      site: r.site,
      sensor: r.sensor,
      startDate: r.startDate,
      endDate: r.endDate,
      requirement: t.requirement,
      threshold: t.threshold,
      verdicts: t.verdicts,
      rows: tableRows(t),
      pairs: r.pairsSummary,
      stations: (r.stations ?? []).map((x) => ({
        site: x.site,
        status: x.status,
        ...(x.reason ? { reason: x.reason } : {}),
      })),
      refStation: r.refStation ?? null,
      notes: r.notes,
      figureSvg: validationFigureSvg(t, r.pairs.distanceKm, Float64Array.from(r.pairs.value, Math.abs), {
        site: r.site,
        sensor: r.sensor,
        startDate: r.startDate,
        endDate: r.endDate,
        validationData: o.method === 'method1' ? 'GNSS' : 'InSAR',
      }),
      report: result(paths.html, paths.json, paths.csv),
    };
  }

  /** The pixel centre (lat, lon) of row/col in the chain's time-series file. */
  private async pixelLatLon(file: string, row: number, col: number): Promise<[number, number]> {
    const r = await H5Reader.open(file);
    try {
      const g = gridOf(r.attrs, file);
      if (!g) throw new Error(`${file}: not geocoded (no X_FIRST/Y_FIRST)`);
      if (row < 0 || row >= g.length || col < 0 || col >= g.width)
        throw new Error(`pixel (${row}, ${col}) is outside the ${g.length} × ${g.width} grid`);
      return rowColToLatLonGeo(g, row, col);
    } finally {
      r.close();
    }
  }

  /**
   * layer: `export csv <file> --table [--dataset D] [--ref-date R]` (a time-series date relative to the
   * viewer's reference date `ref.refDate`); pixel: `export csv <chain's last file> --lalo LAT,LON
   * [--ref-date R]` (the pixel centre; the reference pixel comes first, as the CLI writes it); transect:
   * `export transect <file> --start … --end … [--width KM] -o <out>` (and its swath CSV).
   */
  async csv(what: CsvExport, outPath?: string): Promise<ExportResult> {
    if (what.kind === 'layer') {
      const dataset = mapDatasetName(what.ref);
      const refDate = what.ref.refDate;
      const res = await writeTableCsv({
        file: this.layers.resolveFile(what.ref.file),
        ...(dataset === 'velocity' ? {} : { dataset }),
        ...(refDate ? { refDate } : {}),
        out: await this.out(`${layerName(what.ref)}${refDateSuffix(refDate)}.csv`, outPath),
      });
      return result(res.path);
    }
    if (what.kind === 'pixel') {
      const file = this.layers.resolveFile(this.timeseriesFile());
      const [lat, lon] = await this.pixelLatLon(file, what.row, what.col);
      const res = await writePointsCsv({
        file,
        points: [{ name: 'P1', lat, lon }],
        ...(what.refDate ? { refDate: what.refDate } : {}),
        out: await this.out(`timeseries_r${what.row}_c${what.col}${refDateSuffix(what.refDate)}.csv`, outPath),
      });
      return result(res.path);
    }
    const res = await writeTransectFiles({
      ...this.layers.transectRequest(what.ref, what.start, what.end, what.widthKm),
      out: await this.out(`transect_${layerName(what.ref)}.csv`, outPath),
    });
    return result(res.path, ...(res.swathPath ? [res.swathPath] : []));
  }

  /** `export figure network|coherence-matrix|map|timeseries` and `export transect --svg` */
  async figure(what: FigureExport, outPath?: string): Promise<ExportResult> {
    const dir = this.workDir();
    if (!dir) throw new Error('no project is open: open a project folder first');
    let svg: string;
    let name: string;
    if (what.kind === 'network') [svg, name] = [await networkFigure(dir), 'network'];
    else if (what.kind === 'coherence-matrix') [svg, name] = [await coherenceMatrixFigure(dir), 'coherenceMatrix'];
    else if (what.kind === 'map')
      [svg, name] = [
        await mapFigure(this.layers.resolveFile(what.ref.file), mapDatasetName(what.ref)),
        layerName(what.ref),
      ];
    else if (what.kind === 'timeseries') {
      const file = this.layers.resolveFile(this.timeseriesFile());
      const s = await readPixelSeries(file, what.row, what.col, join(dir, 'velocity.h5'));
      [svg, name] = [
        pixelSeriesSvg(pixelSeriesRelativeTo(s, what.refDate)),
        `timeseries_r${what.row}_c${what.col}${refDateSuffix(what.refDate)}`,
      ];
    } else {
      const r = await transectOfFile(this.layers.transectRequest(what.ref, what.start, what.end, what.widthKm));
      [svg, name] = [transectFigure(r), `transect_${layerName(what.ref)}`];
    }
    const out = await this.out(`${name}.png`, outPath);
    writeFigure(out, svg);
    return result(out);
  }
}
