/**
 * The layer list's data layers as map tiles at the zoom in view, coloured in the raster worker with the shared
 * colormap: one MapLibre raster source and layer per entry (its key: 'data', 'data-2', …), in the list's
 * drawing order, each with its own opacity and visibility. A new picture of an entry on the same grid (another
 * date or pair, colours, limits, mask) makes the tiles in view first — raw values come from the cache when
 * only the colours change — while the map keeps the old picture, then swaps them in together: one frame, not
 * one per tile. Opacity, visibility and order are paint and layer-order changes: the tiles stay.
 *
 * Values are fetched ahead of what is drawn: the tiles in view of a layer whose description (and so whose
 * colour limits) main is still working out, and of the dates (or pairs) after the selected entry's in the
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

/** no-data pixels with the mask off: magenta, a colour none of the colour maps uses */
export const NO_DATA_RGBA: [number, number, number, number] = [204, 0, 204, 255];
/** zooms past the grid's native one that still get tiles of their own */
const OVERZOOM = 2;
/** dates fetched ahead at most (fewer when the tiles in view would not fit the tiles store beside them) */
export const AHEAD = 2;

interface Drawn {
  entry: LayerEntry;
  grid: Grid;
  /** display units' scale (m → cm) */
  scale: number;
  /** display reference offset (stores/displayRef): of every layer it applies to */
  offset: number;
}

interface State {
  /** drawing order, bottom first; entries not yet described (no grid) are left out */
  layers: Drawn[];
  maskOn: boolean;
  generation: number;
  /** the selected entry's key and its layer's dates (or pairs) */
  selected: string | null;
  dates: string[] | null;
  /** the layer whose description is on its way (stores/layers) */
  loading: LayerRef | null;
  /** the project's grid (the view's before any layer is described) */
  projectGrid: Grid | null;
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

const bounds = new Map<string, [number, number, number, number]>();
/** The tiles MapLibre shows of a data source on `grid` in the map's current view (map/tiles/coverage). */
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
  const keep = new Set(s.layers.map((d) => d.entry.key));
  for (const id of onMap) if (!keep.has(id)) removeTileLayer(map, id);
  // a layer (re)added goes in under `beforeId`, on top of the others: then the order is set again
  let added = false;
  for (const d of s.layers) {
    const e = d.entry;
    added ||= !map.getLayer(e.key);
    showTileLayer(map, e.key, def(s, d), {
      grid: d.grid,
      overzoom: OVERZOOM,
      beforeId: beforeId(),
      paint: { 'raster-opacity': e.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 },
    });
    // each MapLibre set…Property or moveLayer draws a frame, changed or not (in software WebGL 100–300 ms)
    setPaint(map, e.key, 'raster-opacity', e.opacity);
    setLayout(map, e.key, 'visibility', e.visible ? 'visible' : 'none');
  }
  // the list's order, when it changed (not on every date step): each moved just under the layers above this
  // adapter, bottom first
  const keys = s.layers.map((d) => d.entry.key);
  if (added || keys.join() !== onMap.filter((k) => keep.has(k)).join()) {
    const before = beforeId();
    for (const k of keys) map.moveLayer(k, before);
  }
  onMap = keys;
}

/** What the map shows of the layers (not what is fetched ahead). */
const picture = (s: State) => JSON.stringify([s.layers, s.maskOn, s.generation]);

/** A layer being described: its values in view are fetched meanwhile (its colours wait for its statistics). */
function fetchLoading({ map }: MapContext, s: State, prev: State | null): void {
  const g = s.layers.find((d) => d.entry.key === s.selected)?.grid ?? s.projectGrid;
  if (!s.loading || !g || (prev?.loading && refKey(prev.loading) === refKey(s.loading))) return;
  prefetchValues(s.loading, s.generation, viewTiles(map, g), 'high');
}

/**
 * The dates next to the one shown, fetched after it: the next ones in the direction of the last step, as many
 * as the tiles store holds beside the tiles shown; none when the layer has just been opened (no direction
 * yet: a layer looked at without stepping costs no reading ahead, nor the memory of it).
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
  if (j < 0 || j === i) return [];
  const dir = Math.sign(i - j);
  return Array.from({ length: depth }, (_, k) => i + dir * (k + 1))
    .filter((k) => k >= 0 && k < dates.length)
    .map((k) => dates[k]);
}

function fetchAhead({ map }: MapContext, s: State, prev: State): void {
  const d = s.layers.find((x) => x.entry.key === s.selected);
  const e = d?.entry;
  if (!d || !e?.ref.date || !s.dates) return;
  const p = prev.layers.find((x) => x.entry.key === s.selected)?.entry;
  const sameLayer = !!p && p.id === e.id && p.ref.refDate === e.ref.refDate;
  if (sameLayer && p.ref.date === e.ref.date) return; // only the colours changed
  const tiles = viewTiles(map, d.grid);
  for (const date of datesAhead(s.dates, e.ref.date, sameLayer ? (p.ref.date ?? null) : null, tiles.length))
    prefetchValues({ ...e.ref, date }, s.generation, tiles, 'low');
}

let seq = 0;

async function update(ctx: MapContext, s: State, prev: State): Promise<void> {
  fetchLoading(ctx, s, prev);
  if (picture(s) === picture(prev)) return;
  const my = ++seq;
  const was = new Map(prev.layers.map((d) => [d.entry.key, d]));
  await Promise.all(
    s.layers.map(async (d) => {
      const p = was.get(d.entry.key);
      if (!p || JSON.stringify(d.grid) !== JSON.stringify(p.grid) || !ctx.map.getSource(d.entry.key)) return;
      const next = def(s, d);
      if (JSON.stringify(next) !== JSON.stringify(def(prev, p)))
        await prepareTiles(d.entry.key, next, viewTiles(ctx.map, d.grid));
    }),
  );
  if (my !== seq) return; // a newer change came meanwhile: it draws
  draw(ctx, s);
  fetchAhead(ctx, s, prev);
}

export default defineMapLayer<State>({
  id: 'data',
  order: 20,
  state: () => {
    const l = useLayersStore();
    const dref = useDisplayRefStore();
    const sel = l.active?.key ?? null;
    const layers: Drawn[] = [];
    for (const e of l.entries) {
      const m = l.metas[e.key];
      if (m) layers.push({ entry: e, grid: m.grid, scale: l.unitsOf(e.key).scale, offset: dref.offsetOf(e) });
    }
    return {
      layers,
      maskOn: l.maskOn,
      generation: l.generation,
      selected: sel,
      dates: l.dates,
      loading: l.loading,
      projectGrid: useProjectStore().grid,
    };
  },
  add: (ctx, s) => {
    fetchLoading(ctx, s, null);
    draw(ctx, s);
  },
  update,
  remove: ({ map }) => {
    for (const id of onMap) removeTileLayer(map, id);
    onMap = [];
  },
  layerIds: (map: MlMap) => onMap.filter((id) => map.getLayer(id)),
});
