/**
 * Exports of what the user sees: KMZ (velocity ground overlay + legend-free KML), GeoTIFF (float32,
 * EPSG:4326, GDAL nodata), CSV (a layer's pixels, a pixel's time series, a transect). Files go to the
 * given path or `<workDir>/exports/`; each is written to a temp name and renamed. No Electron import.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { writeArrayBuffer } from 'geotiff';
import { applyColormap, getColormap } from '../../src-core/colormap/index';
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

/** KMZ of a layer: a coloured PNG ground overlay (RdBu_r, symmetric 98th-percentile limits for velocity). */
export function kmzBytes(layer: LayerData, title: string): Uint8Array {
  const { grid, values, stats } = layer;
  const sym = /velocity|timeseries/.test(layer.ref.dataset);
  const lim = Math.max(Math.abs(stats.p2), Math.abs(stats.p98)) || 1;
  const [vmin, vmax] = sym ? [-lim, lim] : [stats.p2, stats.p98];
  const cm = getColormap(sym ? 'RdBu_r' : 'viridis');
  const rgba = applyColormap(values, cm, vmin, vmax);
  const png = encodePng({ width: grid.width, height: grid.length, data: rgba, channels: 4, depth: 8 });
  const north = grid.yFirst;
  const south = grid.yFirst + grid.length * grid.yStep;
  const west = grid.xFirst;
  const east = grid.xFirst + grid.width * grid.xStep;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>${esc(title)}</name>
  <description>${esc(`${layer.ref.dataset} (${layer.units}), colour range ${vmin.toPrecision(3)} … ${vmax.toPrecision(3)}`)}</description>
  <GroundOverlay>
    <name>${esc(layer.ref.dataset)}</name>
    <Icon><href>${esc(layerName(layer.ref))}.png</href></Icon>
    <LatLonBox><north>${Math.max(north, south)}</north><south>${Math.min(north, south)}</south><east>${Math.max(east, west)}</east><west>${Math.min(east, west)}</west></LatLonBox>
  </GroundOverlay>
</Document>
</kml>
`;
  return zipSync({ 'doc.kml': strToU8(kml), [`${layerName(layer.ref)}.png`]: png });
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
    const layer = await this.layers.getLayer(ref.file, ref.dataset, ref.date);
    return writeAtomic(this.out(`${layerName(ref)}.kmz`, outPath), kmzBytes(layer, layerName(ref)));
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
