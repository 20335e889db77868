/**
 * Layers and how they are displayed: the layers main offers, the layer tree drawn on the map (today one
 * data layer; the list is ready for more), colour map and limits, opacity, mask and hillshade, and the
 * date (or pair) shown. Big arrays live in shallowRefs holding markRaw objects: Vue never walks them.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { LayerData, LayerInfo, LayerRef } from '../../src-shared/api';
import { api } from '../api/client';
import { displayUnits } from '../units';
import { useUiStore } from './ui';
import { useNetworkStore } from './network';

/** One layer drawn on the map with its own display settings. */
export interface LayerEntry {
  /** `${file}:${dataset}` */
  id: string;
  ref: LayerRef;
  visible: boolean;
  opacity: number;
  cmap: string;
  /** colour limits in display units (cm, cm/yr, …) */
  vmin: number;
  vmax: number;
}

export const COLORMAPS = ['RdBu_r', 'RdBu', 'jet', 'viridis', 'gray'] as const;

export const useLayersStore = defineStore('layers', () => {
  const list = ref<LayerInfo[]>([]);
  const entries = ref<LayerEntry[]>([]);
  const maskOn = ref(true);
  const hillshade = ref(true);
  /** the shown layer's values (whole grid) */
  const data = shallowRef<LayerData | null>(null);
  /** maskTempCoh.h5 as 0/1 when it applies to the shown layer */
  const mask = shallowRef<Uint8Array | null>(null);
  /** maskTempCoh.h5 as read (kept until the next run) */
  let maskCache: Uint8Array | null = null;
  /** DEM heights for the hillshade */
  const height = shallowRef<LayerData | null>(null);

  const active = computed<LayerEntry | null>(() => entries.value[0] ?? null);
  const activeInfo = computed(() =>
    active.value ? (list.value.find((l) => l.id === active.value!.id) ?? null) : null,
  );
  const dates = computed(() => activeInfo.value?.dates ?? null);
  const units = computed(() =>
    data.value ? displayUnits(data.value.units, data.value.fileType) : { label: '', scale: 1 },
  );
  /** pair layers are offered once a pair is selected in the network editor */
  const selectable = computed(() =>
    list.value.filter((l) => l.kind !== 'pair' || useNetworkStore().selectedPair !== null),
  );

  function reset(): void {
    list.value = [];
    entries.value = [];
    data.value = null;
    mask.value = null;
    maskCache = null;
    height.value = null;
  }

  async function refreshList(): Promise<void> {
    const l = await useUiStore().guarded(() => api.listLayers(), 'Listing the layers');
    list.value = l ?? [];
    await loadHeight();
  }

  /** Velocity if there is one, else the first map: what a freshly opened project shows. */
  async function showDefault(): Promise<void> {
    const def =
      list.value.find((l) => l.dataset === 'velocity' && l.file === 'velocity.h5') ??
      list.value.find((l) => l.kind !== 'pair');
    if (def) await show(refOf(def));
  }

  function refOf(l: LayerInfo, pairIndex?: number | null): LayerRef {
    const date =
      l.kind === 'timeseries'
        ? l.dates?.[l.dates.length - 1]
        : l.kind === 'pair'
          ? l.dates?.[pairIndex ?? 0]
          : undefined;
    return { file: l.file, dataset: l.dataset, ...(date ? { date } : {}) };
  }

  async function loadHeight(): Promise<void> {
    const h = list.value.find((l) => l.file === 'inputs/geometryGeo.h5' && l.dataset === 'height');
    if (!h) {
      height.value = null;
      return;
    }
    if (height.value) return;
    const d = await useUiStore().guarded(() => api.getLayer(h.file, h.dataset), 'Reading the DEM');
    height.value = d ? markRaw(d) : null;
  }

  async function loadMask(ref: LayerRef): Promise<void> {
    const m = list.value.find((l) => l.file === 'maskTempCoh.h5');
    if (!m || !['velocity.h5', 'timeseries.h5'].includes(ref.file)) {
      mask.value = null;
      return;
    }
    if (!maskCache) {
      const d = await useUiStore().guarded(() => api.getLayer(m.file, m.dataset), 'Reading the mask');
      maskCache = d ? markRaw(Uint8Array.from(d.values, (v) => (v ? 1 : 0))) : null;
    }
    mask.value = maskCache;
  }

  /** Show a layer (or another date of it); `keepLimits` keeps the colour settings the user chose. */
  async function show(ref: LayerRef, keepLimits = false): Promise<void> {
    const d = await useUiStore().guarded(
      () => api.getLayer(ref.file, ref.dataset, ref.date),
      `Reading ${ref.file}:${ref.dataset}`,
    );
    if (!d) return;
    const id = `${ref.file}:${ref.dataset}`;
    const prev = entries.value[0];
    const entry: LayerEntry =
      keepLimits && prev
        ? { ...prev, id, ref: { ...ref } }
        : { id, ref: { ...ref }, visible: true, opacity: prev?.opacity ?? 0.85, ...defaultDisplay(d) };
    await loadMask(ref);
    entries.value = [entry, ...entries.value.slice(1)];
    data.value = markRaw(d);
  }

  /** The layer chosen in the layer menu, at its last date (or the selected pair). */
  async function pick(id: string): Promise<void> {
    const l = list.value.find((x) => x.id === id);
    if (l) await show(refOf(l, useNetworkStore().selectedPair));
  }

  async function setDate(date: string): Promise<void> {
    const a = active.value;
    if (a && a.ref.date !== date) await show({ ...a.ref, date }, true);
  }

  /** Step the date (or pair) by k; `to` = 'first' | 'last' jumps to an end. */
  async function stepDate(k: number | 'first' | 'last'): Promise<void> {
    const ds = dates.value;
    const cur = active.value?.ref.date;
    if (!ds || !ds.length || !cur) return;
    const i = k === 'first' ? 0 : k === 'last' ? ds.length - 1 : ds.indexOf(cur) + k;
    await setDate(ds[Math.min(ds.length - 1, Math.max(0, i))]);
  }

  function setDisplay(p: Partial<Pick<LayerEntry, 'cmap' | 'vmin' | 'vmax' | 'opacity' | 'visible'>>): void {
    const a = entries.value[0];
    if (a) entries.value = [{ ...a, ...p }, ...entries.value.slice(1)];
  }

  /** After a run: the new layer list; the shown layer again (same date, same limits) if it still exists. */
  async function reloadAfterRun(): Promise<void> {
    height.value = null;
    maskCache = null;
    await refreshList();
    const a = active.value;
    if (a && list.value.some((l) => l.id === a.id)) await show(a.ref, true);
    else await showDefault();
  }

  return {
    list,
    entries,
    maskOn,
    hillshade,
    data,
    mask,
    height,
    active,
    activeInfo,
    dates,
    units,
    selectable,
    reset,
    refreshList,
    showDefault,
    show,
    pick,
    setDate,
    stepDate,
    setDisplay,
    reloadAfterRun,
  };
});

/** Colour map and limits a layer opens with (display units). */
export function defaultDisplay(l: LayerData): { cmap: string; vmin: number; vmax: number } {
  const { scale } = displayUnits(l.units, l.fileType);
  const ds = l.ref.dataset;
  const s = l.stats;
  if (['velocity', 'timeseries'].includes(ds) || l.ref.file === 'avgPhaseVelocity.h5' || ds === 'unwrapPhase') {
    const lim = niceRound(Math.max(Math.abs(s.p2), Math.abs(s.p98)) * scale) || 1;
    return { cmap: 'RdBu_r', vmin: -lim, vmax: lim };
  }
  if (['temporalCoherence', 'coherence', 'mask', 'waterMask'].includes(ds) && l.ref.file !== 'numInvIfgram.h5')
    return { cmap: ds.startsWith('mask') || ds === 'waterMask' ? 'gray' : 'viridis', vmin: 0, vmax: 1 };
  if (ds === 'connectComponent' || l.ref.file === 'numInvIfgram.h5')
    return { cmap: ds === 'connectComponent' ? 'jet' : 'viridis', vmin: 0, vmax: Math.max(1, s.max) };
  const vmin = niceRound(s.p2 * scale, true);
  const vmax = niceRound(s.p98 * scale);
  return { cmap: 'viridis', vmin, vmax: vmin === vmax ? vmin + 1 : vmax };
}

/** Two significant digits, rounded away from zero (or down with `floor`). */
export function niceRound(x: number, floor = false): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  const k = Math.floor(Math.log10(Math.abs(x))) - 1;
  const e = Math.pow(10, k);
  const v = (floor ? Math.floor(x / e) : Math.ceil(x / e)) * e;
  return Number(v.toFixed(Math.max(0, -k)));
}
