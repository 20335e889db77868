import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { binIndex, PASS_FRACTION } from '../../src-core/common/nisar/requirement';
import { writeValidationReport } from '../../src-core/node/nisar/report';
import { validateSecular } from '../../src-core/node/nisar/validate';
import { velocityFromTimeseries } from '../../src-core/node/nisar/velocityField';
import { nisarCommand } from '../../src-cli/commands/nisar';
import { describeParity, fx } from '../helpers/fixtures';

/** Run the CLI with its stdout captured: its PASSED/FAILED verdict lines are expected output, asserted, not printed. */
async function nisarQuiet(argv: string[]): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    return { code: await nisarCommand(argv), out };
  } finally {
    process.stdout.write = orig;
  }
}

async function readAll(file: string, ds: string): Promise<Float32Array> {
  const h = await H5Reader.open(file);
  try {
    return Float32Array.from(h.read(ds));
  } finally {
    h.close();
  }
}

describeParity('nisar Method 2 on cv-tiny velocity.h5', () => {
  it('valid pixels = maskTempCoh ∧ v ≠ 0 (15849); ⌊n/2⌋ = 7924 disjoint pairs; table recomputed independently (pooled 4.6%: misses the requirement, as expected for this scene); HTML/JSON/CSV written', async () => {
    const vel = await readAll(fx('mintpy', 'velocity.h5'), 'velocity');
    const mask = await readAll(fx('mintpy', 'maskTempCoh.h5'), 'mask');
    let n = 0;
    for (let p = 0; p < vel.length; p++) if (mask[p] && vel[p] !== 0 && Number.isFinite(vel[p])) n++;
    const r = await validateSecular({ method: 'method2', velocityFile: fx('mintpy', 'velocity.h5'), site: 'cv-tiny' });
    expect(r.maskFile).toBe(fx('mintpy', 'maskTempCoh.h5')); // MintPy's default mask beside the velocity
    expect(r.sampling!.available).toBe(n);
    expect(r.sampling!.drawn).toBe(n); // fewer than 1,000,000 pixels: all of them
    expect(r.pairs.value.length).toBe(Math.floor(n / 2));
    // the pair values are the mm/yr velocity differences of the two pixels
    for (let k = 0; k < 50; k++) {
      const dv = 1000 * vel[r.pairs.i[k]] - 1000 * vel[r.pairs.j[k]];
      expect(r.pairs.value[k]).toBeCloseTo(dv, 3);
    }
    // 100 × 160 px of 1/400°: no pair beyond the grid diagonal
    expect(r.pairsSummary.maxKm).toBeLessThan(
      Math.hypot(100 * 0.0025 * 111.195, 160 * 0.0025 * 111.195 * Math.cos((36.13 * Math.PI) / 180)),
    );
    // independent recount of the table
    const tot = new Array(10).fill(0);
    const ok = new Array(10).fill(0);
    for (let k = 0; k < r.pairs.value.length; k++) {
      const b = binIndex(r.table.edges, r.pairs.distanceKm[k]);
      if (b < 0) continue;
      tot[b]++;
      if (Math.abs(r.pairs.value[k]) < 2) ok[b]++;
    }
    expect(r.table.rows.map((x) => x.total)).toEqual(tot);
    expect(r.table.rows.map((x) => x.passed)).toEqual(ok);
    const T = tot.reduce((a, b) => a + b, 0);
    const P = ok.reduce((a, b) => a + b, 0);
    expect(r.table.total.total).toBe(T);
    expect(r.table.verdicts.pooled.pass).toBe(P / T > PASS_FRACTION);
    // cv-tiny holds a subsidence bowl: relative velocities of several cm/yr → the unmasked scene fails
    expect(r.table.verdicts.pooled.pass).toBe(false);
    expect(r.variogram!.points).toBe(2000);
    expect(r.variogram!.fit.sill).toBeGreaterThan(4); // far above the 2 (mm/yr)² a passing scene needs
    const dir = mkdtempSync(join(tmpdir(), 'nisar-e2e-'));
    const paths = writeValidationReport(r, join(dir, 'report.html'));
    const html = readFileSync(paths.html, 'utf8');
    expect((html.match(/<svg /g) ?? []).length).toBe(3); // validation figure, velocity map, semivariogram
    expect(html).toContain('[the notebook’s verdict]');
    expect(html).toMatch(/<tr class="total"><td>Total<\/td><td>\d+<\/td>/);
    const json = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(json.table.length).toBe(11);
    expect(json.pairs.count).toBe(Math.floor(n / 2));
    console.log(
      `[nisar e2e] cv-tiny Method 2: ${n} px, ${r.pairs.value.length} pairs, pooled ${P}/${T} = ${((100 * P) / T).toFixed(1)}%, sill ${r.variogram!.fit.sill.toFixed(1)} (mm/yr)², range ${r.variogram!.fit.range.toFixed(1)} km → ${paths.html}`,
    );
  });

  it('CLI: a stable polygon on the bowl-free west edge, log bins; exit 1 naming a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nisar-cli-'));
    const out = join(dir, 'm2.html');
    const { code, out: said } = await nisarQuiet([
      'method2',
      fx('mintpy', 'velocity.h5'),
      '--stable-polygon',
      '36.25,-119.80;36.25,-119.72;36.01,-119.72;36.01,-119.80',
      '--bins',
      'log',
      '--samples',
      '4000',
      '-o',
      out,
    ]);
    expect(code).toBe(0);
    expect(said).toMatch(/^(PASSED|FAILED) \(notebook verdict, pooled Total row\)/);
    const json = JSON.parse(readFileSync(join(dir, 'm2.json'), 'utf8'));
    expect(json.requirement.binning.kind).toBe('log');
    expect(json.sampling.drawn).toBeLessThanOrEqual(4000);
    expect(json.sampling.stablePixels).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'm2.csv'))).toBe(true);
    let err = '';
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      expect(await nisarCommand(['method2', join(dir, 'missing.h5'), '-o', join(dir, 'x.html')])).toBe(1);
      expect(await nisarCommand(['method2'])).toBe(2);
    } finally {
      process.stderr.write = orig;
    }
    expect(err).toContain(`${join(dir, 'missing.h5')}: file not found`);
  });
});

describeParity('nisar §2 velocity refit from cv-tiny timeseries.h5', () => {
  it('span < 365 days → linear model only, equal to MintPy velocity.h5: max |Δ| = 4.4e-5 mm/yr on 15849 px', async () => {
    const f = await velocityFromTimeseries(fx('mintpy', 'timeseries.h5'), {
      maskFile: fx('mintpy', 'maskTempCoh.h5'),
      endDate: '20190101',
    });
    expect(f.seasonal).toBe(false); // 20180109 … 20181223 = 348 days
    expect(f.endDate).toBe('20181223');
    const vel = await readAll(fx('mintpy', 'velocity.h5'), 'velocity');
    const mask = await readAll(fx('mintpy', 'maskTempCoh.h5'), 'mask');
    let maxD = 0;
    let n = 0;
    for (let p = 0; p < vel.length; p++) {
      if (!mask[p] || vel[p] === 0) {
        expect(Number.isNaN(f.data[p])).toBe(true);
        continue;
      }
      maxD = Math.max(maxD, Math.abs(f.data[p] - 1000 * vel[p]));
      n++;
    }
    expect(n).toBeGreaterThan(10000);
    expect(maxD).toBeLessThan(1e-3);
    console.log(`[nisar e2e] §2 refit vs MintPy velocity.h5 on ${n} px: max |Δ| = ${maxD.toExponential(2)} mm/yr`);
  });
});

describe('nisar CLI usage', () => {
  it('unknown subcommand and option → exit 2', async () => {
    const orig = process.stderr.write.bind(process.stderr);
    let err = '';
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      expect(await nisarCommand(['method3', 'v.h5'])).toBe(2);
      expect(await nisarCommand(['method2', 'v.h5', '--bogus', '1'])).toBe(2);
      expect(await nisarCommand(['method1', 'v.h5'])).toBe(2);
    } finally {
      process.stderr.write = orig;
    }
    expect(err).toContain('unknown nisar command "method3"');
    expect(err).toContain('unknown option --bogus');
    expect(err).toContain('nisar method1 needs --gnss');
  });
});

describeParity('nisar Method 1 on cv-tiny with GNSS made from truth.h5', () => {
  it('stations on a 5 × 3 lattice, vertical motion = truth LOS velocity / cos θ: dd = (truth_i − truth_j) − (median_i − median_j): max |Δ| = 2.4e-5 mm/yr (14 stations, 91 pairs, pooled 10/91: misses the requirement, as expected)', async () => {
    const vel = await readAll(fx('mintpy', 'velocity.h5'), 'velocity');
    const mask = await readAll(fx('mintpy', 'maskTempCoh.h5'), 'mask');
    const truth = await readAll(fx('truth.h5'), 'velocity');
    const inc = await readAll(fx('mintpy', 'inputs', 'geometryGeo.h5'), 'incidenceAngle');
    const L = 100;
    const W = 160;
    const dir = mkdtempSync(join(tmpdir(), 'nisar-cv-m1-'));
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const gdir = join(dir, 'gnss');
    mkdirSync(gdir);
    const mon = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    const t0 = Date.UTC(2018, 0, 9);
    const days = Array.from({ length: 349 }, (_, i) => new Date(t0 + i * 86_400_000)); // 20180109 … 20181223
    const stations: { site: string; row: number; col: number }[] = [];
    for (const row of [10, 30, 50, 70, 90])
      for (const col of [20, 80, 140]) {
        const p = row * W + col;
        if (!mask[p] || vel[p] === 0) continue;
        const site = `S${row}${col}`.padEnd(4, 'X').slice(0, 6);
        stations.push({ site, row, col });
        const lat = 36.25125 - (row + 0.5) * 0.0025;
        const lon = -119.80125 + (col + 0.5) * 0.0025;
        const vu = truth[p] / Math.cos((inc[p] * Math.PI) / 180); // m/yr, vertical only
        const lines = [
          'site YYMMMDD yyyy.yyyy __MJD week d reflon _e0(m) __east(m) ____n0(m) _north(m) u0(m) ____up(m) _ant(m) sig_e(m) sig_n(m) sig_u(m) __corr_en __corr_eu __corr_nu _latitude(deg) _longitude(deg) __height(m)',
        ];
        for (const d of days) {
          const y = d.getUTCFullYear();
          const doy = (d.getTime() - Date.UTC(y, 0, 1)) / 86_400_000;
          const tau = y + doy / 365.25 - (2018 + 8 / 365.25);
          const yy = String(y).slice(2);
          lines.push(
            `${site} ${yy}${mon[d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, '0')} 0 0 0 0 0 0 0 0 0 0 ${(vu * tau).toFixed(7)} 0 0.001 0.001 0.003 0 0 0 ${lat} ${lon} 0`,
          );
        }
        writeFileSync(join(gdir, `${site}.tenv3`), `${lines.join('\n')}\n`);
      }
    expect(stations.length).toBeGreaterThanOrEqual(8);
    const r = await validateSecular({
      method: 'method1',
      velocityFile: fx('mintpy', 'velocity.h5'),
      gnssPaths: [gdir],
      site: 'cv-tiny',
    });
    const used = r.stations!.filter((s) => s.status === 'used');
    expect(used.length).toBe(stations.length);
    // independent expectation: NaN-median of the masked MintPy velocity (mm/yr) over the clipped 11 × 11 window
    const med = (row: number, col: number) => {
      const v: number[] = [];
      for (let y = Math.max(0, row - 5); y <= Math.min(L - 1, row + 5); y++)
        for (let x = Math.max(0, col - 5); x <= Math.min(W - 1, col + 5); x++) {
          const p = y * W + x;
          if (mask[p] && vel[p] !== 0) v.push(vel[p] * 1000);
        }
      v.sort((a, b) => a - b);
      return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    };
    let maxErr = 0;
    for (let k = 0; k < r.pairs.value.length; k++) {
      const a = r.stations![r.pairs.i[k]];
      const b = r.stations![r.pairs.j[k]];
      const want =
        (truth[a.row * W + a.col] - truth[b.row * W + b.col]) * 1000 - (med(a.row, a.col) - med(b.row, b.col));
      maxErr = Math.max(maxErr, Math.abs(r.pairs.value[k] - want));
    }
    expect(r.pairs.value.length).toBe((used.length * (used.length - 1)) / 2);
    expect(maxErr).toBeLessThan(1e-3);
    // each station's GNSS LOS velocity is the truth velocity
    for (const s of used) expect(s.gnssLos).toBeCloseTo(truth[s.row * W + s.col] * 1000, 3);
    const paths = writeValidationReport(r, join(dir, 'report.html'));
    console.log(
      `[nisar e2e] cv-tiny Method 1 (truth GNSS): ${used.length} stations, ${r.pairs.value.length} pairs, max |dd − expected| = ${maxErr.toExponential(1)} mm/yr, pooled ${r.table.total.passed}/${r.table.total.total} → ${paths.html}`,
    );
  });
});

describeParity('nisar Method 2 profile sampling on cv-tiny', () => {
  it('CLI --profiles 500: transects 0.1–50 km, report written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nisar-prof-'));
    const out = join(dir, 'p.html');
    const r = await nisarQuiet(['method2', fx('mintpy', 'velocity.h5'), '--profiles', '500', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}`);
    const json = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
    expect(json.sampling.mode).toBe('profiles');
    expect(json.sampling.drawn).toBe(1000);
    expect(json.pairs.count).toBeGreaterThan(400);
    expect(json.pairs.maxKm).toBeLessThan(50);
    expect(json.pairs.minKm).toBeGreaterThan(0);
  });
});
