/**
 * The `insar://` tile protocol MapLibre's raster sources load from: `insar://<source>/<z>/<x>/<y>?k=<key>`.
 * Each source registers what it draws (`setTileSource`): a data layer (raw tiles from main, coloured in the
 * raster worker with the shared colormap) or a hillshade (height tiles with a 1-pixel border, shaded in the
 * worker). The key changes with anything that changes the picture, so MapLibre reloads only the tiles in
 * view, keeping the old ones on screen until the new ones arrive.
 */
import * as maplibregl from 'maplibre-gl';
import type { LayerRef } from '../../../src-shared/api';
import { runTask } from '../../workers/rasterClient';
import type { TileDisplay } from '../../workers/messages';
import { useTilesStore } from '../../stores/tiles';

export type TileSourceDef =
  | { kind: 'data'; ref: LayerRef; display: TileDisplay; generation: number }
  | { kind: 'hillshade'; ref: LayerRef; generation: number };

const sources = new Map<string, TileSourceDef>();
const loaded = { count: 0 };

/** What `source` draws from now on, and the key its tile URLs carry. */
export function setTileSource(source: string, def: TileSourceDef): string {
  sources.set(source, def);
  return JSON.stringify(def);
}

export function removeTileSource(source: string): void {
  sources.delete(source);
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

/** The picture of one tile URL (exported for tests; MapLibre calls it through the protocol). */
export async function loadTile(url: string): Promise<ImageBitmap | null> {
  const m = /^insar:\/\/([\w-]+)\/(\d+)\/(\d+)\/(\d+)/.exec(url);
  if (!m) throw new Error(`not an insar tile URL: ${url}`);
  const def = sources.get(m[1]);
  if (!def) return null;
  const [z, x, y] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const tiles = useTilesStore();
  if (def.kind === 'data') {
    const t = await tiles.tile(def.ref, z, x, y, 0);
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
  const t = await tiles.tile(def.ref, z, x, y, 1);
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

let registered = false;
/** Register the protocol with MapLibre (once). */
export function registerTileProtocol(): void {
  if (registered) return;
  registered = true;
  maplibregl.addProtocol('insar', async (params) => {
    const bitmap = await loadTile(params.url);
    loaded.count++;
    return { data: bitmap ?? new ArrayBuffer(0) };
  });
}
