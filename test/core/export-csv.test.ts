/** CSV exports read back (a small RFC-4180 parser) and checked against the HDF5 source. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  f32,
  pointInPolygon,
  velocityTable,
  writePointsCsv,
  writeTableCsv,
  writeVelocityCsv,
} from '../../src-core/node/export/csv';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { REPO_ROOT, describeParity, fx } from '../helpers/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'csv-test-'));

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') q = false;
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

describe('CSV export (synthetic)', () => {
  const L = 6;
  const W = 8;
  const N = 4;
  const ts = new Float32Array(N * L * W).map((_, i) => Math.cos(i * 0.7) * 0.013);
  const vel = new Float32Array(L * W).map((_, i) => (i - 20) * 0.0011);
  const std = new Float32Array(L * W).map((_, i) => 0.0001 * (i % 5));
  const tc = new Float32Array(L * W).map((_, i) => 0.5 + 0.01 * i);
  const mask = new Int8Array(L * W).map((_, i) => (i % 3 === 0 ? 0 : 1));
  const attrs = {
    LENGTH: String(L),
    WIDTH: String(W),
    X_FIRST: '10',
    Y_FIRST: '50',
    X_STEP: '0.1',
    Y_STEP: '-0.1',
    REF_Y: '2',
    REF_X: '3',
  };
  beforeAll(async () => {
    await writeH5File(join(tmp, 'timeseries.h5'), { ...attrs, FILE_TYPE: 'timeseries', UNIT: 'm' }, [
      { name: 'timeseries', data: ts, shape: [N, L, W] },
      { name: 'date', data: ['20200101', '20200201', '20200301', '20200401'], shape: [N] },
    ]);
    await writeH5File(join(tmp, 'velocity.h5'), { ...attrs, FILE_TYPE: 'velocity', UNIT: 'm/year' }, [
      { name: 'velocity', data: vel, shape: [L, W] },
      { name: 'velocityStd', data: std, shape: [L, W] },
    ]);
    await writeH5File(join(tmp, 'temporalCoherence.h5'), { ...attrs, FILE_TYPE: 'temporalCoherence' }, [
      { name: 'temporalCoherence', data: tc, shape: [L, W] },
    ]);
    await writeH5File(join(tmp, 'maskTempCoh.h5'), { ...attrs, FILE_TYPE: 'mask' }, [
      { name: 'mask', data: mask, shape: [L, W] },
    ]);
  });

  it('time series at lat/lon points + the reference pixel: one line per point and date, float32-exact', async () => {
    // (49.78, 10.52) → row floor(2.2+0.01)=2, col floor(5.2+0.01)=5
    const res = await writePointsCsv({
      file: join(tmp, 'timeseries.h5'),
      points: [{ name: 'P1', lat: 49.78, lon: 10.52 }],
    });
    const rows = parseCsv(readFileSync(res.path, 'utf8'));
    expect(rows[0]).toEqual(['point', 'lat', 'lon', 'row', 'col', 'date', 'value[m]']);
    expect(rows.length - 1).toBe(2 * N);
    const ref = rows.filter((r) => r[0] === 'ref');
    const p1 = rows.filter((r) => r[0] === 'P1');
    expect(ref.map((r) => r.slice(1, 5))).toEqual(Array(N).fill(['49.75', '10.35', '2', '3']));
    expect(p1[0].slice(1, 5)).toEqual(['49.75', '10.55', '2', '5']);
    for (let k = 0; k < N; k++) {
      expect(Math.fround(Number(p1[k][6]))).toBe(ts[k * L * W + 2 * W + 5]);
      expect(Math.fround(Number(ref[k][6]))).toBe(ts[k * L * W + 2 * W + 3]);
      expect(p1[k][5]).toBe(['20200101', '20200201', '20200301', '20200401'][k]);
    }
  });

  it('2-D file at points; outside the grid is an error naming the file', async () => {
    const f = join(tmp, 'velocity.h5');
    const res = await writePointsCsv({
      file: f,
      points: [{ name: 'a', lat: 49.55, lon: 10.05 }],
      includeRef: false,
      out: join(tmp, 'v.csv'),
    });
    const rows = parseCsv(readFileSync(res.path, 'utf8'));
    expect(rows[0]).toEqual(['point', 'lat', 'lon', 'row', 'col', 'velocity[m/year]']);
    expect(rows[1].slice(3, 5)).toEqual(['4', '0']);
    expect(Math.fround(Number(rows[1][5]))).toBe(vel[4 * W]);
    await expect(writePointsCsv({ file: f, points: [{ name: 'far', lat: 10, lon: 10 }] })).rejects.toThrow(
      `${f}: point far`,
    );
  });

  it('velocity table of masked pixels with std and tcoh; polygon selection', async () => {
    const f = join(tmp, 'velocity.h5');
    const res = await writeVelocityCsv({ file: f });
    const rows = parseCsv(readFileSync(res.path, 'utf8'));
    expect(rows[0]).toEqual([
      'lat',
      'lon',
      'row',
      'col',
      'velocity[m/year]',
      'velocityStd[m/year]',
      'temporalCoherence',
    ]);
    const kept = Array.from(mask).filter((m) => m).length;
    expect(rows.length - 1).toBe(kept);
    for (const r of rows.slice(1)) {
      const i = Number(r[2]) * W + Number(r[3]);
      expect(mask[i]).toBe(1);
      expect(Math.fround(Number(r[4]))).toBe(vel[i]);
      expect(Math.fround(Number(r[5]))).toBe(std[i]);
      expect(Math.fround(Number(r[6]))).toBe(tc[i]);
      expect(Number(r[0])).toBeCloseTo(50 - 0.1 * (Number(r[2]) + 0.5), 9);
    }
    // polygon around rows 1–2, cols 2–4 (pixel centres inside)
    const poly: [number, number][] = [
      [49.9, 10.2],
      [49.9, 10.5],
      [49.7, 10.5],
      [49.7, 10.2],
    ];
    const t = await velocityTable({ file: f, polygon: poly });
    const want: string[] = [];
    for (const r of [1, 2]) for (const c of [2, 3, 4]) if (mask[r * W + c]) want.push(`${r},${c}`);
    expect(t.rows.map((x) => `${x.row},${x.col}`)).toEqual(want);
  });

  it('pointInPolygon and f32', () => {
    const sq: [number, number][] = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ];
    expect(pointInPolygon(0.5, 0.5, sq)).toBe(true);
    expect(pointInPolygon(1.5, 0.5, sq)).toBe(false);
    const concave: [number, number][] = [
      [0, 0],
      [0, 3],
      [3, 3],
      [3, 2],
      [1, 2],
      [1, 1],
      [3, 1],
      [3, 0],
    ];
    expect(pointInPolygon(2, 1.5, concave)).toBe(false);
    expect(pointInPolygon(2, 2.5, concave)).toBe(true);
    expect(pointInPolygon(0.5, 1.5, concave)).toBe(true);
    const x = Math.fround(0.1234567891);
    expect(Math.fround(Number(f32(x)))).toBe(x);
    expect(f32(NaN)).toBe('');
  });
});

describeParity('CSV of cv-tiny timeseries.h5 / velocity.h5', () => {
  it('reference pixel series is all zero (MintPy references every date there); table rows = maskTempCoh count', async () => {
    const res = await writePointsCsv({
      file: fx('mintpy', 'timeseries.h5'),
      points: [{ name: 'bowl', lat: 36.1, lon: -119.55 }],
      out: join(tmp, 'cv.csv'),
    });
    const rows = parseCsv(readFileSync(res.path, 'utf8')).slice(1);
    expect(rows.length).toBe(60);
    expect(rows.filter((r) => r[0] === 'ref').every((r) => Number(r[6]) === 0)).toBe(true);
    expect(rows[0].slice(1, 5)).toEqual(['36.2225', '-119.6425', '11', '63']);
    const t = await velocityTable({ file: fx('mintpy', 'velocity.h5') });
    const m = await H5Reader.open(fx('mintpy', 'maskTempCoh.h5'));
    const mk = m.read('mask');
    m.close();
    expect(t.rows.length).toBe(Array.from(mk).filter((v) => v).length);
    expect(t.rows.every((r) => r.temporalCoherence >= 0.7)).toBe(true);
  });
});

describeParity('CSV relative to a reference date (cv-tiny timeseries.h5, MintPy tsview --ref-date)', () => {
  const file = () => fx('mintpy', 'timeseries.h5');
  // pixel (row 50, col 80): lat 36.25125 − 50.5·0.0025 = 36.125, lon −119.80125 + 80.5·0.0025 = −119.6
  const point = { name: 'P1', lat: 36.125, lon: -119.6 };

  it('a pixel series: each date minus the pixel’s own value on the reference date (by hand and with numpy)', async () => {
    const res = await writePointsCsv({ file: file(), points: [point], refDate: '20180509', out: join(tmp, 'r.csv') });
    const rows = parseCsv(readFileSync(res.path, 'utf8'));
    expect(rows[0]).toEqual(['point', 'lat', 'lon', 'row', 'col', 'date', 'value[m] relative to 20180509']);
    const p1 = rows.slice(1).filter((r) => r[0] === 'P1');
    expect(p1[0].slice(3, 5)).toEqual(['50', '80']);
    const at = (d: string) => Math.fround(Number(p1.find((r) => r[5] === d)![6]));
    // by hand, from the stored values (h5py: ts[20,50,80] = -0.050696395 on 20180906, ts[10,50,80] =
    // -0.03395948 on 20180509, ts[0,50,80] = 0 on REF_DATE 20180109):
    //   20180906: -0.050696395 − (−0.03395948) = −0.016736917 (float32)
    //   20180109: 0 − (−0.03395948) = 0.03395948;   20180509: 0 exactly
    expect(at('20180906')).toBe(Math.fround(-0.016736917));
    expect(at('20180109')).toBe(Math.fround(0.03395948));
    expect(at('20180509')).toBe(0);
    // every date against MintPy's own arithmetic (numpy float32: ts[:, y, x] - ts[ref, y, x])
    const py = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `import h5py, json
f = h5py.File(${JSON.stringify(file())}, 'r')
d = [x.decode() for x in f['date'][:]]
ts = f['timeseries'][:, 50, 80]
print(json.dumps([d, [repr(float(v)) for v in ts - ts[d.index('20180509')]]]))`,
      ],
      { encoding: 'utf8' },
    );
    const [dates, vals] = JSON.parse(py) as [string[], string[]];
    expect(p1.map((r) => r[5])).toEqual(dates);
    for (const [k, d] of dates.entries()) expect(at(d), d).toBe(Math.fround(Number(vals[k])));
    // the reference pixel (REF_Y/REF_X) stays 0 on every date
    expect(rows.filter((r) => r[0] === 'ref').every((r) => Number(r[6]) === 0)).toBe(true);
    // the CLI writes the same bytes (one core function for both)
    const cliOut = join(tmp, 'r-cli.csv');
    execFileSync(process.execPath, [
      join(REPO_ROOT, 'out', 'node', 'cli.js'),
      'export',
      'csv',
      file(),
      '--lalo',
      `${point.lat},${point.lon}`,
      '--ref-date',
      '20180509',
      '-o',
      cliOut,
    ]);
    expect(readFileSync(cliOut, 'utf8')).toBe(readFileSync(res.path, 'utf8'));
  });

  it('the layer at a date as a table: each masked pixel minus its value on the reference date (numpy)', async () => {
    const res = await writeTableCsv({
      file: file(),
      dataset: '20180906',
      refDate: '20180509',
      out: join(tmp, 't.csv'),
    });
    const rows = parseCsv(readFileSync(res.path, 'utf8'));
    expect(rows[0]).toEqual(['lat', 'lon', 'row', 'col', '20180906[m] relative to 20180509']);
    const py = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `import h5py, json, numpy as np
f = h5py.File(${JSON.stringify(file())}, 'r')
d = [x.decode() for x in f['date'][:]]
ts = f['timeseries']
v = ts[d.index('20180906')] - ts[d.index('20180509')]
m = h5py.File(${JSON.stringify(fx('mintpy', 'maskTempCoh.h5'))}, 'r')['mask'][:] != 0
ok = m & np.isfinite(v)
ys, xs = np.nonzero(ok)
print(json.dumps([[int(y), int(x), repr(float(v[y, x]))] for y, x in zip(ys, xs)]))`,
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const want = JSON.parse(py) as [number, number, string][];
    expect(rows.length - 1).toBe(want.length);
    for (const [k, [y, x, v]] of want.entries()) {
      const r = rows[k + 1];
      expect([Number(r[2]), Number(r[3])]).toEqual([y, x]);
      expect(Math.fround(Number(r[4]))).toBe(Math.fround(Number(v)));
    }
  });

  it('a reference date that is not a date of the series, or on a map, is one line naming the file', async () => {
    await expect(writePointsCsv({ file: file(), points: [point], refDate: '20180510' })).rejects.toThrow(
      /timeseries\.h5: reference date 20180510 is not one of its dates \(20180109 … /,
    );
    await expect(writeTableCsv({ file: fx('mintpy', 'temporalCoherence.h5'), refDate: '20180509' })).rejects.toThrow(
      /temporalCoherence\.h5: not a time series: a reference date applies to time series only/,
    );
  });
});
