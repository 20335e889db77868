/**
 * Polygons drawn on the map (the Area tool) or typed as lat/lon vertices, each with its mean time series and
 * spread — computed on the main side by src-core (readRegionSeries), never here — drawn in the pixel chart in
 * the polygon's colour. The series follow the reference date (main references each pixel before averaging)
 * and are read again after a run.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { RegionSeries } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useDisplayRefStore } from './displayRef';

export interface Region {
  id: number;
  /** 'Area 1', 'Area 2', … */
  label: string;
  color: string;
  /** [lat, lon] vertices */
  polygon: [number, number][];
  series: RegionSeries;
}

/** Polygon colours (distinct from the pinned pixels' and from the display reference's orange). */
export const REGION_COLORS = ['#8c2d04', '#006d2c', '#54278f', '#08519c', '#b30000', '#636363'];

/**
 * Vertices typed as text: "lat lon; lat lon; lat lon" (commas or spaces between the numbers, ';' or new lines
 * between vertices). Throws with what is wrong.
 */
export function parseVertices(text: string): [number, number][] {
  const parts = text
    .split(/[;\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out = parts.map((p, k) => {
    const n = p.split(/[\s,]+/).map(Number);
    if (n.length !== 2 || !n.every(Number.isFinite)) throw new Error(`vertex ${k + 1} ("${p}") is not "lat lon"`);
    if (Math.abs(n[0]) > 90 || Math.abs(n[1]) > 360) throw new Error(`vertex ${k + 1} ("${p}") is not a lat/lon`);
    return [n[0], n[1]] as [number, number];
  });
  if (out.length < 3) throw new Error(`a polygon needs at least 3 vertices (got ${out.length})`);
  return out;
}

export const useRegionsStore = defineStore('regions', () => {
  /** the polygon being drawn ([lat, lon] vertices) */
  const drawing = ref<[number, number][]>([]);
  const list = shallowRef<Region[]>([]);
  let nextId = 1;

  function reset(): void {
    drawing.value = [];
    list.value = [];
    nextId = 1;
  }

  function addVertex(lat: number, lon: number): void {
    drawing.value = [...drawing.value, [lat, lon]];
  }

  function cancelDrawing(): void {
    drawing.value = [];
  }

  async function fetchSeries(polygon: [number, number][]): Promise<RegionSeries | undefined> {
    const refDate = useDisplayRefStore().refDate ?? undefined;
    return useUiStore().guarded(() => api.regionSeries(polygon, refDate), 'The polygon mean');
  }

  /** A polygon's mean series added to the chart (and the map); false when main refused it (a toast says why). */
  async function add(polygon: [number, number][]): Promise<boolean> {
    const s = await fetchSeries(polygon);
    if (!s) return false;
    const id = nextId++;
    const color = REGION_COLORS[(id - 1) % REGION_COLORS.length];
    list.value = [...list.value, { id, label: `Area ${id}`, color, polygon, series: markRaw(s) }];
    return true;
  }

  /** The polygon being drawn, closed (≥ 3 vertices). */
  async function finish(): Promise<boolean> {
    const p = drawing.value;
    if (p.length < 3) {
      useUiStore().toast(`A polygon needs at least 3 vertices (${p.length} so far)`, 'info');
      return false;
    }
    drawing.value = [];
    return add(p);
  }

  /** The keyboard path: vertices typed as text. */
  async function addFromText(text: string): Promise<boolean> {
    let p: [number, number][];
    try {
      p = parseVertices(text);
    } catch (e) {
      useUiStore().toast(`Polygon: ${(e as Error).message}`);
      return false;
    }
    return add(p);
  }

  function remove(id: number): void {
    list.value = list.value.filter((r) => r.id !== id);
  }

  /** Every polygon's series again (another reference date, a new run). */
  async function refresh(): Promise<void> {
    const out: Region[] = [];
    for (const r of list.value) {
      const s = await fetchSeries(r.polygon);
      if (s) out.push({ ...r, series: markRaw(s) });
    }
    list.value = out;
  }

  return { drawing, list, reset, addVertex, cancelDrawing, add, finish, addFromText, remove, refresh };
});
