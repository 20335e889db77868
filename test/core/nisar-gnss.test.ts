import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  csvKind,
  decimalYearToYmd,
  parseDataHoldings,
  parseMidas,
  parseSeriesCsv,
  parseSiteListCsv,
  parseTenv3,
  unrDate,
} from '../../src-core/common/nisar/gnssFormats';
import { loadGnssInputs } from '../../src-core/node/nisar/gnssFiles';
import {
  completeness,
  detrendedScatterMm,
  fitLosVelocity,
  gnssLosSeries,
  type LosSeries,
} from '../../src-core/node/nisar/gnssSeries';
import { losUnitVector } from '../../src-core/common/nisar/geometry';
import { SeededRandom } from '../../src-core/common/nisar/prng';
import { formatDate } from '../../src-core/common/time/dates';

const TENV3 = `site YYMMMDD yyyy.yyyy __MJD week d reflon _e0(m) __east(m) ____n0(m) _north(m) u0(m) ____up(m) _ant(m) sig_e(m) sig_n(m) sig_u(m) __corr_en __corr_eu __corr_nu _latitude(deg) _longitude(deg) __height(m)
CAWO 18JAN01 2018.0007 58119 1982 1 -119.6 -1234 0.512300 3456 0.100000 -2 0.050000 0.0000 0.0010 0.0012 0.0040 0.01 0.02 0.03 36.2101 240.3500 85.1
CAWO 18JAN02 2018.0034 58120 1982 2 -119.6 -1234 0.513300 3456 0.098000 -2 0.046000 0.0000 0.0011 0.0013 0.0041 0.01 0.02 0.03 36.2101 240.3500 85.1
CAWO 18JAN03 2018.0062 58121 1982 3 -119.6 -1233 -0.480000 3456 0.101000 -2 0.052000 0.0000 0.0010 0.0012 0.0040 0.01 0.02 0.03 36.2101 240.3500 85.1
`;

describe('nisar GNSS file parsers', () => {
  it('UNR dates and decimal years', () => {
    expect(unrDate('18JAN01')).toBe('20180101');
    expect(unrDate('99dec31')).toBe('19991231');
    expect(() => unrDate('18XYZ01')).toThrow(/unknown month/);
    expect(decimalYearToYmd(2018.0)).toBe('20180101');
    expect(decimalYearToYmd(2018 + 181 / 365)).toBe('20180701');
  });

  it('.tenv3: total = integer + fraction minus the first epoch, lon 240.35 → −119.65, σ in m', () => {
    const s = parseTenv3(TENV3, 'CAWO.tenv3');
    expect(s.site).toBe('CAWO');
    expect(s.dates).toEqual(['20180101', '20180102', '20180103']);
    expect(s.lat).toBe(36.2101);
    expect(s.lon).toBeCloseTo(-119.65, 12);
    expect(s.e[1]).toBeCloseTo(0.001, 12);
    // e0 changes −1234 → −1233 while the fraction wraps: −1233 − 0.48 − (−1234 + 0.5123) = 0.0077
    expect(s.e[2]).toBeCloseTo(0.0077, 12);
    expect(s.n[1]).toBeCloseTo(-0.002, 12);
    expect(s.u[2]).toBeCloseTo(0.002, 12);
    expect(s.se[0]).toBe(0.001);
    expect(s.su[1]).toBe(0.0041);
  });

  it('.tenv3 columns are found by header name (an extra column shifts the rest)', () => {
    const lines = TENV3.trim()
      .split('\n')
      .map((l, i) => {
        const f = l.split(/\s+/);
        f.splice(7, 0, i === 0 ? 'newcol' : '9.99');
        return f.join(' ');
      });
    const s = parseTenv3(lines.join('\n'), 'X.tenv3');
    expect(s.e[2]).toBeCloseTo(0.0077, 12);
    expect(s.lat).toBe(36.2101);
    expect(() => parseTenv3('site YYMMMDD foo\nA 18JAN01 1\n', 'bad.tenv3')).toThrow(
      /^bad\.tenv3: .tenv3 header has no column east/,
    );
    expect(() => parseTenv3(TENV3.replace('0.513300', 'x'), 'c.tenv3')).toThrow(
      /^c\.tenv3: line 3: east "x" is not a number/,
    );
  });

  it('DataHoldings.txt: at most 12 fields (names with spaces or missing)', () => {
    const txt = `Sta Lat(deg) Long(deg) Hgt(m) X(m) Y(m) Z(m) Dtbeg Dtend Dtmod NumSol StaOrigName
CAWO  36.2101 -119.6500   85.1 -2541000.1 -4455000.2 3748000.3 2005-01-01 2024-06-01 2024-06-10 6000 CAWO Corcoran Water
P566  36.3200  240.1000  100.0 -2541000.1 -4455000.2 3748000.3 2007-03-04 2019-12-31 2020-01-10 4500
`;
    const s = parseDataHoldings(txt, 'DataHoldings.txt');
    expect(s.length).toBe(2);
    expect(s[0]).toMatchObject({
      site: 'CAWO',
      lat: 36.2101,
      lon: -119.65,
      start: '20050101',
      end: '20240601',
      numSol: 6000,
    });
    expect(s[1].lon).toBeCloseTo(-119.9, 12);
    expect(s[1].end).toBe('20191231');
  });

  it('MIDAS: velocities (m/yr) from columns 9–14, lat/lon/height from 25–27', () => {
    const row =
      'P619 MIDAS5 2006.1000 2020.5000 14.4000 5000 4900 3000 -0.021500 0.020100 -0.000400 0.000300 0.000250 0.001000 0.1 0.2 0.3 0.01 0.02 0.03 0.002 0.002 0.004 1 35.2050 244.1877 700.5';
    const s = parseMidas(`${row}\n`, 'midas.IGS14.txt');
    expect(s[0].site).toBe('P619');
    expect(s[0].velocity).toEqual({ ve: -0.0215, vn: 0.0201, vu: -0.0004, se: 0.0003, sn: 0.00025, su: 0.001 });
    expect(s[0].lat).toBe(35.205);
    expect(s[0].lon).toBeCloseTo(-115.8123, 12);
    expect(s[0].start).toBe('20060206'); // 2006.1 − 2006 = 0.0999…, 36.49 days
    expect(() => parseMidas('P619 MIDAS5 2006\n', 'm.txt')).toThrow(/^m\.txt: line 1: 3 columns, a MIDAS row has 27/);
  });

  it('CSV station list by header name (any column order, units in brackets) and per-site series', () => {
    const list = `lon,Site,LAT,vu[mm/yr],ve[mm/yr],vn[mm/yr],start,end
-119.65,CAWO,36.21,-1.5,2,3,2018-01-01,2019-01-01
-119.9,P566,36.32,,,,,
`;
    expect(csvKind(list)).toBe('list');
    const s = parseSiteListCsv(list, 'sites.csv');
    expect(s[0]).toMatchObject({ site: 'CAWO', lat: 36.21, lon: -119.65, start: '20180101', end: '20190101' });
    expect(s[0].velocity!.vu).toBeCloseTo(-0.0015, 15);
    expect(s[0].velocity!.ve).toBeCloseTo(0.002, 15);
    expect(Number.isNaN(s[0].velocity!.se)).toBe(true);
    expect(s[1].velocity).toBeUndefined();
    const ser = `date,e,n,u,se,sn,su
2018-01-02,0.002,0.001,-0.003,0.001,0.001,0.003
20180101,0.001,0.000,0.000,0.001,0.001,0.003
`;
    expect(csvKind(ser)).toBe('series');
    const t = parseSeriesCsv(ser, 'CAWO.csv', 'CAWO', 36.21, -119.65);
    expect(t.dates).toEqual(['20180101', '20180102']);
    expect(t.e[1]).toBeCloseTo(0.001, 15);
    expect(t.u[1]).toBeCloseTo(-0.003, 15);
    expect(() => parseSiteListCsv('name,x,y\nA,1,2\n', 'l.csv')).toThrow(
      /^l\.csv: station-list CSV needs columns site, lat, lon/,
    );
  });

  it('loadGnssInputs reads a folder: tenv3 series, CSV series with coordinates from the CSV list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nisar-gnss-'));
    writeFileSync(join(dir, 'CAWO.tenv3'), TENV3);
    writeFileSync(join(dir, 'sites.csv'), 'site,lat,lon\nP566,36.32,-119.9\n');
    writeFileSync(join(dir, 'P566.csv'), 'date,e,n,u\n20180101,0,0,0\n20180102,0.001,0,0\n');
    writeFileSync(join(dir, 'README.md'), 'not gnss');
    const g = loadGnssInputs([dir]);
    expect(g.series.map((s) => s.site).sort()).toEqual(['CAWO', 'P566']);
    const p = g.series.find((s) => s.site === 'P566')!;
    expect([p.lat, p.lon]).toEqual([36.32, -119.9]);
    expect(g.ignored.length).toBe(1);
    expect(() => loadGnssInputs([join(dir, 'nope')])).toThrow(/nope: GNSS file or folder not found/);
  });
});

/** daily dates from start for n days */
function days(start: string, n: number): string[] {
  const t0 = Date.UTC(Number(start.slice(0, 4)), Number(start.slice(4, 6)) - 1, Number(start.slice(6, 8)));
  return Array.from({ length: n }, (_, i) => formatDate(new Date(t0 + i * 86_400_000)));
}

describe('nisar GNSS LOS velocity', () => {
  const dates = days('20180101', 366); // 2018-01-01 … 2019-01-01
  const year = (d: string) => {
    const y = Number(d.slice(0, 4));
    const doy = (Date.UTC(y, Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
    return y + (doy - 1) / 365.25;
  };

  it('recovers velocity with seasonal terms and removes outliers (|z| > 3) in one extra pass', () => {
    const rng = new SeededRandom(11);
    const t0 = year(dates[0]);
    const noise = Float64Array.from(dates, () => 0.7 * rng.normal());
    const noiseStd = Math.sqrt(
      noise.reduce((a, x) => a + x * x, 0) / noise.length - (noise.reduce((a, x) => a + x, 0) / noise.length) ** 2,
    );
    const los = Float64Array.from(dates, (d, i) => {
      const t = year(d) - t0;
      return (
        4 +
        -7.5 * t +
        3 * Math.cos(2 * Math.PI * t) +
        1.2 * Math.sin(2 * Math.PI * t) +
        0.8 * Math.sin(4 * Math.PI * t) +
        noise[i]
      );
    });
    los[50] += 40;
    los[200] -= 35;
    const s: LosSeries = { dates, los, sigma: new Float64Array(dates.length).fill(1) };
    const f = fitLosVelocity(s, { start: '20180101', end: '20190101' });
    expect(f.seasonal).toBe(true); // span 365 days keeps the seasonal terms
    expect(f.outliers).toEqual([dates[50], dates[200]]);
    expect(f.dates.length).toBe(364);
    expect(f.velocity).toBeCloseTo(-7.5, 0);
    expect(Math.abs(f.velocity + 7.5)).toBeLessThan(4 * f.velocityStd);
    expect(f.velocityStd).toBeGreaterThan(0.05);
    expect(f.velocityStd).toBeLessThan(0.5);
    expect(Math.abs(f.residualStd / noiseStd - 1)).toBeLessThan(0.03); // the fit leaves the injected noise
    expect(f.params[2]).toBeCloseTo(3, 0);
  });

  it('exact model without noise: v, c0 and the seasonal amplitudes to 1e-4 (float32 G)', () => {
    const t0 = year(dates[0]);
    const los = Float64Array.from(dates, (d) => {
      const t = year(d) - t0;
      return -2 + 5 * t + 1.5 * Math.cos(2 * Math.PI * t) - 0.5 * Math.sin(4 * Math.PI * t);
    });
    const f = fitLosVelocity({ dates, los, sigma: los.map(() => NaN) }, { start: '20180101', end: '20190101' });
    expect(f.velocity).toBeCloseTo(5, 4);
    expect(f.params[0]).toBeCloseTo(-2, 4);
    expect(f.params[2]).toBeCloseTo(1.5, 4);
    expect(f.params[5]).toBeCloseTo(-0.5, 4);
  });

  it('a window under 365 days drops the seasonal terms; ≤ 2 epochs or span ≤ ¼ window → NaN', () => {
    const short = dates.slice(0, 200);
    const los = Float64Array.from(short, (_, i) => 0.01 * i);
    const f = fitLosVelocity({ dates: short, los, sigma: los }, { start: short[0], end: short[199] });
    expect(f.seasonal).toBe(false);
    expect(f.params.length).toBe(2);
    expect(f.velocity).toBeCloseTo(3.6525, 3);
    const few = fitLosVelocity(
      { dates: dates.slice(0, 2), los: new Float64Array([0, 1]), sigma: new Float64Array(2) },
      { start: '20180101', end: '20190101' },
    );
    expect(Number.isNaN(few.velocity)).toBe(true);
    const spanShort = fitLosVelocity(
      { dates: dates.slice(0, 80), los: Float64Array.from({ length: 80 }, (_, i) => i), sigma: new Float64Array(80) },
      { start: '20180101', end: '20190101' },
    );
    expect(spanShort.reason).toMatch(/data span 79 d ≤ ¼ of the 365-day window/);
  });

  it('completeness counts daily epochs against the window length; scatter is in mm', () => {
    const c = completeness(
      dates.filter((_, i) => i % 10 !== 0),
      '20180101',
      '20190101',
    );
    expect(c.epochs).toBe(329);
    expect(c.days).toBe(365);
    expect(c.ok).toBe(true); // 329 ≥ 328.5
    expect(
      completeness(
        dates.filter((_, i) => i % 9 !== 0),
        '20180101',
        '20190101',
      ).ok,
    ).toBe(false);
    const rng = new SeededRandom(5);
    const los = Float64Array.from(dates, (_, i) => 0.05 * i + 12 * rng.normal());
    expect(detrendedScatterMm({ dates, los, sigma: los })).toBeGreaterThan(10); // rejected at 10 mm
  });

  it('LOS series from ENU metres: mm, û·d', () => {
    const u = losUnitVector(38, 102);
    const s = gnssLosSeries(
      {
        site: 'X',
        lat: 0,
        lon: 0,
        height: 0,
        dates: ['20180101', '20180102'],
        e: new Float64Array([0, 0.01]),
        n: new Float64Array([0, 0.002]),
        u: new Float64Array([0, -0.005]),
        se: new Float64Array([0.001, 0.001]),
        sn: new Float64Array([0.001, 0.001]),
        su: new Float64Array([0.003, 0.003]),
        file: 'x',
      },
      u,
    );
    expect(s.los[1]).toBeCloseTo(1000 * (u[0] * 0.01 + u[1] * 0.002 - u[2] * 0.005), 12);
    expect(s.sigma[0]).toBeCloseTo(Math.hypot(u[0], u[1], 3 * u[2]), 12);
  });
});
