/** The DEM hillshade under the data: height tiles (with a 1-pixel border) shaded in the raster worker. */
import type { Grid, LayerRef } from '../../../src-shared/api';
import { useLayersStore } from '../../stores/layers';
import { useProjectStore } from '../../stores/project';
import { removeTileLayer, showTileLayer } from '../tiles/tileLayer';
import { defineMapLayer, setLayout, type MapContext } from './types';

const ID = 'hillshade';

interface State {
  ref: LayerRef | null;
  grid: Grid | null;
  visible: boolean;
  generation: number;
}

function draw({ map, beforeId }: MapContext, s: State): void {
  if (!s.ref || !s.grid) return removeTileLayer(map, ID);
  showTileLayer(
    map,
    ID,
    { kind: 'hillshade', ref: s.ref, generation: s.generation },
    {
      grid: s.grid,
      overzoom: 0,
      beforeId: beforeId(),
      paint: { 'raster-opacity': 0.55, 'raster-resampling': 'linear', 'raster-fade-duration': 0 },
    },
  );
  setLayout(map, ID, 'visibility', s.visible ? 'visible' : 'none');
}

export default defineMapLayer<State>({
  id: ID,
  order: 10,
  state: () => {
    const l = useLayersStore();
    // after the project's own layer (its tiles first)
    return {
      ref: l.contextMayLoad ? l.heightRef : null,
      grid: useProjectStore().grid,
      visible: l.hillshade,
      generation: l.generation,
    };
  },
  add: draw,
  update: draw,
  remove: ({ map }) => removeTileLayer(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
