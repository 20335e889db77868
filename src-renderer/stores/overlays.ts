/** The user's own vector data on the map (GeoJSON files today), each with a name, colour and visibility. */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { FeatureCollection } from 'geojson';
import { useUiStore } from './ui';

export interface Overlay {
  id: string;
  name: string;
  color: string;
  visible: boolean;
  /** markRaw: never walked by Vue */
  data: FeatureCollection;
}

const COLORS = ['#e6550d', '#756bb1', '#31a354', '#de2d26', '#3182bd'];

/** A GeoJSON text as a FeatureCollection (a lone Feature or geometry is wrapped), or an error naming what is wrong. */
export function parseGeoJson(text: string): FeatureCollection {
  let g: { type?: unknown; features?: unknown; geometry?: unknown };
  try {
    g = JSON.parse(text) as typeof g;
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  if (g?.type === 'FeatureCollection' && Array.isArray(g.features)) return g as FeatureCollection;
  if (g?.type === 'Feature') return { type: 'FeatureCollection', features: [g as FeatureCollection['features'][0]] };
  const geometries = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];
  if (typeof g?.type === 'string' && geometries.includes(g.type))
    return {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: g as FeatureCollection['features'][0]['geometry'] }],
    };
  throw new Error(
    `not GeoJSON: "type" is ${JSON.stringify(g?.type)}, expected a FeatureCollection, Feature or geometry`,
  );
}

export const useOverlaysStore = defineStore('overlays', () => {
  const list = ref<Overlay[]>([]);
  let n = 0;

  function add(name: string, text: string): Overlay | null {
    try {
      const data = markRaw(parseGeoJson(text));
      const o: Overlay = { id: `overlay-${++n}`, name, color: COLORS[(n - 1) % COLORS.length], visible: true, data };
      list.value.push(o);
      return o;
    } catch (e) {
      useUiStore().toast(`${name}: ${(e as Error).message}`);
      return null;
    }
  }

  function remove(id: string): void {
    list.value = list.value.filter((o) => o.id !== id);
  }

  function setVisible(id: string, visible: boolean): void {
    const o = list.value.find((x) => x.id === id);
    if (o) o.visible = visible;
  }

  return { list, add, remove, setVisible };
});
