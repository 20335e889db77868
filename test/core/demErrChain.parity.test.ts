/**
 * The DEM-error chain, run whole (`runPipeline` on the staged inputs with the fixture's own template,
 * mintpy.topographicResidual = yes), against MintPy 1.5.1's outputs in cv-tiny/mintpy/variants/demErr/:
 * demErr.h5, timeseries_demErr.h5, timeseriesResidual.h5, rms_timeseriesResidual_ramp.txt, reference_date.txt
 * and velocity.h5. MintPy's reference_date re-references timeseries.h5 AND timeseries_demErr.h5 in place (the
 * fixture's timeseries.h5 is the re-referenced one), so both are compared. Bars: 3 × the README's figures.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { runPipeline, type RunRecord } from '../../src-core/node/pipeline/runner';
import { describeParity, fx } from '../helpers/fixtures';
import { F, bar } from '../helpers/parityFigures';

const FIG =
  F['DEM-error chain (topographicResidual = yes): demErr / timeseries_demErr / velocity after reference_date'];
const TS = F['timeseries.h5, weightFunc var / no / fim / coh / min-norm phase'].var;
const V = (...p: string[]) => fx('mintpy', 'variants', 'demErr', ...p);

async function read(path: string, ds: string): Promise<{ data: Float32Array; attrs: Record<string, string> }> {
  const h = await H5Reader.open(path);
  try {
    return { data: Float32Array.from(h.read(ds) as ArrayLike<number>), attrs: h.attrs };
  } finally {
    h.close();
  }
}

/** max |a − b| over elements finite in both; NaN in exactly one of them counts as a mismatch. */
function compare(a: Float32Array, b: Float32Array): { max: number; nanMismatch: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let nanMismatch = 0;
  for (let i = 0; i < a.length; i++) {
    const fa = Number.isFinite(a[i]);
    const fb = Number.isFinite(b[i]);
    if (fa !== fb) nanMismatch++;
    else if (fa) max = Math.max(max, Math.abs(a[i] - b[i]));
  }
  return { max, nanMismatch };
}

describeParity('DEM-error chain vs MintPy 1.5.1 (cv-tiny variants/demErr)', () => {
  let dir: string;
  let rec: RunRecord;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'demerr-chain-'));
    mkdirSync(join(dir, 'inputs'));
    for (const f of ['ifgramStack.h5', 'geometryGeo.h5'])
      symlinkSync(fx('mintpy', 'inputs', f), join(dir, 'inputs', f));
    writeFileSync(join(dir, 'Central_Valley.cfg'), readFileSync(V('Central_Valley.cfg'), 'utf8'));
    rec = await runPipeline({ templatePath: join(dir, 'Central_Valley.cfg'), end: 'velocity', numWorkers: 2 });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs correct_topography → residual_RMS → reference_date → velocity', () => {
    expect(rec.steps.map((s) => `${s.name}:${s.status}`).slice(4)).toEqual([
      'invert_network:done',
      'correct_topography:done',
      'residual_RMS:done',
      'reference_date:done',
      'velocity:done',
    ]);
  });

  it(`demErr.h5 within ${bar(FIG.demErr).toExponential(1)} m (README ${FIG.demErr.toExponential(1)})`, async () => {
    const d = compare((await read(join(dir, 'demErr.h5'), 'dem')).data, (await read(V('demErr.h5'), 'dem')).data);
    console.log(`[demErr chain] demErr max |Δ| = ${d.max.toExponential(2)} m`);
    expect(d.nanMismatch).toBe(0);
    expect(d.max).toBeLessThanOrEqual(bar(FIG.demErr));
  });

  it(`timeseries_demErr.h5 and the re-referenced timeseries.h5 within ${bar(FIG.tsDemErr).toExponential(1)} m, REF_DATE of the chain`, async () => {
    const ours = await read(join(dir, 'timeseries_demErr.h5'), 'timeseries');
    const theirs = await read(V('timeseries_demErr.h5'), 'timeseries');
    const d = compare(ours.data, theirs.data);
    expect(ours.attrs.REF_DATE).toBe('20181105');
    expect(ours.attrs.REF_DATE).toBe(theirs.attrs.REF_DATE);
    const t = await read(join(dir, 'timeseries.h5'), 'timeseries');
    const tt = await read(V('timeseries.h5'), 'timeseries');
    const d2 = compare(t.data, tt.data);
    expect(t.attrs.REF_DATE).toBe(tt.attrs.REF_DATE);
    const r = compare(
      (await read(join(dir, 'timeseriesResidual.h5'), 'timeseries')).data,
      (await read(V('timeseriesResidual.h5'), 'timeseries')).data,
    );
    console.log(
      `[demErr chain] max |Δ|: timeseries_demErr ${d.max.toExponential(2)} m, timeseries (re-referenced) ${d2.max.toExponential(2)} m, timeseriesResidual ${r.max.toExponential(2)} m`,
    );
    expect(d.nanMismatch + d2.nanMismatch + r.nanMismatch).toBe(0);
    expect(d.max).toBeLessThanOrEqual(bar(FIG.tsDemErr));
    expect(r.max).toBeLessThanOrEqual(bar(FIG.tsDemErr));
    // timeseries.h5 carries the inversion's difference (README: 3.0e-7 m), re-referenced like MintPy's
    expect(d2.max).toBeLessThanOrEqual(bar(TS));
  });

  it('rms_timeseriesResidual_ramp.txt (same dates, RMS to 1e-6 relative), reference_date.txt equal, no exclude_date.txt', () => {
    const rows = (p: string) =>
      readFileSync(p, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split('\t'));
    const ours = rows(join(dir, 'rms_timeseriesResidual_ramp.txt'));
    const theirs = rows(V('rms_timeseriesResidual_ramp.txt'));
    expect(ours.map((r) => r[0])).toEqual(theirs.map((r) => r[0]));
    let worst = 0;
    ours.forEach((r, i) => {
      const e = Number(theirs[i][1]);
      worst = Math.max(worst, e === 0 ? Math.abs(Number(r[1])) : Math.abs(Number(r[1]) / e - 1));
    });
    console.log(`[demErr chain] RMS max relative |Δ| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
    expect(readFileSync(join(dir, 'reference_date.txt'), 'utf8')).toBe(readFileSync(V('reference_date.txt'), 'utf8'));
    expect(existsSync(join(dir, 'exclude_date.txt'))).toBe(existsSync(V('exclude_date.txt')));
  });

  it(`velocity.h5 (fitted to timeseries_demErr.h5) within ${bar(FIG.velocity).toExponential(1)} m/yr (README ${FIG.velocity.toExponential(1)})`, async () => {
    const msgs: string[] = [];
    for (const ds of ['velocity', 'velocityStd', 'intercept', 'interceptStd', 'residue']) {
      const ours = await read(join(dir, 'velocity.h5'), ds);
      const theirs = await read(V('velocity.h5'), ds);
      const d = compare(ours.data, theirs.data);
      msgs.push(`${ds} ${d.max.toExponential(2)}`);
      expect(d.nanMismatch, ds).toBe(0);
      expect(d.max, ds).toBeLessThanOrEqual(bar(FIG.velocity));
      if (ds === 'velocity') {
        expect(ours.attrs.REF_DATE).toBe(theirs.attrs.REF_DATE);
        expect(ours.attrs.START_DATE).toBe(theirs.attrs.START_DATE);
        expect(ours.attrs.END_DATE).toBe(theirs.attrs.END_DATE);
      }
    }
    console.log(`[demErr chain] velocity.h5 max |Δ|: ${msgs.join(', ')}`);
  });
});
