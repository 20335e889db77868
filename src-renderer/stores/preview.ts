/**
 * The edit preview: after an edit (a pair excluded or restored, undo/redo, the reference point moved) main
 * re-inverts the pixels in view with the same core functions as the full run and sends back their velocity
 * (api.previewVelocity); it is drawn over the map, marked as a preview, until a run finishes and the full
 * result replaces it. The view is the map's bounds in the stack's pixels, the budget its size on screen.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import { lonLatToPixel } from '../../src-core/common/geo/gridCoords';
import { PREVIEW_REQUEST_MAX } from '../../src-core/common/preview/previewGrid';
import type { PreviewData } from '../../src-shared/api';
import { api } from '../api/client';
import { useMapViewStore } from './mapView';
import { useProjectStore } from './project';
import { useRunStore } from './run';

export const usePreviewStore = defineStore('preview', () => {
  const data = shallowRef<PreviewData | null>(null);
  /** why there is no preview (not ready, not supported, …) */
  const message = ref<string | null>(null);
  const busy = ref(false);
  let seq = 0;

  function clear(): void {
    seq++;
    data.value = null;
    message.value = null;
    busy.value = false;
  }

  /** The view as stack rows/cols and the pixels it covers on screen (null: whole grid, 1000 × 700 px). */
  function view(): { win: { row0: number; row1: number; col0: number; col1: number }; pixels: number } | null {
    const g = useProjectStore().grid;
    if (!g) return null;
    const m = useMapViewStore().map;
    if (!m) return { win: { row0: 0, row1: g.length, col0: 0, col1: g.width }, pixels: 700_000 };
    const b = m.getBounds();
    const corners = [
      lonLatToPixel(g, b.getWest(), b.getNorth()),
      lonLatToPixel(g, b.getEast(), b.getNorth()),
      lonLatToPixel(g, b.getWest(), b.getSouth()),
      lonLatToPixel(g, b.getEast(), b.getSouth()),
    ];
    const rows = corners.map((c) => c[0]);
    const cols = corners.map((c) => c[1]);
    const c = m.getCanvas();
    return {
      win: { row0: Math.min(...rows), row1: Math.max(...rows), col0: Math.min(...cols), col1: Math.max(...cols) },
      pixels: Math.max(10_000, c.clientWidth * c.clientHeight),
    };
  }

  /** Ask main for the preview of the current view with the current edits (latest request wins). */
  async function request(): Promise<void> {
    // nothing to compare with before a first run (the run store hears of a run's end before project info does)
    if (!useProjectStore().info?.lastRun && !useRunStore().lastRun) return;
    const v = view();
    if (!v) return;
    const my = ++seq;
    busy.value = true;
    try {
      const r = await api.previewVelocity(v.win, Math.min(v.pixels, PREVIEW_REQUEST_MAX));
      if (my !== seq) return;
      if (r.ok) {
        data.value = markRaw(r.preview);
        message.value = null;
      } else {
        data.value = null;
        message.value = r.reason;
      }
    } catch (e) {
      if (my === seq) message.value = `Preview failed: ${(e as Error).message}`;
    } finally {
      if (my === seq) busy.value = false;
    }
  }

  return { data, message, busy, clear, request };
});
