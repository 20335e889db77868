/** `insar-studio export …` (exportCommand): exit codes, messages, and the files it writes read back. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { unzipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../src-cli/commands/export';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';

const tmp = mkdtempSync(join(tmpdir(), 'export-cli-'));
const L = 10;
const W = 12;
const vel = new Float32Array(L * W).map((_, i) => 0.001 * (i % 17) - 0.008);
const attrs = {
  LENGTH: String(L),
  WIDTH: String(W),
  X_FIRST: '-100',
  Y_FIRST: '40',
  X_STEP: '0.01',
  Y_STEP: '-0.01',
  REF_Y: '2',
  REF_X: '2',
};

function capture(): { out: () => string; err: () => string } {
  let o = '';
  let e = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((o += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((e += String(s)), true));
  return { out: () => o, err: () => e };
}

describe('insar-studio export', () => {
  beforeAll(async () => {
    await writeH5File(join(tmp, 'velocity.h5'), { ...attrs, FILE_TYPE: 'velocity', UNIT: 'm/year' }, [
      { name: 'velocity', data: vel, shape: [L, W] },
      { name: 'velocityStd', data: new Float32Array(L * W).fill(0.001), shape: [L, W] },
    ]);
  });
  afterEach(() => vi.restoreAllMocks());

  it('kmz with -o, --vlim, --cmap, --mask no', async () => {
    const c = capture();
    const out = join(tmp, 'v.kmz');
    const code = await exportCommand([
      'kmz',
      join(tmp, 'velocity.h5'),
      '-o',
      out,
      '--vlim',
      '-1',
      '1',
      '--cmap',
      'RdBu_r',
      '--mask',
      'no',
    ]);
    expect(code).toBe(0);
    expect(c.out()).toContain(`wrote ${out}`);
    expect(Object.keys(unzipSync(readFileSync(out))).sort()).toEqual(['v.kml', 'v.png', 'v_cbar.png']);
  });

  it('geotiff of a 2-D dataset', async () => {
    capture();
    const out = join(tmp, 'v.tif');
    expect(await exportCommand(['geotiff', join(tmp, 'velocity.h5'), 'velocityStd', '-o', out])).toBe(0);
    const buf = readFileSync(out);
    const img = await (
      await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
    ).getImage();
    const r = (await img.readRasters())[0] as Float32Array;
    expect(r[5]).toBe(Math.fround(0.001));
  });

  it('csv points (several --lalo) and the velocity table', async () => {
    capture();
    const out = join(tmp, 'p.csv');
    expect(
      await exportCommand(['csv', join(tmp, 'velocity.h5'), '--lalo', '39.955,-99.955', '39.925,-99.905', '-o', out]),
    ).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(4); // header + ref + 2 points
    expect(lines[2].split(',').slice(0, 5)).toEqual(['P1', '39.955', '-99.955', '4', '4']);
    const t = join(tmp, 't.csv');
    expect(
      await exportCommand([
        'csv',
        join(tmp, 'velocity.h5'),
        '--table',
        '--polygon',
        '40,-100',
        '40,-99.95',
        '39.95,-99.95',
        '39.95,-100',
        '-o',
        t,
      ]),
    ).toBe(0);
    const rows = readFileSync(t, 'utf8').trim().split('\n');
    expect(rows.length - 1).toBe(25); // 5 × 5 pixel centres inside
  });

  it('transect to CSV: distance, lat, lon, row, col, value', async () => {
    capture();
    const out = join(tmp, 'tr.csv');
    expect(
      await exportCommand([
        'transect',
        join(tmp, 'velocity.h5'),
        '--start',
        '39.995,-99.995',
        '--end',
        '39.915,-99.895',
        '-o',
        out,
      ]),
    ).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['distance[m]', 'lat', 'lon', 'row', 'col', 'velocity[m/year]']);
    expect(rows.length - 1).toBeGreaterThan(5);
    expect(rows[1].slice(3, 5)).toEqual(['0', '0']);
    expect(Math.fround(Number(rows[1][5]))).toBe(vel[0]);
  });

  it('transect --width and --svg: swath CSV and SVG figure', async () => {
    capture();
    const out = join(tmp, 'tr2.csv');
    const svg = join(tmp, 'tr2.svg');
    const args = [
      'transect',
      join(tmp, 'velocity.h5'),
      '--start',
      '39.955,-99.995',
      '--end',
      '39.955,-99.895',
      '--width',
      '2.5',
      '--svg',
      svg,
      '-o',
      out,
    ];
    expect(await exportCommand(args)).toBe(0);
    const sw = readFileSync(join(tmp, 'tr2_swath.csv'), 'utf8').trim().split('\n');
    expect(sw[0]).toBe('distance[m],count,mean[m/year],std[m/year],min[m/year],max[m/year]');
    expect(sw.length).toBeGreaterThan(3);
    for (const line of sw.slice(1)) {
      const [, n, mean, , lo, hi] = line.split(',').map(Number);
      expect(n).toBeGreaterThan(0);
      expect(lo).toBeLessThanOrEqual(mean);
      expect(hi).toBeGreaterThanOrEqual(mean);
    }
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('<polygon');
  });

  it('vertical, significance and asc-desc write HDF5 files', async () => {
    capture();
    await writeH5File(join(tmp, 'geometryGeo.h5'), { ...attrs, FILE_TYPE: 'geometry' }, [
      { name: 'incidenceAngle', data: new Float32Array(L * W).fill(60), shape: [L, W] },
      { name: 'azimuthAngle', data: new Float32Array(L * W).fill(-100), shape: [L, W] },
    ]);
    expect(
      await exportCommand([
        'vertical',
        join(tmp, 'velocity.h5'),
        '--geom',
        join(tmp, 'geometryGeo.h5'),
        '-o',
        join(tmp, 'vv.h5'),
      ]),
    ).toBe(0);
    const r = await H5Reader.open(join(tmp, 'vv.h5'));
    expect(r.read('velocity')[3]).toBeCloseTo(vel[3] * 2, 7);
    r.close();
    expect(await exportCommand(['significance', join(tmp, 'velocity.h5'), '--k', '3', '-o', join(tmp, 'sig.h5')])).toBe(
      0,
    );
    const m = await H5Reader.open(join(tmp, 'sig.h5'));
    expect(Array.from(m.read('mask'))).toEqual(Array.from(vel, (x) => (Math.abs(x) > 3 * Math.fround(0.001) ? 1 : 0)));
    m.close();
    await writeH5File(join(tmp, 'geo2.h5'), { ...attrs, FILE_TYPE: 'geometry' }, [
      { name: 'incidenceAngle', data: new Float32Array(L * W).fill(40), shape: [L, W] },
      { name: 'azimuthAngle', data: new Float32Array(L * W).fill(100), shape: [L, W] },
    ]);
    const args = [
      'asc-desc',
      join(tmp, 'velocity.h5'),
      join(tmp, 'velocity.h5'),
      '--geom',
      join(tmp, 'geometryGeo.h5'),
      join(tmp, 'geo2.h5'),
      '-o',
      join(tmp, 'hz.h5'),
      join(tmp, 'up.h5'),
    ];
    expect(await exportCommand(args)).toBe(0);
    expect(existsSync(join(tmp, 'hz.h5')) && existsSync(join(tmp, 'up.h5'))).toBe(true);
  });

  it('bad input → exit 1 with one line naming the file; usage errors → exit 2', async () => {
    let c = capture();
    const missing = join(tmp, 'nope.h5');
    expect(await exportCommand(['kmz', missing])).toBe(1);
    expect(c.err().trim().split('\n').length).toBe(1);
    expect(c.err()).toContain(missing);
    vi.restoreAllMocks();
    c = capture();
    expect(await exportCommand(['transect', join(tmp, 'velocity.h5'), '--start', '10,10', '--end', '39.9,-99.9'])).toBe(
      1,
    );
    expect(c.err()).toContain(join(tmp, 'velocity.h5'));
    expect(c.err()).toContain('outside');
    vi.restoreAllMocks();
    c = capture();
    expect(await exportCommand(['csv', join(tmp, 'velocity.h5'), '--lalo', '0,0', '-o', join(tmp, 'x.csv')])).toBe(1);
    expect(existsSync(join(tmp, 'x.csv'))).toBe(false);
    vi.restoreAllMocks();
    c = capture();
    expect(await exportCommand(['kmz'])).toBe(2);
    expect(await exportCommand(['png', join(tmp, 'velocity.h5')])).toBe(2);
    expect(await exportCommand(['kmz', join(tmp, 'velocity.h5'), '--cmap', 'rainbowz'])).toBe(2);
    expect(c.err()).toContain('unknown colormap');
  });
});
