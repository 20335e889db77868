/**
 * Puts the map-layer adapters on a map in their order and keeps each in step with its store: `add` with the
 * current state, `update` on every change of it (the previous state beside it); a store change that leaves an
 * adapter's state as it was does not reach it (MapLibre draws a frame for any change of a source or layer). Returns the
 * function that stops the watchers and removes every adapter's sources and layers.
 */
import { watch } from 'vue';
import type { Map as MlMap } from 'maplibre-gl';
import type { MapContext, MapLayerAdapter } from './layers/types';

/**
 * Whether two states of an adapter are the same: plain objects and arrays compared field by field, anything
 * else (numbers, strings, typed arrays, class instances) by identity — typed arrays are never walked.
 */
export function sameState(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameState(x, b[i]));
  }
  const plain = (o: object) => Object.getPrototypeOf(o) === Object.prototype;
  if (Array.isArray(b) || !plain(a) || !plain(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && sameState((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

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
        // a store change the adapter's state does not see (another field, the same values again): nothing to draw
        if (sameState(s, prev)) return;
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
