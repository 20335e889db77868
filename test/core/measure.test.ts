/**
 * The map's measuring tool (src-core/common/geo/measure.ts) against GeographicLib's geodesics on WGS84
 * (values from pyproj's Geod(ellps='WGS84'): inv, line_length, polygon_area_perimeter), and Vincenty's own
 * Flinders Peak – Buninyong test line.
 */
import { describe, expect, test } from 'vitest';
import {
  AUTHALIC_RADIUS,
  formatArea,
  formatLength,
  geodesicDistance,
  lineLength,
  polygonArea,
  polygonPerimeter,
} from '../../src-core/common/geo/measure';

const dms = (d: number, m: number, s: number) => Math.sign(d) * (Math.abs(d) + m / 60 + s / 3600);

describe('lengths on WGS84 (Vincenty)', () => {
  test('Flinders Peak – Buninyong: 54 972.271 m (Vincenty 1975; GeographicLib 54 972.27114 m)', () => {
    const d = geodesicDistance(
      [dms(-37, 57, 3.7203), dms(144, 25, 29.5244)],
      [dms(-37, 39, 10.1561), dms(143, 55, 35.3839)],
    );
    console.log(`Flinders Peak – Buninyong: ${d.toFixed(5)} m (GeographicLib 54972.27114 m)`);
    expect(Math.abs(d - 54972.27113920079)).toBeLessThan(1e-3);
  });
  test('along a parallel in the San Joaquin Valley, and a polyline', () => {
    expect(Math.abs(geodesicDistance([36.33, -119.65], [36.33, -119.29]) - 32323.139321087045)).toBeLessThan(1e-3);
    const line: [number, number][] = [
      [36.1, -119.65],
      [36.2, -119.5],
      [36.33, -119.29],
    ];
    expect(Math.abs(lineLength(line) - 41226.961480262384)).toBeLessThan(2e-3);
    expect(geodesicDistance([36, -119], [36, -119])).toBe(0);
    expect(lineLength([[36, -119]])).toBe(0);
  });
});

describe('areas on WGS84 (authalic sphere)', () => {
  test('the authalic radius is 6 371 007.18 m', () => {
    expect(AUTHALIC_RADIUS).toBeCloseTo(6371007.1809, 3);
  });
  test('a 1° × 1° cell at the equator and a 0.4° box at 36° N, either orientation, ≤ 1e-6 relative (measured 1.7e-7, 1.3e-8)', () => {
    const cell: [number, number][] = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ];
    const box: [number, number][] = [
      [36, -119.7],
      [36, -119.3],
      [36.4, -119.3],
      [36.4, -119.7],
    ];
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    const a1 = polygonArea(cell);
    const a2 = polygonArea(box);
    console.log(
      `1°×1° cell ${(a1 / 1e6).toFixed(3)} km² (GeographicLib 12308.778), box ${(a2 / 1e6).toFixed(3)} km² (1596.714); rel ${rel(a1, 12308778361.469452).toExponential(1)}, ${rel(a2, 1596713950.0823975).toExponential(1)}`,
    );
    expect(rel(a1, 12308778361.469452)).toBeLessThan(1e-6);
    expect(rel(a2, 1596713950.0823975)).toBeLessThan(1e-6);
    expect(polygonArea([...box].reverse())).toBeCloseTo(a2, 3);
    expect(polygonArea(box.slice(0, 2))).toBe(0);
    expect(Math.abs(polygonPerimeter(box) - lineLength([...box, box[0]]))).toBe(0);
  });
  test('the numbers as the tool prints them', () => {
    expect(formatLength(850.4)).toBe('850 m');
    expect(formatLength(32323.14)).toBe('32.32 km');
    expect(formatArea(5400)).toBe('5400 m²');
    expect(formatArea(235_000)).toBe('0.2350 km² (23.5 ha)');
    expect(formatArea(1596713950)).toBe('1596.7 km²');
    expect(formatArea(12_345_678)).toBe('12.346 km²');
  });
});
