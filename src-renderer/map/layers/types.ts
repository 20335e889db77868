/**
 * A map-layer adapter: one kind of thing on the map (basemap, hillshade, data raster, markers, …) in one
 * file. It reads the state it draws from its store (`state()`, called inside a watcher, so it is reactive)
 * and owns its MapLibre sources and layers: `add` once the map is loaded, `update` when its state changes,
 * `remove` when the map goes. MapView.vue only composes them, in `order`.
 */
import type { Map as MlMap } from 'maplibre-gl';

export interface MapContext {
  map: MlMap;
  /** the first MapLibre layer drawn above this adapter's (insert new layers before it), if any */
  beforeId(): string | undefined;
}

export interface MapLayerAdapter<S = unknown> {
  id: string;
  /** drawing order, ascending (basemap first) */
  order: number;
  /** what it draws; a new object on each call */
  state(): S;
  add(ctx: MapContext, s: S): void | Promise<void>;
  update(ctx: MapContext, s: S, prev: S): void | Promise<void>;
  remove(ctx: MapContext): void;
  /** the MapLibre layer ids it has added so far (used to keep the drawing order) */
  layerIds(map: MlMap): string[];
}

export function defineMapLayer<S>(a: MapLayerAdapter<S>): MapLayerAdapter<S> {
  return a;
}

/** The ids of `ids` that are on the map now. */
export function present(map: MlMap, ids: string[]): string[] {
  return ids.filter((id) => map.getLayer(id));
}

/**
 * Set a paint / layout property only when it differs: MapLibre draws a new frame on every call, changed or
 * not, and a frame is not free (100–300 ms of the page's main thread in software WebGL).
 */
type PaintName = Parameters<MlMap['setPaintProperty']>[1];
type LayoutName = Parameters<MlMap['setLayoutProperty']>[1];

export function setPaint(
  map: MlMap,
  id: string,
  name: PaintName,
  value: Parameters<MlMap['setPaintProperty']>[2],
): void {
  if (JSON.stringify(map.getPaintProperty(id, name)) !== JSON.stringify(value)) map.setPaintProperty(id, name, value);
}

export function setLayout(
  map: MlMap,
  id: string,
  name: LayoutName,
  value: Parameters<MlMap['setLayoutProperty']>[2],
): void {
  // an unset visibility is MapLibre's default, 'visible'
  const now = map.getLayoutProperty(id, name) ?? (name === 'visibility' ? 'visible' : undefined);
  if (JSON.stringify(now) !== JSON.stringify(value)) map.setLayoutProperty(id, name, value);
}
