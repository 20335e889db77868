/**
 * The main-side preview API: after an edit, `previewVelocity` answers with the velocity of the view from
 * the same core function (previewVelocity) and the project's current edits, with a grid to draw it on.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServices, type Services } from '../../src-main/services/apiService';
import { overridesOf } from '../../src-main/services/projectService';
import { previewVelocity } from '../../src-core/node/preview/previewVelocity';
import { previewStoreDir } from '../../src-core/node/preview/previewStore';
import { makeDemo } from './helpers';

let s: Services;
let demo: Awaited<ReturnType<typeof makeDemo>>;
let appData: string;

beforeAll(async () => {
  demo = await makeDemo({ rows: 48, cols: 64, numDates: 12 });
  appData = mkdtempSync(join(tmpdir(), 'insar-appdata-'));
  s = createServices({ transport: 'http', appDataDir: appData, numWorkers: 1 });
  await s.api.openProject(demo.folder);
  await s.api.runPipeline();
  expect((await s.jobs.wait())?.status).toBe('ok');
}, 300_000);

afterAll(async () => {
  s?.dispose();
  await s?.previews.dispose();
  rmSync(demo.root, { recursive: true, force: true });
  rmSync(appData, { recursive: true, force: true });
});

describe('previewVelocity (API)', () => {
  test('before the preview data exist it says so; after an edit it gives the core function’s numbers', async () => {
    await s.previews.prepare();
    const view = { row0: 0, row1: 48, col0: 0, col1: 64 };
    // without its decimated copy of the stack the preview builds it and answers (no "try again")
    const dir = previewStoreDir(s.projects.require().workDir);
    rmSync(dir, { recursive: true, force: true });
    const early = await s.api.previewVelocity(view, 1000);
    expect(early.ok, early.ok ? '' : early.reason).toBe(true);
    expect(existsSync(dir)).toBe(true);
    await s.api.setExcludedPairs([2, 5]);
    const res = await s.api.previewVelocity(view, 1000);
    expect(res.ok, res.ok ? '' : res.reason).toBe(true);
    if (!res.ok) return;
    const p = res.preview;
    expect(p.step).toBe(2);
    expect(p.values.length).toBe(p.grid.length * p.grid.width);
    expect([p.grid.length, p.grid.width]).toEqual([24, 32]);
    const info = await s.api.projectInfo();
    expect(p.grid.xStep).toBeCloseTo(2 * info!.grid!.xStep, 12);
    expect(p.keptPairs).toBe(info!.numPairs - 2);
    const proj = s.projects.require();
    const direct = await previewVelocity({
      workDir: proj.workDir,
      templatePath: proj.templatePath,
      overrides: overridesOf(proj.db.history().current),
      view,
      maxPixels: 1000,
    });
    expect(Array.from(p.values)).toEqual(Array.from(direct.velocity));
    expect(p.stats.validCount).toBeGreaterThan(500);
  });
});
