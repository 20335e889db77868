/**
 * The shown data layer as map tiles at the zoom in view, coloured in the raster worker with the shared
 * colormap. Colours, limits and the mask re-colour the tiles in view (their values stay cached); a date
 * step fetches the new date's tiles in view; opacity and visibility are paint changes.
 */
import type { Grid } from '../../../src-shared/api';
import { useLayersStore, type LayerEntry } from '../../stores/layers';
import { removeTileLayer, showTileLayer } from '../tiles/tileLayer';
import { defineMapLayer, type MapContext } from './types';

const ID = 'data';
/** no-data pixels with the mask off: magenta, a colour none of the colour maps uses */
export const NO_DATA_RGBA: [number, number, number, number] = [204, 0, 204, 255];

interface State {
  entry: LayerEntry | null;
  grid: Grid | null;
  maskOn: boolean;
  scale: number;
  generation: number;
}

function draw({ map, beforeId }: MapContext, s: State): void {
  const e = s.entry;
  if (!e || !s.grid) return removeTileLayer(map, ID);
  showTileLayer(
    map,
    ID,
    {
      kind: 'data',
      ref: e.ref,
      generation: s.generation,
      display: { cmap: e.cmap, vmin: e.vmin, vmax: e.vmax, scale: s.scale, maskOn: s.maskOn, noDataRgba: NO_DATA_RGBA },
    },
    {
      grid: s.grid,
      overzoom: 2,
      beforeId: beforeId(),
      paint: { 'raster-opacity': e.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 },
    },
  );
  map.setPaintProperty(ID, 'raster-opacity', e.opacity);
  map.setLayoutProperty(ID, 'visibility', e.visible ? 'visible' : 'none');
}

export default defineMapLayer<State>({
  id: ID,
  order: 20,
  state: () => {
    const l = useLayersStore();
    return {
      entry: l.active,
      grid: l.meta?.grid ?? null,
      maskOn: l.maskOn,
      scale: l.units.scale,
      generation: l.generation,
    };
  },
  add: draw,
  update: draw,
  remove: ({ map }) => removeTileLayer(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
