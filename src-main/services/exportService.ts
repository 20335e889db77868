/**
 * Exports of what the user sees: KMZ (src-core's MintPy-style save_kmz), GeoTIFF (float32,
 * EPSG:4326, GDAL nodata), CSV (a layer's pixels, a pixel's time series, a transect). Files go to the
 * given path or `<workDir>/exports/`; each is written to a temp name and renamed. No Electron import.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { writeKmz } from '../../src-core/export/kmz';
import type { CsvExport, ExportResult, LayerData, LayerRef } from '../../src-shared/api';
import type { LayerService } from './layerService';

function writeAtomic(path: string, data: Uint8Array | string): ExportResult {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
  return { path, bytes: statSync(path).size };
}

function layerName(ref: LayerRef): string {
  return `${ref.file.replace(/^inputs\//, '').replace(/\.h5$/, '')}_${ref.dataset}${ref.date ? `_${ref.date}` : ''}`;
}

/** Float32 GeoTIFF (EPSG:4326, pixel-is-area, NaN nodata) of a layer. */
export function geotiffBytes(layer: LayerData): Uint8Array {
  const g = layer.grid;
  const buf = writeArrayBuffer(layer.values, {
    width: g.width,
    height: g.length,
    ModelPixelScale: [g.xStep, -g.yStep, 0],
    ModelTiepoint: [0, 0, 0, g.xFirst, g.yFirst, 0],
    GeographicTypeGeoKey: 4326,
    GDAL_NODATA: 'nan',
    BitsPerSample: [32],
    SampleFormat: [3],
  } as never);
  return new Uint8Array(buf);
}

export class ExportService {
  constructor(
    private readonly layers: LayerService,
    private readonly workDir: () => string | null,
  ) {}

  private out(name: string, outPath?: string): string {
    if (outPath) return outPath;
    const dir = this.workDir();
    if (!dir) throw new Error('no project is open: open a project folder first');
    return join(dir, 'exports', name);
  }

  async kmz(ref: LayerRef = { file: 'velocity.h5', dataset: 'velocity' }, outPath?: string): Promise<ExportResult> {
    const file = this.layers.resolveFile(ref.file);
    const res = await writeKmz({ file, dataset: ref.date ?? ref.dataset, out: this.out(`${layerName(ref)}.kmz`, outPath) });
    return { path: res.path, bytes: statSync(res.path).size };
  }

  async geotiff(ref: LayerRef, outPath?: string): Promise<ExportResult> {
    const layer = await this.layers.getLayer(ref.file, ref.dataset, ref.date);
    return writeAtomic(this.out(`${layerName(ref)}.tif`, outPath), geotiffBytes(layer));
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
          lines.push(`${(g.yFirst + (r + 0.5) * g.yStep).toFixed(6)},${(g.xFirst + (c + 0.5) * g.xStep).toFixed(6)},${r},${c},${v}`);
        }
    } else if (what.kind === 'pixel') {
      const s = await this.layers.pixelSeries(what.row, what.col);
      name = `timeseries_r${what.row}_c${what.col}.csv`;
      lines.push(`# lat=${s.lat.toFixed(6)} lon=${s.lon.toFixed(6)} velocity_m_per_year=${s.velocity}`);
      lines.push('date,decimal_year,displacement_m,model_m');
      s.dates.forEach((d, i) => lines.push(`${d},${s.years[i].toFixed(6)},${s.values[i]},${s.model.length ? s.model[i] : ''}`));
    } else {
      const t = await this.layers.transect(what.ref, what.start, what.end);
      name = `transect_${layerName(what.ref)}.csv`;
      lines.push(`distance_km,lat,lon,${what.ref.dataset}_${t.units.replace(/\W+/g, '_')}`);
      for (let i = 0; i < t.values.length; i++) lines.push(`${t.distanceKm[i].toFixed(4)},${t.lat[i].toFixed(6)},${t.lon[i].toFixed(6)},${t.values[i]}`);
    }
    return writeAtomic(this.out(name, outPath), lines.join('\n') + '\n');
  }
}
