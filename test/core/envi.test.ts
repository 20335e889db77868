import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnviRaster, findEnviHeader, parseEnviHeaderText } from '../../src-core/node/formats/envi';
import { InputError } from '../../src-core/common/pipeline/types';

const dir = mkdtempSync(join(tmpdir(), 'envi-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hdr(o: Record<string, string | number>): string {
  return (
    ['ENVI', 'description = {\nsome\nfile}', ...Object.entries(o).map(([k, v]) => `${k} = ${v}`)].join('\n') + '\n'
  );
}

/** value of pixel (band b, row r, col c) in the synthetic rasters */
const val = (b: number, r: number, c: number): number => 100 * b + 10 * r + c;

function write(name: string, bytes: Uint8Array, header: string, hdrName = `${name}.hdr`): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  writeFileSync(join(dir, hdrName), header);
  return p;
}

const W = 4;
const L = 3;
const B = 2;

function ordered(interleave: 'bsq' | 'bil' | 'bip'): number[] {
  const out: number[] = [];
  if (interleave === 'bsq')
    for (let b = 0; b < B; b++) for (let r = 0; r < L; r++) for (let c = 0; c < W; c++) out.push(val(b, r, c));
  if (interleave === 'bil')
    for (let r = 0; r < L; r++) for (let b = 0; b < B; b++) for (let c = 0; c < W; c++) out.push(val(b, r, c));
  if (interleave === 'bip')
    for (let r = 0; r < L; r++) for (let c = 0; c < W; c++) for (let b = 0; b < B; b++) out.push(val(b, r, c));
  return out;
}

const expectedRows = (b: number, r0: number, r1: number): number[] => {
  const out: number[] = [];
  for (let r = r0; r < r1; r++) for (let c = 0; c < W; c++) out.push(val(b, r, c));
  return out;
};

describe('ENVI header', () => {
  it('parses keys, braces over several lines, map info and data ignore value', () => {
    const h = parseEnviHeaderText(
      hdr({
        samples: 160,
        'lines  ': 100,
        bands: 1,
        'header offset': 0,
        'data type': 4,
        interleave: 'bsq',
        'byte order': 0,
        'map info': '{Geographic Lat/Lon, 1, 1, -119.8, 36.25, 0.0025, 0.0025,WGS-84}',
        'data ignore value': -32768,
      }),
      'x.hdr',
    );
    expect([h.samples, h.lines, h.bands, h.dataType, h.interleave, h.byteOrder]).toEqual([160, 100, 1, 4, 'bsq', 0]);
    expect(h.dataIgnoreValue).toBe(-32768);
    expect(h.geoTransform).toEqual([-119.8, 0.0025, 0, 36.25, 0, -0.0025]);
    expect(h.raw.description).toBe('some\nfile');
  });

  it('map info with a reference pixel other than (1,1) gives the upper-left corner', () => {
    const h = parseEnviHeaderText(
      hdr({ samples: 2, lines: 2, 'data type': 1, 'map info': '{UTM, 2, 3, 1000, 5000, 30, 30, 11, North}' }),
      'y.hdr',
    );
    expect(h.geoTransform).toEqual([970, 30, 0, 5060, 0, -30]);
  });

  it('rejects a header that is not ENVI, without samples, or with an unsupported data type', () => {
    expect(() => parseEnviHeaderText('NOPE\nsamples = 1\n', 'a.hdr')).toThrow(/a\.hdr: not an ENVI header/);
    expect(() => parseEnviHeaderText(hdr({ lines: 1, 'data type': 4 }), 'b.hdr')).toThrow(
      /b\.hdr: ENVI header has no "samples"/,
    );
    expect(() => parseEnviHeaderText(hdr({ samples: 1, lines: 1, 'data type': 6 }), 'c.hdr')).toThrow(
      /c\.hdr: unsupported ENVI data type 6/,
    );
  });
});

describe('ENVI raster reads', () => {
  const cases: { type: number; arr: (v: number[]) => ArrayBufferView; il: 'bsq' | 'bil' | 'bip' }[] = [
    { type: 4, arr: (v) => Float32Array.from(v, (x) => x + 0.25), il: 'bsq' },
    { type: 2, arr: (v) => Int16Array.from(v, (x) => -x), il: 'bil' },
    { type: 12, arr: (v) => Uint16Array.from(v), il: 'bip' },
    { type: 3, arr: (v) => Int32Array.from(v, (x) => x * 1000), il: 'bsq' },
    { type: 5, arr: (v) => Float64Array.from(v, (x) => x / 3), il: 'bil' },
  ];
  const tr: Record<number, (x: number) => number> = {
    4: (x) => x + 0.25,
    2: (x) => 0 - x || 0,
    12: (x) => x,
    3: (x) => x * 1000,
    5: (x) => x / 3,
  };
  for (const c of cases) {
    it(`data type ${c.type}, ${c.il}: rows [1,3) of band 2 without reading the whole file`, () => {
      const a = c.arr(ordered(c.il));
      const p = write(
        `r${c.type}${c.il}`,
        new Uint8Array(a.buffer),
        hdr({ samples: W, lines: L, bands: B, 'data type': c.type, interleave: c.il, 'byte order': 0 }),
      );
      const r = EnviRaster.open(p);
      expect([r.width, r.length, r.bandCount]).toEqual([W, L, B]);
      expect(Array.from(r.readRows(2, 1, 3))).toEqual(expectedRows(1, 1, 3).map(tr[c.type]));
      expect(Array.from(r.readRows(1, 0, 1))).toEqual(expectedRows(0, 0, 1).map(tr[c.type]));
    });
  }

  it('big-endian int16 with a header offset and a <stem>.hdr header', () => {
    const v = ordered('bsq');
    const buf = Buffer.alloc(8 + v.length * 2);
    v.forEach((x, i) => buf.writeInt16BE(x - 150, 8 + 2 * i));
    const p = write(
      'be.dem',
      buf,
      hdr({ samples: W, lines: L, bands: B, 'header offset': 8, 'data type': 2, 'byte order': 1 }),
      'be.hdr',
    );
    expect(findEnviHeader(p)).toBe(join(dir, 'be.hdr'));
    const r = EnviRaster.open(p);
    expect(Array.from(r.readRows(2, 0, 3))).toEqual(expectedRows(1, 0, 3).map((x) => x - 150));
  });

  it('byte data with a data ignore value', () => {
    const p = write(
      'm.msk',
      Uint8Array.from({ length: W * L }, (_, i) => i % 2),
      hdr({ samples: W, lines: L, 'data type': 1, 'data ignore value': 255 }),
      'm.hdr',
    );
    const r = EnviRaster.open(p);
    expect(r.noData).toBe(255);
    expect(r.dataTypeName).toBe('Byte');
    expect(Array.from(r.readRows(1, 2, 3))).toEqual([0, 1, 0, 1]);
  });
});

describe('ENVI errors name the file', () => {
  it('missing header', () => {
    const p = join(dir, 'nohdr.bin');
    writeFileSync(p, new Uint8Array(8));
    expect(() => EnviRaster.open(p)).toThrow(InputError);
    expect(() => EnviRaster.open(p)).toThrow(`${p}: no ENVI header`);
  });

  it('missing raster', () => {
    const p = join(dir, 'gone.bin');
    expect(() => EnviRaster.open(p)).toThrow(`${p}: raster file not found`);
  });

  it('truncated raster (file shorter than the header says)', () => {
    const p = write('trunc', new Uint8Array(W * L * 4 - 4), hdr({ samples: W, lines: L, 'data type': 4 }));
    expect(() => EnviRaster.open(p)).toThrow(
      new RegExp(`^${p}: raster is truncated .*needs 48 bytes, the file has 44`),
    );
  });

  it('header that disagrees with the file size (more samples than written)', () => {
    const p = write('mismatch', new Uint8Array(W * L * 4), hdr({ samples: W + 1, lines: L, 'data type': 4 }));
    expect(() => EnviRaster.open(p)).toThrow(
      /mismatch: raster is truncated or its header mismatch\.hdr is wrong: 5 × 3 × 1 Float32/,
    );
  });

  it('unsupported data type (complex64)', () => {
    const p = write('cpx', new Uint8Array(W * L * 8), hdr({ samples: W, lines: L, 'data type': 6 }));
    expect(() => EnviRaster.open(p)).toThrow(`${p}.hdr: unsupported ENVI data type 6`);
  });

  it('band and row ranges are checked', () => {
    const p = write('ok', new Uint8Array(W * L * 4), hdr({ samples: W, lines: L, 'data type': 4 }));
    const r = EnviRaster.open(p);
    expect(() => r.readRows(2, 0, 1)).toThrow(`${p}: band 2 out of range 1..1`);
    expect(() => r.readRows(1, 0, 4)).toThrow(`${p}: rows [0, 4) outside 0..3`);
  });
});
