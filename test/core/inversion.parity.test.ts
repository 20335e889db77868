/**
 * Parity of invertTile with MintPy 1.5.1's invert_network on the cv-tiny fixture (weightFunc var, the
 * default, and the variants no / fim / coh / minNormVelocity=no), in one tile and in row tiles.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { IfgramStack } from '../../src-core/node/formats/mintpyFiles';
import { bperpTimeseries } from '../../src-core/common/inversion/design';
import { invertTile, type InvertTileOutput } from '../../src-core/common/inversion/invertTile';
import { numLooksFromAttrs, type WeightFunc } from '../../src-core/common/inversion/weights';
import { F, bar } from '../helpers/parityFigures';
import { describeParity, fx } from '../helpers/fixtures';

interface Fixture {
  L: number;
  W: number;
  M: number;
  pairs: [string, string][];
  phase: Float32Array; // kept pairs × L·W
  coherence: Float32Array;
  refPhase: Float32Array;
  pixelMask: Uint8Array;
  refIndex: number;
  numLooks: number;
  wavelength: number;
}

async function loadFixture(): Promise<Fixture> {
  const stack = await IfgramStack.open(fx('mintpy', 'inputs', 'ifgramStack.h5'));
  const kept = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'))
    .map((s) => s.split(/\s+/)[0]);
  const d12 = stack.date12;
  const keptIdx = kept.map((k) => {
    const i = d12.indexOf(k);
    if (i < 0) throw new Error(`kept pair ${k} not in stack`);
    return i;
  });
  const L = stack.length;
  const W = stack.width;
  const P = L * W;
  const allPhase = stack.readRows('unwrapPhase', 0, L) as Float32Array;
  const allCoh = stack.readRows('coherence', 0, L) as Float32Array;
  const M = keptIdx.length;
  const phase = new Float32Array(M * P);
  const coherence = new Float32Array(M * P);
  keptIdx.forEach((k, i) => {
    phase.set(allPhase.subarray(k * P, (k + 1) * P), i * P);
    coherence.set(allCoh.subarray(k * P, (k + 1) * P), i * P);
  });
  const tsf = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
  const refY = Number(tsf.attrs.REF_Y);
  const refX = Number(tsf.attrs.REF_X);
  tsf.close();
  const refIndex = refY * W + refX;
  const refPhase = Float32Array.from(keptIdx, (_k, i) => phase[i * P + refIndex]);
  const wm = await H5Reader.open(fx('mintpy', 'waterMask.h5'));
  const water = wm.read('waterMask');
  wm.close();
  const ac = await H5Reader.open(fx('mintpy', 'avgSpatialCoh.h5'));
  const avg = ac.read('coherence');
  ac.close();
  const pixelMask = new Uint8Array(P);
  for (let p = 0; p < P; p++) pixelMask[p] = water[p] !== 0 && avg[p] !== 0 ? 1 : 0;
  const out: Fixture = {
    L,
    W,
    M,
    pairs: keptIdx.map((k) => stack.pairs[k]),
    phase,
    coherence,
    refPhase,
    pixelMask,
    refIndex,
    numLooks: numLooksFromAttrs(stack.attrs),
    wavelength: stack.wavelength,
  };
  stack.close();
  return out;
}

function runTiles(f: Fixture, weightFunc: WeightFunc, minNormVelocity: boolean, rowCuts: number[]): InvertTileOutput {
  const P = f.L * f.W;
  let N = 0;
  let ts = new Float32Array(0);
  const tcoh = new Float32Array(P);
  const num = new Float32Array(P);
  let dates: string[] = [];
  for (let t = 0; t + 1 < rowCuts.length; t++) {
    const r0 = rowCuts[t];
    const r1 = rowCuts[t + 1];
    const p0 = r0 * f.W;
    const tp = (r1 - r0) * f.W;
    const phase = new Float32Array(f.M * tp);
    const coh = new Float32Array(f.M * tp);
    for (let i = 0; i < f.M; i++) {
      phase.set(f.phase.subarray(i * P + p0, i * P + p0 + tp), i * tp);
      coh.set(f.coherence.subarray(i * P + p0, i * P + p0 + tp), i * tp);
    }
    const ref = f.refIndex - p0;
    const out = invertTile({
      pairs: f.pairs,
      numPixels: tp,
      phase,
      coherence: coh,
      refPhase: f.refPhase,
      pixelMask: f.pixelMask.subarray(p0, p0 + tp),
      weightFunc,
      numLooks: f.numLooks,
      minNormVelocity,
      minRedundancy: 1,
      wavelength: f.wavelength,
      refPixel: ref >= 0 && ref < tp ? ref : undefined,
    });
    if (t === 0) {
      dates = out.dates;
      N = dates.length;
      ts = new Float32Array(N * P);
    }
    for (let d = 0; d < N; d++) ts.set(out.ts.subarray(d * tp, (d + 1) * tp), d * P + p0);
    tcoh.set(out.temporalCoherence, p0);
    num.set(out.numInvIfgram, p0);
  }
  return {
    dates,
    ts,
    temporalCoherence: tcoh,
    numInvIfgram: num,
    stats: { inverted: 0, svdFallback: 0, sharedFactor: 0, nullSpace: 0, laplacian: 0 },
  };
}

async function readMintpy(tsFile: string, tcohFile: string, numFile: string) {
  const a = await H5Reader.open(tsFile);
  const ts = a.read('timeseries') as Float32Array;
  const dates = a.readStrings('date');
  a.close();
  const b = await H5Reader.open(tcohFile);
  const tcoh = b.read('temporalCoherence') as Float32Array;
  b.close();
  const c = await H5Reader.open(numFile);
  const num = c.read('mask') as Float32Array;
  c.close();
  return { ts, dates, tcoh, num };
}

function compare(ours: InvertTileOutput, ref: Awaited<ReturnType<typeof readMintpy>>, P: number) {
  let dTs = 0;
  let dTcoh = 0;
  let numMismatch = 0;
  let inverted = 0;
  const N = ref.dates.length;
  for (let p = 0; p < P; p++) {
    if (ours.numInvIfgram[p] !== ref.num[p]) numMismatch++;
    dTcoh = Math.max(dTcoh, Math.abs(ours.temporalCoherence[p] - ref.tcoh[p]));
    if (ref.num[p] > 0) {
      inverted++;
      for (let d = 0; d < N; d++) dTs = Math.max(dTs, Math.abs(ours.ts[d * P + p] - ref.ts[d * P + p]));
    } else {
      for (let d = 0; d < N; d++) if (ours.ts[d * P + p] !== 0) dTs = Math.max(dTs, Math.abs(ours.ts[d * P + p]));
    }
  }
  return { dTs, dTcoh, numMismatch, inverted };
}

const TS = F['timeseries.h5, weightFunc var / no / fim / coh / min-norm phase'];
const TCOH = F['temporalCoherence.h5 (same variants)'].tcoh;
const VARIANTS: {
  name: string;
  weightFunc: WeightFunc;
  minNormVelocity: boolean;
  files: [string, string, string];
  /** the README's figure for its time series, m */
  figure: number;
}[] = [
  {
    name: 'var (default)',
    figure: TS.var,
    weightFunc: 'var',
    minNormVelocity: true,
    files: ['timeseries.h5', 'temporalCoherence.h5', 'numInvIfgram.h5'],
  },
  {
    name: 'wno',
    figure: TS.no,
    weightFunc: 'no',
    minNormVelocity: true,
    files: ['variants/timeseries_wno.h5', 'variants/temporalCoherence_wno.h5', 'variants/numInvIfgram_wno.h5'],
  },
  {
    name: 'wfim',
    figure: TS.fim,
    weightFunc: 'fim',
    minNormVelocity: true,
    files: ['variants/timeseries_wfim.h5', 'variants/temporalCoherence_wfim.h5', 'variants/numInvIfgram_wfim.h5'],
  },
  {
    name: 'wcoh',
    figure: TS.coh,
    weightFunc: 'coh',
    minNormVelocity: true,
    files: ['variants/timeseries_wcoh.h5', 'variants/temporalCoherence_wcoh.h5', 'variants/numInvIfgram_wcoh.h5'],
  },
  {
    name: 'minNormPhase (var)',
    figure: TS.minNormPhase,
    weightFunc: 'var',
    minNormVelocity: false,
    files: [
      'variants/timeseries_minNormPhase.h5',
      'variants/temporalCoherence_minNormPhase.h5',
      'variants/numInvIfgram_minNormPhase.h5',
    ],
  },
];

describeParity('invert_network vs MintPy 1.5.1 (cv-tiny)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await loadFixture();
  });

  it('bperp time series of timeseries.h5 (lstsq on the kept pairs, first date 0)', async () => {
    const stack = await IfgramStack.open(fx('mintpy', 'inputs', 'ifgramStack.h5'));
    const d12 = stack.date12;
    const bp = f.pairs.map((p) => stack.bperp[d12.indexOf(`${p[0]}_${p[1]}`)]);
    stack.close();
    const ours = bperpTimeseries(f.pairs, bp);
    const t = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    const ref = t.read('bperp') as Float32Array;
    t.close();
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
    expect(ours[0]).toBe(0);
    expect(worst, `bperp max |Δ| = ${worst.toExponential(2)} m`).toBeLessThan(1e-4);
    console.log(`bperp max |Δ| = ${worst.toExponential(2)} m`);
  });

  for (const v of VARIANTS) {
    it(`${v.name}: ts ≤ ${bar(v.figure).toExponential(1)} m (README ${v.figure.toExponential(1)}), tcoh ≤ ${bar(TCOH).toExponential(1)}, numInvIfgram equal; one tile = row tiles`, async () => {
      const P = f.L * f.W;
      const ref = await readMintpy(...(v.files.map((x) => fx('mintpy', ...x.split('/'))) as [string, string, string]));
      const one = runTiles(f, v.weightFunc, v.minNormVelocity, [0, f.L]);
      const tiled = runTiles(f, v.weightFunc, v.minNormVelocity, [0, 7, 33, 34, 71, f.L]);
      expect(one.dates).toEqual(ref.dates);
      // tiling does not change a single bit
      expect(Buffer.from(tiled.ts.buffer).equals(Buffer.from(one.ts.buffer))).toBe(true);
      expect(Buffer.from(tiled.temporalCoherence.buffer).equals(Buffer.from(one.temporalCoherence.buffer))).toBe(true);
      expect(Buffer.from(tiled.numInvIfgram.buffer).equals(Buffer.from(one.numInvIfgram.buffer))).toBe(true);
      const c = compare(one, ref, P);
      const msg = `${v.name}: max |Δts| = ${c.dTs.toExponential(2)} m, max |Δtcoh| = ${c.dTcoh.toExponential(2)}, numInvIfgram mismatches = ${c.numMismatch}, pixels inverted by MintPy = ${c.inverted}`;
      console.log(msg);
      expect(c.inverted, msg).toBeGreaterThan(P / 2);
      expect(c.numMismatch, msg).toBe(0);
      expect(c.dTs, msg).toBeLessThanOrEqual(bar(v.figure));
      expect(c.dTcoh, msg).toBeLessThanOrEqual(bar(TCOH));
    });
  }
});
