/**
 * The layer list's data layers as map tiles at the zoom in view, coloured in the raster worker with the shared
 * colormap: one MapLibre raster source and layer per entry (its key: 'data', 'data-2', …), in the list's
 * drawing order, each with its own opacity and visibility. A new picture of an entry on the same grid (another
 * date or pair, colours, limits, mask) makes the tiles in view first — raw values come from the cache when
 * only the colours change — while the map keeps the old picture, then swaps them in together: one frame, not
 * one per tile. Opacity, visibility and order are paint and layer-order changes: the tiles stay.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { Grid } from '../../../src-shared/api';
import { useLayersStore, type LayerEntry } from '../../stores/layers';
import { useDisplayRefStore } from '../../stores/displayRef';
import { prepareTiles, type TileSourceDef } from '../tiles/protocol';
import { removeTileLayer, showTileLayer } from '../tiles/tileLayer';
import { defineMapLayer, type MapContext } from './types';

/** no-data pixels with the mask off: magenta, a colour none of the colour maps uses */
export const NO_DATA_RGBA: [number, number, number, number] = [204, 0, 204, 255];

interface Drawn {
  entry: LayerEntry;
  grid: Grid;
  /** display units' scale (m → cm) */
  scale: number;
  /** display reference offset (stores/displayRef): the selected layer's only */
  offset: number;
}

interface State {
  /** drawing order, bottom first; entries not yet described (no grid) are left out */
  layers: Drawn[];
  maskOn: boolean;
  generation: number;
}

/** the MapLibre layers this adapter has on the map, in drawing order */
let onMap: string[] = [];

function def(s: State, d: Drawn): TileSourceDef {
  const e = d.entry;
  return {
    kind: 'data',
    ref: e.ref,
    generation: s.generation,
    display: {
      cmap: e.cmap,
      vmin: e.vmin,
      vmax: e.vmax,
      scale: d.scale,
      offset: d.offset,
      maskOn: s.maskOn,
      noDataRgba: NO_DATA_RGBA,
      ...(e.style === 'outline' ? { outline: true } : {}),
    },
  };
}

function draw({ map, beforeId }: MapContext, s: State): void {
  const keep = new Set(s.layers.map((d) => d.entry.key));
  for (const id of onMap) if (!keep.has(id)) removeTileLayer(map, id);
  for (const d of s.layers) {
    const e = d.entry;
    showTileLayer(map, e.key, def(s, d), {
      grid: d.grid,
      overzoom: 2,
      beforeId: beforeId(),
      paint: { 'raster-opacity': e.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 },
    });
    map.setPaintProperty(e.key, 'raster-opacity', e.opacity);
    map.setLayoutProperty(e.key, 'visibility', e.visible ? 'visible' : 'none');
  }
  // the list's order: each moved just under the layers above this adapter, bottom first
  const before = beforeId();
  for (const d of s.layers) map.moveLayer(d.entry.key, before);
  onMap = s.layers.map((d) => d.entry.key);
}

let seq = 0;

async function update(ctx: MapContext, s: State, prev: State): Promise<void> {
  const my = ++seq;
  const was = new Map(prev.layers.map((d) => [d.entry.key, d]));
  await Promise.all(
    s.layers.map(async (d) => {
      const p = was.get(d.entry.key);
      if (!p || JSON.stringify(d.grid) !== JSON.stringify(p.grid) || !ctx.map.getSource(d.entry.key)) return;
      const next = def(s, d);
      if (JSON.stringify(next) !== JSON.stringify(def(prev, p))) await prepareTiles(d.entry.key, next);
    }),
  );
  if (my === seq) draw(ctx, s); // else a newer change came meanwhile: it draws
}

export default defineMapLayer<State>({
  id: 'data',
  order: 20,
  state: () => {
    const l = useLayersStore();
    const dref = useDisplayRefStore();
    const sel = l.active?.key;
    const layers: Drawn[] = [];
    for (const e of l.entries) {
      const m = l.metas[e.key];
      if (m)
        layers.push({ entry: e, grid: m.grid, scale: l.unitsOf(e.key).scale, offset: e.key === sel ? dref.offset : 0 });
    }
    return { layers, maskOn: l.maskOn, generation: l.generation };
  },
  add: draw,
  update,
  remove: ({ map }) => {
    for (const id of onMap) removeTileLayer(map, id);
    onMap = [];
  },
  layerIds: (map: MlMap) => onMap.filter((id) => map.getLayer(id)),
});
