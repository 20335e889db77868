/**
 * The three steps end to end on a small synthetic geocoded stack written here (no fixtures needed):
 * selection storage, the stack left untouched, reference-point rules with their messages, and the
 * referenced mean phase velocity.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { InputError, type StepContext } from '../../src-core/common/pipeline/types';
import { modifyNetwork } from '../../src-core/node/steps/modifyNetwork';
import { referencePoint } from '../../src-core/node/steps/referencePoint';
import { quickOverview } from '../../src-core/node/steps/quickOverview';
import { readNetworkSelection } from '../../src-core/node/network/selectionStore';
import { readReferencePoint } from '../../src-core/node/reference/referenceStore';

const L = 6;
const W = 8;
const DATES = ['20200101', '20200113', '20200125', '20200206'];
const PAIRS: [number, number][] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [1, 3],
  [2, 3],
];
const WL = 0.05546576;
const GEO = {
  X_FIRST: '-120.0',
  Y_FIRST: '36.0',
  X_STEP: '0.01',
  Y_STEP: '-0.01',
  X_UNIT: 'degrees',
  Y_UNIT: 'degrees',
};
const phaseOf = (p: number, r: number, c: number) => (p + 1) * 0.1 * (r + 1) + 0.05 * c;
const cohOf = (p: number, r: number, c: number) => Math.fround(0.5 + 0.05 * r + 0.01 * c - 0.02 * p);

async function makeWorkDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'netsteps-'));
  mkdirSync(join(dir, 'inputs'));
  const M = PAIRS.length;
  const unw = new Float32Array(M * L * W);
  const coh = new Float32Array(M * L * W);
  const cc = new Int16Array(M * L * W);
  for (let p = 0; p < M; p++)
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        const i = p * L * W + r * W + c;
        unw[i] = phaseOf(p, r, c);
        coh[i] = cohOf(p, r, c);
        cc[i] = r === 5 && c === 0 && p === 2 ? 0 : 1; // pixel (5,0) loses its component in pair 2
      }
  await writeH5File(
    join(dir, 'inputs', 'ifgramStack.h5'),
    { FILE_TYPE: 'ifgramStack', LENGTH: String(L), WIDTH: String(W), WAVELENGTH: String(WL), PLATFORM: 'Sen', ...GEO },
    [
      { name: 'unwrapPhase', data: unw, shape: [M, L, W] },
      { name: 'coherence', data: coh, shape: [M, L, W] },
      { name: 'connectComponent', data: cc, shape: [M, L, W] },
      { name: 'date', data: PAIRS.flatMap(([a, b]) => [DATES[a], DATES[b]]), shape: [M, 2] },
      { name: 'bperp', data: Float32Array.from([10, 20, 10, 40, 30]), shape: [M] },
      { name: 'dropIfgram', data: new Int8Array(M).fill(1), shape: [M] },
    ],
  );
  const water = new Int8Array(L * W).fill(1);
  water[0 * W + 7] = 0; // a lake pixel at (0, 7)
  await writeH5File(
    join(dir, 'inputs', 'geometryGeo.h5'),
    { FILE_TYPE: 'geometry', LENGTH: String(L), WIDTH: String(W), ...GEO },
    [
      { name: 'height', data: new Float32Array(L * W).fill(100), shape: [L, W] },
      { name: 'waterMask', data: water, shape: [L, W] },
    ],
  );
  writeFileSync(
    join(dir, 'smallbaselineApp.cfg'),
    'mintpy.network.excludeIfgIndex = 4\nmintpy.reference.minCoherence = 0.5\n',
  );
  return dir;
}

const ctxFor = (dir: string, over: Record<string, string> = {}): StepContext => ({
  template: Template.read(join(dir, 'smallbaselineApp.cfg')).with(over),
  workDir: dir,
  log: () => {},
  progress: () => {},
  signal: new AbortController().signal,
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('network / reference / overview steps on a synthetic stack', () => {
  let dir = '';
  let stackHash = '';
  beforeAll(async () => {
    dir = await makeWorkDir();
    stackHash = sha(join(dir, 'inputs', 'ifgramStack.h5'));
    await modifyNetwork(ctxFor(dir));
  });

  it('modify_network stores the selection beside the stack and leaves the stack untouched', async () => {
    const sel = readNetworkSelection(dir);
    expect(sel?.keep).toEqual([true, true, true, true, false]);
    expect(sel?.reasons).toEqual({ '20200125_20200206': ['excluded by index 4'] });
    expect(readFileSync(join(dir, 'network_kept.txt'), 'utf8')).toBe(
      '20200101_20200113\n20200101_20200125\n20200113_20200125\n20200113_20200206\n',
    );
    expect(sha(join(dir, 'inputs', 'ifgramStack.h5'))).toBe(stackHash);
    const txt = readFileSync(join(dir, 'coherenceSpatialAvg.txt'), 'utf8').split('\n');
    expect(txt[1]).toBe('# Mask file: waterMask.h5');
    expect(txt[2]).toBe(`# AOI box: (0, 0, ${W}, ${L})`);
    // pair 0 mean over land pixels
    let s = 0;
    let n = 0;
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        if (r === 0 && c === 7) continue;
        s += cohOf(0, r, c);
        n++;
      }
    expect(txt[5]).toBe(`20200101_20200113\t${(Math.round((s / n) * 1e4) / 1e4).toFixed(4)}\t      12\t    10.0\t0`);
  });

  it('a split or shrunk network is reported', async () => {
    const r = await modifyNetwork(ctxFor(dir, { 'mintpy.network.excludeIfgIndex': '1:3' }));
    expect(r.summary.numComponents).toBe(2);
    expect((r.summary.warnings as string[]).join()).toMatch(/split into 2 unconnected pieces/);
    await modifyNetwork(ctxFor(dir));
  });

  it('bad template values are InputErrors naming the key', async () => {
    await expect(modifyNetwork(ctxFor(dir, { 'mintpy.network.excludeIfgIndex': '2:x' }))).rejects.toThrow(
      /excludeIfgIndex/,
    );
    await expect(modifyNetwork(ctxFor(dir, { 'mintpy.network.startDate': '2020-13-45' }))).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(modifyNetwork(ctxFor(dir, { 'mintpy.network.endDate': '20190101' }))).rejects.toThrow(
      /zero interferograms left/,
    );
    await modifyNetwork(ctxFor(dir));
  });

  it('user reference points: water, maskConnComp, outside, then a valid lalo', async () => {
    await expect(referencePoint(ctxFor(dir, { 'mintpy.reference.yx': '0,7' }))).rejects.toThrow(
      /\[row 0, col 7\] is in the water/,
    );
    await expect(referencePoint(ctxFor(dir, { 'mintpy.reference.yx': '5,0' }))).rejects.toThrow(
      /masked by maskConnComp\.h5/,
    );
    await expect(referencePoint(ctxFor(dir, { 'mintpy.reference.lalo': '36.5,-119.99' }))).rejects.toThrow(
      /outside the grid/,
    );
    const r = await referencePoint(ctxFor(dir, { 'mintpy.reference.lalo': '35.975,-119.955' }));
    expect([r.summary.REF_Y, r.summary.REF_X]).toEqual(['2', '4']);
    expect(readReferencePoint(dir)?.method).toBe('lalo');
  });

  it('maskConnComp: 0 only where a kept pair has connectComponent 0', async () => {
    const m = await H5Reader.open(join(dir, 'maskConnComp.h5'));
    const mask = m.read('mask');
    m.close();
    expect(mask[5 * W + 0]).toBe(0);
    expect(Array.from(mask).filter((v) => v === 0).length).toBe(1);
  });

  it('automatic reference: highest avgSpatialCoh among valid pixels', async () => {
    const r = await referencePoint(ctxFor(dir));
    // coherence grows with row and col; pair 4 (lowest) is dropped → max at (5, 7)
    expect([r.summary.REF_Y, r.summary.REF_X, r.summary.method]).toEqual(['5', '7', 'maxCoherence']);
    // every pixel has valid phase; row 0, cols 0–2 average 0.47–0.49 < minCoherence 0.5
    expect(r.summary.numCandidates).toBe(L * W - 3);
  });

  it('quick_overview: mean phase velocity referenced at the stored reference pixel', async () => {
    await referencePoint(ctxFor(dir, { 'mintpy.reference.yx': '2,3' }));
    await quickOverview(ctxFor(dir));
    const f = await H5Reader.open(join(dir, 'avgPhaseVelocity.h5'));
    const v = f.read('velocity');
    expect(f.attrs.REF_Y).toBe('2');
    expect(f.attrs.REF_X).toBe('3');
    f.close();
    expect(v[2 * W + 3]).toBe(0);
    const fr = Math.fround;
    const tb = [12, 24, 12, 24];
    let s = 0;
    for (let p = 0; p < 4; p++) {
      const sc = fr(-WL / (4 * Math.PI) / (tb[p] / 365.25));
      s = fr(s + fr(fr(fr(phaseOf(p, 4, 6)) - fr(phaseOf(p, 2, 3))) * sc));
    }
    expect(v[4 * W + 6]).toBe(fr(s / 4));
    expect(existsSync(join(dir, 'avgSpatialCoh.h5'))).toBe(true);
  });
});
