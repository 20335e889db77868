/**
 * Offline basemap data (no network tiles), made in a worker (workers/basemap.worker.ts) and delivered as
 * blob URLs of GeoJSON for MapLibre's GeoJSON sources. The worker (holding the atlases, ~100 MB) is ended
 * once MapLibre has read the URLs (`release`): blob URLs die with the worker that made them.
 */
let worker: Worker | null = null;

export interface BasemapUrls {
  land: string;
  coast: string;
  states: string;
  counties: string;
}

/** The basemap cut to `bounds` [w, s, e, n] (null: the whole world, coarse, without US lines). */
export function basemapData(bounds: [number, number, number, number] | null): Promise<BasemapUrls> {
  releaseBasemapData();
  const w = (worker = new Worker(new URL('../workers/basemap.worker.ts', import.meta.url), { type: 'module' }));
  return new Promise((ok) => {
    w.onmessage = (e: MessageEvent<BasemapUrls>) => ok(e.data);
    w.postMessage(bounds);
  });
}

/** End the worker (and its blob URLs) once MapLibre holds the data. */
export function releaseBasemapData(): void {
  worker?.terminate();
  worker = null;
}
