/**
 * The CLI contract other tools rely on: commands, exit codes (0 ok, 1 bad input with one line naming the
 * file, 2 usage), progress on stderr, outputs beside the template — and a run killed part-way that resumes.
 * Runs the bundled CLI (out/node/cli.js, built here if missing) on stacks it generates itself.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures';
import { tinyGunwSpec, writeDemFor, writeGunwStack } from '../../src-core/node/load/writeGunw';

const CLI = join(REPO_ROOT, 'out', 'node', 'cli.js');
const cli = (args: string[], opts: { cwd?: string } = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd ?? REPO_ROOT, timeout: 240_000 });

beforeAll(() => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
}, 120_000);

describe('insar-studio CLI', () => {
  let demoDir: string;
  let cfg: string;
  beforeAll(() => {
    demoDir = mkdtempSync(join(tmpdir(), 'cli-demo-'));
    const r = cli(['demo', demoDir, '--rows', '50', '--cols', '70', '--dates', '10', '--seed', '3']);
    expect(r.status, r.stderr).toBe(0);
    cfg = join(demoDir, 'mintpy', 'Demo.cfg');
    expect(r.stdout).toContain(cfg);
  }, 120_000);
  afterAll(() => rmSync(demoDir, { recursive: true, force: true }));

  it('prints usage and exits 2 without a command', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('insar-studio run <template.cfg>');
    expect(cli(['frobnicate']).status).toBe(2);
  });

  it('run: the whole pipeline, MintPy file names beside the template, progress on stderr', () => {
    const r = cli(['run', cfg]);
    expect(r.status, r.stderr).toBe(0);
    for (const f of [
      'inputs/ifgramStack.h5',
      'timeseries.h5',
      'velocity.h5',
      'temporalCoherence.h5',
      'maskTempCoh.h5',
      'velocity.kmz',
    ])
      expect(existsSync(join(demoDir, 'mintpy', f)), f).toBe(true);
    expect(r.stderr).toMatch(/invert_network: \d+\/\d+ \(100%\)/);
    expect(r.stdout).toMatch(/velocity\s+done/);
  });

  it('run --dostep and --start/--end select steps; unknown steps are usage errors (exit 2)', () => {
    const r = cli(['run', cfg, '--dostep', 'velocity']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')[0]).toMatch(/^velocity\s+done/);
    const bad = cli(['run', cfg, '--dostep', 'invert']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--dostep invert: unknown step (did you mean invert_network?)');
  });

  it('info prints structure, attributes and dates', () => {
    const r = cli(['info', join(demoDir, 'mintpy', 'timeseries.h5')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('timeseries');
    expect(r.stdout).toContain('20180109');
  });

  it('bad input: one line naming the file, exit 1, nothing half-written', () => {
    const missing = cli(['run', join(demoDir, 'nope.cfg')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.cfg');

    const notH5 = join(demoDir, 'not.h5');
    writeFileSync(notH5, 'hello');
    const r = cli(['info', notH5]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(notH5);

    // a reference point in the water: refused by reference_point, saying why
    const water = join(demoDir, 'mintpy', 'water.cfg');
    const truth = JSON.parse(readFileSync(join(demoDir, 'truth.json'), 'utf8'));
    const [wy, wx] = [Math.round(truth.water.row), Math.round(truth.water.col)];
    writeFileSync(water, `${readFileSync(cfg, 'utf8')}\nmintpy.reference.yx = ${wy},${wx}\n`);
    const w = cli(['run', water, '--start', 'modify_network', '--end', 'reference_point']);
    expect(w.status, w.stdout).toBe(1);
    expect(w.stderr).toMatch(/water/i);
    expect(readdirSync(join(demoDir, 'mintpy')).filter((f) => f.includes('.tmp'))).toEqual([]);

    // a step date outside the dates: refused before any work
    const step = join(demoDir, 'mintpy', 'step.cfg');
    writeFileSync(step, `${readFileSync(cfg, 'utf8')}\nmintpy.timeFunc.stepDate = 20250101\n`);
    const s = cli(['run', step, '--dostep', 'velocity']);
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/20250101/);
  });

  it('NISAR GUNW bad input: a DEM that misses the grid is one line naming the DEM, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-nisar-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const spec = tinyGunwSpec();
    await writeGunwStack(join(dir, 'GUNW'), spec);
    writeDemFor(join(dir, 'DEM', 'dem.tif'), spec, -0.008);
    const cfgN = join(dir, 'nisar.cfg');
    writeFileSync(
      cfgN,
      'mintpy.load.processor = nisar\nmintpy.load.unwFile = GUNW/*.h5\nmintpy.load.demFile = DEM/dem.tif\n',
    );
    const r = cli(['run', cfgN, '--dostep', 'load_data']);
    expect(r.status, r.stderr).toBe(1);
    // progress and the log go to stderr too: the error is its one last line
    const errs = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('insar-studio: error:'));
    expect(errs, r.stderr).toHaveLength(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(errs[0]);
    expect(errs[0]).toContain(`${join(dir, 'DEM', 'dem.tif')}: the DEM does not cover the GUNW grid`);
    expect(existsSync(join(dir, 'inputs', 'ifgramStack.h5'))).toBe(false);
  });
});

describe('a killed run resumes from the tiles already done', () => {
  it('SIGKILL mid-inversion, then the same command finishes without redoing finished tiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-kill-'));
    expect(cli(['demo', dir, '--rows', '200', '--cols', '200', '--dates', '31', '--seed', '5']).status).toBe(0);
    const cfg = join(dir, 'mintpy', 'Demo.cfg');
    // tiny tiles so the kill lands part-way
    writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}\nmintpy.compute.maxMemory = 0.0001\n`);
    expect(cli(['run', cfg, '--end', 'quick_overview']).status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'run', cfg, '--dostep', 'invert_network', '--workers', '1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = [...err.matchAll(/invert_network: (\d+)\/(\d+)/g)].pop();
        if (m && Number(m[1]) >= 10 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');
    expect(existsSync(join(dir, 'mintpy', 'timeseries.h5'))).toBe(false);
    const r = cli(['run', cfg, '--dostep', 'invert_network']);
    expect(r.status, r.stderr).toBe(0);
    const resumed = /resumed, (\d+) of (\d+) tiles were already done/.exec(r.stderr);
    expect(resumed, r.stderr).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(10);
    expect(existsSync(join(dir, 'mintpy', 'timeseries.h5'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});
