/**
 * Looking at the data: the map tool (pixel, transect, reference), the inspected pixel's time series, the
 * pinned pixels, the transect, and the cursor readout. Pixels are chosen by a click or typed in (lat/lon
 * or row/col): both paths end in the same actions.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { PixelSeries, PixelValue, Transect } from '../../src-shared/api';
import { latLonToRowColGeo, rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useLayersStore } from './layers';
import { useProjectStore } from './project';
import { useNetworkStore } from './network';
import { refKey, useTilesStore } from './tiles';

export type MapTool = 'pixel' | 'transect' | 'reference';

/** A pixel kept on the map (and, later, in the chart) with its own colour. */
export interface PinnedPixel {
  row: number;
  col: number;
  lat: number;
  lon: number;
  color: string;
}

/** Marker colours of pinned pixels, in order (Tableau 10: distinct, readable on light and dark maps). */
export const PIN_COLORS = ['#ffd400', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export const useInspectStore = defineStore('inspect', () => {
  const tool = ref<MapTool>('pixel');
  const transectPoints = ref<[number, number][]>([]);
  const series = shallowRef<PixelSeries | null>(null);
  const transect = shallowRef<Transect | null>(null);
  const pinned = ref<PinnedPixel[]>([]);
  /** lon/lat under the cursor (null when it is off the map) */
  const cursor = ref<[number, number] | null>(null);

  const grid = computed(() => useLayersStore().meta?.grid ?? useProjectStore().grid);

  function reset(): void {
    series.value = null;
    transect.value = null;
    transectPoints.value = [];
    pinned.value = [];
  }

  function setTool(t: MapTool): void {
    tool.value = t;
    if (t === 'transect') transectPoints.value = [];
  }

  /** The pixel at a lon/lat of the shown grid, or null outside it. */
  function pixelOf(lon: number, lat: number): [number, number] | null {
    const g = grid.value;
    if (!g) return null;
    const [row, col] = latLonToRowColGeo(g, lat, lon);
    return row >= 0 && row < g.length && col >= 0 && col < g.width ? [row, col] : null;
  }

  async function inspectPixel(row: number, col: number): Promise<boolean> {
    const ui = useUiStore();
    if (!useLayersStore().list.some((l) => l.file === 'timeseries.h5')) {
      ui.toast('No time series yet: run the pipeline (Run panel) to make timeseries.h5', 'info');
      return false;
    }
    const g = grid.value;
    if (g && (row < 0 || row >= g.length || col < 0 || col >= g.width)) {
      ui.toast(`Row ${row}, col ${col} is outside the ${g.length} × ${g.width} grid`);
      return false;
    }
    const s = await ui.guarded(() => api.pixelSeries(row, col), 'Reading the pixel time series');
    if (!s) return false;
    series.value = markRaw(s);
    return true;
  }

  async function inspectLonLat(lon: number, lat: number): Promise<boolean> {
    const rc = pixelOf(lon, lat);
    if (!rc) {
      useUiStore().toast(`${lat.toFixed(5)}°, ${lon.toFixed(5)}° is outside the data`, 'info');
      return false;
    }
    return inspectPixel(rc[0], rc[1]);
  }

  /** Set the reference point at a pixel typed as row/col (its centre goes to main as lat/lon). */
  async function referenceAtPixel(row: number, col: number): Promise<boolean> {
    const g = grid.value;
    if (!g) return false;
    const [lat, lon] = rowColToLatLonGeo(g, row, col);
    return !!(await useNetworkStore().setReference(lat, lon))?.ok;
  }

  /** A transect point; the second one computes the profile of the shown layer. */
  async function addTransectPoint(lat: number, lon: number): Promise<boolean> {
    transectPoints.value =
      transectPoints.value.length >= 2 ? [[lat, lon]] : [...transectPoints.value, [lat, lon] as [number, number]];
    const ref = useLayersStore().active?.ref;
    if (transectPoints.value.length !== 2 || !ref) return false;
    const [a, b] = transectPoints.value;
    const t = await useUiStore().guarded(() => api.transect(ref, a, b), 'Computing the transect');
    if (t) transect.value = markRaw(t);
    return !!t;
  }

  /** Keep the inspected pixel on the map (a distinct colour each). */
  function pin(): void {
    const s = series.value;
    if (!s || pinned.value.some((p) => p.row === s.row && p.col === s.col)) return;
    const color = PIN_COLORS[(pinned.value.length + 1) % PIN_COLORS.length];
    pinned.value.push({ row: s.row, col: s.col, lat: s.lat, lon: s.lon, color });
  }

  function unpin(row: number, col: number): void {
    pinned.value = pinned.value.filter((p) => p.row !== row || p.col !== col);
  }

  /** After a run: the inspected pixel's series again (new values). */
  async function refreshAfterRun(): Promise<void> {
    if (series.value) await inspectPixel(series.value.row, series.value.col);
  }

  /** The pixel under the cursor, and the value main reports for it (fetched once per pixel, newest wins). */
  const cursorPixel = computed(() => (cursor.value ? pixelOf(cursor.value[0], cursor.value[1]) : null));
  const cursorValue = shallowRef<{ key: string; v: PixelValue } | null>(null);
  const cursorKey = () => {
    const ref = useLayersStore().active?.ref;
    const p = cursorPixel.value;
    return ref && p ? `${useLayersStore().generation}|${refKey(ref)}|${p[0]}|${p[1]}` : null;
  };
  let busy = false;
  async function fetchCursorValue(): Promise<void> {
    if (busy) return; // the newest pixel is fetched when the current call returns
    const key = cursorKey();
    const ref = useLayersStore().active?.ref;
    const p = cursorPixel.value;
    if (!key || !ref || !p || cursorValue.value?.key === key) return;
    busy = true;
    try {
      const v = await useTilesStore().value(ref, p[0], p[1]);
      cursorValue.value = { key, v };
    } catch {
      cursorValue.value = null;
    } finally {
      busy = false;
    }
    if (cursorKey() !== key) void fetchCursorValue();
  }
  watch(cursorKey, () => void fetchCursorValue());

  /** What the cursor is over: lat/lon, pixel, and the shown layer's value ('no data' / 'masked', never 0). */
  const readout = computed(() => {
    const c = cursor.value;
    if (!c) return '';
    const [lon, lat] = c;
    let text = `${lat.toFixed(5)}°, ${lon.toFixed(5)}°`;
    const layers = useLayersStore();
    const rc = cursorPixel.value;
    if (!layers.active || !rc) return text;
    text += `   row ${rc[0]} col ${rc[1]}   `;
    const cv = cursorValue.value;
    if (!cv || cv.key !== cursorKey()) return text + '…';
    const { value, state } = cv.v;
    const u = layers.units;
    if (state === 'nodata') text += 'no data';
    else if (state === 'masked' && layers.maskOn) text += 'masked';
    else text += `${(value * u.scale).toPrecision(4)} ${u.label}${state === 'masked' ? ' (masked)' : ''}`;
    return text;
  });

  return {
    tool,
    transectPoints,
    series,
    transect,
    pinned,
    cursor,
    readout,
    reset,
    setTool,
    pixelOf,
    inspectPixel,
    inspectLonLat,
    referenceAtPixel,
    addTransectPoint,
    pin,
    unpin,
    refreshAfterRun,
  };
});
