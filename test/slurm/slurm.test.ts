/**
 * The tiled steps as Slurm job arrays, on a real Slurm (scripts/slurm/up.sh: one node on loopback): the
 * outputs equal a local run's bit for bit (demo stack with the DEM-error chain, so all three tiled steps go to
 * Slurm; the cv-tiny ARIA fixture; the nisar-tiny NISAR GUNW fixture), a task cancelled with scancel mid-run is re-submitted and the run ends ok, a
 * killed coordinator's second run resumes from the finished tiles, Ctrl-C cancels the array, and the bad cases
 * (partition, work folder the nodes cannot see, a task out of memory) are one line each.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import { runPipeline } from '../../src-core/node/pipeline/runner';
import { CancelledError, type Progress } from '../../src-core/common/pipeline/types';
import { HAVE_FIXTURES, HAVE_NISAR_FIXTURE, IN_CI, REPO_ROOT, fx } from '../helpers/fixtures';
import { stageNisarTiny } from '../helpers/nisar';
import {
  SLURM_DIR,
  checkpointTiles,
  compareWorkDirs,
  describeSlurm,
  runCli,
  squeueIds,
  type CliResult,
} from './helpers';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (prefix: string, base = tmpdir()) => {
  const d = mkdtempSync(join(base, prefix));
  dirs.push(d);
  return d;
};
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const ok = (r: CliResult) => expect(r.code, r.stderr.slice(-3000)).toBe(0);
/** when load_data wrote each layer: a clock time */
const LOAD_TIME = /^MODIFICATION_TIME$/;
/** the cluster keys that load_data writes into the stack's attributes (as MintPy does with every template key) */
const CLUSTER_KEYS = /^(mintpy\.compute\.|insarstudio\.)/;

describeSlurm('tiled steps as Slurm job arrays', () => {
  let stack: string; // a demo stack, DEM-error chain on
  let prepared: string; // the stack after the local steps before invert_network
  let refInvert: string; // prepared + a local invert_network
  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
    stack = join(tmp('slurm-demo-'), 'demo');
    const { templatePath } = await writeDemo(stack, { seed: 7 });
    writeFileSync(
      templatePath,
      readFileSync(templatePath, 'utf8').replace(
        /mintpy\.topographicResidual = no/,
        'mintpy.topographicResidual = yes',
      ),
    );
    prepared = join(tmp('slurm-prep-'), 'demo');
    cpSync(stack, prepared, { recursive: true });
    ok(await runCli(['run', join(prepared, 'mintpy', 'Demo.cfg'), '--end', 'quick_overview', '--workers', '2']));
    refInvert = join(tmp('slurm-ref-'), 'demo');
    cpSync(prepared, refInvert, { recursive: true });
    ok(await runCli(['run', join(refInvert, 'mintpy', 'Demo.cfg'), '--dostep', 'invert_network', '--workers', '2']));
  }, 300_000);

  const copyOf = (from: string, prefix: string, extra = '', base?: string) => {
    const d = join(tmp(prefix, base), 'demo');
    cpSync(from, d, { recursive: true });
    const cfg = join(d, 'mintpy', 'Demo.cfg');
    if (extra) appendFileSync(cfg, `\n${extra}\n`);
    return { dir: d, work: join(d, 'mintpy'), cfg };
  };

  it('demo stack: `run --cluster slurm` gives the local run’s outputs bit for bit (all three tiled steps)', async () => {
    // both runs in the same folder (outputs record their own path), the local one moved aside afterwards
    const dir = join(tmp('slurm-same-'), 'demo');
    const cfg = join(dir, 'mintpy', 'Demo.cfg');
    cpSync(stack, dir, { recursive: true });
    ok(await runCli(['run', cfg, '--workers', '2']));
    renameSync(dir, `${dir}-local`);
    cpSync(stack, dir, { recursive: true });
    const r = await runCli(['run', cfg, '--workers', '2', '--cluster', 'slurm']);
    ok(r);
    for (const step of ['invert_network', 'correct_topography', 'velocity'])
      expect(r.stderr).toMatch(new RegExp(`${step}: Slurm job \\d+: \\d+ array task\\(s\\)`));
    expect(r.stderr).toMatch(/\[Slurm \d+: \d+\/\d+ tasks done, \d+ queued, \d+ running\]/);
    const work = join(dir, 'mintpy');
    const { files, diffs, ignored } = await compareWorkDirs(join(`${dir}-local`, 'mintpy'), work, LOAD_TIME);
    expect(diffs).toEqual([]);
    // the only attribute left out: when load_data wrote each layer (a clock time, different in any two runs)
    for (const k of ignored) expect(k).toMatch(/^inputs\/ifgramStack\.h5 \w+@MODIFICATION_TIME$/);
    for (const f of ['timeseries.h5', 'temporalCoherence.h5', 'demErr.h5', 'timeseries_demErr.h5', 'velocity.h5'])
      expect(files).toContain(f);
    // the checkpoint and the Slurm run folders are gone after a successful run
    expect(readdirSync(join(work, '.insar-studio', 'slurm'))).toEqual([]);
    expect(checkpointTiles(work, 'invert_network')).toBe(0);
  }, 600_000);

  (HAVE_FIXTURES || IN_CI ? it : it.skip)(
    'cv-tiny fixture: mintpy.compute.cluster = slurm in the template gives the local outputs bit for bit',
    async () => {
      const dir = join(tmp('cv-same-'), 'cv');
      const cfgPath = join(dir, 'Central_Valley.cfg');
      const cfg = readFileSync(fx('mintpy', 'Central_Valley.cfg'), 'utf8').replace(/\.\.\/aria\//g, `${fx('aria')}/`);
      mkdirSync(dir);
      writeFileSync(cfgPath, `${cfg}\nmintpy.reference.yx = 11,63\n`);
      ok(await runCli(['run', cfgPath, '--workers', '2']));
      renameSync(dir, `${dir}-local`);
      mkdirSync(dir);
      writeFileSync(
        cfgPath,
        `${cfg}\nmintpy.reference.yx = 11,63\nmintpy.compute.cluster = slurm\ninsarstudio.slurm.pollSeconds = 1\n`,
      );
      const r = await runCli(['run', cfgPath, '--workers', '2']);
      ok(r);
      expect(r.stderr).toMatch(/invert_network: Slurm job \d+/);
      expect(r.stderr).toMatch(/velocity: Slurm job \d+/);
      const { files, diffs, ignored } = await compareWorkDirs(
        `${dir}-local`,
        dir,
        new RegExp(`${LOAD_TIME.source}|${CLUSTER_KEYS.source}`),
      );
      expect(diffs).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['timeseries.h5', 'velocity.h5', 'velocity.kmz']));
      // left out: load_data's clock times, and the two template keys it copies into the stack's attributes
      // (as MintPy does with every key of the template)
      expect(ignored).toEqual(
        expect.arrayContaining([
          'inputs/ifgramStack.h5 @mintpy.compute.cluster',
          'inputs/ifgramStack.h5 @insarstudio.slurm.pollSeconds',
        ]),
      );
      for (const k of ignored)
        expect(k).toMatch(/@(MODIFICATION_TIME|mintpy\.compute\.cluster|insarstudio\.slurm\.pollSeconds)$/);
    },
    600_000,
  );

  (HAVE_NISAR_FIXTURE ? it : it.skip)(
    'nisar-tiny (NISAR GUNW products, our loader): `--cluster slurm` gives the local outputs bit for bit',
    async () => {
      const dir = join(tmp('nisar-same-'), 'nisar');
      const cfg = join(dir, 'mintpy', 'NISAR_CV.cfg');
      stageNisarTiny(dir, []);
      ok(await runCli(['run', cfg, '--workers', '2']));
      renameSync(dir, `${dir}-local`);
      stageNisarTiny(dir, []);
      const r = await runCli(['run', cfg, '--workers', '2', '--cluster', 'slurm']);
      ok(r);
      expect(r.stderr).toMatch(/invert_network: Slurm job \d+/);
      expect(r.stderr).toMatch(/velocity: Slurm job \d+/);
      const { files, diffs, ignored } = await compareWorkDirs(
        join(`${dir}-local`, 'mintpy'),
        join(dir, 'mintpy'),
        LOAD_TIME,
      );
      expect(diffs).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['timeseries.h5', 'velocity.h5', 'velocity.kmz']));
      for (const k of ignored) expect(k).toMatch(/@MODIFICATION_TIME$/);
    },
    600_000,
  );

  it('scancel of a running array task: the task is re-submitted and the run ends ok, outputs identical', async () => {
    const w = copyOf(prepared, 'slurm-scancel-');
    const logs: string[] = [];
    let cancelled = '';
    const rec = await runPipeline({
      templatePath: w.cfg,
      dostep: 'invert_network',
      numWorkers: 2,
      cluster: 'slurm',
      // one task at a time, each held 2 s on the node before it starts: a running task to cancel
      overrides: {
        'mintpy.compute.numWorker': '1',
        'insarstudio.slurm.setup': 'sleep 2',
        'insarstudio.slurm.pollSeconds': '0.5',
      },
      onLog: (m) => logs.push(m),
      onProgress: (p: Progress) => {
        if (cancelled || !p.cluster?.running) return;
        const running = squeueIds(p.cluster.jobIds[0], 'RUNNING');
        if (!running.length) return;
        cancelled = running[0];
        execFileSync('scancel', [cancelled]);
      },
    });
    expect(cancelled).toMatch(/^\d+_\d+$/);
    expect(rec.ok).toBe(true);
    const k = cancelled.split('_')[1];
    expect(logs.join('\n')).toMatch(
      new RegExp(
        `invert_network: array task ${k} \\(tile \\d+, rows \\d+–\\d+\\) ended CANCELLED on \\S+.*; re-submitting it \\(retry 1 of 2\\)`,
      ),
    );
    const { diffs } = await compareWorkDirs(refInvert, w.dir);
    expect(diffs).toEqual([]);
  }, 300_000);

  it('a killed coordinator: the next run cancels the orphaned array and resumes from the finished tiles', async () => {
    const w = copyOf(
      prepared,
      'slurm-kill-',
      'mintpy.compute.numWorker = 1\ninsarstudio.slurm.setup = sleep 1\ninsarstudio.slurm.pollSeconds = 0.5',
    );
    const args = ['run', w.cfg, '--dostep', 'invert_network', '--workers', '2', '--cluster', 'slurm'];
    const first = await runCli(args, (c) => {
      const t = setInterval(() => {
        if (checkpointTiles(w.work, 'invert_network') >= 2) {
          clearInterval(t);
          // the CLI and its pipeline process (the coordinator) at once: nothing is left to scancel
          process.kill(-c.pid!, 'SIGKILL');
        }
      }, 100);
      c.on('close', () => clearInterval(t));
    });
    expect(first.signal).toBe('SIGKILL');
    const second = await runCli(args);
    ok(second);
    expect(second.stderr).toMatch(
      /invert_network: cancelled Slurm job \d+ left by an earlier run that was interrupted/,
    );
    const m = /invert_network: resumed, (\d+) of (\d+) tiles were already done/.exec(second.stderr);
    expect(m, second.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2);
    expect(Number(m![1])).toBeLessThan(Number(m![2]));
    const { diffs } = await compareWorkDirs(refInvert, w.dir);
    expect(diffs).toEqual([]);
  }, 300_000);

  it('Ctrl-C cancels the array (scancel) and exits 130', async () => {
    const w = copyOf(
      prepared,
      'slurm-sigint-',
      'mintpy.compute.numWorker = 1\ninsarstudio.slurm.setup = sleep 2\ninsarstudio.slurm.pollSeconds = 0.5',
    );
    let job = '';
    const r = await runCli(
      ['run', w.cfg, '--dostep', 'invert_network', '--workers', '2', '--cluster', 'slurm'],
      (c) => {
        let seen = '';
        c.stderr!.on('data', (d: Buffer) => {
          seen += d.toString();
          const m = /Slurm job (\d+):/.exec(seen);
          if (m && !job) {
            job = m[1];
            setTimeout(() => c.kill('SIGINT'), 500);
          }
        });
      },
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(new RegExp(`invert_network: scancel ${job} \\(run cancelled\\)`));
    expect(lastLine(r.stderr)).toBe('insar-studio: cancelled');
    // scancel took effect: nothing of the array is pending or running any more
    let left = squeueIds(job, 'PENDING,RUNNING');
    for (let i = 0; i < 40 && left.length; i++) {
      await new Promise((res) => setTimeout(res, 250));
      left = squeueIds(job, 'PENDING,RUNNING');
    }
    expect(left).toEqual([]);
  }, 120_000);

  it('a partition that does not exist: one line naming the key and the partitions, exit 1, before any step', async () => {
    const w = copyOf(prepared, 'slurm-part-', 'insarstudio.slurm.partition = nope');
    const r = await runCli(['run', w.cfg, '--start', 'invert_network', '--cluster', 'slurm']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `insar-studio: error: ${w.cfg}: insarstudio.slurm.partition = nope: Slurm has no such partition (sinfo lists: debug)`,
    ]);
  }, 120_000);

  (existsSync(join(SLURM_DIR, 'login-only')) ? it : it.skip)(
    'a work folder the nodes cannot see: one line saying so, exit 1',
    async () => {
      // up.sh hides <dir>/login-only from slurmd: like a login node's local disk
      const w = copyOf(prepared, 'w-', 'insarstudio.slurm.pollSeconds = 0.5', join(SLURM_DIR, 'login-only'));
      const r = await runCli(['run', w.cfg, '--dostep', 'invert_network', '--workers', '2', '--cluster', 'slurm']);
      expect(r.code).toBe(1);
      expect(lastLine(r.stderr)).toMatch(
        new RegExp(
          `^insar-studio: error: invert_network: array task \\d+ \\(tile \\d+, rows \\d+–\\d+\\) could not write its log .* — the work folder ${w.work} is not visible on the compute nodes: put it on a shared filesystem$`,
        ),
      );
    },
    120_000,
  );

  it('a task out of memory: one line naming the tile and mintpy.compute.maxMemory, exit 1', async () => {
    // this cluster enforces --mem by sampling each task's memory once a second (jobacct_gather/linux), so the
    // task must live a few seconds: an 800 × 800 px stack, all its tiles in one task, 31 MB allowed (Node
    // alone takes more)
    const dir = join(tmp('slurm-oom-'), 'demo');
    const { templatePath: cfg } = await writeDemo(dir, { seed: 7, rows: 800, cols: 800 });
    ok(await runCli(['run', cfg, '--end', 'quick_overview', '--workers', '2']));
    appendFileSync(
      cfg,
      '\nmintpy.compute.maxMemory = 0.03\ninsarstudio.slurm.tilesPerTask = 1000\ninsarstudio.slurm.pollSeconds = 0.5\n',
    );
    const r = await runCli(['run', cfg, '--dostep', 'invert_network', '--workers', '2', '--cluster', 'slurm']);
    expect(r.code, r.stderr).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      /^insar-studio: error: invert_network: array task 0 \(tiles 0–\d+, rows 0–799\) ran out of memory on \S+ \(31 MB per task\): raise mintpy\.compute\.maxMemory \(now 0\.03\)$/,
    );
  }, 300_000);

  it('a cancelled run in-process (the app’s cancel): CancelledError and the array is gone', async () => {
    const w = copyOf(prepared, 'slurm-abort-');
    const ac = new AbortController();
    let job = '';
    await expect(
      runPipeline({
        templatePath: w.cfg,
        dostep: 'invert_network',
        numWorkers: 2,
        cluster: 'slurm',
        signal: ac.signal,
        overrides: {
          'mintpy.compute.numWorker': '1',
          'insarstudio.slurm.setup': 'sleep 2',
          'insarstudio.slurm.pollSeconds': '0.5',
        },
        onProgress: (p) => {
          if (p.cluster && !job) {
            job = p.cluster.jobIds[0];
            ac.abort();
          }
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    let left = squeueIds(job, 'PENDING,RUNNING');
    for (let i = 0; i < 40 && left.length; i++) {
      await new Promise((res) => setTimeout(res, 250));
      left = squeueIds(job, 'PENDING,RUNNING');
    }
    expect(left).toEqual([]);
  }, 120_000);
});
