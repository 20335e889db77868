import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/formats/h5';
import { binIndex, PASS_FRACTION } from '../../src-core/nisar/requirement';
import { writeValidationReport } from '../../src-core/nisar/report';
import { validateSecular } from '../../src-core/nisar/validate';
import { velocityFromTimeseries } from '../../src-core/nisar/velocityField';
import { nisarCommand } from '../../src-cli/commands/nisar';
import { describeParity, fx } from '../helpers/fixtures';

async function readAll(file: string, ds: string): Promise<Float32Array> {
  const h = await H5Reader.open(file);
  try {
    return Float32Array.from(h.read(ds));
  } finally {
    h.close();
  }
}

describeParity('nisar Method 2 on cv-tiny velocity.h5', () => {
  it('valid pixels = maskTempCoh ∧ v ≠ 0 (15849); ⌊n/2⌋ = 7924 disjoint pairs; table recomputed independently (pooled 4.6%, FAILED); HTML/JSON/CSV written', async () => {
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
    expect(r.pairsSummary.maxKm).toBeLessThan(Math.hypot(100 * 0.0025 * 111.195, 160 * 0.0025 * 111.195 * Math.cos((36.13 * Math.PI) / 180)));
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
    const code = await nisarCommand(['method2', fx('mintpy', 'velocity.h5'), '--stable-polygon', '36.25,-119.80;36.25,-119.72;36.01,-119.72;36.01,-119.80', '--bins', 'log', '--samples', '4000', '-o', out]);
    expect(code).toBe(0);
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
    const f = await velocityFromTimeseries(fx('mintpy', 'timeseries.h5'), { maskFile: fx('mintpy', 'maskTempCoh.h5'), endDate: '20190101' });
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
