/**
 * Puts the map-layer adapters on a map in their order and keeps each in step with its store: `add` with the
 * current state, `update` on every change (a new state object, the previous one beside it). Returns the
 * function that stops the watchers and removes every adapter's sources and layers.
 */
import { watch } from 'vue';
import type { Map as MlMap } from 'maplibre-gl';
import type { MapContext, MapLayerAdapter } from './layers/types';

export function composeLayers(map: MlMap, adapters: readonly MapLayerAdapter[]): () => void {
  /** the first MapLibre layer of the adapters drawn above `order` (new layers go below it) */
  const beforeOf = (order: number): string | undefined => {
    for (const a of adapters) if (a.order > order) for (const id of a.layerIds(map)) return id;
    return undefined;
  };
  const stops = adapters.map((a) => {
    const ctx: MapContext = { map, beforeId: () => beforeOf(a.order) };
    let prev = a.state();
    void a.add(ctx, prev);
    return watch(
      () => a.state(),
      (s) => {
        const p = prev;
        prev = s;
        void a.update(ctx, s, p);
      },
    );
  });
  return () => {
    stops.forEach((s) => s());
    for (const a of adapters) a.remove({ map, beforeId: () => undefined });
  };
}
