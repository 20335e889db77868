/**
 * Layers and how they are displayed: the layers main offers, the layer tree drawn on the map (today one
 * data layer; the list is ready for more), colour map and limits, opacity, mask and hillshade, and the
 * date (or pair) shown. Values never come here: the map draws layers as tiles (stores/tiles.ts).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { LayerInfo, LayerMeta, LayerRef } from '../../src-shared/api';
import { api } from '../api/client';
import { displayUnits } from '../units';
import { useUiStore } from './ui';
import { useNetworkStore } from './network';
import { useTilesStore } from './tiles';
import { useDisplayRefStore } from './displayRef';

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
  /** the shown layer's description (grid, units, statistics, data box) */
  const meta = shallowRef<LayerMeta | null>(null);
  /** bumped when the files behind the layers change (a run): the map fetches its tiles again */
  const generation = ref(0);
  /** the layer whose description main is working out (the map fetches its tiles meanwhile) */
  const loading = shallowRef<LayerRef | null>(null);

  const active = computed<LayerEntry | null>(() => entries.value[0] ?? null);
  const activeInfo = computed(() =>
    active.value ? (list.value.find((l) => l.id === active.value!.id) ?? null) : null,
  );
  const dates = computed(() => activeInfo.value?.dates ?? null);
  const units = computed(() =>
    meta.value ? displayUnits(meta.value.units, meta.value.fileType) : { label: '', scale: 1 },
  );
  /**
   * Whether the context layers (hillshade, basemap) may load: the project's own layer is described (its
   * tiles go first), or there is none to show. The data first, the context after.
   */
  const contextMayLoad = computed(() => meta.value !== null || list.value.every((x) => x.kind === 'pair'));
  /** the DEM under the hillshade */
  const heightRef = computed<LayerRef | null>(() =>
    list.value.some((l) => l.file === 'inputs/geometryGeo.h5' && l.dataset === 'height')
      ? { file: 'inputs/geometryGeo.h5', dataset: 'height' }
      : null,
  );
  /** pair layers are offered once a pair is selected in the network editor */
  const selectable = computed(() =>
    list.value.filter((l) => l.kind !== 'pair' || useNetworkStore().selectedPair !== null),
  );

  function reset(): void {
    list.value = [];
    entries.value = [];
    meta.value = null;
    loading.value = null;
    useTilesStore().clear();
    generation.value++;
  }

  async function refreshList(): Promise<void> {
    setList((await useUiStore().guarded(() => api.listLayers(), 'Listing the layers')) ?? []);
  }

  function setList(l: LayerInfo[]): void {
    list.value = l;
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
    // a time series opens relative to the reference date the user chose (if it is one of its dates)
    const rd = l.kind === 'timeseries' ? useDisplayRefStore().refDate : null;
    const refDate = rd && rd !== l.refDate && l.dates?.includes(rd) ? rd : undefined;
    return { file: l.file, dataset: l.dataset, ...(date ? { date } : {}), ...(refDate ? { refDate } : {}) };
  }

  let showSeq = 0;
  let metaTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Show a layer (or another date of it); `keepLimits` keeps the colour settings the user chose. Another
   * date of the shown layer goes to the map at once (its tiles start loading): nothing else about the layer
   * changes with the date but an interferogram's footprint, fetched once the stepping pauses.
   */
  async function show(ref: LayerRef, keepLimits = false): Promise<void> {
    const seq = ++showSeq;
    clearTimeout(metaTimer);
    const id = `${ref.file}:${ref.dataset}`;
    const prev = entries.value[0];
    const m0 = meta.value;
    if (keepLimits && prev?.id === id && m0 && `${m0.ref.file}:${m0.ref.dataset}` === id) {
      entries.value = [{ ...prev, ref: { ...ref } }, ...entries.value.slice(1)];
      meta.value = markRaw({ ...m0, ref: { ...ref } });
      if (ref.file === 'inputs/ifgramStack.h5')
        metaTimer = setTimeout(async () => {
          const m = await useUiStore().guarded(() => api.layerMeta(ref), `Reading ${ref.file}:${ref.dataset}`);
          if (m && seq === showSeq) meta.value = markRaw(m);
        }, 400);
      return;
    }
    loading.value = { ...ref };
    const m = await useUiStore().guarded(() => api.layerMeta(ref), `Reading ${ref.file}:${ref.dataset}`);
    if (seq === showSeq) loading.value = null;
    if (!m || seq !== showSeq) return;
    const entry: LayerEntry =
      keepLimits && prev
        ? { ...prev, id, ref: { ...ref } }
        : { id, ref: { ...ref }, visible: true, opacity: prev?.opacity ?? 0.85, ...defaultDisplay(m) };
    entries.value = [entry, ...entries.value.slice(1)];
    meta.value = markRaw(m);
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

  /** The shown time series relative to date `d` (null: its file's own REF_DATE), same date, same colours. */
  async function setRefDate(d: string | null): Promise<void> {
    const a = active.value;
    if (!a || activeInfo.value?.kind !== 'timeseries') return;
    const { refDate: _old, ...rest } = a.ref;
    await show(d ? { ...rest, refDate: d } : rest, true);
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
    useTilesStore().clear();
    generation.value++;
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
    meta,
    generation,
    loading,
    heightRef,
    contextMayLoad,
    active,
    activeInfo,
    dates,
    units,
    selectable,
    reset,
    refreshList,
    setList,
    showDefault,
    show,
    pick,
    setDate,
    setRefDate,
    stepDate,
    setDisplay,
    reloadAfterRun,
  };
});

/** Colour map and limits a layer opens with (display units). */
export function defaultDisplay(l: Pick<LayerMeta, 'ref' | 'units' | 'fileType' | 'stats'>): {
  cmap: string;
  vmin: number;
  vmax: number;
} {
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
