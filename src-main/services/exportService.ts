/**
 * Exports of what the user sees: KMZ (src-core's MintPy-style save_kmz), GeoTIFF (src-core's save_gdal-style writer), CSV (a layer's pixels, a pixel's time series, a transect).
 * Where a file may go is decided by `targets` (exportPaths.ts): the project's `exports/` folder in the browser
 * host, the native save dialog's choice in Electron. Each file is written by the core's writeFileAtomic
 * (unguessable temp name, O_EXCL, renamed; removed on failure). No Electron import.
 */
import { statSync } from 'node:fs';
import { writeKmz } from '../../src-core/node/export/kmz';
import { encodeGeoTiff, writeGeoTiff } from '../../src-core/node/export/geotiff';
import { writeFileAtomic } from '../../src-core/node/util/atomicFile';
import type { CsvExport, ExportResult, LayerRef } from '../../src-shared/api';
import { confinedExports, type ExportTargets } from './exportPaths';
import type { LayerService } from './layerService';

function writeAtomic(path: string, data: Uint8Array | string): ExportResult {
  writeFileAtomic(path, data);
  return { path, bytes: statSync(path).size };
}

function layerName(ref: LayerRef): string {
  return `${ref.file.replace(/^inputs\//, '').replace(/\.h5$/, '')}_${ref.dataset}${ref.date ? `_${ref.date}` : ''}`;
}

export class ExportService {
  constructor(
    private readonly layers: LayerService,
    private readonly workDir: () => string | null,
    private readonly targets: ExportTargets = confinedExports(workDir),
  ) {}

  /** the file to write: `name` (sanitised) or `outPath`, as `targets` allows */
  private out(name: string, outPath?: string): Promise<string> {
    return this.targets.resolve(name, outPath);
  }

  async kmz(ref: LayerRef = { file: 'velocity.h5', dataset: 'velocity' }, outPath?: string): Promise<ExportResult> {
    if (ref.file === 'inputs/ifgramStack.h5')
      throw new Error('KMZ of a single interferogram is not supported: export it as GeoTIFF, or show a map layer');
    const file = this.layers.resolveFile(ref.file);
    const label = ref.date ? `LOS displacement ${ref.date}` : ref.dataset === 'velocity' ? undefined : ref.dataset;
    const res = await writeKmz({
      file,
      dataset: ref.date ?? ref.dataset,
      out: await this.out(`${layerName(ref)}.kmz`, outPath),
      ...(label ? { label } : {}),
    });
    return { path: res.path, bytes: statSync(res.path).size };
  }

  async geotiff(ref: LayerRef, outPath?: string): Promise<ExportResult> {
    const out = await this.out(`${layerName(ref)}.tif`, outPath);
    if (ref.file === 'inputs/ifgramStack.h5') {
      // one interferogram of the stack: the layer as shown (src-core's writer reads 2-D maps and time series)
      const layer = await this.layers.getLayer(ref.file, ref.dataset, ref.date);
      return writeAtomic(
        out,
        encodeGeoTiff([layer.values], layer.grid, {
          unit: layer.units,
          bandNames: [ref.date ?? ref.dataset],
          items: { DATASET: ref.dataset },
        }),
      );
    }
    const res = await writeGeoTiff({ file: this.layers.resolveFile(ref.file), dataset: ref.date ?? ref.dataset, out });
    return { path: res.path, bytes: statSync(res.path).size };
  }

  async csv(what: CsvExport, outPath?: string): Promise<ExportResult> {
    const lines: string[] = [];
    let name: string;
    if (what.kind === 'layer') {
      const l = await this.layers.getLayer(what.ref.file, what.ref.dataset, what.ref.date);
      name = `${layerName(what.ref)}.csv`;
      lines.push(`lat,lon,row,col,${what.ref.dataset}_${l.units.replace(/\W+/g, '_')}`);
      const g = l.grid;
      for (let r = 0; r < g.length; r++)
        for (let c = 0; c < g.width; c++) {
          const v = l.values[r * g.width + c];
          if (!Number.isFinite(v)) continue;
          lines.push(
            `${(g.yFirst + (r + 0.5) * g.yStep).toFixed(6)},${(g.xFirst + (c + 0.5) * g.xStep).toFixed(6)},${r},${c},${v}`,
          );
        }
    } else if (what.kind === 'pixel') {
      const s = await this.layers.pixelSeries(what.row, what.col);
      name = `timeseries_r${what.row}_c${what.col}.csv`;
      lines.push(`# lat=${s.lat.toFixed(6)} lon=${s.lon.toFixed(6)} velocity_m_per_year=${s.velocity}`);
      lines.push('date,decimal_year,displacement_m,model_m');
      s.dates.forEach((d, i) =>
        lines.push(`${d},${s.years[i].toFixed(6)},${s.values[i]},${s.model.length ? s.model[i] : ''}`),
      );
    } else {
      const t = await this.layers.transect(what.ref, what.start, what.end);
      name = `transect_${layerName(what.ref)}.csv`;
      lines.push(`distance_km,lat,lon,${what.ref.dataset}_${t.units.replace(/\W+/g, '_')}`);
      for (let i = 0; i < t.values.length; i++)
        lines.push(`${t.distanceKm[i].toFixed(4)},${t.lat[i].toFixed(6)},${t.lon[i].toFixed(6)},${t.values[i]}`);
    }
    return writeAtomic(await this.out(name, outPath), lines.join('\n') + '\n');
  }
}
