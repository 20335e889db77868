/**
 * Colour maps against matplotlib 3.6.3 / MintPy 1.5.1 (expected bytes in __data__/colormap-mpl.json,
 * made by __data__/colormap-mpl.py with Debian's /usr/bin/python3).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyColormap, getColormap, resampleColormap, valueToHex, valueToRgba } from '../../src-core/common/colormap';

interface Expected {
  vmin: number;
  vmax: number;
  values: (number | null)[];
  maps: Record<string, number[][]>;
  toHex: Record<string, (string | null)[]>;
  truncate: { vlist: [number, number, number]; n: number; x: number[]; rgba: number[][] };
}
const exp = JSON.parse(readFileSync(join(__dirname, '__data__', 'colormap-mpl.json'), 'utf8')) as Expected;
const values = Float32Array.from(exp.values.map((v) => (v === null ? NaN : v)));

describe('colormap', () => {
  for (const name of ['jet', 'RdBu_r', 'viridis', 'gray']) {
    it(`${name}: 256 entries, same bytes as matplotlib for ${values.length} values (NaN transparent)`, () => {
      const cm = getColormap(name);
      expect(cm.n).toBe(256);
      const rgba = applyColormap(values, cm, exp.vmin, exp.vmax);
      let mismatches = 0;
      exp.maps[name].forEach((e, k) => {
        const got = Array.from(rgba.subarray(4 * k, 4 * k + 4));
        const want = exp.values[k] === null ? [0, 0, 0, 0] : e;
        if (got.join() !== want.join()) mismatches++;
        expect(valueToRgba(cm, values[k], exp.vmin, exp.vmax)).toEqual(got);
      });
      expect(mismatches).toBe(0);
    });
  }

  it("'round' LUTs give matplotlib.colors.to_hex colours (MintPy's KML icon colours)", () => {
    for (const name of ['jet', 'RdBu_r', 'viridis', 'gray']) {
      const cm = getColormap(name, undefined, 'round');
      exp.toHex[name].forEach((h, k) => {
        expect(valueToHex(cm, values[k], exp.vmin, exp.vmax)).toBe(h ?? 'none');
      });
    }
  });

  it('RdBu_truncate [0.2, 0.7, 1.0]: 2560 entries equal to MintPy ColormapExt at 41 points', () => {
    const cm = getColormap('RdBu_truncate', exp.truncate.vlist);
    expect(cm.n).toBe(exp.truncate.n);
    exp.truncate.x.forEach((x, k) => {
      expect(valueToRgba(cm, x, 0, 1)).toEqual(exp.truncate.rgba[k]);
    });
  });

  it('RdBu_r is RdBu reversed; ends and hex output', () => {
    const a = getColormap('RdBu');
    const b = getColormap('RdBu_r');
    expect(Array.from(a.lut.subarray(0, 3))).toEqual(Array.from(b.lut.subarray(255 * 3, 256 * 3)));
    expect(valueToHex(getColormap('gray'), 1, 0, 1)).toBe('#ffffff');
    expect(valueToHex(getColormap('gray'), 0, 0, 1)).toBe('#000000');
    expect(valueToHex(getColormap('gray'), NaN, 0, 1)).toBe('none');
    expect(() => getColormap('nope')).toThrow(/unknown colormap/);
  });

  it('resampled LUT keeps the end colours', () => {
    const cm = resampleColormap(getColormap('jet'), 5);
    expect(cm.n).toBe(5);
    expect(Array.from(cm.lut.subarray(0, 3))).toEqual(Array.from(getColormap('jet').lut.subarray(0, 3)));
    expect(Array.from(cm.lut.subarray(12, 15))).toEqual(Array.from(getColormap('jet').lut.subarray(765, 768)));
  });
});
