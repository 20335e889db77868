import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeH5File } from '../../src-core/node/formats/h5';
import { rowColToLatLon, type GeoGrid } from '../../src-core/node/formats/mintpyFiles';
import { haversineKm, losUnitVector } from '../../src-core/common/nisar/geometry';
import type { GnssSeries, GnssSiteInfo } from '../../src-core/common/nisar/gnssFormats';
import { doubleDifferences, runMethod1, windowNanMedian } from '../../src-core/node/nisar/method1';
import { writeValidationReport } from '../../src-core/node/nisar/report';
import { validateSecular } from '../../src-core/node/nisar/validate';
import type { GeometryMaps, VelocityField } from '../../src-core/node/nisar/velocityField';
import { formatDate } from '../../src-core/common/time/dates';

describe('nisar Method 1 building blocks', () => {
  it('NaN-median over the (2r+1)² window, clipped at the edges', () => {
    const L = 20;
    const W = 30;
    const d = Float32Array.from({ length: L * W }, (_, p) => p); // value = row·W + col
    // interior: symmetric window of a linear field → the centre value
    expect(windowNanMedian(d, L, W, 10, 15, 5)).toBe(10 * W + 15);
    // corner (0,0): rows 0–5 × cols 0–5 = 36 values, median of {r·30 + c}
    const corner: number[] = [];
    for (let r = 0; r <= 5; r++) for (let c = 0; c <= 5; c++) corner.push(r * W + c);
    corner.sort((a, b) => a - b);
    expect(windowNanMedian(d, L, W, 0, 0, 5)).toBe((corner[17] + corner[18]) / 2);
    // NaNs ignored; all NaN → NaN
    const n = new Float32Array(L * W).fill(NaN);
    n[3 * W + 4] = 7;
    expect(windowNanMedian(n, L, W, 2, 2, 3)).toBe(7);
    expect(Number.isNaN(windowNanMedian(n, L, W, 15, 25, 3))).toBe(true);
  });

  it('double differences: all i<j pairs, haversine R = 6378 km, dd = (g_i − g_j) − (s_i − s_j)', () => {
    const st = [
      { lat: 36, lon: -120, gnss: 1, insar: 0.5, sigma: 0.3 },
      { lat: 36.1, lon: -120, gnss: -2, insar: -2, sigma: 0.4 },
      { lat: 36, lon: -119.9, gnss: 0, insar: 1, sigma: 1.2 },
    ];
    const p = doubleDifferences(st);
    expect(Array.from(p.i)).toEqual([0, 0, 1]);
    expect(Array.from(p.j)).toEqual([1, 2, 2]);
    expect(Array.from(p.value)).toEqual([1 - -2 - (0.5 - -2), 1 - 0 - (0.5 - 1), -2 - 0 - (-2 - 1)]);
    expect(p.distanceKm[0]).toBeCloseTo((0.1 * Math.PI * 6378) / 180, 9);
    expect(p.distanceKm[2]).toBeCloseTo(haversineKm(36.1, -120, 36, -119.9), 12);
    expect(p.sigma[0]).toBeCloseTo(0.5, 12);
  });
});

// A synthetic scene: 60 × 80 px of 0.005° (all pairs within 50 km), incidence varying with column, azimuth with row (per-station
// geometry matters), an InSAR field made of 13×13 patches around each station equal to the station's
// true LOS velocity, plus an InSAR error of +3 mm/yr at station C.
const grid: GeoGrid = { length: 60, width: 80, xFirst: -120, yFirst: 36.6, xStep: 0.005, yStep: -0.005 };
const geom: GeometryMaps = {
  file: 'geom',
  length: 60,
  width: 80,
  incidence: Float32Array.from({ length: 4800 }, (_, p) => 30 + 0.2 * (p % 80)),
  azimuth: Float32Array.from({ length: 4800 }, (_, p) => -102 + 0.1 * Math.floor(p / 80)),
};
// station: pixel (row, col) and ENU velocity in mm/yr
const STATIONS: { site: string; row: number; col: number; v: [number, number, number] }[] = [
  { site: 'AAAA', row: 8, col: 10, v: [3, -1, -10] },
  { site: 'BBBB', row: 30, col: 40, v: [-2, 4, -25] },
  { site: 'CCCC', row: 50, col: 70, v: [0, 0, 2] },
  { site: 'DDDD', row: 15, col: 65, v: [5, 5, 0] },
  { site: 'EEEE', row: 45, col: 20, v: [1, 1, 1] }, // its InSAR pixel is masked
  { site: 'FFFF', row: 25, col: 15, v: [0, 0, 0] }, // half of the days missing
];
const losOf = (s: (typeof STATIONS)[number]) => {
  const u = losUnitVector(geom.incidence[s.row * 80 + s.col], geom.azimuth[s.row * 80 + s.col]);
  return u[0] * s.v[0] + u[1] * s.v[1] + u[2] * s.v[2];
};
const INSAR_ERROR: Record<string, number> = { CCCC: 3 };

function makeField(): Float32Array {
  const data = new Float32Array(4800).fill(NaN);
  for (const s of STATIONS)
    for (let r = s.row - 6; r <= s.row + 6; r++)
      for (let c = s.col - 6; c <= s.col + 6; c++)
        if (r >= 0 && r < 60 && c >= 0 && c < 80) data[r * 80 + c] = losOf(s) + (INSAR_ERROR[s.site] ?? 0);
  data[45 * 80 + 20] = NaN; // EEEE's own pixel
  return data;
}

const DATES = (() => {
  const t0 = Date.UTC(2018, 0, 1);
  return Array.from({ length: 366 }, (_, i) => formatDate(new Date(t0 + i * 86_400_000)));
})();

function seriesOf(s: (typeof STATIONS)[number]): GnssSeries {
  const [lat, lon] = rowColToLatLon(grid, s.row, s.col);
  const keep = DATES.map((_, i) => (s.site === 'FFFF' ? i % 2 === 0 : true));
  const dates = DATES.filter((_, i) => keep[i]);
  const t = dates.map(
    (d) =>
      (Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`) - Date.UTC(2018, 0, 1)) / 86_400_000 / 365.25,
  );
  const comp = (k: number) => Float64Array.from(t, (x) => (s.v[k] / 1000) * x + 0.0004 * Math.sin(2 * Math.PI * x));
  const sig = () => new Float64Array(dates.length).fill(0.001);
  return {
    site: s.site,
    lat,
    lon,
    height: 0,
    dates,
    e: comp(0),
    n: comp(1),
    u: comp(2),
    se: sig(),
    sn: sig(),
    su: sig(),
    file: `${s.site}.tenv3`,
  };
}

function fieldOf(data: Float32Array): VelocityField {
  return {
    file: 'velocity.h5',
    source: 'velocity',
    attrs: {},
    grid,
    length: 60,
    width: 80,
    data,
    maskFile: null,
    startDate: '20180101',
    endDate: '20190101',
    warnings: [],
  };
}

describe('nisar Method 1 on a synthetic field with known station velocities', () => {
  const series = STATIONS.map(seriesOf);
  // one velocity-list station (MIDAS-like) and one outside the grid
  const [gl, go] = rowColToLatLon(grid, 40, 55);
  const sites: GnssSiteInfo[] = [
    {
      site: 'MIDA',
      lat: gl,
      lon: go,
      start: '20100101',
      end: '20240101',
      velocity: { ve: 0.002, vn: 0, vu: -0.004, se: 0.0002, sn: 0.0002, su: 0.0008 },
      file: 'midas.txt',
      format: 'MIDAS',
    },
    {
      site: 'OUTS',
      lat: 40,
      lon: -100,
      velocity: { ve: 0, vn: 0, vu: 0, se: 0, sn: 0, su: 0 },
      file: 'midas.txt',
      format: 'MIDAS',
    },
  ];

  it('screens, projects with per-station geometry, re-references and double-differences', () => {
    const data = makeField();
    for (let r = 34; r <= 46; r++)
      for (let c = 49; c <= 61; c++)
        data[r * 80 + c] =
          1000 *
          (losUnitVector(geom.incidence[40 * 80 + 55], geom.azimuth[40 * 80 + 55])[0] * 0.002 +
            losUnitVector(geom.incidence[40 * 80 + 55], geom.azimuth[40 * 80 + 55])[2] * -0.004);
    const m = runMethod1(fieldOf(data), geom, { series, sites }, { refStation: 'BBBB' });
    const by = Object.fromEntries(m.stations.map((s) => [s.site, s]));
    expect(Object.keys(by).sort()).toEqual(['AAAA', 'BBBB', 'CCCC', 'DDDD', 'EEEE', 'FFFF', 'MIDA']);
    expect(by.EEEE.status).toBe('rejected');
    expect(by.EEEE.reason).toBe('InSAR pixel is NaN (masked)');
    expect(by.FFFF.status).toBe('rejected');
    expect(by.FFFF.reason).toMatch(/^completeness 50\.1% < 90%/);
    expect(by.MIDA.source).toBe('velocity-list');
    expect(m.notes.join(' ')).toMatch(/not window-matched/);
    // per-station geometry
    expect(by.DDDD.incidence).toBeCloseTo(30 + 0.2 * 65, 5);
    expect(by.DDDD.azimuth).toBeCloseTo(-102 + 0.1 * 15, 5);
    for (const s of STATIONS.filter((x) => !['EEEE', 'FFFF'].includes(x.site))) {
      expect(by[s.site].status).toBe('used');
      expect(by[s.site].gnssLos).toBeCloseTo(losOf(s), 3);
      expect(by[s.site].insarWindow).toBeCloseTo(losOf(s) + (INSAR_ERROR[s.site] ?? 0), 4);
    }
    // re-referencing to BBBB
    expect(m.refStation).toBe('BBBB');
    expect(by.BBBB.gnss).toBe(0);
    expect(by.BBBB.insar).toBe(0);
    expect(m.insarRefValue).toBeCloseTo(losOf(STATIONS[1]), 4);
    // 5 used stations → 10 pairs; dd = 0 except pairs with CCCC (±3)
    expect(m.pairs.value.length).toBe(10);
    for (let k = 0; k < 10; k++) {
      const a = m.stations[m.pairs.i[k]].site;
      const b = m.stations[m.pairs.j[k]].site;
      const want = a === 'CCCC' ? -3 : b === 'CCCC' ? 3 : 0;
      expect(m.pairs.value[k]).toBeCloseTo(want, 3);
      expect(m.pairs.distanceKm[k]).toBeCloseTo(haversineKm(by[a].lat, by[a].lon, by[b].lat, by[b].lon), 12);
    }
    // 'auto' reference = first valid station alphabetically
    expect(runMethod1(fieldOf(data), geom, { series, sites }).refStation).toBe('AAAA');
    expect(() => runMethod1(fieldOf(data), geom, { series, sites }, { refStation: 'EEEE' })).toThrow(
      /reference station EEEE: rejected \(InSAR pixel is NaN/,
    );
    // a site preset's reference (e.g. CAWO) that is not in this scene falls back to 'auto' with a note
    const fb = runMethod1(fieldOf(data), geom, { series, sites }, { refStation: 'CAWO', refStationFallback: true });
    expect(fb.refStation).toBe('AAAA');
    expect(fb.notes).toContain(
      'reference station CAWO is not usable here; the first valid station AAAA is the reference',
    );
    expect(() => runMethod1(fieldOf(data), geom, { series, sites }, { refStation: 'CAWO' })).toThrow(
      /reference station CAWO: not among the stations inside the velocity grid/,
    );
    // exclude list
    const ex = runMethod1(fieldOf(data), geom, { series, sites }, { excludeStations: ['cccc'] });
    expect(ex.stations.find((s) => s.site === 'CCCC')!.reason).toBe('excluded by the user');
    expect(ex.pairs.value.length).toBe(6);
  });

  it('end to end from files: velocity.h5 + geometryGeo.h5 + .tenv3 → report with 6 pairs, 3 of them |dd| = 3 mm/yr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nisar-m1-'));
    const attrs = {
      FILE_TYPE: 'velocity',
      LENGTH: '60',
      WIDTH: '80',
      X_FIRST: '-120',
      Y_FIRST: '36.6',
      X_STEP: '0.005',
      Y_STEP: '-0.005',
      START_DATE: '20180101',
      END_DATE: '20190101',
      UNIT: 'm/year',
      PROJECT_NAME: 'Synthetic',
    };
    const data = makeField();
    const vel = Float32Array.from(data, (x) => (Number.isNaN(x) ? 0 : x / 1000));
    await writeH5File(join(dir, 'velocity.h5'), attrs, [
      { name: 'velocity', data: vel, shape: [60, 80], attrs: { UNIT: 'm/year' } },
    ]);
    await writeH5File(join(dir, 'geometryGeo.h5'), { ...attrs, FILE_TYPE: 'geometry' }, [
      { name: 'incidenceAngle', data: geom.incidence, shape: [60, 80] },
      { name: 'azimuthAngle', data: geom.azimuth, shape: [60, 80] },
    ]);
    const gdir = join(dir, 'gnss');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(gdir);
    const mon = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    for (const s of series.slice(0, 4)) {
      const lines = [
        'site YYMMMDD yyyy.yyyy __MJD week d reflon _e0(m) __east(m) ____n0(m) _north(m) u0(m) ____up(m) _ant(m) sig_e(m) sig_n(m) sig_u(m) __corr_en __corr_eu __corr_nu _latitude(deg) _longitude(deg) __height(m)',
      ];
      s.dates.forEach((d, i) => {
        const yymmmdd = `${d.slice(2, 4)}${mon[Number(d.slice(4, 6)) - 1]}${d.slice(6, 8)}`;
        lines.push(
          `${s.site} ${yymmmdd} 2018.0 58119 1982 1 -120 0 ${s.e[i].toFixed(6)} 0 ${s.n[i].toFixed(6)} 0 ${s.u[i].toFixed(6)} 0 0.001 0.001 0.003 0 0 0 ${s.lat} ${s.lon + 360} 10`,
        );
      });
      writeFileSync(join(gdir, `${s.site}.tenv3`), `${lines.join('\n')}\n`);
    }
    const r = await validateSecular({
      method: 'method1',
      velocityFile: join(dir, 'velocity.h5'),
      geometryFile: join(dir, 'geometryGeo.h5'),
      maskFile: null,
      gnssPaths: [gdir],
      refStation: 'AAAA',
    });
    expect(r.stations!.filter((s) => s.status === 'used').length).toBe(4);
    expect(r.pairs.value.length).toBe(6);
    const abs = Array.from(r.pairs.value, Math.abs).sort((a, b) => a - b);
    for (let k = 0; k < 3; k++) expect(abs[k]).toBeLessThan(2e-3); // float32 m/yr and 6-decimal tenv3
    for (let k = 3; k < 6; k++) expect(abs[k]).toBeCloseTo(3, 2);
    // 3 pairs pass, 3 fail → pooled 50% → FAILED
    expect(r.table.total.total).toBe(6);
    expect(r.table.total.passed).toBe(3);
    expect(r.table.verdicts.pooled.pass).toBe(false);
    const paths = writeValidationReport(r, join(dir, 'report.html'));
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toContain('FAILED');
    expect(html).toContain('AAAA (ref)');
    expect((html.match(/<svg /g) ?? []).length).toBe(5); // validation figure, map, re-referenced map, station series, histograms
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(json.verdicts.notebook).toBe('pooled');
    expect(json.stations.length).toBe(4);
    expect(readFileSync(paths.csv, 'utf8').split('\n')[11]).toMatch(/^"Total",0\.1,50,6,3,0\.5,False,/);
  });
});
