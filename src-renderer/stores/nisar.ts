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
    await linkReports(out);
    return out;
  }

  /** each result's report (HTML with its figures, in exports/ already) as a link the user opens or saves */
  const reportLinks = ref<Record<string, { name: string; url: string }>>({});

  async function linkReports(rs: NisarValidation[]): Promise<void> {
    for (const l of Object.values(reportLinks.value)) URL.revokeObjectURL(l.url);
    const out: Record<string, { name: string; url: string }> = {};
    for (const r of rs) {
      const f = await useUiStore().guarded(() => api.exportDownload(r.report.path), 'Reading the report');
      if (f)
        out[r.method] = {
          name: f.name,
          url: URL.createObjectURL(new Blob([f.bytes as BlobPart], { type: 'text/html' })),
        };
    }
    reportLinks.value = out;
  }

  return { sites, site, method, gnss, binning, running, results, reportLinks, loadSites, run };
});
