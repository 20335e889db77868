/**
 * invertTile on synthetic networks with a known answer, and the edge cases of §5: disconnected
 * networks (minimum-norm), a date with no pair left, an isolated first date, all-NaN / all-zero /
 * masked pixels, the reference pixel, minRedundancy, tiling invariance; and the fast paths against
 * the Jacobi-SVD reference path.
 */
import { describe, expect, it } from 'vitest';
import { networkDesign, tbaseYearsFloat32 } from '../../src-core/common/inversion/design';
import { invertTile, type InvertTileInput } from '../../src-core/common/inversion/invertTile';
import type { WeightFunc } from '../../src-core/common/inversion/weights';
import { formatDate, parseDate } from '../../src-core/common/time/dates';

const WAVELENGTH = 0.05546576;
const P2R = -WAVELENGTH / (4 * Math.PI);

function makeDates(n: number, stepDays = 12): string[] {
  const t0 = parseDate('20180109').getTime();
  return Array.from({ length: n }, (_, i) => formatDate(new Date(t0 + i * stepDays * 86400000)));
}

/** pairs (i, i+k) for k = 1..conn */
function makePairs(dates: string[], conn: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < dates.length; i++)
    for (let k = 1; k <= conn && i + k < dates.length; k++) out.push([dates[i], dates[i + k]]);
  return out;
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Synth {
  dates: string[];
  pairs: [string, string][];
  truth: Float64Array; // N × P phase (rad), first date 0
  phase: Float32Array; // M × P
  coherence: Float32Array;
  P: number;
}

/** consistent interferograms (no noise) of a random phase history, plus pixel 0 = reference (φ = 0) */
function synth(N: number, conn: number, P: number, seed = 1, noise = 0): Synth {
  const r = lcg(seed);
  const dates = makeDates(N);
  const pairs = makePairs(dates, conn);
  const M = pairs.length;
  const truth = new Float64Array(N * P);
  for (let p = 1; p < P; p++) for (let d = 1; d < N; d++) truth[d * P + p] = truth[(d - 1) * P + p] + (r() - 0.5) * 4;
  const idx = new Map(dates.map((d, i) => [d, i]));
  const phase = new Float32Array(M * P);
  const coherence = new Float32Array(M * P);
  pairs.forEach(([a, b], i) => {
    for (let p = 0; p < P; p++) {
      // + 10 rad everywhere: removed by referencing to pixel 0
      phase[i * P + p] = truth[idx.get(b)! * P + p] - truth[idx.get(a)! * P + p] + 10 + (p ? noise * (r() - 0.5) : 0);
      coherence[i * P + p] = 0.2 + 0.75 * r();
    }
  });
  return { dates, pairs, truth, phase, coherence, P };
}

function baseInput(s: Synth, weightFunc: WeightFunc = 'var'): InvertTileInput {
  const M = s.pairs.length;
  return {
    pairs: s.pairs,
    numPixels: s.P,
    phase: s.phase,
    coherence: s.coherence,
    refPhase: Float32Array.from({ length: M }, (_, i) => s.phase[i * s.P]),
    weightFunc,
    numLooks: 20,
    minNormVelocity: true,
    minRedundancy: 1,
    wavelength: WAVELENGTH,
    refPixel: 0,
  };
}

/** zero the pairs of pixel p selected by `pred(i1, i2)` */
function zeroPairs(s: Synth, p: number, pred: (i1: number, i2: number) => boolean) {
  const idx = new Map(s.dates.map((d, i) => [d, i]));
  s.pairs.forEach(([a, b], i) => {
    if (pred(idx.get(a)!, idx.get(b)!)) s.phase[i * s.P + p] = 0;
  });
}

describe('design matrices (§5.1)', () => {
  it('A, B and float32 Δt as MintPy', () => {
    const d = networkDesign(['20180109_20180121', '20180109_20180202', '20180121_20180202']);
    expect(d.dates).toEqual(['20180109', '20180121', '20180202']);
    expect(Array.from(d.A)).toEqual([1, 0, 0, 1, -1, 1]);
    const dt = Math.fround(Math.fround(12) / 365.25);
    expect(d.tbaseDiff[0]).toBe(dt);
    expect(Array.from(d.B)).toEqual([
      dt,
      0,
      dt,
      Math.fround(tbaseYearsFloat32(d.dates)[2] - dt),
      0,
      Math.fround(tbaseYearsFloat32(d.dates)[2] - dt),
    ]);
    expect(() => networkDesign([])).toThrow('no pairs');
  });
});

describe('invertTile on synthetic networks', () => {
  for (const wf of ['var', 'no', 'fim', 'coh'] as WeightFunc[]) {
    for (const mnv of [true, false]) {
      it(`recovers a consistent history exactly (weight ${wf}, minNormVelocity ${mnv}), tcoh = 1`, () => {
        const s = synth(12, 3, 40);
        const out = invertTile({ ...baseInput(s, wf), minNormVelocity: mnv });
        const N = s.dates.length;
        let err = 0;
        for (let p = 1; p < s.P; p++) {
          for (let d = 0; d < N; d++) err = Math.max(err, Math.abs(out.ts[d * s.P + p] - s.truth[d * s.P + p] * P2R));
          expect(out.temporalCoherence[p]).toBeCloseTo(1, 5);
          expect(out.numInvIfgram[p]).toBe(s.pairs.length);
        }
        expect(err, `max |Δ| = ${err.toExponential(2)} m`).toBeLessThan(2e-7);
        // reference pixel: not inverted (all phases referenced to 0) but tcoh 1, num M
        expect(out.temporalCoherence[0]).toBe(1);
        expect(out.numInvIfgram[0]).toBe(s.pairs.length);
        for (let d = 0; d < N; d++) expect(out.ts[d * s.P]).toBe(0);
      });
    }
  }

  it('noisy data: fast paths equal the Jacobi-SVD path (var, no; velocity and phase; pair spans 1–5)', () => {
    for (const wf of ['var', 'no'] as WeightFunc[])
      for (const mnv of [true, false])
        for (const conn of [3, 5]) {
          const s = synth(15, conn, 60, 5, 1.5);
          // some partial pixels, some disconnected
          for (let p = 10; p < 20; p++) zeroPairs(s, p, (a, b) => (a * 7 + b * 3 + p) % 5 === 0);
          for (let p = 20; p < 30; p++) zeroPairs(s, p, (a, b) => a <= 6 && b > 6);
          const fast = invertTile({ ...baseInput(s, wf), minNormVelocity: mnv });
          const ref = invertTile({ ...baseInput(s, wf), minNormVelocity: mnv, solver: 'svd' });
          let d = 0;
          for (let i = 0; i < fast.ts.length; i++) d = Math.max(d, Math.abs(fast.ts[i] - ref.ts[i]));
          let dc = 0;
          for (let i = 0; i < s.P; i++)
            dc = Math.max(dc, Math.abs(fast.temporalCoherence[i] - ref.temporalCoherence[i]));
          expect(d, `${wf} ${mnv}: max |Δts| ${d}`).toBeLessThan(1e-8);
          expect(dc).toBeLessThan(1e-6);
          expect(Array.from(fast.numInvIfgram)).toEqual(Array.from(ref.numInvIfgram));
          expect(fast.stats.nullSpace).toBeGreaterThanOrEqual(10);
        }
  });

  it('disconnected network: no crash, minimum-norm solution links the subsets', () => {
    const s = synth(10, 2, 3);
    // pixel 1: no pair crosses the gap between dates 4 and 5 → two subsets
    zeroPairs(s, 1, (a, b) => a <= 4 && b > 4);
    for (const mnv of [true, false]) {
      const out = invertTile({ ...baseInput(s), minNormVelocity: mnv });
      const ref = invertTile({ ...baseInput(s), minNormVelocity: mnv, solver: 'svd' });
      const P = s.P;
      // within each subset the differences are exact
      const rel = (d: number) => out.ts[d * P + 1];
      for (let d = 1; d <= 4; d++) expect(rel(d) - rel(0)).toBeCloseTo((s.truth[d * P + 1] - s.truth[1]) * P2R, 6);
      for (let d = 6; d < 10; d++)
        expect(rel(d) - rel(5)).toBeCloseTo((s.truth[d * P + 1] - s.truth[5 * P + 1]) * P2R, 6);
      for (let d = 0; d < 10; d++) expect(out.ts[d * P + 1]).toBeCloseTo(ref.ts[d * P + 1], 9);
      expect(out.temporalCoherence[1]).toBeCloseTo(1, 5);
      expect(out.numInvIfgram[1]).toBe(s.pairs.length - 3); // pairs (3,5), (4,5), (4,6) dropped
      if (mnv) {
        // minimum-norm velocity: the unconstrained interval gets zero velocity → no jump across the gap
        expect(rel(5) - rel(4)).toBeCloseTo(0, 9);
      } else {
        // minimum-norm phase: the second subset is centred (mean phase 0) as its level is free
        let mean = 0;
        for (let d = 5; d < 10; d++) mean += rel(d);
        expect(mean / 5).toBeCloseTo(0, 9);
      }
    }
  });

  it('isolated first date passes the redundancy check (A has no first-date column) and is min-norm solved', () => {
    const s = synth(8, 2, 2);
    zeroPairs(s, 1, (a) => a === 0);
    const out = invertTile(baseInput(s));
    const ref = invertTile({ ...baseInput(s), solver: 'svd' });
    expect(out.numInvIfgram[1]).toBe(s.pairs.length - 2);
    for (let d = 0; d < 8; d++) expect(out.ts[d * 2 + 1]).toBeCloseTo(ref.ts[d * 2 + 1], 9);
    expect(out.ts[1 * 2 + 1]).not.toBe(0);
  });

  it('a date with no pair left fails the redundancy check: ts = tcoh = num = 0', () => {
    const s = synth(8, 2, 2);
    zeroPairs(s, 1, (a, b) => a === 5 || b === 5);
    const out = invertTile(baseInput(s));
    for (let d = 0; d < 8; d++) expect(out.ts[d * 2 + 1]).toBe(0);
    expect(out.temporalCoherence[1]).toBe(0);
    expect(out.numInvIfgram[1]).toBe(0);
  });

  it('minRedundancy 0: a date without pairs is solved (minimum norm) like the SVD path', () => {
    const s = synth(9, 2, 2, 4, 0.5);
    zeroPairs(s, 1, (a, b) => a === 4 || b === 4);
    for (const mnv of [true, false]) {
      const fast = invertTile({ ...baseInput(s), minRedundancy: 0, minNormVelocity: mnv });
      const ref = invertTile({ ...baseInput(s), minRedundancy: 0, minNormVelocity: mnv, solver: 'svd' });
      expect(fast.numInvIfgram[1]).toBe(s.pairs.length - 4);
      expect(fast.stats.nullSpace).toBe(1);
      for (let d = 0; d < 9; d++) expect(fast.ts[d * 2 + 1]).toBeCloseTo(ref.ts[d * 2 + 1], 9);
      expect(fast.temporalCoherence[1]).toBeCloseTo(ref.temporalCoherence[1], 9);
    }
  });

  it('minRedundancy 2: a date seen by a single pair is rejected, 1 accepts it', () => {
    const s = synth(8, 2, 2);
    zeroPairs(s, 1, (a, b) => (a === 3 || b === 3) && !(a === 2 && b === 3));
    expect(invertTile({ ...baseInput(s), minRedundancy: 2 }).numInvIfgram[1]).toBe(0);
    expect(invertTile({ ...baseInput(s), minRedundancy: 1 }).numInvIfgram[1]).toBeGreaterThan(0);
  });

  it('all-zero, all-NaN and masked pixels are not inverted (all outputs 0)', () => {
    const s = synth(8, 2, 5);
    for (let i = 0; i < s.pairs.length; i++) {
      s.phase[i * 5 + 1] = 0;
      s.phase[i * 5 + 2] = NaN;
    }
    const out = invertTile({ ...baseInput(s), pixelMask: Uint8Array.from([1, 1, 1, 0, 1]) });
    for (const p of [1, 2, 3]) {
      for (let d = 0; d < 8; d++) expect(out.ts[d * 5 + p]).toBe(0);
      expect(out.temporalCoherence[p]).toBe(0);
      expect(out.numInvIfgram[p]).toBe(0);
    }
    expect(out.numInvIfgram[4]).toBe(s.pairs.length);
  });

  it('maskDataset coherence / connectComponent drops pairs pixel-wise', () => {
    const s = synth(10, 3, 3);
    const M = s.pairs.length;
    const coh = s.coherence.slice();
    for (let i = 0; i < M; i++) coh[i * 3 + 1] = i % 4 === 0 ? 0.3 : 0.8;
    const out = invertTile({
      ...baseInput(s),
      coherence: coh,
      maskDataset: 'coherence',
      maskData: coh,
      maskThreshold: 0.4,
    });
    const dropped = Array.from({ length: M }, (_, i) => i).filter((i) => i % 4 === 0).length;
    expect(out.numInvIfgram[1]).toBe(M - dropped);
    const cc = new Int16Array(M * 3).fill(1);
    cc[0 * 3 + 2] = 0;
    cc[5 * 3 + 2] = 0;
    const out2 = invertTile({ ...baseInput(s), maskDataset: 'connectComponent', maskData: cc });
    expect(out2.numInvIfgram[2]).toBe(M - 2);
  });

  it('results do not depend on tiling (bit-identical)', () => {
    const s = synth(14, 3, 50, 9, 2);
    for (let p = 5; p < 15; p++) zeroPairs(s, p, (a, b) => (a + b + p) % 4 === 0);
    const whole = invertTile(baseInput(s));
    const N = s.dates.length;
    const M = s.pairs.length;
    const cuts = [0, 7, 8, 31, 50];
    for (let t = 0; t + 1 < cuts.length; t++) {
      const [p0, p1] = [cuts[t], cuts[t + 1]];
      const tp = p1 - p0;
      const ph = new Float32Array(M * tp);
      const co = new Float32Array(M * tp);
      for (let i = 0; i < M; i++) {
        ph.set(s.phase.subarray(i * s.P + p0, i * s.P + p1), i * tp);
        co.set(s.coherence.subarray(i * s.P + p0, i * s.P + p1), i * tp);
      }
      const part = invertTile({
        ...baseInput(s),
        numPixels: tp,
        phase: ph,
        coherence: co,
        refPixel: p0 === 0 ? 0 : undefined,
      });
      for (let d = 0; d < N; d++)
        for (let p = 0; p < tp; p++) expect(part.ts[d * tp + p]).toBe(whole.ts[d * s.P + p0 + p]);
      for (let p = 0; p < tp; p++) expect(part.temporalCoherence[p]).toBe(whole.temporalCoherence[p0 + p]);
    }
  });

  it('rejects inconsistent inputs with a clear message', () => {
    const s = synth(6, 2, 4);
    expect(() => invertTile({ ...baseInput(s), phase: new Float32Array(3) })).toThrow(/phase has 3 values/);
    expect(() => invertTile({ ...baseInput(s), coherence: undefined })).toThrow(/needs coherence/);
    expect(() => invertTile({ ...baseInput(s), refPhase: [1, 2] })).toThrow(/refPhase/);
  });
});
