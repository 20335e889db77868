/**
 * Raster tiles and pixel values from main, for the map's tile protocol and the cursor readout. Tiles are
 * kept (values and state bytes, not colours) in a cache bounded in bytes, so a colour-limit change or a mask
 * toggle re-colours the visible tiles without asking main again; requests for the same tile share one call.
 * Nothing here is reactive: tiles never enter Vue's state.
 */
import { defineStore } from 'pinia';
import type { LayerRef, LayerTile, PixelValue } from '../../src-shared/api';
import { ByteLru } from '../../src-core/common/util/byteLru';
import { api } from '../api/client';

/** Bytes of raw tiles the renderer keeps (about 200 tiles of 256 × 256). */
export const RENDERER_TILE_BYTES = 64 * 1024 * 1024;

type Cached = LayerTile & { byteLength: number };

export const refKey = (r: LayerRef) => `${r.file}:${r.dataset}:${r.date ?? ''}`;

export const useTilesStore = defineStore('tiles', () => {
  const cache = new ByteLru<Cached>(RENDERER_TILE_BYTES);
  const empty = new Set<string>();
  const inflight = new Map<string, Promise<LayerTile | null>>();
  /** bumped when main's files change (a run): older tiles are never served again */
  let generation = 0;

  async function tile(ref: LayerRef, z: number, x: number, y: number, pad = 0): Promise<LayerTile | null> {
    const key = `${generation}/${refKey(ref)}/${z}/${x}/${y}/${pad}`;
    const hit = cache.get(key);
    if (hit) return hit;
    if (empty.has(key)) return null;
    let p = inflight.get(key);
    if (!p) {
      const gen = generation;
      p = api.layerTile(ref, z, x, y, pad).then((t) => {
        inflight.delete(key);
        if (gen === generation) {
          if (t) cache.set(key, { ...t, byteLength: t.values.byteLength + t.flags.byteLength });
          else empty.add(key);
        }
        return t;
      });
      p.catch(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p;
  }

  function value(ref: LayerRef, row: number, col: number): Promise<PixelValue> {
    return api.layerValue(ref, row, col);
  }

  /** Forget every tile (the files changed). */
  function clear(): void {
    generation++;
    cache.clear();
    empty.clear();
    inflight.clear();
  }

  return { tile, value, clear, cachedBytes: () => cache.bytes };
});
