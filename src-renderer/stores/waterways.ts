/**
 * Rivers and lakes on the offline basemap: the lines around the open project (the basemap's area: its grid
 * and a margin), from main (src-core waterwaysIn over Natural Earth's 1:50m rivers and lakes). Asked for once
 * the project's own layer is described (its tiles first, the context after).
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef, watch } from 'vue';
import type { BasemapWaterways, Grid } from '../../src-shared/api';
import { basemapArea } from '../../src-core/common/geo/basemapArea';
import { api } from '../api/client';
import { useProjectStore } from './project';
import { useLayersStore } from './layers';

export const useWaterwaysStore = defineStore('waterways', () => {
  const on = ref(true);
  const data = shallowRef<BasemapWaterways | null>(null);
  let asked = '';

  async function loadAround(g: Grid | null): Promise<void> {
    if (!g) {
      data.value = null;
      asked = '';
      return;
    }
    const [w, s, e, n] = basemapArea(g);
    const key = [w, s, e, n].join(',');
    if (key === asked) return;
    asked = key;
    try {
      const r = await api.basemapWaterways(s, w, n, e);
      if (asked === key) data.value = markRaw(r);
    } catch {
      if (asked === key) data.value = null; // the basemap goes on without them (an old host)
    }
  }

  // follow the open project's grid, once its first layer is described
  watch(
    () => [useProjectStore().grid, useLayersStore().contextMayLoad] as const,
    ([g, go]) => {
      if (!g) void loadAround(null);
      else if (go) void loadAround(g);
    },
    { immediate: true },
  );

  return { on, data, loadAround };
});
