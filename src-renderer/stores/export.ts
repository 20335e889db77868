/** Exports: the shown layer as KMZ / GeoTIFF / CSV, the inspected pixel's series and the transect as CSV. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportResult } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useLayersStore } from './layers';
import { useInspectStore } from './inspect';

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

  async function exportTransectCsv(): Promise<ExportResult | undefined> {
    const inspect = useInspectStore();
    const t = inspect.transect;
    const pts = inspect.transectPoints;
    if (!t || pts.length !== 2) return undefined;
    return done(
      await useUiStore().guarded(
        () => api.exportCsv({ kind: 'transect', ref: t.ref, start: pts[0], end: pts[1] }),
        'CSV export',
      ),
    );
  }

  return { last, exportLayer, exportPixelCsv, exportTransectCsv };
});
