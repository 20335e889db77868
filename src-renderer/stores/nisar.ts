/**
 * The NISAR validation panel: what the CLI's `nisar method1|method2` does, from the app — the site preset, the
 * GNSS folder (Method 1) or the stable area (Method 2), run on the project's velocity.h5 (src-core
 * validateSecular in main), the verdicts, the table and the figure, the report written into exports/.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { NisarOptions, NisarValidation } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { download } from '../download';

export type NisarMethod = 'method1' | 'method2' | 'both';

export const useNisarStore = defineStore('nisar', () => {
  const sites = ref<{ name: string; gnssRefSite: string; direction: string; track: number }[]>([]);
  const site = ref('');
  const method = ref<NisarMethod>('method2');
  const gnss = ref('');
  const binning = ref<'linear' | 'log'>('linear');
  const running = ref(false);
  const results = shallowRef<NisarValidation[]>([]);

  async function loadSites(): Promise<void> {
    if (!sites.value.length) sites.value = (await useUiStore().guarded(() => api.nisarSites(), 'NISAR sites')) ?? [];
  }

  async function run(): Promise<NisarValidation[]> {
    const ui = useUiStore();
    const methods: ('method1' | 'method2')[] = method.value === 'both' ? ['method1', 'method2'] : [method.value];
    const gnssPaths = gnss.value
      .split(/[;\n]/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (methods.includes('method1') && !gnssPaths.length) {
      ui.toast('Method 1 compares with GNSS: give the GNSS folder', 'info');
      return [];
    }
    running.value = true;
    const out: NisarValidation[] = [];
    try {
      for (const m of methods) {
        const o: NisarOptions = {
          method: m,
          binning: binning.value,
          ...(site.value ? { site: site.value } : {}),
          ...(m === 'method1' ? { gnssPaths } : {}),
        };
        const r = await ui.guarded(() => api.nisarValidate(o), `NISAR ${m === 'method1' ? 'Method 1' : 'Method 2'}`);
        if (r) out.push(r);
      }
    } finally {
      running.value = false;
    }
    results.value = out;
    return out;
  }

  /** The report (HTML, with its figures) of a result, as a download; it is in exports/ already. */
  async function downloadReport(r: NisarValidation): Promise<void> {
    const f = await useUiStore().guarded(() => api.exportDownload(r.report.path), 'Report download');
    if (f) download(f.name, new Blob([f.bytes as BlobPart], { type: 'text/html' }));
  }

  return { sites, site, method, gnss, binning, running, results, loadSites, run, downloadReport };
});
