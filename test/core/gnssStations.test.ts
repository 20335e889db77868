/**
 * GNSS stations for the viewer (src-core readGnssStations, gnssLos): a .tenv3 station inside the grid is
 * placed on its pixel and projected on the LOS unit vector of that pixel's incidence/azimuth
 * (û = (−sinθ sinα, sinθ cosα, cosθ), MintPy's convention), relative to its epoch nearest REF_DATE;
 * a station outside the grid and a list-only station are on the map without a series.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeH5File } from '../../src-core/node/formats/h5';
import { readGnssStations } from '../../src-core/node/derived/gnssStations';
import { nearestEpoch, relativeToEpoch } from '../../src-core/common/derived/gnssLos';

const dir = mkdtempSync(join(tmpdir(), 'gnss-stations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MON = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const HEADER =
  'site YYMMMDD yyyy.yyyy __MJD week d reflon _e0(m) __east(m) ____n0(m) _north(m) u0(m) ____up(m) _ant(m) sig_e(m) sig_n(m) sig_u(m) __corr_en __corr_eu __corr_nu _latitude(deg) _longitude(deg) __height(m)';
function tenv3(site: string, lat: number, lon: number, rows: { d: string; e: number; n: number; u: number }[]): string {
  const lines = rows.map(
    (r) =>
      `${site} ${r.d.slice(2, 4)}${MON[Number(r.d.slice(4, 6)) - 1]}${r.d.slice(6, 8)} 2018.0 58119 1982 1 -120 0 ${r.e.toFixed(6)} 0 ${r.n.toFixed(6)} 0 ${r.u.toFixed(6)} 0 0.001 0.002 0.003 0 0 0 ${lat} ${lon + 360} 10`,
  );
  return `${[HEADER, ...lines].join('\n')}\n`;
}

describe('GNSS stations on the grid, in the LOS', () => {
  test('nearest epoch and relative series', () => {
    const d = ['20180101', '20180111', '20180121'];
    expect(nearestEpoch(d, '20180114')).toBe(1);
    expect(nearestEpoch(d, '20180301')).toBeNull();
    expect(Array.from(relativeToEpoch(d, [1, 2, 4], '20180120').values)).toEqual([-3, -2, 0]);
    expect(relativeToEpoch(d, [1, 2, 4], '20190101')).toEqual({ values: Float64Array.from([1, 2, 4]), epoch: null });
  });

  test('a .tenv3 station on its pixel, projected with that pixel’s angles, relative to REF_DATE', async () => {
    // 10 × 20 grid at 36.1–36.0 N, −119.7…−119.5; incidence and azimuth vary by pixel
    const L = 10;
    const W = 20;
    const attrs = {
      FILE_TYPE: 'timeseries',
      LENGTH: String(L),
      WIDTH: String(W),
      X_FIRST: '-119.7',
      Y_FIRST: '36.1',
      X_STEP: '0.01',
      Y_STEP: '-0.01',
      REF_DATE: '20180113',
      UNIT: 'm',
    };
    const dates = ['20180101', '20180113', '20180125'];
    await writeH5File(join(dir, 'timeseries.h5'), attrs, [
      { name: 'timeseries', data: new Float32Array(3 * L * W), shape: [3, L, W] },
      { name: 'date', data: dates, shape: [3] },
    ]);
    const inc = Float32Array.from({ length: L * W }, (_, i) => 30 + (i % W) * 0.5);
    const az = Float32Array.from({ length: L * W }, (_, i) => -102 + Math.floor(i / W));
    await writeH5File(join(dir, 'geometryGeo.h5'), { ...attrs, FILE_TYPE: 'geometry' }, [
      { name: 'incidenceAngle', data: inc, shape: [L, W] },
      { name: 'azimuthAngle', data: az, shape: [L, W] },
    ]);
    const g = join(dir, 'gnss');
    mkdirSync(g);
    // station at row 3, col 7 (36.065 N, −119.625): east 1 cm, north −2 cm, up −5 cm over the record
    const rows = [
      { d: '20180101', e: 0, n: 0, u: 0 },
      { d: '20180112', e: 0.004, n: -0.01, u: -0.02 },
      { d: '20180124', e: 0.01, n: -0.02, u: -0.05 },
    ];
    writeFileSync(join(g, 'CRCN.tenv3'), tenv3('CRCN', 36.065, -119.625, rows));
    writeFileSync(join(g, 'FAR1.tenv3'), tenv3('FAR1', 37.5, -118, rows));
    writeFileSync(join(g, 'stations.csv'), 'site,lat,lon,ve,vn,vu\nLIST,36.02,-119.52,0.001,0.002,-0.01\n');
    writeFileSync(join(g, 'notes.txt'), 'not GNSS\n');
    const r = await readGnssStations([g], join(dir, 'timeseries.h5'), join(dir, 'geometryGeo.h5'));
    expect(r.refDate).toBe('20180113');
    expect(r.stations.map((s) => [s.site, s.row, s.col])).toEqual([
      ['CRCN', 3, 7],
      ['FAR1', null, null],
      ['LIST', 8, 18],
    ]);
    const s = r.stations[0];
    const theta = inc[3 * W + 7];
    const alpha = az[3 * W + 7];
    expect([s.incidence, s.azimuth]).toEqual([theta, alpha]);
    const t = (theta * Math.PI) / 180;
    const a = (alpha * Math.PI) / 180;
    const los = rows.map((x) => -Math.sin(t) * Math.sin(a) * x.e + Math.sin(t) * Math.cos(a) * x.n + Math.cos(t) * x.u);
    // relative to the epoch nearest REF_DATE (20180112, 1 day off)
    expect(s.epoch).toBe('20180112');
    expect(s.dates).toEqual(['20180101', '20180112', '20180124']);
    s.los.forEach((v, i) => expect(v).toBeCloseTo(los[i] - los[1], 12));
    expect(s.los[1]).toBe(0);
    expect(s.los[2]).toBeLessThan(-0.02); // subsidence reads away from the satellite
    const su = Math.sqrt(
      (Math.sin(t) * Math.sin(a) * 0.001) ** 2 + (Math.sin(t) * Math.cos(a) * 0.002) ** 2 + (Math.cos(t) * 0.003) ** 2,
    );
    expect(s.sigma[0]).toBeCloseTo(su, 12);
    expect(r.stations[1].los.length).toBe(0);
    expect(r.ignored.map((f) => f.split('/').pop())).toEqual(['notes.txt']);
  });
});
