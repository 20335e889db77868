/**
 * Offline basemap: land and coastlines (world-atlas), US state and county lines (us-atlas), turned into
 * GeoJSON with topojson-client. No network tiles; counties load lazily (a separate chunk).
 */
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryObject } from 'topojson-specification';
import type { StyleSpecification } from 'maplibre-gl';

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

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: EMPTY },
      coast: { type: 'geojson', data: EMPTY },
      states: { type: 'geojson', data: EMPTY },
      counties: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#c9dbe9' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#eeebe3' } },
      {
        id: 'counties',
        type: 'line',
        source: 'counties',
        minzoom: 5,
        paint: { 'line-color': '#b9b4a8', 'line-width': 0.6 },
      },
      { id: 'states', type: 'line', source: 'states', paint: { 'line-color': '#8a8478', 'line-width': 1.2 } },
      { id: 'coast', type: 'line', source: 'coast', paint: { 'line-color': '#6f8ca3', 'line-width': 1 } },
    ],
  };
}
