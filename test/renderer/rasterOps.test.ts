import { describe, expect, test } from 'vitest';
import {
  OUTLINE_CASING_RGBA,
  colorImageRgba,
  colorTileRgba,
  hillshadeTileRgba,
} from '../../src-renderer/workers/rasterOps';
import type { HillshadeTileParams } from '../../src-renderer/workers/messages';
import { displayUnits } from '../../src-renderer/units';
import { applyColormap, getColormap } from '../../src-core/common/colormap/index';

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

/** The hillshade of a 7 × 5 grid as a tile: the grid with a 1-pixel border that repeats its edge. */
function hillshadeRgba(
  p: { height: Float32Array; width: number; length: number } & Omit<HillshadeTileParams, 'heights' | 'n' | 'pad'>,
) {
  const n = Math.max(p.width, p.length) + 2;
  const h = new Float32Array(n * n).fill(NaN);
  for (let r = -1; r <= p.length; r++)
    for (let c = -1; c <= p.width; c++) {
      const rr = Math.min(p.length - 1, Math.max(0, r));
      const cc = Math.min(p.width - 1, Math.max(0, c));
      h[(r + 1) * n + c + 1] = p.height[rr * p.width + cc];
    }
  const out = hillshadeTileRgba({ ...p, heights: h, n, pad: 1 });
  // back to the 7 × 5 layout the expectations use
  const size = n - 2;
  const back = new Uint8ClampedArray(p.width * p.length * 4);
  for (let r = 0; r < p.length; r++) back.set(out.subarray(4 * r * size, 4 * (r * size + p.width)), 4 * r * p.width);
  return back;
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
  test('no data stays transparent', () => {
    const z = new Float32Array(35).fill(5);
    z[10] = NaN;
    const out = hillshadeRgba({ ...base, height: z });
    expect(out[4 * 10 + 3]).toBe(0);
    expect(out[4 * 11 + 3]).toBe(255);
  });
});

describe('colour a tile', () => {
  const lut = getColormap('RdBu_r').lut;
  const n = lut.length / 3;
  const first = [lut[0], lut[1], lut[2], 255];
  const last = [lut[3 * (n - 1)], lut[3 * (n - 1) + 1], lut[3 * (n - 1) + 2], 255];
  const tile = (maskOn: boolean) =>
    colorTileRgba({
      // a 4 × 4 tile with a 1-pixel border: the inner 2 × 2 is coloured
      values: Float32Array.from({ length: 16 }, (_, i) => [-0.02, 0.02, 0, 0.01][[5, 6, 9, 10].indexOf(i)] ?? 9),
      flags: Uint8Array.from({ length: 16 }, (_, i) => (i === 9 ? 1 : i === 10 ? 2 : 0)),
      n: 4,
      pad: 1,
      cmap: 'RdBu_r',
      vmin: -2,
      vmax: 2,
      scale: 100,
      maskOn,
      noDataRgba: [204, 0, 204, 255],
    });
  test('values in display units at the ends of the colormap; the border is not drawn', () => {
    const out = tile(true);
    expect(out.length).toBe(2 * 2 * 4);
    expect(Array.from(out.slice(0, 4))).toEqual(first);
    expect(Array.from(out.slice(4, 8))).toEqual(last);
  });
  test('mask on: no data and masked transparent — even where the stored value is 0', () => {
    const out = tile(true);
    expect(out[4 * 2 + 3]).toBe(0);
    expect(out[4 * 3 + 3]).toBe(0);
  });
  test('mask off: no data in the no-data colour, masked pixels by value', () => {
    const out = tile(false);
    expect(Array.from(out.slice(8, 12))).toEqual([204, 0, 204, 255]);
    const mid = getColormap('RdBu_r');
    const i = Math.floor(((1 + 2) / 4) * mid.n);
    expect(Array.from(out.slice(12, 16))).toEqual([lut[3 * i], lut[3 * i + 1], lut[3 * i + 2], 255]);
  });
});

describe('colorTileRgba outline (a mask over another layer)', () => {
  /**
   * A 6 × 6 mask tile with a 1-pixel border (the inner 4 × 4 is drawn; inner (i, j) is padded (i + 1, j + 1)):
   * ones at padded rows 0–3, columns 2–4 — a block that goes on across the tile's top border — zeros around.
   */
  const n = 6;
  const params = {
    values: Float32Array.from({ length: n * n }, (_, i) =>
      Math.floor(i / n) <= 3 && i % n >= 2 && i % n <= 4 ? 1 : 0,
    ),
    flags: new Uint8Array(n * n),
    n,
    pad: 1,
    cmap: 'viridis',
    vmin: 0,
    vmax: 1,
    scale: 1,
    maskOn: true,
    noDataRgba: [204, 0, 204, 255] as [number, number, number, number],
  };
  /** the inner 4 × 4 as rows of characters: 'e' the fill's colour, 'c' the casing, '.' transparent */
  const fillTile = colorTileRgba(params);
  const picture = (out: Uint8ClampedArray) =>
    Array.from({ length: 4 }, (_, r) =>
      Array.from({ length: 4 }, (_, c) => {
        const px = Array.from(out.subarray(4 * (r * 4 + c), 4 * (r * 4 + c) + 4));
        if (px[3] === 0) return '.';
        if (px.join() === OUTLINE_CASING_RGBA.join()) return 'c';
        expect(px).toEqual(Array.from(fillTile.subarray(4 * (r * 4 + c), 4 * (r * 4 + c) + 4)));
        return 'e';
      }).join(''),
    );
  test('the edge of the non-zero pixels in their colour, cased outside; no edge where the block goes on past the border', () => {
    expect(fillTile.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    expect(picture(colorTileRgba({ ...params, outline: true }))).toEqual(['ce.e', 'ce.e', 'ceee', '.ccc']);
  });
  test('no data is outside: with the mask on, the edge runs around it', () => {
    const flags = new Uint8Array(n * n);
    flags[2 * n + 3] = 1; // padded (2, 3), inside the block, has no data
    expect(picture(colorTileRgba({ ...params, flags, outline: true }))).toEqual(['ceee', 'cece', 'ceee', '.ccc']);
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

describe('colorImageRgba (the edit preview)', () => {
  test('values × scale through the colormap, NaN transparent, ends clipped', () => {
    const values = Float32Array.from([-0.02, 0, 0.01, NaN, 0.05, -1]);
    const out = colorImageRgba({ values, width: 3, height: 2, cmap: 'RdBu_r', vmin: -2, vmax: 2, scale: 100 });
    const cm = getColormap('RdBu_r');
    const expectOf = (cmValue: number) => {
      const one = new Uint8Array(4);
      applyColormap([cmValue], cm, -2, 2, one);
      return Array.from(one);
    };
    expect(Array.from(out.subarray(0, 4))).toEqual(expectOf(-2));
    expect(Array.from(out.subarray(4, 8))).toEqual(expectOf(0));
    expect(Array.from(out.subarray(8, 12))).toEqual(expectOf(1));
    expect(out[15]).toBe(0); // NaN: transparent
    expect(Array.from(out.subarray(16, 20))).toEqual(expectOf(2)); // 5 cm/yr clipped at vmax
    expect(Array.from(out.subarray(20, 24))).toEqual(expectOf(-2));
    expect(out[19]).toBe(255);
    expect(() => colorImageRgba({ values, width: 2, height: 2, cmap: 'RdBu_r', vmin: 0, vmax: 1, scale: 1 })).toThrow(
      /6 values for 2 × 2/,
    );
  });
});
