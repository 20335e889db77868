import { describe, expect, test } from 'vitest';
import { colorizeRgba, hillshadeRgba } from '../../src-renderer/workers/rasterOps';
import { displayUnits } from '../../src-renderer/units';
import { getColormap } from '../../src-core/common/colormap/index';

/** GDAL-style hillshade of a plane, computed independently from its normal and the sun vector (east, north, up). */
function planeShade(dzdEast: number, dzdNorth: number, azDeg: number, altDeg: number): number {
  const n = [-dzdEast, -dzdNorth, 1];
  const len = Math.hypot(...n);
  const az = (azDeg * Math.PI) / 180;
  const alt = (altDeg * Math.PI) / 180;
  const L = [Math.sin(az) * Math.cos(alt), Math.cos(az) * Math.cos(alt), Math.sin(alt)];
  return Math.max(0, Math.round((255 * (n[0] * L[0] + n[1] * L[1] + n[2] * L[2])) / len));
}

function plane(w: number, h: number, f: (r: number, c: number) => number): Float32Array {
  return Float32Array.from({ length: w * h }, (_, i) => f(Math.floor(i / w), i % w));
}

describe('hillshade', () => {
  const base = { width: 7, length: 5, dx: 30, dy: 30, azimuthDeg: 315, altitudeDeg: 45 };
  test('flat ground: 255·cos(zenith) everywhere', () => {
    const out = hillshadeRgba({ ...base, height: new Float32Array(35).fill(100) });
    expect(out[0]).toBe(Math.round(255 * Math.cos(Math.PI / 4)));
    expect(out[4 * 17]).toBe(180);
    expect(out[4 * 17 + 3]).toBe(255);
  });
  test('planes facing west (lit) and south (shaded) under a north-west sun match the normal·sun formula', () => {
    // z rises to the east by 1 m per metre: the slope faces west
    const west = hillshadeRgba({ ...base, height: plane(7, 5, (_r, c) => c * 30) });
    expect(west[4 * 17]).toBe(planeShade(1, 0, 315, 45));
    expect(west[4 * 17]).toBe(218);
    // z rises to the north (rows run southward): the slope faces south
    const south = hillshadeRgba({ ...base, height: plane(7, 5, (r) => -r * 30 * 0.5) });
    expect(south[4 * 17]).toBe(planeShade(0, 0.5, 315, 45));
    expect(south[4 * 17]).toBeLessThan(180);
  });
  test('no-data stays transparent', () => {
    const z = new Float32Array(35).fill(5);
    z[10] = NaN;
    const out = hillshadeRgba({ ...base, height: z });
    expect(out[4 * 10 + 3]).toBe(0);
    expect(out[4 * 11 + 3]).toBe(255);
  });
});

describe('colorize', () => {
  test('scale to display units, mask and NaN transparent, ends of the colormap at the limits', () => {
    const values = Float32Array.from([-0.02, 0, 0.02, NaN, 0.01]);
    const mask = Uint8Array.from([1, 1, 1, 1, 0]);
    const out = colorizeRgba({ values, width: 5, height: 1, cmap: 'RdBu_r', vmin: -2, vmax: 2, scale: 100, mask });
    const lut = getColormap('RdBu_r').lut;
    const n = lut.length / 3;
    expect(Array.from(out.slice(0, 4))).toEqual([lut[0], lut[1], lut[2], 255]);
    expect(Array.from(out.slice(8, 12))).toEqual([lut[3 * (n - 1)], lut[3 * (n - 1) + 1], lut[3 * (n - 1) + 2], 255]);
    expect(out[4 * 3 + 3]).toBe(0);
    expect(out[4 * 4 + 3]).toBe(0);
  });
});

describe('units', () => {
  test("MintPy's rule: velocity in cm/yr, displacement in cm; a DEM in m, angles in degrees", () => {
    expect(displayUnits('m/year', 'velocity')).toEqual({ label: 'cm/yr', scale: 100 });
    expect(displayUnits('m', 'timeseries')).toEqual({ label: 'cm', scale: 100 });
    expect(displayUnits('m', 'geometry')).toEqual({ label: 'm', scale: 1 });
    expect(displayUnits('m', 'dem')).toEqual({ label: 'm', scale: 1 });
    expect(displayUnits('degree', 'geometry')).toEqual({ label: 'degree', scale: 1 });
    expect(displayUnits('radian', 'ifgramStack')).toEqual({ label: 'radian', scale: 1 });
    expect(displayUnits('1', 'temporalCoherence')).toEqual({ label: '', scale: 1 });
  });
});
