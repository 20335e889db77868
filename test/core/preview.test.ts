/**
 * The edit preview (src-core/node/preview): after an edit — a pair excluded, the reference point moved —
 * the velocity of the pixels in view, from the decimated preview store, equals the full run's
 * velocity.h5 with the same edit on every pixel both computed, bit for bit (same kernels, same settings).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import { H5Reader, readAttrs } from '../../src-core/node/formats/h5';
import { runPipeline } from '../../src-core/node/pipeline/runner';
import { buildPreviewStore, openPreviewStore, readPreviewWindow } from '../../src-core/node/preview/previewStore';
import { previewVelocity } from '../../src-core/node/preview/previewVelocity';
import {
  choosePreviewLevel,
  clipWindow,
  levelWindow,
  previewPixelBudget,
} from '../../src-core/common/preview/previewGrid';

let dir = '';
let cfg = '';
let workDir = '';
const ROWS = 90;
const COLS = 130;

async function read(file: string, ds: string): Promise<Float32Array> {
  const r = await H5Reader.open(join(workDir, file));
  try {
    return Float32Array.from(r.read(ds) as ArrayLike<number>);
  } finally {
    r.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'preview-'));
  const demo = await writeDemo(join(dir, 'stack'), { rows: ROWS, cols: COLS, numDates: 16 });
  cfg = demo.templatePath;
  const rec = await runPipeline({ templatePath: cfg, end: 'quick_overview', numWorkers: 0 });
  workDir = rec.workDir;
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('preview grid', () => {
  it('levels: the finest whose pixels fit the budget; windows hold whole stack pixels', () => {
    const w = clipWindow({ row0: -5, row1: 1176.4, col0: 10.5, col1: 3060 }, 1176, 3060)!;
    expect(w).toEqual({ row0: 0, row1: 1176, col0: 10, col1: 3060 });
    expect(choosePreviewLevel(w, 300_000).step).toBe(4); // 294 × 763 = 224k px
    expect(choosePreviewLevel(w, 1_000_000).step).toBe(2);
    expect(levelWindow({ row0: 3, row1: 9, col0: 0, col1: 4 }, 4)).toEqual({ step: 4, r0: 1, r1: 3, c0: 0, c1: 1 });
    expect(clipWindow({ row0: 2000, row1: 2100, col0: 0, col1: 5 }, 1176, 3060)).toBeNull();
  });

  it('a large network gets fewer pixels: the notebook’s 86 pairs keep the budget, 475 pairs get 1 in 4', () => {
    expect(previewPixelBudget(300_000, 86)).toBe(300_000);
    expect(previewPixelBudget(300_000, 120)).toBe(300_000);
    expect(previewPixelBudget(300_000, 474)).toBe(75_949);
    expect(previewPixelBudget(1000, 474)).toBe(1000);
    const galapagos = { row0: 0, row1: 1000, col0: 0, col1: 1100 };
    expect(choosePreviewLevel(galapagos, 300_000).step).toBe(2);
    expect(choosePreviewLevel(galapagos, previewPixelBudget(300_000, 474)).step).toBe(4);
  });
});

describe('edit preview vs the full run (demo stack)', () => {
  it('the store holds the stack’s exact values at the decimated pixels', async () => {
    const store = await buildPreviewStore(workDir, join(workDir, 'inputs', 'ifgramStack.h5'));
    expect(openPreviewStore(workDir, join(workDir, 'inputs', 'ifgramStack.h5'))).not.toBeNull();
    const r = await H5Reader.open(join(workDir, 'inputs', 'ifgramStack.h5'));
    try {
      // a window inside the level, and one of whole level rows (read straight into place)
      for (const w of [
        { step: 4, r0: 2, r1: 9, c0: 5, c1: 20 },
        { step: 4, r0: 3, r1: 11, c0: 0, c1: Math.ceil(COLS / 4) },
      ]) {
        const got = readPreviewWindow(store, w, [0, 3, 7]);
        const nc = w.c1 - w.c0;
        const px = (w.r1 - w.r0) * nc;
        for (const [j, i] of [0, 3, 7].entries())
          for (let rr = w.r0; rr < w.r1; rr++) {
            const ph = r.readRows('unwrapPhase', rr * 4, rr * 4 + 1, [i, i + 1]);
            const co = r.readRows('coherence', rr * 4, rr * 4 + 1, [i, i + 1]);
            for (let c = w.c0; c < w.c1; c++) {
              expect(got.phase[j * px + (rr - w.r0) * nc + (c - w.c0)]).toBe(ph[c * 4]);
              expect(got.coherence[j * px + (rr - w.r0) * nc + (c - w.c0)]).toBe(co[c * 4]);
            }
          }
      }
    } finally {
      r.close();
    }
  });

  for (const [label, overrides] of [
    // the last run chose the reference automatically; the preview keeps it, and so does the full run here
    ['one pair excluded, the automatic reference', { 'mintpy.network.excludeIfgIndex': '5' }],
    [
      'two pairs excluded, reference moved',
      { 'mintpy.network.excludeIfgIndex': '3,17', 'mintpy.reference.yx': '40,60' },
    ],
  ] as [string, Record<string, string>][])
    it(`${label}: same velocity as the full run on every pixel both computed`, async () => {
      const pre = await previewVelocity({
        workDir,
        templatePath: cfg,
        overrides,
        view: { row0: 0, row1: ROWS, col0: 0, col1: COLS },
        maxPixels: 4000,
      });
      expect(pre.window.step).toBe(2);
      // the full run with the same edit
      await runPipeline({ templatePath: cfg, start: 'modify_network', end: 'velocity', overrides, numWorkers: 0 });
      const refOfRun = await readAttrs(join(workDir, 'velocity.h5'));
      expect([Number(refOfRun.REF_Y), Number(refOfRun.REF_X)]).toEqual([pre.reference.row, pre.reference.col]);
      const vel = await read('velocity.h5', 'velocity');
      const tcoh = await read('temporalCoherence.h5', 'temporalCoherence');
      let compared = 0;
      let differ = 0;
      for (let r = 0; r < pre.rows; r++)
        for (let c = 0; c < pre.cols; c++) {
          const y = (pre.window.r0 + r) * pre.window.step;
          const x = (pre.window.c0 + c) * pre.window.step;
          const full = vel[y * COLS + x];
          const p = pre.velocity[r * pre.cols + c];
          if (tcoh[y * COLS + x] === 0) {
            expect(Number.isNaN(p) || p === 0).toBe(true);
            continue;
          }
          compared++;
          if (!Object.is(p, full)) differ++;
        }
      expect(compared).toBeGreaterThan(2000);
      expect(differ, `${differ} of ${compared} pixels differ`).toBe(0);
      expect(pre.keptPairs).toBeGreaterThan(0);
    });
});
