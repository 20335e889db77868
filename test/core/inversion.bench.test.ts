/**
 * Throughput of invertTile (single thread) on the cv-tiny stack tiled to 48 000 pixels (83 pairs,
 * 30 dates). MintPy 1.5.1 needs ≈ 2.8 s of CPU for the 16 000-pixel fixture with weightFunc var
 * (≈ 5.8k px/s, ≈ 170 s per Mpx). The bound asserted here is deliberately loose (shared CI machines);
 * the measured figure is printed.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { IfgramStack } from '../../src-core/formats/mintpyFiles';
import { invertTile } from '../../src-core/inversion/invertTile';
import { numLooksFromAttrs, type WeightFunc } from '../../src-core/inversion/weights';
import { describeParity, fx } from '../helpers/fixtures';

describeParity('invertTile throughput (cv-tiny tiled ×3)', () => {
  it('var and no: ≥ 30k px/s single-thread CPU (≥ 5× MintPy), figure printed', async () => {
    const stack = await IfgramStack.open(fx('mintpy', 'inputs', 'ifgramStack.h5'));
    const kept = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
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
      expect(rate, lines.at(-1)).toBeGreaterThan(30_000);
    }
    stack.close();
    console.log(`invertTile throughput: ${lines.join('; ')}`);
  });
});
