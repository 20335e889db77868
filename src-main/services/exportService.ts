/**
 * Exports of what the user sees: KMZ (src-core's MintPy-style save_kmz), GeoTIFF (src-core's save_gdal-style writer), CSV (a layer's pixels, a pixel's time series, a transect). Files go to the
 * given path or `<workDir>/exports/`; each is written to a temp name and renamed. No Electron import.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeKmz } from '../../src-core/node/export/kmz';
import { encodeGeoTiff, writeGeoTiff } from '../../src-core/node/export/geotiff';
import type { CsvExport, ExportResult, LayerRef } from '../../src-shared/api';
import type { LayerService } from './layerService';
import { rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';

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
    if (ref.file === 'inputs/ifgramStack.h5')
      throw new Error('KMZ of a single interferogram is not supported: export it as GeoTIFF, or show a map layer');
    const file = this.layers.resolveFile(ref.file);
    const label = ref.date ? `LOS displacement ${ref.date}` : ref.dataset === 'velocity' ? undefined : ref.dataset;
    const res = await writeKmz({
      file,
      dataset: ref.date ?? ref.dataset,
      out: this.out(`${layerName(ref)}.kmz`, outPath),
      ...(label ? { label } : {}),
    });
    return { path: res.path, bytes: statSync(res.path).size };
  }

  async geotiff(ref: LayerRef, outPath?: string): Promise<ExportResult> {
    const out = this.out(`${layerName(ref)}.tif`, outPath);
    if (ref.file === 'inputs/ifgramStack.h5') {
      // one interferogram of the stack: the layer as shown (src-core's writer reads 2-D maps and time series)
      const layer = await this.layers.getLayer(ref.file, ref.dataset, ref.date);
      return writeAtomic(
        out,
        encodeGeoTiff([layer.values], layer.grid, {
          unit: layer.units,
          bandNames: [ref.date ?? ref.dataset],
          items: { DATASET: ref.dataset },
          ...(layer.grid.epsg ? { epsg: layer.grid.epsg } : {}),
        }),
      );
    }
    mkdirSync(dirname(out), { recursive: true });
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
          const [lat, lon] = rowColToLatLonGeo(g, r, c);
          lines.push(`${lat.toFixed(6)},${lon.toFixed(6)},${r},${c},${v}`);
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
    return writeAtomic(this.out(name, outPath), lines.join('\n') + '\n');
  }
}
