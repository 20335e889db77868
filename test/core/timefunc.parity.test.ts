/**
 * Parity of fitTile with MintPy 1.5.1's timeseries2velocity on cv-tiny's timeseries.h5: the default
 * linear fit (velocity.h5), annual + semi-annual + step 20180412 (variants/velocity_periodic_step.h5)
 * and quadratic (variants/velocity_poly2.h5). Settings come from each file's mintpy.timeFunc.* attributes.
 */
import { beforeAll, expect, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { fitTile } from '../../src-core/common/timefunc/fitTile';
import { parseTimeFuncOptions } from '../../src-core/common/timefunc/model';
import { describeParity, fx } from '../helpers/fixtures';
import { F, bar } from '../helpers/parityFigures';

describeParity('velocity (time functions) vs MintPy 1.5.1 (cv-tiny)', () => {
  let ts: Float32Array;
  let dates: string[];
  let attrs: Record<string, string>;
  let L = 0;
  let W = 0;
  beforeAll(async () => {
    const f = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    ts = f.read('timeseries') as Float32Array;
    dates = f.readStrings('date');
    attrs = f.attrs;
    [, L, W] = f.shape('timeseries');
    f.close();
  });

  // the README's figure of each file is its largest dataset difference (velocity); every dataset is held to it
  const VEL = F['velocity.h5: linear / annual+semi-annual+step / quadratic'];
  const cases: [string, string[], number][] = [
    ['velocity.h5 (polynomial 1)', ['velocity.h5'], VEL.linear],
    [
      'velocity_periodic_step.h5 (periodic 1,0.5 + step 20180412)',
      ['variants', 'velocity_periodic_step.h5'],
      VEL.periodicStep,
    ],
    ['velocity_poly2.h5 (polynomial 2)', ['variants', 'velocity_poly2.h5'], VEL.poly2],
  ];
  for (const [name, path, figure] of cases) {
    it(`${name}: every dataset ≤ ${bar(figure).toExponential(1)} (README ${figure.toExponential(1)}), one tile = row tiles`, async () => {
      const ref = await H5Reader.open(fx('mintpy', ...path));
      const ra = ref.attrs;
      const opts = parseTimeFuncOptions(ra);
      // the fixture run had no exclude_date.txt
      const P = L * W;
      const refPixel = Number(attrs.REF_Y) * W + Number(attrs.REF_X);
      const run = (r0: number, r1: number) => {
        const tp = (r1 - r0) * W;
        const tile = new Float32Array(dates.length * tp);
        for (let d = 0; d < dates.length; d++) tile.set(ts.subarray(d * P + r0 * W, d * P + r1 * W), d * tp);
        const rp = refPixel - r0 * W;
        return fitTile({
          dates,
          ts: tile,
          numPixels: tp,
          model: opts.model,
          startDate: opts.startDate,
          endDate: opts.endDate,
          excludeDate: opts.excludeDate,
          centerLineUtc: Number(attrs.CENTER_LINE_UTC),
          uncertainty: 'residue',
          refPixel: rp >= 0 && rp < tp ? rp : undefined,
        });
      };
      const one = run(0, L);
      expect(one.datesUsed[0]).toBe(ra.START_DATE);
      expect(one.datesUsed[one.datesUsed.length - 1]).toBe(ra.END_DATE);
      const names = one.specs.map((s) => s.name).sort();
      expect(names).toEqual(ref.keys().sort());
      const parts = [run(0, 13), run(13, 50), run(50, L)];
      const msgs: string[] = [];
      for (const s of one.specs) {
        const mine = one.datasets[s.name];
        const theirs = ref.read(s.name) as Float32Array;
        expect(ref.info(s.name).attrs.UNIT, s.name).toBe(s.unit);
        let worst = 0;
        for (let p = 0; p < P; p++) worst = Math.max(worst, Math.abs(mine[p] - theirs[p]));
        if (s.kind === 'phase') {
          // a phase (rad) is only as well defined as its amplitude: judge |Δφ|·amplitude, in metres
          const amp = one.datasets[s.name.replace(/Phase$/, 'Amplitude')];
          let worstM = 0;
          for (let p = 0; p < P; p++) {
            let dphi = Math.abs(mine[p] - theirs[p]);
            if (dphi > Math.PI) dphi = 2 * Math.PI - dphi;
            worstM = Math.max(worstM, dphi * amp[p]);
          }
          msgs.push(`${s.name} ${worst.toExponential(1)} rad (|Δφ|·A ${worstM.toExponential(1)} m)`);
          expect(worstM, `${name}: ${s.name} max |Δφ|·amplitude = ${worstM.toExponential(2)} m`).toBeLessThanOrEqual(
            bar(figure),
          );
          expect(worst, `${name}: ${s.name} max |Δφ| = ${worst.toExponential(2)} rad`).toBeLessThanOrEqual(1e-2);
        } else {
          msgs.push(`${s.name} ${worst.toExponential(1)}`);
          expect(worst, `${name}: ${s.name} max |Δ| = ${worst.toExponential(2)}`).toBeLessThanOrEqual(bar(figure));
        }
        const tiled = new Float32Array(P);
        let off = 0;
        for (const part of parts) {
          tiled.set(part.datasets[s.name], off);
          off += part.datasets[s.name].length;
        }
        expect(Buffer.from(tiled.buffer).equals(Buffer.from(mine.buffer)), `${s.name} tiled`).toBe(true);
      }
      console.log(`${name}: max |Δ| ${msgs.join(', ')}`);
      ref.close();
    });
  }
});
