/**
 * Offline basemap data: land and coastlines (world-atlas), US state and county lines (us-atlas), turned
 * into GeoJSON with topojson-client. No network tiles; counties load lazily (a separate chunk).
 */
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryObject } from 'topojson-specification';

type Topo = Topology<Record<string, GeometryObject>>;

export async function basemapData(): Promise<{
  land: GeoJSON.GeoJSON;
  states: GeoJSON.GeoJSON;
  coast: GeoJSON.GeoJSON;
}> {
  const [landTopo, statesTopo] = await Promise.all([
    import('world-atlas/land-50m.json').then((m) => m.default as unknown as Topo),
    import('us-atlas/states-10m.json').then((m) => m.default as unknown as Topo),
  ]);
  return {
    land: feature(landTopo, landTopo.objects.land) as GeoJSON.GeoJSON,
    coast: mesh(landTopo, landTopo.objects.land) as GeoJSON.GeoJSON,
    states: mesh(statesTopo, statesTopo.objects.states, (a, b) => a !== b) as GeoJSON.GeoJSON,
  };
}

export async function countiesData(): Promise<GeoJSON.GeoJSON> {
  const t = (await import('us-atlas/counties-10m.json')).default as unknown as Topo;
  return mesh(t, t.objects.counties, (a, b) => a !== b) as GeoJSON.GeoJSON;
}
