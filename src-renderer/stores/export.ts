/** Exports: the shown layer as KMZ / GeoTIFF / CSV, the inspected pixel's series and the transect as CSV. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportResult } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useLayersStore } from './layers';
import { useInspectStore } from './inspect';
import { useTransectsStore } from './transects';

export type LayerExport = 'kmz' | 'tif' | 'csv';

export const useExportStore = defineStore('export', () => {
  /** what the last export wrote: path and size */
  const last = ref<ExportResult | null>(null);

  async function done(r: ExportResult | undefined): Promise<ExportResult | undefined> {
    if (r) {
      last.value = r;
      useUiStore().toast(`Wrote ${r.path}`, 'info');
    }
    return r;
  }

  async function exportLayer(kind: LayerExport): Promise<ExportResult | undefined> {
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

  async function exportPixelCsv(): Promise<ExportResult | undefined> {
    const s = useInspectStore().series;
    if (!s) return undefined;
    return done(
      await useUiStore().guarded(() => api.exportCsv({ kind: 'pixel', row: s.row, col: s.col }), 'CSV export'),
    );
  }

  /** One transect's samples as a CSV file in the work folder (MintPy's transect_lalo: distance, lat, lon, value). */
  async function exportTransectCsv(id: number): Promise<ExportResult | undefined> {
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

  return { last, exportLayer, exportPixelCsv, exportTransectCsv };
});
