/**
 * Looking at the data: the map tool (pixel, transect, area, reference, display reference), the inspected
 * pixel's time series, the pinned pixels, and the cursor readout (transects: stores/transects.ts). Pixels are chosen by a click or typed in (lat/lon
 * or row/col): both paths end in the same actions.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { PixelSeries, PixelValue } from '../../src-shared/api';
import { latLonToRowColGeo, rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useLayersStore } from './layers';
import { useProjectStore } from './project';
import { useNetworkStore } from './network';
import { useDisplayRefStore } from './displayRef';
import { useRegionsStore } from './regions';
import { useTransectsStore } from './transects';
import { applyOffset } from '../../src-core/common/derived/displayReference';
import { refKey, useTilesStore } from './tiles';

export type MapTool = 'pixel' | 'transect' | 'reference' | 'displayref' | 'polygon' | 'measure';

/** A pixel kept on the map and in the chart, in its own colour (the same on both). */
export interface PinnedPixel {
  row: number;
  col: number;
  lat: number;
  lon: number;
  color: string;
  /** its time series (as read when pinned; read again after a run) */
  series: PixelSeries;
}

/** Marker colours of pinned pixels, in order (Tableau 10: distinct, readable on light and dark maps). */
export const PIN_COLORS = ['#ffd400', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export const useInspectStore = defineStore('inspect', () => {
  const tool = ref<MapTool>('pixel');
  const series = shallowRef<PixelSeries | null>(null);
  const pinned = ref<PinnedPixel[]>([]);
  /** lon/lat under the cursor (null when it is off the map) */
  const cursor = ref<[number, number] | null>(null);

  const grid = computed(() => useLayersStore().meta?.grid ?? useProjectStore().grid);

  function reset(): void {
    series.value = null;
    pinned.value = [];
  }

  function setTool(t: MapTool): void {
    if (t !== 'polygon') useRegionsStore().cancelDrawing();
    tool.value = t;
    if (t !== 'transect') useTransectsStore().pending = null;
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

  /** Keep the inspected pixel on the map (a distinct colour each). */
  function pin(): void {
    const s = series.value;
    if (!s || pinned.value.some((p) => p.row === s.row && p.col === s.col)) return;
    // the next colour not in use (the inspected pixel keeps the first)
    const used = new Set(pinned.value.map((p) => p.color));
    const color = PIN_COLORS.slice(1).find((c) => !used.has(c)) ?? PIN_COLORS[1 + (pinned.value.length % 7)];
    pinned.value.push({ row: s.row, col: s.col, lat: s.lat, lon: s.lon, color, series: markRaw(s) });
  }

  function unpin(row: number, col: number): void {
    pinned.value = pinned.value.filter((p) => p.row !== row || p.col !== col);
  }

  /** After a run: the inspected pixel's series again (new values). */
  async function refreshAfterRun(): Promise<void> {
    await useDisplayRefStore().refreshAfterRun();
    if (series.value) await inspectPixel(series.value.row, series.value.col);
    const fresh: PinnedPixel[] = [];
    for (const p of pinned.value) {
      const s = await useUiStore().guarded(() => api.pixelSeries(p.row, p.col), 'Reading a pinned pixel');
      if (s) fresh.push({ ...p, series: markRaw(s) });
    }
    pinned.value = fresh;
    await useRegionsStore().refresh();
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
    const { state } = cv.v;
    // the value as shown: minus the display reference pixel's offset (src-core applyOffset, as the map colours it)
    const value = applyOffset(cv.v.value, useDisplayRefStore().offset);
    const u = layers.units;
    if (state === 'nodata') text += 'no data';
    else if (state === 'masked' && layers.maskOn) text += 'masked';
    else text += `${(value * u.scale).toPrecision(4)} ${u.label}${state === 'masked' ? ' (masked)' : ''}`;
    return text;
  });

  return {
    tool,
    series,
    pinned,
    cursor,
    readout,
    reset,
    setTool,
    pixelOf,
    inspectPixel,
    inspectLonLat,
    referenceAtPixel,
    pin,
    unpin,
    refreshAfterRun,
  };
});
