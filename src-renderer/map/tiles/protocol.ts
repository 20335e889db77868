/**
 * The `insar://` tile protocol MapLibre's raster sources load from: `insar://<source>/<z>/<x>/<y>?k=<key>`.
 * Each source registers what it draws (`setTileSource`): a data layer (raw tiles from main, coloured in the
 * raster worker with the shared colormap) or a hillshade (height tiles with a 1-pixel border, shaded in the
 * worker). The key changes with anything that changes the picture, so MapLibre reloads only the tiles in
 * view, keeping the old ones on screen until the new ones arrive.
 */
import * as maplibregl from 'maplibre-gl';
import type { LayerRef } from '../../../src-shared/api';
import { runTask, startWorker } from '../../workers/rasterClient';
import type { TileDisplay } from '../../workers/messages';
import { useTilesStore, type TilePriority } from '../../stores/tiles';
import { useLayersStore } from '../../stores/layers';

export type TileSourceDef =
  | { kind: 'data'; ref: LayerRef; display: TileDisplay; generation: number }
  | { kind: 'hillshade'; ref: LayerRef; generation: number };

const sources = new Map<string, TileSourceDef>();
/** the tiles MapLibre asked for under each source's current key: the ones in view (and a few near) */
const asked = new Map<string, { key: string; tiles: Set<string> }>();
const loaded = { count: 0 };

/** What `source` draws from now on, and the key its tile URLs carry. */
export function setTileSource(source: string, def: TileSourceDef): string {
  sources.set(source, def);
  return JSON.stringify(def);
}

export function removeTileSource(source: string): void {
  sources.delete(source);
}

/** The tiles (z, x, y) MapLibre last asked a source for: what is in view. */
export function tilesInView(source: string): [number, number, number][] {
  return [...(asked.get(source)?.tiles ?? [])].map((t) => t.split('/').map(Number) as [number, number, number]);
}

/** The tile URL template of a source for a key. */
export function tileUrl(source: string, key: string): string {
  return `insar://${source}/{z}/{x}/{y}?k=${encodeURIComponent(key)}`;
}

/** Tiles delivered so far (the measuring script and tests watch it). */
export function tilesLoaded(): number {
  return loaded.count;
}

/** Size of a tile pixel on the ground at a tile's latitude, m (Web Mercator). */
function tilePixelMeters(z: number, y: number): number {
  const n = 2 ** z;
  const lat = Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / n)));
  return (40075016.686 * Math.cos(lat)) / (256 * n);
}

/** The picture of one tile of a source (null: the tile misses the grid). */
async function renderTile(def: TileSourceDef, z: number, x: number, y: number): Promise<ImageBitmap | null> {
  // a picture of the files before the last project change or run (MapLibre may still ask for it until the
  // adapter has replaced it): nothing to draw, and nothing to ask main (its paths mean another project now)
  if (def.generation !== useLayersStore().generation) return null;
  const tiles = useTilesStore();
  if (def.kind === 'data') {
    // an outline needs each tile's neighbours across its border: a 1-pixel padding
    const t = await tiles.tile(def.ref, z, x, y, def.display.outline ? 1 : 0);
    if (!t) return null;
    const { bitmap } = await runTask('colorTile', {
      ...def.display,
      values: t.values.slice(),
      flags: t.flags.slice(),
      n: t.n,
      pad: t.pad,
    });
    return bitmap;
  }
  const t = await tiles.tile(def.ref, z, x, y, 1, 'low');
  if (!t) return null;
  // heights sampled at tile pixel centres: the gradient is over tile pixels (the source stops at the DEM's
  // native zoom, where a tile pixel is about a DEM pixel; MapLibre upscales beyond)
  const px = tilePixelMeters(z, y);
  const { bitmap } = await runTask('hillshadeTile', {
    heights: t.values.slice(),
    n: t.n,
    pad: t.pad,
    dx: px,
    dy: px,
    azimuthDeg: 315,
    altitudeDeg: 45,
  });
  return bitmap;
}

/** Pictures made ahead for a source's next key (`prepareTiles`), taken by the first request for them. */
const ready = new Map<string, { key: string; tiles: Map<string, ImageBitmap | null> }>();

/**
 * Make the tiles in view of `source` for a new picture (`def`) before MapLibre asks for them: the map keeps
 * the old picture meanwhile, then the new key's requests are answered at once and drawn in one frame.
 * `tiles`: the tiles in view (map/tiles/coverage), by default those MapLibre asked for under the current key.
 * Resolves false when a newer preparation for the source started meanwhile.
 */
export async function prepareTiles(
  source: string,
  def: TileSourceDef,
  tiles: [number, number, number][] = tilesInView(source),
): Promise<boolean> {
  const key = JSON.stringify(def);
  const old = ready.get(source);
  if (old) for (const b of old.tiles.values()) b?.close();
  const mine = { key, tiles: new Map<string, ImageBitmap | null>() };
  ready.set(source, mine);
  await Promise.all(
    tiles.map(async ([z, x, y]) => {
      const b = await renderTile(def, z, x, y).catch(() => undefined);
      if (b === undefined) return; // failed: MapLibre's own request will say why
      if (ready.get(source) === mine) mine.tiles.set(`${z}/${x}/${y}`, b);
      else b?.close();
    }),
  );
  return ready.get(source) === mine;
}

/**
 * Fetch the values of a layer's tiles into the tiles store's cache without colouring them: the layer whose
 * description (and so whose colours) is on its way, the dates next to the one shown. 'low': after every
 * tile the map is waiting for.
 */
export function prefetchValues(
  ref: LayerRef,
  generation: number,
  tiles: [number, number, number][],
  priority: TilePriority,
): void {
  if (generation !== useLayersStore().generation) return;
  const store = useTilesStore();
  for (const [z, x, y] of tiles) void store.tile(ref, z, x, y, 0, priority).catch(() => undefined);
}

/** The picture of one tile URL (exported for tests; MapLibre calls it through the protocol). */
export async function loadTile(url: string): Promise<ImageBitmap | null> {
  const m = /^insar:\/\/([\w-]+)\/(\d+)\/(\d+)\/(\d+)/.exec(url);
  if (!m) throw new Error(`not an insar tile URL: ${url}`);
  const def = sources.get(m[1]);
  if (!def) return null;
  const [z, x, y] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const key = decodeURIComponent(/[?&]k=([^&]*)/.exec(url)?.[1] ?? '');
  let a = asked.get(m[1]);
  if (!a || a.key !== key) asked.set(m[1], (a = { key, tiles: new Set() }));
  a.tiles.add(`${z}/${x}/${y}`);
  const pre = ready.get(m[1]);
  if (pre && pre.key === key && pre.tiles.has(`${z}/${x}/${y}`)) {
    const b = pre.tiles.get(`${z}/${x}/${y}`)!;
    pre.tiles.delete(`${z}/${x}/${y}`);
    return b;
  }
  return renderTile(def, z, x, y);
}

/**
 * Tiles requested together are handed to MapLibre together: each delivered tile makes MapLibre draw a frame,
 * and a frame is not free (in software WebGL, as in headless Chromium here, 100–500 ms), so the tiles of
 * one date step, colour change or pan are held until the last one of the group is ready (at most
 * BATCH_WAIT_MS after the first) and then drawn in one frame.
 */
const BATCH_WAIT_MS = 250;
const batch = { inFlight: 0, ready: [] as (() => void)[], timer: 0 as ReturnType<typeof setTimeout> | 0 };

function release(): void {
  if (batch.timer) clearTimeout(batch.timer);
  batch.timer = 0;
  const r = batch.ready.splice(0);
  for (const f of r) f();
}

async function batched<T>(work: () => Promise<T>): Promise<T> {
  batch.inFlight++;
  let out: T;
  try {
    out = await work();
  } finally {
    batch.inFlight--;
  }
  await new Promise<void>((ok) => {
    batch.ready.push(ok);
    if (batch.inFlight === 0) release();
    else if (!batch.timer) batch.timer = setTimeout(release, BATCH_WAIT_MS);
  });
  return out;
}

let registered = false;
/** Register the protocol with MapLibre (once). */
export function registerTileProtocol(): void {
  if (registered) return;
  registered = true;
  // every tile in view requested at once, so that they arrive (and are drawn) together
  maplibregl.setMaxParallelImageRequests(64);
  startWorker(); // loaded while the app asks main for the project, not when the first tile arrives
  maplibregl.addProtocol('insar', async (params) => {
    const bitmap = await batched(() => loadTile(params.url));
    loaded.count++;
    // MapLibre uploads the picture to a texture as soon as it has it; its pixels are then only memory
    // outside the JS heap that the garbage collector does not hurry to free
    if (bitmap) setTimeout(() => bitmap.close(), 1000);
    return { data: bitmap ?? new ArrayBuffer(0) };
  });
}
