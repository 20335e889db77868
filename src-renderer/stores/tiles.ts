/**
 * Raster tiles and pixel values from main, for the map's tile protocol and the cursor readout. Tiles are
 * kept (values and state bytes, not colours) in a cache bounded in bytes, so a colour-limit change or a mask
 * toggle re-colours the visible tiles without asking main again; requests for the same tile share one call.
 * The tiles asked for in one task go to main in one call per layer (one HTTP request instead of one per
 * tile: browsers open 6 connections per host), and low-priority ones (the hillshade) wait until no data
 * tiles are on their way. Nothing here is reactive: tiles never enter Vue's state.
 */
import { defineStore } from 'pinia';
import type { LayerRef, LayerTile, PixelValue } from '../../src-shared/api';
import { ByteLru } from '../../src-core/common/util/byteLru';
import { api } from '../api/client';

/** Bytes of raw tiles the renderer keeps (about 75 tiles of 256 × 256: a screen shows 6–30). */
export const RENDERER_TILE_BYTES = 24 * 1024 * 1024;
/** tiles in one call to main (a call of 16 tiles is a ~5 MB body) */
const BATCH = 16;

type Cached = LayerTile & { byteLength: number };
export type TilePriority = 'high' | 'low';

interface Pending {
  ref: LayerRef;
  pad: number;
  tiles: [number, number, number][];
  done: ((t: LayerTile | null) => void)[];
  fail: ((e: unknown) => void)[];
}

export const refKey = (r: LayerRef) => `${r.file}:${r.dataset}:${r.date ?? ''}:${r.refDate ?? ''}`;

export const useTilesStore = defineStore('tiles', () => {
  const cache = new ByteLru<Cached>(RENDERER_TILE_BYTES);
  const empty = new Set<string>();
  const inflight = new Map<string, Promise<LayerTile | null>>();
  const queued: Record<TilePriority, Map<string, Pending>> = { high: new Map(), low: new Map() };
  let highCalls = 0;
  let flushing: ReturnType<typeof setTimeout> | 0 = 0;
  /** bumped when main's files change (a run): older tiles are never served again */
  let generation = 0;
  /** while another project opens, nothing is sent: main would read the new project's files for the old paths */
  let held = false;

  function send(p: Pending, priority: TilePriority): void {
    for (let i = 0; i < p.tiles.length; i += BATCH) {
      const tiles = p.tiles.slice(i, i + BATCH);
      const done = p.done.slice(i, i + BATCH);
      const fail = p.fail.slice(i, i + BATCH);
      if (priority === 'high') highCalls++;
      api
        .layerTiles(p.ref, tiles, p.pad)
        .then(
          (ts) => ts.forEach((t, k) => done[k](t)),
          (e) => fail.forEach((f) => f(e)),
        )
        .finally(() => {
          if (priority === 'high' && --highCalls === 0) flush();
        });
    }
  }

  function flush(): void {
    flushing = 0;
    if (held) return;
    for (const [k, p] of queued.high) {
      queued.high.delete(k);
      send(p, 'high');
    }
    if (highCalls > 0) return; // the hillshade waits for the data
    for (const [k, p] of queued.low) {
      queued.low.delete(k);
      send(p, 'low');
    }
  }

  function tile(
    ref: LayerRef,
    z: number,
    x: number,
    y: number,
    pad = 0,
    priority: TilePriority = 'high',
  ): Promise<LayerTile | null> {
    const key = `${generation}/${refKey(ref)}/${z}/${x}/${y}/${pad}`;
    const hit = cache.get(key);
    if (hit) return Promise.resolve(hit);
    if (empty.has(key)) return Promise.resolve(null);
    let p = inflight.get(key);
    if (p) {
      if (priority === 'high') promote(`${refKey(ref)}/${pad}`, z, x, y);
      return p;
    }
    const gen = generation;
    p = new Promise<LayerTile | null>((ok, fail) => {
      const g = `${refKey(ref)}/${pad}`;
      let q = queued[priority].get(g);
      if (!q) queued[priority].set(g, (q = { ref, pad, tiles: [], done: [], fail: [] }));
      q.tiles.push([z, x, y]);
      q.done.push(ok);
      q.fail.push(fail);
      if (!flushing) flushing = setTimeout(flush, 0);
    }).then((t) => {
      inflight.delete(key);
      if (gen === generation) {
        if (t) cache.set(key, { ...t, byteLength: t.values.byteLength + t.flags.byteLength });
        else empty.add(key);
      }
      return t;
    });
    p.catch(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  /** A tile fetched ahead (low) that the map now waits for goes with the next high-priority call. */
  function promote(g: string, z: number, x: number, y: number): void {
    const low = queued.low.get(g);
    const i = low ? low.tiles.findIndex((t) => t[0] === z && t[1] === x && t[2] === y) : -1;
    if (!low || i < 0) return;
    let high = queued.high.get(g);
    if (!high) queued.high.set(g, (high = { ref: low.ref, pad: low.pad, tiles: [], done: [], fail: [] }));
    high.tiles.push(...low.tiles.splice(i, 1));
    high.done.push(...low.done.splice(i, 1));
    high.fail.push(...low.fail.splice(i, 1));
    if (!low.tiles.length) queued.low.delete(g);
    if (!flushing) flushing = setTimeout(flush, 0);
  }

  function value(ref: LayerRef, row: number, col: number): Promise<PixelValue> {
    return api.layerValue(ref, row, col);
  }

  /** Forget every tile (the files changed); tiles asked for and not yet sent are answered empty. */
  function clear(): void {
    generation++;
    cache.clear();
    empty.clear();
    inflight.clear();
    held = false;
    for (const q of Object.values(queued)) {
      for (const p of q.values()) p.done.forEach((d) => d(null));
      q.clear();
    }
  }

  /** Send nothing until `clear` (another project is there) or `resume` (it stayed). */
  function hold(): void {
    held = true;
  }

  function resume(): void {
    held = false;
    flush();
  }

  return { tile, value, clear, hold, resume, cachedBytes: () => cache.bytes };
});
