import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { modifyNetwork } from '../../src-core/node/steps/modifyNetwork';
import { referencePoint } from '../../src-core/node/steps/referencePoint';
import { quickOverview } from '../../src-core/node/steps/quickOverview';
import { readReferencePoint } from '../../src-core/node/reference/referenceStore';
import { referenceCandidates } from '../../src-core/node/reference/referencePoint';
import { InputError } from '../../src-core/common/pipeline/types';
import { describeParity, fx } from '../helpers/fixtures';
import { ctxFor, stageWorkDir } from './networkStage';

async function readMap(path: string, ds: string): Promise<{ data: Float64Array; attrs: Record<string, string> }> {
  const r = await H5Reader.open(path);
  try {
    return { data: Float64Array.from(r.read(ds) as ArrayLike<number>), attrs: r.attrs };
  } finally {
    r.close();
  }
}

function maxAbsDiff(a: Float64Array, b: Float64Array): { max: number; nanMismatch: number } {
  let max = 0;
  let nanMismatch = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) nanMismatch++;
      continue;
    }
    max = Math.max(max, Math.abs(a[i] - b[i]));
  }
  return { max, nanMismatch };
}

describeParity('reference_point + quick_overview vs MintPy 1.5.1 (cv-tiny)', () => {
  // MintPy's run: modify_network (83 kept pairs), reference point (11, 63), then avgPhaseVelocity
  let dir = '';
  let refSummary: Record<string, unknown> = {};
  beforeAll(async () => {
    dir = stageWorkDir('ref-parity-');
    await modifyNetwork(ctxFor(dir));
    refSummary = (await referencePoint(ctxFor(dir, { 'mintpy.reference.yx': '11,63' }))).summary;
    await quickOverview(ctxFor(dir));
  }, 120_000);

  it('mintpy.reference.yx = 11,63 gives MintPy REF_Y/REF_X/REF_LAT/REF_LON', async () => {
    const ts = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    const a = ts.attrs;
    ts.close();
    const rec = readReferencePoint(dir);
    expect([rec?.REF_Y, rec?.REF_X]).toEqual([Number(a.REF_Y), Number(a.REF_X)]);
    expect(rec?.method).toBe('yx');
    expect(refSummary.REF_LAT).toBe(a.REF_LAT);
    expect(refSummary.REF_LON).toBe(a.REF_LON);
  });

  it('maskConnComp.h5 equals MintPy (12970 of 16000 px true)', async () => {
    const ours = await readMap(join(dir, 'maskConnComp.h5'), 'mask');
    const theirs = await readMap(fx('mintpy', 'maskConnComp.h5'), 'mask');
    let nd = 0;
    for (let i = 0; i < ours.data.length; i++) if (ours.data[i] !== theirs.data[i]) nd++;
    expect(nd, 'pixels differing').toBe(0);
    expect(theirs.data.reduce((s, v) => s + v, 0)).toBe(12970);
  });

  it('avgSpatialCoh.h5 within 1e-6 of MintPy (measured max |Δ| = 0)', async () => {
    const ours = await readMap(join(dir, 'avgSpatialCoh.h5'), 'coherence');
    const theirs = await readMap(fx('mintpy', 'avgSpatialCoh.h5'), 'coherence');
    const d = maxAbsDiff(ours.data, theirs.data);
    expect(d.nanMismatch).toBe(0);
    expect(d.max, `max |Δ| = ${d.max}`).toBeLessThanOrEqual(1e-6);
    expect(d.max).toBe(0);
  });

  it('avgPhaseVelocity.h5 within 1e-6 m/yr of MintPy (measured max |Δ| = 0), referenced at (11, 63)', async () => {
    const ours = await readMap(join(dir, 'avgPhaseVelocity.h5'), 'velocity');
    const theirs = await readMap(fx('mintpy', 'avgPhaseVelocity.h5'), 'velocity');
    const d = maxAbsDiff(ours.data, theirs.data);
    expect(d.nanMismatch).toBe(0);
    expect(d.max, `max |Δ| = ${d.max}`).toBeLessThanOrEqual(1e-6);
    expect(d.max).toBe(0);
    expect(ours.data[11 * 160 + 63]).toBe(0);
    expect(ours.attrs.REF_Y).toBe('11');
    expect(ours.attrs.FILE_TYPE).toBe('velocity');
  });

  it('automatic choice is one of MintPy’s candidates, and MintPy’s own pick is one of ours', async () => {
    const auto = stageWorkDir('ref-auto-');
    await modifyNetwork(ctxFor(auto));
    const s = (await referencePoint(ctxFor(auto))).summary;
    const rec = readReferencePoint(auto);
    expect(rec?.method).toBe('maxCoherence');
    // MintPy's candidate set: valid phase (mean phase velocity ≠ 0, non-NaN, unreferenced) and avgSpatialCoh ≥ 0.85,
    // rebuilt here from MintPy's own avgSpatialCoh.h5 and avgPhaseVelocity.h5 (referencing keeps NaN/0 pattern
    // except at the reference pixel itself, which MintPy picked from the unreferenced map)
    const coh = (await readMap(fx('mintpy', 'avgSpatialCoh.h5'), 'coherence')).data;
    const vel = (await readMap(fx('mintpy', 'avgPhaseVelocity.h5'), 'velocity')).data;
    const valid = Uint8Array.from(vel, (v, i) => (i === 11 * 160 + 63 || (!Number.isNaN(v) && v !== 0) ? 1 : 0));
    const cand = referenceCandidates(valid, coh, 0.85);
    const nCand = cand.reduce((a, b) => a + b, 0);
    expect(s.numCandidates).toBe(nCand);
    expect(cand[(rec?.REF_Y as number) * 160 + (rec?.REF_X as number)]).toBe(1);
    expect(cand[11 * 160 + 63]).toBe(1);
    // deterministic: the highest coherence among the candidates
    let best = -1;
    for (let i = 0; i < cand.length; i++) if (cand[i] && coh[i] > (best < 0 ? -Infinity : coh[best])) best = i;
    expect([rec?.REF_Y, rec?.REF_X]).toEqual([Math.floor(best / 160), best % 160]);
  }, 120_000);

  it('a user point outside the grid or on a masked pixel is refused with the rule that failed', async () => {
    await expect(referencePoint(ctxFor(dir, { 'mintpy.reference.yx': '100,5' }))).rejects.toThrow(/outside the grid/);
    // a pixel maskConnComp.h5 rejects
    const mask = (await readMap(join(dir, 'maskConnComp.h5'), 'mask')).data;
    const i = mask.findIndex((v) => v === 0);
    const [y, x] = [Math.floor(i / 160), i % 160];
    const run = referencePoint(ctxFor(dir, { 'mintpy.reference.yx': `${y},${x}` }));
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(referencePoint(ctxFor(dir, { 'mintpy.reference.yx': `${y},${x}` }))).rejects.toThrow(
      /masked by maskConnComp\.h5/,
    );
    expect(readFileSync(join(dir, 'referencePoint.json'), 'utf8')).toContain('"REF_Y": 11');
  }, 120_000);
});

describeParity('loadReferenceMaps (cv-tiny)', () => {
  it('gives the app the same verdicts as the step', async () => {
    const { loadReferenceMaps } = await import('../../src-core/node/reference/referenceMaps');
    const { validateReferencePoint } = await import('../../src-core/node/reference/referencePoint');
    const dir = stageWorkDir('ref-maps-');
    await modifyNetwork(ctxFor(dir));
    await referencePoint(ctxFor(dir, { 'mintpy.reference.yx': '11,63' }));
    const maps = await loadReferenceMaps(dir);
    expect(validateReferencePoint(11, 63, maps).ok).toBe(true);
    const m = maps.mask as Uint8Array;
    const i = m.findIndex((v) => v === 0);
    const chk = validateReferencePoint(Math.floor(i / 160), i % 160, maps);
    expect(!chk.ok && chk.rule).toBe('masked');
    expect(validateReferencePoint(-1, 3, maps).ok).toBe(false);
  }, 120_000);
});
