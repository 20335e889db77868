/// <reference lib="webworker" />
/**
 * The offline basemap made off the main thread: land and coastlines (world-atlas), US state and county
 * lines (us-atlas) turned into GeoJSON with topojson-client, handed back as blob URLs that MapLibre's own
 * worker fetches and parses (the main thread never holds the ~5 MB of GeoJSON).
 */
import { feature, mesh } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';

type Topo = Topology<Record<string, GeometryObject>>;
const url = (g: unknown) => URL.createObjectURL(new Blob([JSON.stringify(g)], { type: 'application/json' }));

self.onmessage = async (e: MessageEvent<'base' | 'counties'>) => {
  if (e.data === 'base') {
    const [land, states] = await Promise.all([
      import('world-atlas/land-50m.json').then((m) => m.default as unknown as Topo),
      import('us-atlas/states-10m.json').then((m) => m.default as unknown as Topo),
    ]);
    (self as unknown as Worker).postMessage({
      land: url(feature(land, land.objects.land)),
      coast: url(mesh(land, land.objects.land)),
      states: url(mesh(states, states.objects.states, (a, b) => a !== b)),
    });
  } else {
    const t = (await import('us-atlas/counties-10m.json')).default as unknown as Topo;
    (self as unknown as Worker).postMessage({ counties: url(mesh(t, t.objects.counties, (a, b) => a !== b)) });
  }
};
