/** The app runs the pipeline in a child process: progress, logs, records, user errors and cancel cross the process boundary. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { stepOf } from '../../src-core/node/pipeline/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import { processRunner } from '../../src-core/node/pipeline/processRunner';
import type { StepEvent } from '../../src-core/common/pipeline/types';
import { REPO_ROOT } from '../helpers/fixtures';

let cfg: string;
let dir: string;
beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
  dir = mkdtempSync(join(tmpdir(), 'thr-'));
  cfg = (await writeDemo(dir, { rows: 40, cols: 50, numDates: 8, seed: 4 })).templatePath;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pipeline in a child process', () => {
  it('runs the steps, streaming progress, logs and typed step events', async () => {
    const run = processRunner();
    expect(run).not.toBeNull();
    const steps = new Set<string>();
    const logs: string[] = [];
    const events: StepEvent[] = [];
    const rec = await run!({
      templatePath: cfg,
      end: 'velocity',
      onProgress: (p) => steps.add(String(p.step)),
      onLog: (m) => logs.push(m),
      onStep: (e) => events.push(e),
    });
    // one `started` and one end per step, in order, carrying the step's own record
    const ends = events.filter((e) => e.status !== 'started');
    expect(ends.map((e) => e.step)).toEqual(rec.steps.map((s) => s.name));
    for (const [k, e] of ends.entries()) {
      const r = rec.steps[k];
      expect(e.status).toBe(r.status === 'done' ? 'finished' : r.status);
      if (e.status === 'finished') expect(e.outputs).toEqual(r.outputs);
    }
    expect(events.filter((e) => e.status === 'started').map((e) => e.step)).toEqual(
      rec.steps.filter((s) => s.status !== 'skipped' || s.summary.skipped).map((s) => s.name),
    );
    expect(rec.steps.filter((s) => s.status === 'done').map((s) => s.name)).toEqual([
      'load_data',
      'modify_network',
      'reference_point',
      'quick_overview',
      'invert_network',
      'velocity',
    ]);
    expect(steps.has('invert_network')).toBe(true);
    // the descriptors say what each step writes: every output of the run is one of its step's files
    for (const r of rec.steps)
      for (const o of r.outputs) expect(stepOf(r.name).writes).toContain(relative(rec.workDir, o).split(sep).join('/'));
    expect(logs).toContain('step velocity');
  });

  it('a user error keeps its class name and message', async () => {
    const bad = cfg.replace(/\.cfg$/, '-bad.cfg');
    writeFileSync(bad, `${readFileSync(cfg, 'utf8')}\nmintpy.reference.yx = 999,999\n`);
    const err = await processRunner()!({ templatePath: bad, dostep: 'reference_point' }).catch((e) => e);
    expect(err.name).toBe('InputError');
    expect(err.message).toMatch(/outside/);
    expect(err.record.steps[0]).toMatchObject({ name: 'reference_point', status: 'failed' });
  });

  it('cancel stops the run', async () => {
    const ctrl = new AbortController();
    const events: StepEvent[] = [];
    const p = processRunner()!({
      templatePath: cfg,
      signal: ctrl.signal,
      onStep: (e) => {
        events.push(e);
        if (e.step === 'modify_network' && e.status === 'started') ctrl.abort();
      },
    });
    const err = await p.catch((e) => e);
    expect(err.name).toBe('CancelledError');
    expect(events.map((e) => `${e.step}:${e.status}`)).toContain('load_data:finished');
  });
});
