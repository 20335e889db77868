/**
 * Place names on the offline basemap: the towns around the open project (its grid, padded by half its size),
 * most populous first, from main (src-core placesIn over GeoNames' places ≥ 1000 inhabitants).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { PlaceName } from '../../src-shared/api';
import { api } from '../api/client';
import { useProjectStore } from './project';
import { useLayersStore } from './layers';

/** how many are labelled (the rest are dots) */
export const LABELLED = 24;

export const usePlacesStore = defineStore('places', () => {
  const on = ref(true);
  const list = shallowRef<PlaceName[]>([]);
  let asked = '';

  async function loadAround(
    g: { xFirst: number; yFirst: number; xStep: number; yStep: number; length: number; width: number } | null,
  ): Promise<void> {
    if (!g) {
      list.value = [];
      asked = '';
      return;
    }
    const x0 = g.xFirst;
    const x1 = g.xFirst + g.width * g.xStep;
    const y0 = g.yFirst + g.length * g.yStep;
    const y1 = g.yFirst;
    const px = Math.abs(x1 - x0) / 2;
    const py = Math.abs(y1 - y0) / 2;
    const box: [number, number, number, number] = [
      Math.max(-90, Math.min(y0, y1) - py),
      Math.min(x0, x1) - px,
      Math.min(90, Math.max(y0, y1) + py),
      Math.max(x0, x1) + px,
    ];
    const key = box.join(',');
    if (key === asked) return;
    asked = key;
    try {
      list.value = await api.placeNames(...box);
    } catch {
      list.value = []; // the basemap goes on without names (a UTM grid without lon/lat, an old host)
    }
  }

  // follow the open project's grid (geographic grids only: a UTM grid has no degrees here), once its first
  // picture is on the map (stores/layers contextMayLoad: the data first, the context after)
  watch(
    () => [useProjectStore().grid, useLayersStore().contextMayLoad] as const,
    ([g, go]) => {
      if (!g || Math.abs(g.xFirst) > 360 || Math.abs(g.yFirst) > 90) void loadAround(null);
      else if (go) void loadAround(g);
    },
    { immediate: true },
  );

  return { on, list, loadAround };
});
