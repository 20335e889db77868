/**
 * The map view: the MapLibre map instance (markRaw, set by MapView.vue) and what the user does to the view
 * itself (zoom to the data). Kept apart from the data stores so they never touch MapLibre.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Map as MlMap } from 'maplibre-gl';
import { gridBoundsLonLat } from '../../src-core/common/geo/gridCoords';
import type { Grid } from '../../src-shared/api';
import { useLayersStore } from './layers';
import { useProjectStore } from './project';

export const useMapViewStore = defineStore('mapView', () => {
  const map = shallowRef<MlMap | null>(null);

  function attach(m: MlMap | null): void {
    map.value = m;
  }

  /** Fit the view to a grid (default: the shown layer's, else the project's). */
  function zoomToData(grid?: Grid | null): void {
    const g = grid ?? useLayersStore().meta?.grid ?? useProjectStore().grid;
    if (!map.value || !g) return;
    const { west: w, south: s, east: e, north: n } = gridBoundsLonLat(g);
    map.value.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 40, duration: 0 },
    );
  }

  return { map, attach, zoomToData };
});
