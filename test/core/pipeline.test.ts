/**
 * The whole chain, as `insar-studio run` does it, on the cv-tiny ARIA stack: load_data → modify_network →
 * reference_point → quick_overview → invert_network → velocity → google_earth, compared with MintPy 1.5.1's
 * own outputs. MintPy's reference pixel was drawn at random, so the template pins it (REF_Y/REF_X of
 * MintPy's timeseries.h5).
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { runPipeline, type RunRecord } from '../../src-core/node/pipeline/runner';
import { describeParity, fx } from '../helpers/fixtures';
import { F, bar } from '../helpers/parityFigures';

// the README's figures of the whole chain (velocity is fitted to our own series: the inversion's 3e-7 carries through)
const CHAIN = F['the whole chain `run` on the ARIA stack and on the staged inputs'];
const TS = CHAIN.ts;
const TCOH = CHAIN.tcoh;
const VEL = CHAIN.velocity;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, where?: (i: number) => boolean): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (where && !where(i)) continue;
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

async function read(path: string, ds: string): Promise<ArrayLike<number>> {
  const r = await H5Reader.open(path);
  try {
    return r.read(ds);
  } finally {
    r.close();
  }
}

describeParity('pipeline on cv-tiny ARIA input vs MintPy 1.5.1', () => {
  let dir: string;
  let record: RunRecord;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pipe-'));
    const cfg = readFileSync(fx('mintpy', 'Central_Valley.cfg'), 'utf8').replace(/\.\.\/aria\//g, `${fx('aria')}/`);
    writeFileSync(join(dir, 'Central_Valley.cfg'), `${cfg}\nmintpy.reference.yx = 11,63\n`);
    record = await runPipeline({ templatePath: join(dir, 'Central_Valley.cfg'), numWorkers: 2 });
  }, 300_000);

  it('runs every step', () => {
    expect(record.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'load_data:done',
      'modify_network:done',
      'reference_point:done',
      'quick_overview:done',
      'invert_network:done',
      'correct_topography:skipped',
      'residual_RMS:skipped',
      'reference_date:skipped',
      'velocity:done',
      'google_earth:done',
    ]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, '.insar-studio', 'tiles', 'invert_network'))).toBe(false);
  });

  it(`time series within ${bar(TS).toExponential(1)} m of MintPy (README ${TS.toExponential(1)})`, async () => {
    const ours = await read(join(dir, 'timeseries.h5'), 'timeseries');
    const theirs = await read(fx('mintpy', 'timeseries.h5'), 'timeseries');
    expect(ours.length).toBe(theirs.length);
    const d = maxAbsDiff(ours, theirs);
    console.log(`[chain ARIA] timeseries max |Δ| = ${d.toExponential(2)} m`);
    expect(d, `max |Δ| = ${d.toExponential(2)} m`).toBeLessThanOrEqual(bar(TS));
  });

  it(`temporal coherence within ${bar(TCOH).toExponential(1)} and numInvIfgram equal`, async () => {
    const d = maxAbsDiff(
      await read(join(dir, 'temporalCoherence.h5'), 'temporalCoherence'),
      await read(fx('mintpy', 'temporalCoherence.h5'), 'temporalCoherence'),
    );
    console.log(`[chain ARIA] temporalCoherence max |Δ| = ${d.toExponential(2)}`);
    expect(d, `max |Δ tcoh| = ${d.toExponential(2)}`).toBeLessThanOrEqual(bar(TCOH));
    const n = maxAbsDiff(
      await read(join(dir, 'numInvIfgram.h5'), 'mask'),
      await read(fx('mintpy', 'numInvIfgram.h5'), 'mask'),
    );
    expect(n).toBe(0);
  });

  it('masks equal', async () => {
    for (const [f, ds] of [
      ['maskTempCoh.h5', 'mask'],
      ['maskConnComp.h5', 'mask'],
      ['waterMask.h5', 'waterMask'],
    ]) {
      const d = maxAbsDiff(await read(join(dir, f), ds), await read(fx('mintpy', f), ds));
      expect(d, f).toBe(0);
    }
  });

  it(`velocity.h5 within ${bar(VEL).toExponential(1)} m/yr (README ${VEL.toExponential(1)})`, async () => {
    const ds = ['velocity', 'velocityStd', 'intercept', 'interceptStd', 'residue'];
    const d = await Promise.all(
      ds.map(async (n) =>
        maxAbsDiff(await read(join(dir, 'velocity.h5'), n), await read(fx('mintpy', 'velocity.h5'), n)),
      ),
    );
    const msg = ds.map((n, k) => `${n} ${d[k].toExponential(2)}`).join(', ');
    console.log(`[chain ARIA] velocity.h5 max |Δ|: ${msg}`);
    for (const x of d) expect(x, msg).toBeLessThanOrEqual(bar(VEL));
  });

  it('kept network equals network_kept.txt', () => {
    const ours = readFileSync(join(dir, 'network_kept.txt'), 'utf8').trim().split('\n');
    const theirs = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8').trim().split('\n');
    expect(ours).toEqual(theirs);
  });
});

describeParity('pipeline on MintPy staged inputs (the notebook zip) vs MintPy 1.5.1', () => {
  it('skips load_data (template paths absent), never touches the inputs, and matches MintPy', async () => {
    const { symlinkSync, mkdirSync, statSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'staged-'));
    mkdirSync(join(dir, 'inputs'));
    for (const f of ['ifgramStack.h5', 'geometryGeo.h5'])
      symlinkSync(fx('mintpy', 'inputs', f), join(dir, 'inputs', f));
    const before = statSync(fx('mintpy', 'inputs', 'ifgramStack.h5')).mtimeMs;
    writeFileSync(
      join(dir, 'Central_Valley.cfg'),
      `${readFileSync(fx('mintpy', 'Central_Valley.cfg'), 'utf8')}\nmintpy.reference.yx = 11,63\n`,
    );
    const rec = await runPipeline({ templatePath: join(dir, 'Central_Valley.cfg'), end: 'velocity', numWorkers: 0 });
    expect(rec.steps[0]).toMatchObject({ name: 'load_data', status: 'skipped' });
    expect(statSync(fx('mintpy', 'inputs', 'ifgramStack.h5')).mtimeMs).toBe(before);
    const d = maxAbsDiff(
      await read(join(dir, 'timeseries.h5'), 'timeseries'),
      await read(fx('mintpy', 'timeseries.h5'), 'timeseries'),
    );
    expect(d, `max |Δ| = ${d.toExponential(2)} m`).toBeLessThanOrEqual(bar(TS));
    const v = maxAbsDiff(
      await read(join(dir, 'velocity.h5'), 'velocity'),
      await read(fx('mintpy', 'velocity.h5'), 'velocity'),
    );
    console.log(`[chain staged] timeseries ${d.toExponential(2)} m, velocity ${v.toExponential(2)} m/yr`);
    expect(v, `velocity max |Δ| = ${v.toExponential(2)} m/yr`).toBeLessThanOrEqual(bar(VEL));
  });
});

describe('pipeline with the DEM-error chain on a generated stack', () => {
  it('runs correct_topography → residual_RMS → reference_date, and velocity fits timeseries_demErr.h5', async () => {
    const { writeDemo } = await import('../../src-core/node/demo');
    const demo = await writeDemo(mkdtempSync(join(tmpdir(), 'topo-')), { rows: 40, cols: 50, numDates: 12, seed: 9 });
    writeFileSync(demo.templatePath, `${readFileSync(demo.templatePath, 'utf8')}\nmintpy.topographicResidual = yes\n`);
    const rec = await runPipeline({ templatePath: demo.templatePath, end: 'velocity', numWorkers: 0 });
    expect(rec.steps.map((s) => `${s.name}:${s.status}`).slice(4)).toEqual([
      'invert_network:done',
      'correct_topography:done',
      'residual_RMS:done',
      'reference_date:done',
      'velocity:done',
    ]);
    expect(rec.skippedMintpySteps, rec.skippedMintpySteps.join()).toEqual([]);
    const refDate = readFileSync(join(rec.workDir, 'reference_date.txt'), 'utf8').trim();
    const v = await H5Reader.open(join(rec.workDir, 'velocity.h5'));
    const t = await H5Reader.open(join(rec.workDir, 'timeseries_demErr.h5'));
    try {
      expect(v.attrs.REF_DATE).toBe(refDate);
      expect(t.attrs.REF_DATE).toBe(refDate);
      // velocity's own record of its input: the DEM-error-corrected series
      expect(v.attrs.FILE_TYPE).toBe('velocity');
      expect(t.attrs.FILE_TYPE).toBe('timeseries');
    } finally {
      v.close();
      t.close();
    }
  }, 120_000);
});
