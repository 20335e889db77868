/**
 * The shown data layer as map tiles at the zoom in view, coloured in the raster worker with the shared
 * colormap. A new picture on the same grid (another date or pair, layer, colours, limits, mask) makes the
 * tiles in view first — raw values come from the cache when only the colours change — while the map keeps
 * the old picture, then swaps them in together: one frame, not one per tile. Opacity and visibility are
 * paint changes.
 */
import type { Grid } from '../../../src-shared/api';
import { useLayersStore, type LayerEntry } from '../../stores/layers';
import { useDisplayRefStore } from '../../stores/displayRef';
import { prepareTiles, type TileSourceDef } from '../tiles/protocol';
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
  /** display reference offset (stores/displayRef): subtracted where the tiles are coloured */
  offset: number;
}

function def(s: State, e: LayerEntry): TileSourceDef {
  return {
    kind: 'data',
    ref: e.ref,
    generation: s.generation,
    display: {
      cmap: e.cmap,
      vmin: e.vmin,
      vmax: e.vmax,
      scale: s.scale,
      offset: s.offset,
      maskOn: s.maskOn,
      noDataRgba: NO_DATA_RGBA,
    },
  };
}

function draw({ map, beforeId }: MapContext, s: State): void {
  const e = s.entry;
  if (!e || !s.grid) return removeTileLayer(map, ID);
  showTileLayer(map, ID, def(s, e), {
    grid: s.grid,
    overzoom: 2,
    beforeId: beforeId(),
    paint: { 'raster-opacity': e.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 },
  });
  map.setPaintProperty(ID, 'raster-opacity', e.opacity);
  map.setLayoutProperty(ID, 'visibility', e.visible ? 'visible' : 'none');
}

let seq = 0;

async function update(ctx: MapContext, s: State, prev: State): Promise<void> {
  const my = ++seq;
  const e = s.entry;
  const sameGrid = JSON.stringify(s.grid) === JSON.stringify(prev.grid);
  if (e && s.grid && prev.entry && sameGrid && ctx.map.getSource(ID)) {
    const next = def(s, e);
    if (JSON.stringify(next) !== JSON.stringify(def(prev, prev.entry)))
      if (!(await prepareTiles(ID, next)) || my !== seq) return; // a newer change came meanwhile
  }
  if (my === seq) draw(ctx, s);
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
      offset: useDisplayRefStore().offset,
    };
  },
  add: draw,
  update,
  remove: ({ map }) => removeTileLayer(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
