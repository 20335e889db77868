/**
 * The user's own vector data on the map — GeoJSON, KML/KMZ, GPX, shapefiles (map/vectorImport.ts) — each with a
 * name, colour and visibility.
 */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { FeatureCollection } from 'geojson';
import { useUiStore } from './ui';
import { parseGeoJson, readVectorFiles, type VectorFile } from '../map/vectorImport';

export { parseGeoJson };

export interface Overlay {
  id: string;
  name: string;
  color: string;
  visible: boolean;
  /** markRaw: never walked by Vue */
  data: FeatureCollection;
}

const COLORS = ['#e6550d', '#756bb1', '#31a354', '#de2d26', '#3182bd'];

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

  /** Every layer in the chosen files (a shapefile's parts together); a file that cannot be read is named in a toast. */
  async function addFiles(files: VectorFile[]): Promise<Overlay[]> {
    try {
      const layers = await readVectorFiles(files);
      return layers.map((l) => {
        const o: Overlay = {
          id: `overlay-${++n}`,
          name: l.name,
          color: COLORS[(n - 1) % COLORS.length],
          visible: true,
          data: markRaw(l.data),
        };
        list.value.push(o);
        return o;
      });
    } catch (e) {
      useUiStore().toast((e as Error).message);
      return [];
    }
  }

  function remove(id: string): void {
    list.value = list.value.filter((o) => o.id !== id);
  }

  function setVisible(id: string, visible: boolean): void {
    const o = list.value.find((x) => x.id === id);
    if (o) o.visible = visible;
  }

  return { list, add, addFiles, remove, setVisible };
});
