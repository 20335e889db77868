/**
 * checkReferencePixel — the one check of a user's reference pixel, run by the reference_point step and by the
 * app on a click — follows MintPy 1.5.1's reference_point.py: the pixel already stored is accepted ("SAME
 * reference pixel is already selected/saved in file, skip updating") although its referenced phase velocity is
 * 0, and validity is over the pairs the network rules keep (a pixel valid only in a pair the template's rules
 * drop is refused).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeH5File } from '../../src-core/node/formats/h5';
import { IfgramStack } from '../../src-core/node/formats/mintpyFiles';
import { Template } from '../../src-core/node/config/template';
import { checkReferencePixel, referenceCandidates } from '../../src-core/node/reference/checkReferencePixel';
import { writeReferencePoint } from '../../src-core/node/reference/referenceStore';
import { phaseVelocityAt } from '../../src-core/node/masks/stackMaps';
import { plannedKeptPairs } from '../../src-core/node/network/pairCoherence';

const L = 3;
const W = 4;
const DATE12 = [
  ['20180101', '20180113'],
  ['20180113', '20180125'],
  ['20180125', '20180206'],
];
let dir: string;
let stack: IfgramStack;

/** cfg with the given extra lines (a template in the work dir). */
function template(lines: string[] = []): Template {
  const p = join(dir, `t${Math.random().toString(36).slice(2, 8)}.cfg`);
  writeFileSync(p, ['mintpy.reference.maskFile = no', ...lines].join('\n') + '\n');
  return Template.read(p);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'insar-refpix-'));
  mkdirSync(join(dir, 'inputs'));
  // phase: pixel (1, 1) is NaN in pairs 0 and 1 and valid only in pair 2; (2, 3) is water
  const phase = new Float32Array(DATE12.length * L * W);
  for (let p = 0; p < DATE12.length; p++)
    for (let i = 0; i < L * W; i++) phase[p * L * W + i] = 0.1 * (p + 1) + 0.01 * i;
  phase[0 * L * W + 1 * W + 1] = NaN;
  phase[1 * L * W + 1 * W + 1] = NaN;
  await writeH5File(
    join(dir, 'inputs', 'ifgramStack.h5'),
    {
      FILE_TYPE: 'ifgramStack',
      LENGTH: String(L),
      WIDTH: String(W),
      WAVELENGTH: '0.05546576',
      X_FIRST: '-119.8',
      Y_FIRST: '36.3',
      X_STEP: '0.0025',
      Y_STEP: '-0.0025',
    },
    [
      { name: 'unwrapPhase', data: phase, shape: [DATE12.length, L, W] },
      { name: 'coherence', data: new Float32Array(phase.length).fill(0.9), shape: [DATE12.length, L, W] },
      { name: 'date', data: DATE12.flat(), shape: [DATE12.length, 2] },
      { name: 'bperp', data: new Float32Array([10, -20, 5]), shape: [DATE12.length] },
    ],
  );
  const water = new Int8Array(L * W).fill(1);
  water[2 * W + 3] = 0;
  await writeH5File(join(dir, 'waterMask.h5'), { FILE_TYPE: 'mask', LENGTH: String(L), WIDTH: String(W) }, [
    { name: 'waterMask', data: water, shape: [L, W], dtype: 'bool' },
  ]);
  writeReferencePoint(dir, { REF_Y: 0, REF_X: 2, method: 'yx', length: L, width: W });
  stack = await IfgramStack.open(join(dir, 'inputs', 'ifgramStack.h5'));
});
afterAll(() => {
  stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkReferencePixel (MintPy reference_point.py rules)', () => {
  it('accepts the pixel already stored, whose referenced phase velocity is 0', async () => {
    const keep = [true, true, true];
    expect(phaseVelocityAt(stack, keep, { y: 0, x: 2 }, 0, 2)).toBe(0);
    const r = await checkReferencePixel(0, 2, { workDir: dir, template: template(), stack, keep });
    expect(r).toMatchObject({ ok: true, y: 0, x: 2, same: true });
  });

  it('checks any other pixel: valid data, water, outside', async () => {
    const c = { workDir: dir, template: template(), stack, keep: [true, true, true] };
    expect((await checkReferencePixel(0, 0, c)).ok).toBe(true);
    expect(await checkReferencePixel(2, 3, c)).toMatchObject({ ok: false, rule: 'water' });
    expect(await checkReferencePixel(3, 0, c)).toMatchObject({ ok: false, rule: 'outside' });
  });

  it("honours the pairs the template's network rules drop", async () => {
    // all pairs kept: (1, 1) has data in pair 2
    const all = template();
    const keepAll = await plannedKeptPairs(dir, all, stack);
    expect(keepAll).toEqual([true, true, true]);
    expect((await checkReferencePixel(1, 1, { workDir: dir, template: all, stack, keep: keepAll })).ok).toBe(true);
    // mintpy.network.endDate drops pair 2: (1, 1) has no valid data left
    const rules = template(['mintpy.network.endDate = 20180125']);
    const keep = await plannedKeptPairs(dir, rules, stack);
    expect(keep).toEqual([true, true, false]);
    const r = await checkReferencePixel(1, 1, { workDir: dir, template: rules, stack, keep });
    expect(r).toMatchObject({ ok: false, rule: 'noData' });
  });
});

describe('referenceCandidates: every pixel by the same rules (where the map shows a reference may go)', () => {
  it('each pixel’s code is the rule checkReferencePixel names for it, with and without rules and masks', async () => {
    const mask = new Int8Array(L * W).fill(1);
    mask[0 * W + 3] = 0;
    mask[2 * W + 3] = 0; // water too: the mask file's rule comes first
    await writeH5File(join(dir, 'maskRef.h5'), { FILE_TYPE: 'mask', LENGTH: String(L), WIDTH: String(W) }, [
      { name: 'mask', data: mask, shape: [L, W], dtype: 'bool' },
    ]);
    const code: Record<string, number> = { masked: 1, water: 2, noData: 3 };
    for (const t of [
      template(),
      template(['mintpy.network.endDate = 20180125']),
      template(['mintpy.reference.maskFile = maskRef.h5']),
    ]) {
      const keep = await plannedKeptPairs(dir, t, stack);
      const c = { workDir: dir, template: t, stack, keep };
      const cand = await referenceCandidates(c);
      const expected: number[] = [];
      for (let y = 0; y < L; y++)
        for (let x = 0; x < W; x++) {
          const r = await checkReferencePixel(y, x, c);
          expected.push(r.ok ? 0 : code[r.rule]);
        }
      expect(Array.from(cand.codes)).toEqual(expected);
      expect(cand.counts.ok + cand.counts.mask + cand.counts.water + cand.counts.noData).toBe(L * W);
    }
    const masked = await referenceCandidates({
      workDir: dir,
      template: template(['mintpy.reference.maskFile = maskRef.h5']),
      stack,
      keep: [true, true, true],
    });
    expect(masked.maskName).toBe('maskRef.h5');
    expect(masked.counts).toEqual({ ok: 10, mask: 2, water: 0, noData: 0 });
    const rules = await referenceCandidates({
      workDir: dir,
      template: template(),
      stack,
      keep: [true, true, false],
    });
    expect(rules.counts).toEqual({ ok: 10, mask: 0, water: 1, noData: 1 });
  });
});
