/**
 * How the data are referenced ON SCREEN, as MintPy's viewers do it, without re-inverting anything:
 * - a reference DATE for time series (each pixel minus its own value on that date: tsview --ref-date), sent to
 *   main in the layer's ref (`refDate`), where the rows are read;
 * - a display reference PIXEL (tsview/view --ref-lalo): a per-date offset — that pixel's value on the shown
 *   date — subtracted where values are coloured and read out (map, cursor readout, chart), whatever the
 *   raster path draws. Both use src-core/common/derived/displayReference.
 * The run's own reference point (REF_Y/REF_X of the outputs; the Reference map tool edits the next run's) is
 * untouched: it is what the pipeline uses. `caption` names the display reference for the colour bar.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { LayerInfo, LayerRef, PixelSeries, PixelValues } from '../../src-shared/api';
import {
  displayModel,
  displayOffsets,
  displaySeries,
  refDateIndex,
} from '../../src-core/common/derived/displayReference';
import { rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useLayersStore, type LayerEntry } from './layers';
import { useProjectStore } from './project';
import { useRegionsStore } from './regions';

export interface DisplayPixel {
  row: number;
  col: number;
  lat: number;
  lon: number;
}

/** Layers a display reference pixel applies to: displacement, velocity and unwrapped phase (referenced data). */
export function isReferenced(l: Pick<LayerInfo, 'kind' | 'dataset'> | null | undefined): boolean {
  return !!l && (l.kind === 'timeseries' || l.dataset === 'velocity' || l.dataset === 'unwrapPhase');
}

export const useDisplayRefStore = defineStore('displayRef', () => {
  /** the date time series are shown relative to; null = the file's own REF_DATE */
  const refDate = ref<string | null>(null);
  const pixel = ref<DisplayPixel | null>(null);
  /** the pixel's values in each layer read so far (layer id → values) */
  const values = shallowRef<ReadonlyMap<string, PixelValues>>(new Map());
  /** the pixel's series in the time-series file the chart reads (values and fitted model) */
  const series = shallowRef<PixelSeries | null>(null);

  const layers = () => useLayersStore();

  /** The reference date of the shown time series: the user's, else the file's REF_DATE. */
  const shownRefDate = computed(() => {
    const info = layers().activeInfo;
    if (info?.kind !== 'timeseries') return null;
    return refDate.value ?? info.refDate ?? info.dates?.[0] ?? null;
  });

  /** Whether the display reference pixel applies to the shown layer. */
  const applies = computed(() => !!pixel.value && isReferenced(layers().activeInfo));

  /**
   * The offset subtracted from every value of an entry of the layer list (its units, as stored): the display
   * reference pixel's value on the entry's date, relative to its reference date. 0 without a pixel, for a
   * layer it does not apply to (coherence, masks), or before the pixel's values in it are read; NaN when the
   * pixel has no data there (then nothing is subtracted; for the shown layer `caption` says so).
   */
  function rawOffsetOf(e: LayerEntry | null): number {
    const info = layers().infoOf(e);
    if (!e || !pixel.value || !info || !isReferenced(info)) return 0;
    const pv = values.value.get(e.id);
    if (!pv) return 0;
    const dates = pv.dates;
    const i = dates ? dates.indexOf(e.ref.date ?? '') : 0;
    if (i < 0) return NaN;
    const iref = info.kind === 'timeseries' && dates ? dates.indexOf(e.ref.refDate ?? '') : -1;
    return displayOffsets(pv.values, iref >= 0 ? iref : null, pv.values.length)[i];
  }
  /** The offset an entry is drawn with (every re-referenceable layer of the list, not only the shown one). */
  function offsetOf(e: LayerEntry | null): number {
    const o = rawOffsetOf(e);
    return Number.isFinite(o) ? o : 0;
  }
  const rawOffset = computed(() => rawOffsetOf(layers().active));
  const offset = computed(() => (Number.isFinite(rawOffset.value) ? rawOffset.value : 0));

  /** What the colour bar says about the reference of what is shown ('' when nothing is re-referenced). */
  const caption = computed(() => {
    const parts: string[] = [];
    const info = layers().activeInfo;
    const a = layers().active;
    if (info?.kind === 'timeseries' && a?.ref.refDate) parts.push(`relative to ${a.ref.refDate}`);
    const p = pixel.value;
    if (p && applies.value) {
      const where = `display ref. row ${p.row}, col ${p.col}`;
      parts.push(Number.isFinite(rawOffset.value) ? where : `${where}: no data here, not applied`);
    }
    return parts.join(' · ');
  });

  /**
   * A pixel's series (and its fitted model) as shown: relative to the chosen reference date, then to the
   * display reference pixel (src-core displaySeries / displayModel: the same numbers as the map's readout).
   */
  function showSeries(s: Pick<PixelSeries, 'dates' | 'values' | 'model'>): {
    values: Float32Array;
    model: Float32Array;
  } {
    const i = refDate.value ? s.dates.indexOf(refDate.value) : -1;
    const iref = i >= 0 ? i : null;
    const r = pixel.value && series.value?.dates.length === s.dates.length ? series.value : null;
    const values = displaySeries(s.values, iref, r ? r.values : null);
    const model =
      s.model.length && (!r || r.model.length)
        ? displayModel(s.model, s.values, iref, r?.model.length ? r.model : null, r ? r.values : null)
        : new Float32Array(0);
    return { values, model };
  }

  /** Per-date offsets of the display reference pixel in the chart's time series (zeros without one). */
  function seriesOffsets(dates: readonly string[]): Float32Array {
    const r = pixel.value && series.value?.dates.length === dates.length ? series.value : null;
    const i = refDate.value ? dates.indexOf(refDate.value) : -1;
    return displayOffsets(r ? r.values : null, i >= 0 ? i : null, dates.length);
  }

  function reset(): void {
    refDate.value = null;
    pixel.value = null;
    values.value = new Map();
    series.value = null;
  }

  /** A pixel's values in a layer (every date of a stack), from main. */
  function readValues(ref: LayerRef, row: number, col: number): Promise<PixelValues | undefined> {
    return useUiStore().guarded(
      () => api.pixelValues({ file: ref.file, dataset: ref.dataset }, row, col),
      'Reading the display reference pixel',
    );
  }

  /** Read the pixel's values in each layer of the list it applies to and has not been read in. */
  async function loadEntries(): Promise<boolean> {
    const p = pixel.value;
    if (!p) return true;
    const todo = new Map<string, LayerEntry>();
    for (const e of layers().entries)
      if (!values.value.has(e.id) && isReferenced(layers().infoOf(e)) && !todo.has(e.id)) todo.set(e.id, e);
    const read = await Promise.all(
      [...todo.values()].map(async (e) => [e.id, await readValues(e.ref, p.row, p.col)] as const),
    );
    if (pixel.value !== p) return false;
    const got = read.filter((x): x is readonly [string, PixelValues] => !!x[1]);
    if (got.length) values.value = new Map([...values.value, ...got.map(([id, pv]) => [id, markRaw(pv)] as const)]);
    return got.length === read.length;
  }

  /**
   * Show everything relative to pixel (row, col). Refused (toast, nothing changes) when the pixel has no data
   * on some date of the shown layer: every pixel would turn to no data there.
   */
  async function setPixel(row: number, col: number): Promise<boolean> {
    const ui = useUiStore();
    const g = layers().meta?.grid ?? useProjectStore().grid;
    if (!g) return false;
    if (row < 0 || row >= g.length || col < 0 || col >= g.width) {
      ui.toast(`Row ${row}, col ${col} is outside the ${g.length} × ${g.width} grid`);
      return false;
    }
    const a = layers().active;
    const info = layers().activeInfo;
    const hasSeries = layers().list.some((l) => l.file === 'timeseries.h5');
    const [pv, ps] = await Promise.all([
      a && isReferenced(info) ? readValues(a.ref, row, col) : Promise.resolve(undefined),
      hasSeries ? ui.guarded(() => api.pixelSeries(row, col), 'Reading the display reference series') : undefined,
    ]);
    if (a && isReferenced(info) && !pv) return false;
    const bad = pv ? pv.values.findIndex((v) => !Number.isFinite(v)) : -1;
    if (pv && bad >= 0) {
      const when = pv.dates ? ` on ${pv.dates[bad]}` : '';
      ui.toast(`Display reference refused: row ${row}, col ${col} has no data${when} — choose a pixel with data`);
      return false;
    }
    const [lat, lon] = rowColToLatLonGeo(g, row, col);
    pixel.value = { row, col, lat, lon };
    values.value = new Map(pv && a ? [[a.id, markRaw(pv)]] : []);
    series.value = ps ? markRaw(ps) : null;
    await loadEntries(); // the list's other layers it applies to
    return true;
  }

  function clearPixel(): void {
    pixel.value = null;
    values.value = new Map();
    series.value = null;
  }

  /** Time series relative to `d` (null: the file's own REF_DATE); the shown layer follows at once. */
  async function setRefDate(d: string | null): Promise<void> {
    const info = layers().activeInfo;
    if (d && info?.dates && info.kind === 'timeseries') refDateIndex(info.dates, d); // throws on a foreign date
    refDate.value = d && d !== info?.refDate ? d : null;
    const a = layers().active;
    if (a && info?.kind === 'timeseries') await layers().setRefDate(refDate.value);
    // polygon means are referenced pixel by pixel on the main side: read again
    if (useRegionsStore().list.length) await useRegionsStore().refresh();
  }

  /** After a run: the pixel's values again (new files). */
  async function refreshAfterRun(): Promise<void> {
    const p = pixel.value;
    if (!p) return;
    values.value = new Map();
    series.value = null;
    if (!(await setPixel(p.row, p.col))) clearPixel();
  }

  // another layer shown or added to the list: read the pixel's values in it
  watch(
    () =>
      layers()
        .entries.map((e) => e.id)
        .join(),
    () => void loadEntries(),
  );

  return {
    refDate,
    pixel,
    values,
    series,
    shownRefDate,
    applies,
    rawOffset,
    offset,
    caption,
    showSeries,
    seriesOffsets,
    reset,
    loadEntries,
    offsetOf,
    setPixel,
    clearPixel,
    setRefDate,
    refreshAfterRun,
  };
});
