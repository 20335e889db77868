/**
 * The whole chain on the nisar-tiny GUNW folder, as `insar-studio run` does it — our own load_data of the GUNW
 * products, then modify_network … velocity — against MintPy 1.5.1's chain on MintPy's NISAR loader output
 * (the fixture's NISAR_CV.cfg, reference pixel pinned at 51,8).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { H5Reader, type Attrs } from '../../src-core/node/formats/h5';
import { runPipeline, type RunRecord } from '../../src-core/node/pipeline/runner';
import { describeNisarParity, nx } from '../helpers/fixtures';
import { stageNisarTiny } from '../helpers/nisar';

async function read(path: string, ds: string): Promise<{ v: ArrayLike<number>; attrs: Attrs }> {
  const r = await H5Reader.open(path);
  try {
    return { v: r.read(ds), attrs: r.attrs };
  } finally {
    r.close();
  }
}

/** max |a − b|; NaN on one side only counts as a difference, NaN on both does not. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) {
    const na = Number.isNaN(a[i]);
    const nb = Number.isNaN(b[i]);
    if (na && nb) continue;
    if (na !== nb) return Infinity;
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}

const root = mkdtempSync(join(tmpdir(), 'nisar-chain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const work = join(root, 'mintpy');
const logs: string[] = [];
let record: RunRecord;

describeNisarParity('nisar-tiny: GUNW folder → velocity equals MintPy 1.5.1’s chain', () => {
  beforeAll(async () => {
    const cfg = stageNisarTiny(root, []);
    record = await runPipeline({ templatePath: cfg, numWorkers: 2, onLog: (m) => logs.push(m) });
  }, 300_000);

  it('runs every step from load_data on the GUNW products', () => {
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
    expect(readdirSync(work).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('time series within 1e-5 m, temporal coherence within 1e-4, numInvIfgram equal', async () => {
    const ts = maxAbsDiff(
      (await read(join(work, 'timeseries.h5'), 'timeseries')).v,
      (await read(nx('mintpy', 'timeseries.h5'), 'timeseries')).v,
    );
    const tc = maxAbsDiff(
      (await read(join(work, 'temporalCoherence.h5'), 'temporalCoherence')).v,
      (await read(nx('mintpy', 'temporalCoherence.h5'), 'temporalCoherence')).v,
    );
    const ni = maxAbsDiff(
      (await read(join(work, 'numInvIfgram.h5'), 'mask')).v,
      (await read(nx('mintpy', 'numInvIfgram.h5'), 'mask')).v,
    );
    console.log(
      `[nisar chain vs MintPy 1.5.1] timeseries ${ts.toExponential(2)} m, temporalCoherence ${tc.toExponential(2)}, numInvIfgram ${ni}`,
    );
    expect(ts).toBeLessThanOrEqual(1e-5);
    expect(tc).toBeLessThanOrEqual(1e-4);
    expect(ni).toBe(0);
  });

  it('masks equal, with MintPy’s counts (4604 pixels inverted + the reference pixel, 4541 reliable)', async () => {
    for (const [f, ds] of [
      ['maskTempCoh.h5', 'mask'],
      ['maskConnComp.h5', 'mask'],
      ['waterMask.h5', 'waterMask'],
    ]) {
      const d = maxAbsDiff((await read(join(work, f), ds)).v, (await read(nx('mintpy', f), ds)).v);
      expect(d, f).toBe(0);
    }
    const tcm = (await read(join(work, 'maskTempCoh.h5'), 'mask')).v;
    expect(Array.from(tcm).filter((v) => v).length).toBe(4541);
    const num = (await read(join(work, 'numInvIfgram.h5'), 'mask')).v;
    // MintPy: "number of pixels to invert: 4604"; the reference pixel (zero phase) then gets all 42 pairs
    expect(Array.from(num).filter((v) => v > 0).length).toBe(4605);
  });

  it('avgSpatialCoh and avgPhaseVelocity within 1e-6', async () => {
    for (const [f, ds] of [
      ['avgSpatialCoh.h5', 'coherence'],
      ['avgPhaseVelocity.h5', 'velocity'],
    ]) {
      const d = maxAbsDiff((await read(join(work, f), ds)).v, (await read(nx('mintpy', f), ds)).v);
      expect(d, `${f}: ${d}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it('velocity within 1e-5 m/yr; the reference pixel and its UTM REF_LAT/REF_LON as MintPy wrote them', async () => {
    const ours = await read(join(work, 'velocity.h5'), 'velocity');
    const theirs = await read(nx('mintpy', 'velocity.h5'), 'velocity');
    const d = maxAbsDiff(ours.v, theirs.v);
    console.log(`[nisar chain vs MintPy 1.5.1] velocity ${d.toExponential(2)} m/yr`);
    expect(d).toBeLessThanOrEqual(1e-5);
    for (const k of ['REF_Y', 'REF_X', 'REF_LAT', 'REF_LON', 'EPSG', 'UTM_ZONE', 'X_FIRST', 'Y_FIRST'])
      expect(ours.attrs[k], k).toBe(theirs.attrs[k]);
  });
});
