/**
 * Exports of what the user sees, each through the science core's writer that `insar-studio export` calls with
 * the same request (so the bytes are the CLI's): KMZ (writeKmz), time-series KMZ (writeKmzTimeseries),
 * GeoTIFF (writeGeoTiff), CSV (writeTableCsv, writePointsCsv, writeTransectFiles), figures (figureFiles +
 * writeFigure). The writers write atomically (temp file beside the target, renamed; removed on failure).
 * Where a file may go is decided by `targets` (exportPaths.ts): the project's `exports/` folder in the browser
 * host, the native save dialog's choice in Electron. No Electron import.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { writeKmz } from '../../src-core/node/export/kmz';
import { writeKmzTimeseries } from '../../src-core/node/export/kmzTimeseries';
import { writeGeoTiff } from '../../src-core/node/export/geotiff';
import { writePointsCsv, writeTableCsv } from '../../src-core/node/export/csv';
import {
  coherenceMatrixFigure,
  mapFigure,
  networkFigure,
  pixelSeriesSvg,
  writeFigure,
} from '../../src-core/node/export/figureFiles';
import { mapDatasetName } from '../../src-core/node/export/source';
import { readPixelSeries } from '../../src-core/node/derived/pixelSeries';
import { transectFigure, transectOfFile, writeTransectFiles } from '../../src-core/node/derived/transectFile';
import { gridOf } from '../../src-core/node/formats/mintpyFiles';
import { H5Reader } from '../../src-core/node/formats/h5';
import type { CsvExport, ExportResult, FigureExport, LayerRef } from '../../src-shared/api';
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
    const res = await writeGeoTiff({
      file: this.layers.resolveFile(ref.file),
      dataset: mapDatasetName(ref),
      out: await this.out(`${layerName(ref)}.tif`, outPath),
    });
    return result(res.path);
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
   * layer: `export csv <file> --table [--dataset D]`; pixel: `export csv <chain's last file> --lalo LAT,LON`
   * (the pixel centre; the reference pixel comes first, as the CLI writes it); transect: `export transect
   * <file> --start … --end … [--width KM] -o <out>` (and its swath CSV).
   */
  async csv(what: CsvExport, outPath?: string): Promise<ExportResult> {
    if (what.kind === 'layer') {
      const dataset = mapDatasetName(what.ref);
      const res = await writeTableCsv({
        file: this.layers.resolveFile(what.ref.file),
        ...(dataset === 'velocity' ? {} : { dataset }),
        out: await this.out(`${layerName(what.ref)}.csv`, outPath),
      });
      return result(res.path);
    }
    if (what.kind === 'pixel') {
      const file = this.layers.resolveFile(this.timeseriesFile());
      const [lat, lon] = await this.pixelLatLon(file, what.row, what.col);
      const res = await writePointsCsv({
        file,
        points: [{ name: 'P1', lat, lon }],
        out: await this.out(`timeseries_r${what.row}_c${what.col}.csv`, outPath),
      });
      return result(res.path);
    }
    const res = await writeTransectFiles({
      file: this.layers.resolveFile(what.ref.file),
      dataset: mapDatasetName(what.ref),
      start: what.start,
      end: what.end,
      ...(what.widthKm !== undefined ? { widthKm: what.widthKm } : {}),
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
      [svg, name] = [pixelSeriesSvg(s), `timeseries_r${what.row}_c${what.col}`];
    } else {
      const r = await transectOfFile({
        file: this.layers.resolveFile(what.ref.file),
        dataset: mapDatasetName(what.ref),
        start: what.start,
        end: what.end,
        ...(what.widthKm !== undefined ? { widthKm: what.widthKm } : {}),
      });
      [svg, name] = [transectFigure(r), `transect_${layerName(what.ref)}`];
    }
    const out = await this.out(`${name}.png`, outPath);
    writeFigure(out, svg);
    return result(out);
  }
}
