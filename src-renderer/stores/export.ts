/**
 * Exports — every one the CLI has: the shown layer as KMZ / GeoTIFF / CSV, the time series as a KMZ with a time
 * slider and as a GeoTIFF of every date, figures (network, coherence matrix, the shown map, the inspected
 * pixel's series), the inspected pixel's series and a transect as CSV. A time series' CSV (the layer at a date,
 * the pixel's series) is relative to the reference date the viewer shows, computed by the CLI's writer. Main writes them with the CLI's writers
 * into the project's exports/ folder (Electron: where the save dialog says); in the browser host each file is
 * then offered as a download.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportResult } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useLayersStore } from './layers';
import { useInspectStore } from './inspect';
import { useTransectsStore } from './transects';
import { useDisplayRefStore } from './displayRef';

export type LayerExport = 'kmz' | 'tif' | 'csv';
export type FigureKind = 'network' | 'coherence-matrix' | 'map' | 'timeseries';

export const useExportStore = defineStore('export', () => {
  /** what the last export wrote: path and size */
  const last = ref<ExportResult | null>(null);

  /**
   * The files of the last export offered as downloads (browser host): links the user clicks — a download
   * started by the page itself after a long export would meet the browser's multiple-download blocking.
   */
  const downloads = ref<{ name: string; url: string; bytes: number }[]>([]);

  function clearDownloads(): void {
    for (const d of downloads.value) URL.revokeObjectURL(d.url);
    downloads.value = [];
  }

  async function done(r: ExportResult | undefined): Promise<ExportResult | undefined> {
    if (r) {
      last.value = r;
      useUiStore().toast(`Wrote ${r.path}`, 'info');
      // the browser host: the files are on the host's disk; hand them to the browser
      if (!window.insarHost) {
        clearDownloads();
        const out: { name: string; url: string; bytes: number }[] = [];
        for (const p of r.paths ?? [r.path]) {
          const f = await useUiStore().guarded(() => api.exportDownload(p), 'Download');
          if (f)
            out.push({
              name: f.name,
              url: URL.createObjectURL(new Blob([f.bytes as BlobPart])),
              bytes: f.bytes.length,
            });
        }
        downloads.value = out;
      }
    }
    return r;
  }

  /** The time series as a KMZ with a time slider (Google Earth), the chain's last time-series file. */
  async function exportKmzTimeseries(): Promise<ExportResult | undefined> {
    clearDownloads();
    return done(await useUiStore().guarded(() => api.exportKmzTimeseries(), 'Time-series KMZ export'));
  }

  /** Every date of the shown time series as one GeoTIFF band each. */
  async function exportGeoTiffAll(): Promise<ExportResult | undefined> {
    clearDownloads();
    const ref = useLayersStore().active?.ref;
    if (!ref || ref.dataset !== 'timeseries') return undefined;
    return done(
      await useUiStore().guarded(
        () => api.exportGeoTiff({ file: ref.file, dataset: 'timeseries' }),
        'GeoTIFF export (all dates)',
      ),
    );
  }

  /** The reference date the viewer shows a time series relative to (the time bar's "relative to"), if it is one of the series' dates. */
  function shownRefDate(s: { dates: string[] }): string | undefined {
    const rd = useDisplayRefStore().refDate;
    return rd && s.dates.includes(rd) ? rd : undefined;
  }

  /** A figure as the CLI's `export figure` writes it (PNG). */
  async function exportFigure(kind: FigureKind): Promise<ExportResult | undefined> {
    clearDownloads();
    const ui = useUiStore();
    const ref = useLayersStore().active?.ref;
    const s = useInspectStore().series;
    if (kind === 'map' && !ref) return undefined;
    if (kind === 'timeseries' && !s) {
      ui.toast('Inspect a pixel first (Pixel tool): its series is the figure', 'info');
      return undefined;
    }
    const refDate = s ? shownRefDate(s) : undefined;
    const what =
      kind === 'map'
        ? { kind, ref: ref! }
        : kind === 'timeseries'
          ? { kind, row: s!.row, col: s!.col, ...(refDate ? { refDate } : {}) }
          : { kind };
    return done(await ui.guarded(() => api.exportFigure(what), 'Figure export'));
  }

  async function exportLayer(kind: LayerExport): Promise<ExportResult | undefined> {
    clearDownloads();
    const ref = useLayersStore().active?.ref;
    if (!ref) return undefined;
    const ui = useUiStore();
    return done(
      await ui.guarded(
        () =>
          kind === 'kmz'
            ? // interferograms have no KMZ of their own: the velocity is exported
              api.exportKmz(undefined, ref.file === 'inputs/ifgramStack.h5' ? undefined : ref)
            : kind === 'tif'
              ? api.exportGeoTiff(ref)
              : api.exportCsv({ kind: 'layer', ref }),
        `${kind === 'tif' ? 'GeoTIFF' : kind.toUpperCase()} export`,
      ),
    );
  }

  /** The inspected pixel's series, relative to the reference date the viewer shows (if one is chosen). */
  async function exportPixelCsv(): Promise<ExportResult | undefined> {
    clearDownloads();
    const s = useInspectStore().series;
    if (!s) return undefined;
    const refDate = shownRefDate(s);
    return done(
      await useUiStore().guarded(
        () => api.exportCsv({ kind: 'pixel', row: s.row, col: s.col, ...(refDate ? { refDate } : {}) }),
        'CSV export',
      ),
    );
  }

  /** One transect's samples as a CSV file in the work folder (MintPy's transect_lalo: distance, lat, lon, value). */
  async function exportTransectCsv(id: number): Promise<ExportResult | undefined> {
    clearDownloads();
    const t = useTransectsStore().list.find((x) => x.id === id);
    if (!t?.result) return undefined;
    const ref = t.result.ref;
    return done(
      await useUiStore().guarded(
        () => api.exportCsv({ kind: 'transect', ref, start: t.start, end: t.end }),
        'CSV export',
      ),
    );
  }

  return {
    last,
    downloads,
    clearDownloads,
    exportLayer,
    exportKmzTimeseries,
    exportGeoTiffAll,
    exportFigure,
    exportPixelCsv,
    exportTransectCsv,
  };
});
