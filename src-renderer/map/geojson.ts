/** Small GeoJSON builders and a helper for adapters that draw one GeoJSON source with a few layers. */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { GeoJSONSource, LayerSpecification, Map as MlMap } from 'maplibre-gl';

export function fc(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

export function feature(geometry: Geometry, properties: Record<string, unknown> = {}): Feature {
  return { type: 'Feature', properties, geometry };
}

export function point(lon: number, lat: number, properties: Record<string, unknown> = {}): Feature {
  return feature({ type: 'Point', coordinates: [lon, lat] }, properties);
}

export function ring(corners: [number, number][], properties: Record<string, unknown> = {}): Feature {
  return feature({ type: 'LineString', coordinates: [...corners, corners[0]] }, properties);
}

/** A layer of any type, without its source (distributive: each layer type keeps its own fields). */
type LayerSpec = LayerSpecification extends infer L
  ? L extends { source: string }
    ? Omit<L, 'source'>
    : never
  : never;

/** Add a GeoJSON source `id` and its layers (each gets `source: id`), below `beforeId`. */
export function addGeoJson(
  map: MlMap,
  id: string,
  data: FeatureCollection,
  layers: LayerSpec[],
  beforeId?: string,
): void {
  map.addSource(id, { type: 'geojson', data });
  for (const l of layers) map.addLayer({ ...l, source: id } as LayerSpecification, beforeId);
}

export function setGeoJson(map: MlMap, id: string, data: FeatureCollection): void {
  (map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
}

export function removeGeoJson(map: MlMap, id: string, layerIds: string[]): void {
  for (const l of layerIds) if (map.getLayer(l)) map.removeLayer(l);
  if (map.getSource(id)) map.removeSource(id);
}
