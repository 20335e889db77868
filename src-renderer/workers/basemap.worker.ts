/// <reference lib="webworker" />
/**
 * The offline basemap made off the main thread: land and coastlines (world-atlas), US state and county
 * lines (us-atlas) turned into GeoJSON with topojson-client, cut to the area around the project (the whole
 * world's 50m coastline and every US county would cost MapLibre's worker ~170 MB), and handed back as blob
 * URLs that MapLibre's own worker fetches and parses. Ended once MapLibre has read them.
 */
import { feature, mesh } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import { clipGeometry, type Box } from '../../src-core/common/geo/clipRect';

type Topo = Topology<Record<string, GeometryObject>>;
const url = (g: unknown) => URL.createObjectURL(new Blob([JSON.stringify(g)], { type: 'application/json' }));
const WORLD: Box = [-180, -85, 180, 85];

function clipped(g: GeoJSON.Geometry | GeoJSON.Feature | GeoJSON.FeatureCollection, b: Box): GeoJSON.FeatureCollection {
  const geoms: GeoJSON.Geometry[] =
    g.type === 'FeatureCollection' ? g.features.map((f) => f.geometry) : g.type === 'Feature' ? [g.geometry] : [g];
  const features = geoms
    .map((x) => (b === WORLD ? x : clipGeometry(x, b)))
    .filter((x): x is GeoJSON.Geometry => x !== null)
    .map((geometry) => ({ type: 'Feature' as const, properties: {}, geometry }));
  return { type: 'FeatureCollection', features };
}

/** bounds: the area to keep (null: the world at 1:110M, no US lines) */
self.onmessage = async (e: MessageEvent<Box | null>) => {
  const b = e.data;
  if (!b) {
    const land = (await import('world-atlas/land-110m.json')).default as unknown as Topo;
    (self as unknown as Worker).postMessage({
      land: url(feature(land, land.objects.land)),
      coast: url(mesh(land, land.objects.land)),
      states: url({ type: 'FeatureCollection', features: [] }),
      counties: url({ type: 'FeatureCollection', features: [] }),
    });
    return;
  }
  const [land, states, counties] = await Promise.all([
    import('world-atlas/land-50m.json').then((m) => m.default as unknown as Topo),
    import('us-atlas/states-10m.json').then((m) => m.default as unknown as Topo),
    import('us-atlas/counties-10m.json').then((m) => m.default as unknown as Topo),
  ]);
  (self as unknown as Worker).postMessage({
    land: url(clipped(feature(land, land.objects.land), b)),
    coast: url(clipped(mesh(land, land.objects.land), b)),
    states: url(
      clipped(
        mesh(states, states.objects.states, (x, y) => x !== y),
        b,
      ),
    ),
    counties: url(
      clipped(
        mesh(counties, counties.objects.counties, (x, y) => x !== y),
        b,
      ),
    ),
  });
};
