/**
 * Throughput of invertTile (single thread) on the cv-tiny stack tiled to 48 000 pixels (83 pairs,
 * 30 dates). MintPy 1.5.1 needs ≈ 2.8 s of CPU for the 16 000-pixel fixture with weightFunc var
 * (≈ 5.8k px/s, ≈ 170 s per Mpx). Speed is measured by `npm run bench`, never asserted in tests: these
 * print the figures and assert only which solver path the pixels took (the fast path, for gap pixels too).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IfgramStack } from '../../src-core/node/formats/mintpyFiles';
import { invertTile } from '../../src-core/common/inversion/invertTile';
import { numLooksFromAttrs, type WeightFunc } from '../../src-core/common/inversion/weights';
import { describeParity, fx } from '../helpers/fixtures';

describeParity('invertTile throughput (cv-tiny tiled ×3)', () => {
  it('var and no: every pixel inverted; single-thread throughput printed', async () => {
    const stack = await IfgramStack.open(fx('mintpy', 'inputs', 'ifgramStack.h5'));
    const kept = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const keptIdx = kept.map((k) => stack.date12.indexOf(k));
    const L = stack.length;
    const P0 = L * stack.width;
    const M = keptIdx.length;
    const all = stack.readRows('unwrapPhase', 0, L) as Float32Array;
    const allCoh = stack.readRows('coherence', 0, L) as Float32Array;
    const TP = 3 * P0;
    const phase = new Float32Array(M * TP);
    const coh = new Float32Array(M * TP);
    keptIdx.forEach((k, i) => {
      for (let c = 0; c < 3; c++) {
        phase.set(all.subarray(k * P0, (k + 1) * P0), i * TP + c * P0);
        coh.set(allCoh.subarray(k * P0, (k + 1) * P0), i * TP + c * P0);
      }
    });
    const ref = 11 * stack.width + 63;
    const refPhase = Float32Array.from(keptIdx, (k) => all[k * P0 + ref]);
    const lines: string[] = [];
    for (const weightFunc of ['var', 'no'] as WeightFunc[]) {
      const run = () =>
        invertTile({
          pairs: keptIdx.map((k) => stack.pairs[k]),
          numPixels: TP,
          phase,
          coherence: coh,
          refPhase,
          weightFunc,
          numLooks: numLooksFromAttrs(stack.attrs),
          minNormVelocity: true,
          minRedundancy: 1,
          wavelength: stack.wavelength,
        });
      run(); // warm-up (JIT)
      const c0 = process.cpuUsage();
      const out = run();
      const cu = process.cpuUsage(c0);
      const rate = TP / ((cu.user + cu.system) / 1e6);
      lines.push(`${weightFunc}: ${(rate / 1000).toFixed(0)}k px/s → ${(1e6 / rate).toFixed(1)} s per Mpx`);
      expect(out.stats.inverted).toBe(TP - 3); // the three copies of the reference pixel are not inverted
    }
    stack.close();
    console.log(`invertTile throughput: ${lines.join('; ')}`);
  });
});

describe('invertTile throughput with an annual first–last pair (demo-like network)', () => {
  it('31 dates, nearest-3 + first–last pair, var: gap pixels take the same fast path as complete ones; throughput printed', () => {
    // the first–last pair made the banded B normal matrix dense (≈ 45k px/s before the Laplacian path)
    const N = 31;
    const t0 = Date.UTC(2018, 0, 9);
    const dates = Array.from({ length: N }, (_, i) =>
      new Date(t0 + i * 12 * 86400000).toISOString().slice(0, 10).replace(/-/g, ''),
    );
    const pairs: [string, string][] = [];
    for (let i = 0; i < N; i++) for (let k = 1; k <= 3 && i + k < N; k++) pairs.push([dates[i], dates[i + k]]);
    pairs.push([dates[0], dates[N - 1]]);
    const M = pairs.length;
    const P = 40_000;
    let s = 7;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const phase = Float32Array.from({ length: M * P }, () => (rnd() - 0.5) * 10);
    const coh = Float32Array.from({ length: M * P }, () => rnd());
    const gappy = phase.slice();
    for (let k = 0; k < gappy.length; k++) if (rnd() < 0.05) gappy[k] = 0;
    const run = (ph: Float32Array) =>
      invertTile({
        pairs,
        numPixels: P,
        phase: ph,
        coherence: coh,
        refPhase: new Float32Array(M),
        weightFunc: 'var',
        numLooks: 9,
        minNormVelocity: true,
        minRedundancy: 1,
        wavelength: 0.0555,
      });
    const rate = (ph: Float32Array) => {
      run(ph); // warm-up (JIT)
      let best = Infinity;
      for (let k = 0; k < 2; k++) {
        const c0 = process.cpuUsage();
        run(ph);
        const cu = process.cpuUsage(c0);
        best = Math.min(best, (cu.user + cu.system) / 1e6);
      }
      return P / best;
    };
    const full = rate(phase);
    const gaps = rate(gappy);
    const out = run(gappy);
    console.log(
      `annual network: complete ${(full / 1000).toFixed(0)}k px/s, 5 % pairs invalid ${(gaps / 1000).toFixed(0)}k px/s (${out.stats.laplacian} of ${P} px on the Laplacian path)`,
    );
    expect(out.stats.laplacian).toBeGreaterThan(0.95 * P);
    expect(run(phase).stats.laplacian).toBe(P);
  });
});
