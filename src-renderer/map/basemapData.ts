/**
 * Offline basemap data (no network tiles), made in a worker (workers/basemap.worker.ts) and delivered as
 * blob URLs of GeoJSON for MapLibre's GeoJSON sources: land, coastlines, US states; counties on request.
 */
let worker: Worker | null = null;

function ask<T>(what: 'base' | 'counties'): Promise<T> {
  worker ??= new Worker(new URL('../workers/basemap.worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  return new Promise((ok) => {
    const on = (e: MessageEvent<T>) => {
      if (what in (e.data as object) || (what === 'base' && 'land' in (e.data as object))) {
        w.removeEventListener('message', on);
        ok(e.data);
      }
    };
    w.addEventListener('message', on);
    w.postMessage(what);
  });
}

export function basemapData(): Promise<{ land: string; coast: string; states: string }> {
  return ask('base');
}

export async function countiesData(): Promise<string> {
  return (await ask<{ counties: string }>('counties')).counties;
}
