/**
 * Layers and how they are displayed: the layers main offers, and the layer list drawn on the map (QGIS's
 * layer tree): entries in drawing order, each with its own date, colour map and limits, opacity, visibility
 * and style, one of them SELECTED — the one the layer menu, colour bar, date slider, cursor readout, display
 * reference and exports follow (`active`). Mask and hillshade switches are the map's. Values never come here:
 * the map draws layers as tiles (stores/tiles.ts).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { LayerInfo, LayerMeta, LayerRef, SavedLayerList } from '../../src-shared/api';
import { api } from '../api/client';
import { displayUnits } from '../units';
import { useUiStore } from './ui';
import { useNetworkStore } from './network';
import { useTilesStore } from './tiles';
import { useDisplayRefStore } from './displayRef';

/** 'fill': every pixel coloured; 'outline': only the edge of the non-zero pixels (a mask's outline). */
export type LayerStyle = 'fill' | 'outline';

/** One layer drawn on the map with its own display settings. */
export interface LayerEntry {
  /** the entry's key, unique in the list; also its map source and layer id ('data', 'data-2', …) */
  key: string;
  /** `${file}:${dataset}`: the layer (LayerInfo) it shows */
  id: string;
  ref: LayerRef;
  visible: boolean;
  opacity: number;
  cmap: string;
  /** colour limits in display units (cm, cm/yr, …) */
  vmin: number;
  vmax: number;
  style: LayerStyle;
}

export const COLORMAPS = ['RdBu_r', 'RdBu', 'jet', 'viridis', 'gray'] as const;

/** Datasets that are masks (0/1): an outline shows where they keep data, over another layer. */
export const isMaskLayer = (ref: Pick<LayerRef, 'dataset'>): boolean =>
  ref.dataset === 'mask' || ref.dataset === 'waterMask';

/** A layer's id (`file:dataset`, LayerInfo.id) from a reference to it. */
const layerId = (r: Pick<LayerRef, 'file' | 'dataset'>): string => `${r.file}:${r.dataset}`;

/** An entry's key by its place among the keys: 'data' for the first, then 'data-2', 'data-3', … */
const entryKey = (n: number): string => (n === 0 ? 'data' : `data-${n + 1}`);

/** A layer's description from main (a failure is shown to the user and gives undefined). */
const describe = (r: LayerRef): Promise<LayerMeta | undefined> =>
  useUiStore().guarded(() => api.layerMeta(r), `Reading ${layerId(r)}`);

export const useLayersStore = defineStore('layers', () => {
  const list = ref<LayerInfo[]>([]);
  /** the layer list in drawing order: entries[0] is drawn first (at the bottom) */
  const entries = ref<LayerEntry[]>([]);
  /** each entry's description (grid, units, statistics, data box), by entry key */
  const metas = shallowRef<Readonly<Record<string, LayerMeta>>>({});
  const selectedKey = ref<string | null>(null);
  const maskOn = ref(true);
  const hillshade = ref(true);
  /** bumped when the files behind the layers change (a run): the map fetches its tiles again */
  const generation = ref(0);
  /** the layer whose description main is working out (the map fetches its tiles meanwhile) */
  const loading = shallowRef<LayerRef | null>(null);

  /** the selected entry: what the colour bar, the date slider, the readout and the exports follow */
  const active = computed<LayerEntry | null>(
    () => entries.value.find((e) => e.key === selectedKey.value) ?? entries.value.at(-1) ?? null,
  );
  const infoOf = (e: LayerEntry | null) => (e ? (list.value.find((l) => l.id === e.id) ?? null) : null);
  const activeInfo = computed(() => infoOf(active.value));
  /** the selected layer's description */
  const meta = computed<LayerMeta | null>(() => (active.value ? (metas.value[active.value.key] ?? null) : null));
  const dates = computed(() => activeInfo.value?.dates ?? null);
  const units = computed(() =>
    meta.value ? displayUnits(meta.value.units, meta.value.fileType) : { label: '', scale: 1 },
  );
  /** display units (label, scale) of any entry */
  function unitsOf(key: string): { label: string; scale: number } {
    const m = metas.value[key];
    return m ? displayUnits(m.units, m.fileType) : { label: '', scale: 1 };
  }
  /**
   * The map is waiting for a project's first picture (set by MapView: map/reveal.ts). Meanwhile the context
   * layers wait: their fetches, their worker time and the first frames of their kinds of MapLibre layer (each
   * a WebGL program to compile: 50–150 ms of the page's main thread in software WebGL) would come before the
   * data's tiles.
   */
  const mapWaiting = ref(false);
  /** the project's layer list has come from main (the empty list before it does not mean "no layers") */
  const listed = ref(false);
  /**
   * Whether the context may load (hillshade, basemap, rivers, place names, the grid outline, the reference
   * marker): the map is not waiting for the project's first picture, and the project's own layer is described
   * (its tiles go first) or there is none to show. The data first, the context after.
   */
  const contextMayLoad = computed(
    () =>
      !mapWaiting.value &&
      (Object.keys(metas.value).length > 0 || (listed.value && list.value.every((x) => x.kind === 'pair'))),
  );
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

  /** whether the list on screen is the open project's (restored or its default): only then is it saved */
  let mine = false;

  function reset(): void {
    mine = false;
    list.value = [];
    listed.value = false;
    entries.value = [];
    metas.value = {};
    selectedKey.value = null;
    loading.value = null;
    useTilesStore().clear();
    generation.value++;
  }

  async function refreshList(): Promise<void> {
    setList((await useUiStore().guarded(() => api.listLayers(), 'Listing the layers')) ?? []);
  }

  function setList(l: LayerInfo[]): void {
    list.value = l;
    listed.value = true;
  }

  /**
   * The layer list kept with the project, if any of its layers still exists; else velocity if there is one,
   * else the first map: what a freshly opened project shows.
   */
  async function showDefault(asked: Promise<SavedLayerList | null> = savedList()): Promise<void> {
    mine = false;
    const saved = await asked;
    if (saved && (await restore(saved))) {
      mine = true;
      return;
    }
    await showFirst();
    mine = true;
  }

  /**
   * `work` (main describing layers) with `r` as the layer being described: the map fetches its tiles
   * meanwhile. `loading` goes back to null after, unless another layer is being described by then.
   */
  async function whileLoading<T>(r: LayerRef | undefined, work: () => Promise<T>): Promise<T> {
    const mark = r ? { ...r } : null;
    if (mark) loading.value = mark;
    try {
      return await work();
    } finally {
      if (mark && loading.value === mark) loading.value = null;
    }
  }

  /** The layer list kept with the project (null: none; an old host, a broken record: none either). */
  function savedList(): Promise<SavedLayerList | null> {
    return api.layerList().catch(() => null);
  }

  /** The saved entries whose layers still exist, each described again; false when none is left. */
  async function restore(saved: SavedLayerList): Promise<boolean> {
    const keep = saved.layers
      .map((x, i) => ({ ...x, i, id: layerId(x.ref) }))
      .filter((x) => list.value.some((l) => l.id === x.id));
    // the map fetches the selected layer's tiles while main describes the layers
    const first = keep.find((x) => x.i === saved.selected) ?? keep.at(-1);
    const metas0 = await whileLoading(first?.ref, () =>
      Promise.all(keep.map((x) => api.layerMeta(x.ref).catch(() => null))),
    );
    const es: LayerEntry[] = [];
    const ms: Record<string, LayerMeta> = {};
    let sel: string | null = null;
    keep.forEach((x, k) => {
      const m = metas0[k];
      if (!m) return;
      const key = entryKey(es.length);
      es.push({
        key,
        id: x.id,
        ref: x.ref,
        visible: x.visible,
        opacity: x.opacity,
        cmap: x.cmap,
        vmin: x.vmin,
        vmax: x.vmax,
        style: x.style,
      });
      ms[key] = markRaw(m);
      if (x.i === saved.selected) sel = key;
    });
    if (!es.length || entries.value.length) return false; // none left, or the user chose meanwhile
    entries.value = es;
    metas.value = ms;
    selectedKey.value = sel ?? es[es.length - 1].key;
    return true;
  }

  async function showFirst(): Promise<void> {
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

  /** A key no entry has: 'data' for the first, then 'data-2', 'data-3', … */
  function freeKey(): string {
    const used = new Set(entries.value.map((e) => e.key));
    for (let n = 0; ; n++) if (!used.has(entryKey(n))) return entryKey(n);
  }

  function setMeta(key: string, m: LayerMeta | null): void {
    const next = { ...metas.value };
    if (m) next[key] = markRaw(m);
    else delete next[key];
    metas.value = next;
  }

  function replace(key: string, f: (e: LayerEntry) => LayerEntry): void {
    entries.value = entries.value.map((e) => (e.key === key ? f(e) : e));
  }

  const showSeq = new Map<string, number>();
  let metaTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Show a layer (or another date of it) in the selected entry (the first entry when the list is empty);
   * `keepLimits` keeps the colour settings the user chose. Another date of the shown layer goes to the map at
   * once (its tiles start loading): nothing else about the layer changes with the date but an interferogram's
   * footprint, fetched once the stepping pauses.
   */
  async function show(ref: LayerRef, keepLimits = false): Promise<void> {
    const prev = active.value;
    const key = prev?.key ?? freeKey();
    const seq = (showSeq.get(key) ?? 0) + 1;
    showSeq.set(key, seq);
    clearTimeout(metaTimer);
    const id = layerId(ref);
    const m0 = prev ? metas.value[prev.key] : undefined;
    if (keepLimits && prev?.id === id && m0 && layerId(m0.ref) === id) {
      replace(key, (e) => ({ ...e, ref: { ...ref } }));
      setMeta(key, { ...m0, ref: { ...ref } });
      if (ref.file === 'inputs/ifgramStack.h5')
        metaTimer = setTimeout(async () => {
          const m = await describe(ref);
          if (m && seq === showSeq.get(key) && entries.value.some((e) => e.key === key)) setMeta(key, m);
        }, 400);
      return;
    }
    const m = await whileLoading(ref, () => describe(ref));
    if (!m || seq !== showSeq.get(key)) return;
    const cur = entries.value.find((e) => e.key === key);
    if (prev && !cur) return; // the entry was removed meanwhile
    const entry: LayerEntry =
      keepLimits && cur
        ? { ...cur, id, ref: { ...ref } }
        : {
            key,
            id,
            ref: { ...ref },
            visible: cur?.visible ?? true,
            opacity: cur?.opacity ?? 0.85,
            style: 'fill',
            ...defaultDisplay(m),
          };
    if (cur) replace(key, () => entry);
    else entries.value = [...entries.value, entry];
    setMeta(key, m);
    selectedKey.value = key;
  }

  /** The layer chosen in the layer menu, at its last date (or the selected pair), in the selected entry. */
  async function pick(id: string): Promise<void> {
    const l = list.value.find((x) => x.id === id);
    if (l) await show(refOf(l, useNetworkStore().selectedPair));
  }

  /**
   * Add a layer on top of the list (at its last date, or the selected pair) and select it. A mask over other
   * layers opens as its outline; the layer under it stays as it was.
   */
  async function add(id: string): Promise<string | null> {
    const l = list.value.find((x) => x.id === id);
    if (!l) return null;
    const ref = refOf(l, useNetworkStore().selectedPair);
    const m = await whileLoading(ref, () => describe(ref));
    if (!m) return null;
    const key = freeKey();
    const outline = entries.value.length > 0 && isMaskLayer(ref);
    const d = defaultDisplay(m);
    entries.value = [
      ...entries.value,
      {
        key,
        id,
        ref,
        visible: true,
        opacity: outline ? 1 : entries.value.length ? 0.7 : 0.85,
        style: outline ? 'outline' : 'fill',
        ...d,
        ...(outline ? { cmap: 'viridis' } : {}),
      },
    ];
    setMeta(key, m);
    selectedKey.value = key;
    return key;
  }

  /** Take an entry off the map; the selection goes to the top entry left. */
  function remove(key: string): void {
    entries.value = entries.value.filter((e) => e.key !== key);
    setMeta(key, null);
    showSeq.delete(key);
    if (selectedKey.value === key) selectedKey.value = entries.value.at(-1)?.key ?? null;
  }

  function select(key: string): void {
    if (entries.value.some((e) => e.key === key)) selectedKey.value = key;
  }

  /** Move an entry `by` places in the drawing order (+1: up, drawn over the next one). */
  function move(key: string, by: number): void {
    const i = entries.value.findIndex((e) => e.key === key);
    if (i < 0) return;
    moveTo(key, i + by);
  }

  /** Put an entry at drawing position `to` (0: bottom), the others keeping their order. */
  function moveTo(key: string, to: number): void {
    const es = [...entries.value];
    const i = es.findIndex((e) => e.key === key);
    if (i < 0) return;
    const j = Math.max(0, Math.min(es.length - 1, to));
    if (i === j) return;
    const [e] = es.splice(i, 1);
    es.splice(j, 0, e);
    entries.value = es;
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

  /** Display settings of an entry (the selected one by default). */
  function setDisplay(
    p: Partial<Pick<LayerEntry, 'cmap' | 'vmin' | 'vmax' | 'opacity' | 'visible' | 'style'>>,
    key: string | null = active.value?.key ?? null,
  ): void {
    if (key) replace(key, (e) => ({ ...e, ...p }));
  }

  /**
   * After a run: the new layer list; every entry again (same date, same limits) if its layer still exists,
   * else it leaves the list; the default layer when none is left.
   */
  async function reloadAfterRun(): Promise<void> {
    useTilesStore().clear();
    generation.value++;
    await refreshList();
    const gone = entries.value.filter((e) => !list.value.some((l) => l.id === e.id));
    for (const e of gone) remove(e.key);
    await Promise.all(
      entries.value.map(async (e) => {
        const m = await describe(e.ref);
        if (m && entries.value.some((x) => x.key === e.key)) setMeta(e.key, m);
      }),
    );
    if (!entries.value.length) await showDefault();
  }

  // the list goes with the project (its database), a moment after the last change
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  watch(
    () => [entries.value, selectedKey.value] as const,
    () => {
      clearTimeout(saveTimer);
      if (!mine) return;
      saveTimer = setTimeout(() => {
        if (!mine) return;
        const es = entries.value.slice(-64);
        const sel = Math.max(
          0,
          es.findIndex((e) => e.key === active.value?.key),
        );
        const saved: SavedLayerList = {
          // plain objects (not Vue's proxies): IPC sends them by structured clone
          layers: es.map(({ ref, visible, opacity, cmap, vmin, vmax, style }) => ({
            ref: { ...ref },
            visible,
            opacity,
            cmap,
            vmin,
            vmax,
            style,
          })),
          selected: sel,
        };
        api.saveLayerList(saved).catch(() => {}); // kept for next time only: nothing on screen depends on it
      }, 400);
    },
  );

  return {
    list,
    entries,
    metas,
    selectedKey,
    maskOn,
    hillshade,
    meta,
    generation,
    loading,
    heightRef,
    mapWaiting,
    contextMayLoad,
    active,
    activeInfo,
    infoOf,
    dates,
    units,
    unitsOf,
    selectable,
    reset,
    refreshList,
    setList,
    showDefault,
    savedList,
    show,
    pick,
    add,
    remove,
    select,
    move,
    moveTo,
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
