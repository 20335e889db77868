/**
 * The shown data layer as map tiles at the zoom in view, coloured in the raster worker with the shared
 * colormap. A new picture on the same grid (another date or pair, layer, colours, limits, mask) makes the
 * tiles in view first — raw values come from the cache when only the colours change — while the map keeps
 * the old picture, then swaps them in together: one frame, not one per tile. Opacity and visibility are
 * paint changes.
 *
 * Values are fetched ahead of what is drawn: the tiles in view of a layer whose description (and so whose
 * colour limits) main is still working out, and of the dates (or pairs) next to the one shown, in the
 * direction the user steps — so a date step or a layer switch mostly waits for colouring and one frame.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { Grid, LayerRef } from '../../../src-shared/api';
import { gridBoundsLonLat } from '../../../src-core/common/geo/gridCoords';
import { nativeZoom } from '../../../src-core/common/geo/tileSampling';
import { useLayersStore, type LayerEntry } from '../../stores/layers';
import { useDisplayRefStore } from '../../stores/displayRef';
import { useProjectStore } from '../../stores/project';
import { RENDERER_TILE_BYTES, refKey } from '../../stores/tiles';
import { prefetchValues, prepareTiles, type TileSourceDef } from '../tiles/protocol';
import { coveringTiles } from '../tiles/coverage';
import { removeTileLayer, showTileLayer } from '../tiles/tileLayer';
import { defineMapLayer, setLayout, setPaint, type MapContext } from './types';

const ID = 'data';
/** zooms past the grid's native one that still get tiles of their own */
const OVERZOOM = 2;
/** no-data pixels with the mask off: magenta, a colour none of the colour maps uses */
export const NO_DATA_RGBA: [number, number, number, number] = [204, 0, 204, 255];
/** dates fetched ahead at most (fewer when the tiles in view would not fit the tiles store beside them) */
export const AHEAD = 2;

interface State {
  entry: LayerEntry | null;
  grid: Grid | null;
  maskOn: boolean;
  scale: number;
  generation: number;
  /** display reference offset (stores/displayRef): subtracted where the tiles are coloured */
  offset: number;
  /** the layer whose description is on its way (stores/layers) */
  loading: LayerRef | null;
  /** the dates (or pairs) of the shown layer */
  dates: string[] | null;
  /** the project's grid (the view's before any layer is described) */
  projectGrid: Grid | null;
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

const bounds = new Map<string, [number, number, number, number]>();
/** The data source's tiles MapLibre shows in the map's current view of a grid. */
export function viewTiles(map: MlMap, grid: Grid): [number, number, number][] {
  const key = JSON.stringify(grid);
  let b = bounds.get(key);
  if (!b) {
    const g = gridBoundsLonLat(grid);
    if (bounds.size > 16) bounds.clear();
    bounds.set(key, (b = [g.west, g.south, g.east, g.north]));
  }
  const v = map.getBounds();
  return coveringTiles(
    { west: v.getWest(), south: v.getSouth(), east: v.getEast(), north: v.getNorth(), zoom: map.getZoom() },
    b,
    Math.min(22, nativeZoom(grid) + OVERZOOM),
  );
}

function draw({ map, beforeId }: MapContext, s: State): void {
  const e = s.entry;
  if (!e || !s.grid) return removeTileLayer(map, ID);
  showTileLayer(map, ID, def(s, e), {
    grid: s.grid,
    overzoom: OVERZOOM,
    beforeId: beforeId(),
    paint: { 'raster-opacity': e.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 },
  });
  // each MapLibre set…Property draws a frame, changed or not (a frame is 100–300 ms in software WebGL)
  setPaint(map, ID, 'raster-opacity', e.opacity);
  setLayout(map, ID, 'visibility', e.visible ? 'visible' : 'none');
}

/** What the map shows of the layer (not what is fetched ahead). */
const picture = (s: State) => JSON.stringify([s.entry, s.grid, s.maskOn, s.scale, s.generation, s.offset]);

/** A layer being described: its values in view are fetched meanwhile (its colours wait for its statistics). */
function fetchLoading({ map }: MapContext, s: State, prev: State | null): void {
  const g = s.grid ?? s.projectGrid;
  if (!s.loading || !g || (prev?.loading && refKey(prev.loading) === refKey(s.loading))) return;
  prefetchValues(s.loading, s.generation, viewTiles(map, g), 'high');
}

/**
 * The dates next to the one shown, fetched after it: the next ones in the direction of the last step (both
 * neighbours when the layer has just been opened), as many as the tiles store holds beside the tiles shown.
 */
export function datesAhead(
  dates: readonly string[],
  date: string,
  prevDate: string | null,
  tilesInView: number,
): string[] {
  const i = dates.indexOf(date);
  if (i < 0 || !tilesInView) return [];
  const j = prevDate === null ? -1 : dates.indexOf(prevDate);
  // raw values and state bytes of a 256 px tile
  const perDate = tilesInView * 256 * 256 * 5;
  const depth = Math.min(AHEAD, Math.floor(RENDERER_TILE_BYTES / perDate) - 1);
  if (depth < 1) return [];
  const dir = j < 0 || j === i ? 0 : Math.sign(i - j);
  const at = dir === 0 ? [i - 1, i + 1] : Array.from({ length: depth }, (_, k) => i + dir * (k + 1));
  return at.filter((k) => k >= 0 && k < dates.length).map((k) => dates[k]);
}

function fetchAhead({ map }: MapContext, s: State, prev: State): void {
  const e = s.entry;
  if (!e?.ref.date || !s.dates || !s.grid) return;
  const sameLayer = prev.entry?.id === e.id && prev.entry.ref.refDate === e.ref.refDate;
  if (sameLayer && prev.entry!.ref.date === e.ref.date) return; // only the colours changed
  const tiles = viewTiles(map, s.grid);
  for (const d of datesAhead(s.dates, e.ref.date, sameLayer ? prev.entry!.ref.date! : null, tiles.length))
    prefetchValues({ ...e.ref, date: d }, s.generation, tiles, 'low');
}

let seq = 0;

async function update(ctx: MapContext, s: State, prev: State): Promise<void> {
  fetchLoading(ctx, s, prev);
  if (picture(s) === picture(prev)) return;
  const my = ++seq;
  const e = s.entry;
  const sameGrid = JSON.stringify(s.grid) === JSON.stringify(prev.grid);
  if (e && s.grid && prev.entry && sameGrid && ctx.map.getSource(ID)) {
    const next = def(s, e);
    if (JSON.stringify(next) !== JSON.stringify(def(prev, prev.entry)))
      if (!(await prepareTiles(ID, next, viewTiles(ctx.map, s.grid))) || my !== seq) return; // a newer change came meanwhile
  }
  if (my !== seq) return;
  draw(ctx, s);
  fetchAhead(ctx, s, prev);
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
      loading: l.loading,
      dates: l.dates,
      projectGrid: useProjectStore().grid,
    };
  },
  add: (ctx, s) => {
    fetchLoading(ctx, s, null);
    draw(ctx, s);
  },
  update,
  remove: ({ map }) => removeTileLayer(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
