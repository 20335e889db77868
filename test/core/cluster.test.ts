/**
 * The Slurm executor's pure parts, without a cluster: the manifest carries tile tasks bit for bit, the batch
 * script and --array spec, parsing of squeue/scontrol/sacct text (captured from slurm-wlm 22.05), the one-line
 * errors, what happens to a task that left the queue, and the template keys. The runs on a real Slurm are in
 * test/slurm/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { clusterKind, slurmOptions, tilesPerTask } from '../../src-core/node/pipeline/cluster/config';
import {
  decodeValue,
  encodeValue,
  readManifest,
  splitTasks,
  taskOf,
  writeManifest,
  type ArrayManifest,
} from '../../src-core/node/pipeline/cluster/manifest';
import { arraySpec, sbatchScript, shQuote } from '../../src-core/node/pipeline/cluster/sbatchScript';
import {
  SlurmClient,
  parseSacct,
  parseScontrolJob,
  parseSqueue,
  sbatchErrorMessage,
} from '../../src-core/node/pipeline/cluster/slurmClient';
import { judgeFinishedTask } from '../../src-core/node/pipeline/cluster/slurmArray';
import type { FitTask, InvertTask } from '../../src-core/node/pipeline/tileTasks';
import { REPO_ROOT } from '../helpers/fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const tpl = (values: Record<string, string>) => new Template('/w/t.cfg', values);

describe('manifest', () => {
  it('round-trips numbers JSON cannot carry and typed arrays, bit for bit', () => {
    const v = { a: [NaN, -0, 0, Infinity, -Infinity, 1 / 3, 5e-324], f: Float32Array.of(-0, NaN, 1.5), s: 'x' };
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v)))) as typeof v;
    back.a.forEach((x, i) => expect(Object.is(x, v.a[i]), `a[${i}]`).toBe(true));
    expect(back.f).toBeInstanceOf(Float32Array);
    expect(new Uint8Array(back.f.buffer)).toEqual(new Uint8Array(v.f.buffer));
    expect(back.s).toBe('x');
  });

  it('stores shared task fields once and rebuilds every tile task exactly', () => {
    const base: InvertTask = {
      kind: 'invert',
      stackFile: '/w/inputs/ifgramStack.h5',
      obsDataset: 'unwrapPhase',
      r0: 0,
      r1: 0,
      width: 160,
      keptIdx: [0, 1, 3],
      pairs: [
        ['20180101', '20180113'],
        ['20180113', '20180125'],
        ['20180101', '20180125'],
      ],
      refPhase: [0.25, -0, NaN],
      refYX: [11, 63],
      weightFunc: 'var',
      numLooks: 1,
      minNormVelocity: true,
      minRedundancy: 1,
      maskDataset: null,
      maskThreshold: 0.4,
      wavelength: 0.0554658,
      skipMasks: [{ file: '/w/waterMask.h5', dataset: 'mask' }],
    };
    const tasks = [0, 1, 2].map((k) => ({ index: k + 4, task: { ...base, r0: k * 13, r1: k * 13 + 13 } }));
    const split = splitTasks(tasks);
    expect(Object.keys(split.common as object)).not.toContain('r0');
    expect(split.perTile[5]).toEqual({ r0: 13, r1: 26 });
    const d = mkdtempSync(join(tmpdir(), 'manifest-'));
    dirs.push(d);
    const m: ArrayManifest = {
      version: 1,
      step: 'invert_network',
      workDir: d,
      hash: 'h',
      runDir: d,
      groups: [[4, 5], [6]],
      rows: { 4: [0, 13], 5: [13, 26], 6: [26, 39] },
      ...split,
    };
    writeManifest(join(d, 'm.json'), m);
    const back = readManifest(join(d, 'm.json'));
    for (const { index, task } of tasks) {
      const t = taskOf(back, index) as InvertTask;
      expect(t).toEqual(task);
      expect(Object.is(t.refPhase[1], -0)).toBe(true);
    }
    expect(() => taskOf(back, 9)).toThrow(/no tile 9/);
  });

  it('keeps optional fields that only some tiles have', () => {
    const fit = (r0: number, extra: Partial<FitTask>): FitTask => ({
      kind: 'fit',
      timeseriesFile: '/w/ts.h5',
      dataset: 'timeseries',
      r0,
      r1: r0 + 1,
      width: 3,
      dates: ['20180101'],
      excludeDate: [],
      model: { polynomial: 1, periodic: [], stepDate: [], exp: {}, log: {} } as unknown as FitTask['model'],
      centerLineUtc: 0,
      uncertainty: 'residue',
      bootstrapCount: 400,
      seed: 0,
      refYX: null,
      ...extra,
    });
    const tasks = [
      { index: 0, task: fit(0, { startDate: '20180101' }) },
      { index: 1, task: fit(1, {}) },
    ];
    const split = splitTasks(tasks);
    const m = { version: 1, groups: [], rows: {}, ...split } as unknown as ArrayManifest;
    expect(taskOf(m, 0)).toEqual(tasks[0].task);
    expect(taskOf(m, 1)).toEqual(tasks[1].task);
  });
});

describe('batch script and array spec', () => {
  it('compresses array indices into ranges with the throttle', () => {
    expect(arraySpec([0, 1, 2, 3, 4, 5, 6, 7], 4)).toBe('0-7%4');
    expect(arraySpec([7, 3, 5, 6], null)).toBe('3,5-7');
    expect(arraySpec([2], 1)).toBe('2%1');
  });

  it('writes the job options and the slurm-task command', () => {
    const s = sbatchScript({
      jobName: 'insar-velocity',
      logDir: '/scratch/w/.insar-studio/slurm/velocity-ab/logs',
      memMb: 4096,
      cpusPerTask: 2,
      partition: 'short',
      account: 'geo',
      time: '1:00:00',
      setup: 'module load nodejs/20',
      command: ['/opt/node/bin/node', "/opt/insar studio/cli's.js"],
      manifest: '/scratch/w/.insar-studio/slurm/velocity-ab/manifest.json',
    });
    const lines = s.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    for (const l of [
      '#SBATCH --job-name=insar-velocity',
      '#SBATCH --output=/scratch/w/.insar-studio/slurm/velocity-ab/logs/%A_%a.out',
      '#SBATCH --mem=4096M',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --partition=short',
      '#SBATCH --account=geo',
      '#SBATCH --time=1:00:00',
      'module load nodejs/20',
    ])
      expect(lines).toContain(l);
    expect(lines.at(-2)).toBe(
      `exec /opt/node/bin/node '/opt/insar studio/cli'\\''s.js' slurm-task /scratch/w/.insar-studio/slurm/velocity-ab/manifest.json "$SLURM_ARRAY_TASK_ID"`,
    );
    expect(shQuote('a b')).toBe(`'a b'`);
  });
});

describe('Slurm output parsing (slurm-wlm 22.05)', () => {
  it('squeue -r lines: one per array task, pending ones too', () => {
    const q = parseSqueue('1|2|PENDING||JobArrayTaskLimit\n1|0|RUNNING|vm|None\n1|1|RUNNING|vm|None\n');
    expect(q).toEqual([
      { arrayJobId: '1', taskId: 2, state: 'PENDING', node: '', reason: 'JobArrayTaskLimit' },
      { arrayJobId: '1', taskId: 0, state: 'RUNNING', node: 'vm', reason: 'None' },
      { arrayJobId: '1', taskId: 1, state: 'RUNNING', node: 'vm', reason: 'None' },
    ]);
  });

  it('scontrol -o show job: state, exit code and signal, node, reason', () => {
    const line =
      'JobId=6 ArrayJobId=1 ArrayTaskId=4 JobName=insar-invert_network UserId=root(0) JobState=FAILED Reason=JobLaunchFailure Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:53 RunTime=00:00:00 NodeList=vm BatchHost=vm StdOut=/w/logs/1_4.out';
    expect(parseScontrolJob(line)).toEqual({
      state: 'FAILED',
      exitCode: 0,
      signal: 53,
      node: 'vm',
      reason: 'JobLaunchFailure',
    });
    expect(parseScontrolJob('slurm_load_jobs error: Invalid job id specified')).toBeNull();
  });

  it('sacct -P: "CANCELLED by 0" is CANCELLED', () => {
    expect(parseSacct('123_4|CANCELLED by 0|0:15|node07|None\n')).toEqual({
      state: 'CANCELLED',
      exitCode: 0,
      signal: 15,
      node: 'node07',
      reason: 'None',
    });
    expect(parseSacct('')).toBeNull();
  });
});

describe('one-line errors', () => {
  const ctx = { templatePath: '/w/t.cfg', partition: 'nope', account: null, time: null, memMb: 4096 };
  it('a bad partition names the key and lists the partitions', () => {
    const m = sbatchErrorMessage(
      'sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n',
      ctx,
      ['debug', 'long'],
    );
    expect(m).toBe(
      '/w/t.cfg: insarstudio.slurm.partition = nope: Slurm has no such partition (sinfo lists: debug, long)',
    );
  });

  it('memory beyond the nodes names mintpy.compute.maxMemory', () => {
    const m = sbatchErrorMessage(
      'sbatch: error: Memory specification can not be satisfied\nsbatch: error: Batch job submission failed: Requested node configuration is not available\n',
      ctx,
      null,
    );
    expect(m).toMatch(/^\/w\/t\.cfg: mintpy\.compute\.maxMemory: 4096 MB per task is more than the nodes offer/);
  });

  it('too many array tasks for the site, or a busy controller', async () => {
    expect(
      sbatchErrorMessage('sbatch: error: Batch job submission failed: Invalid job array specification\n', ctx, null),
    ).toMatch(
      /^\/w\/t\.cfg: insarstudio\.slurm\.tilesPerTask: more array tasks than this cluster's MaxArraySize allows/,
    );
    const calls: string[][] = [];
    let n = 0;
    const client = new SlurmClient(async (cmd, args) => {
      calls.push([cmd, ...args]);
      return n++ === 0
        ? {
            code: 1,
            stdout: '',
            stderr: 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n',
          }
        : { code: 0, stdout: '4242\n', stderr: '' };
    });
    await expect(client.submit('/w/task.sh', '0-7%4', ['--qos=debug'], ctx)).resolves.toBe('4242');
    expect(calls).toEqual([
      ['sbatch', '--parsable', '--array=0-7%4', '--qos=debug', '/w/task.sh'],
      ['sbatch', '--parsable', '--array=0-7%4', '--qos=debug', '/w/task.sh'],
    ]);
  }, 20_000);

  it('sbatch not on PATH', async () => {
    const client = new SlurmClient(() =>
      Promise.reject(Object.assign(new Error('spawn sbatch ENOENT'), { code: 'ENOENT' })),
    );
    await expect(client.preflight({ templatePath: '/w/t.cfg', partition: null })).rejects.toThrow(
      /^mintpy\.compute\.cluster = slurm: sbatch not found on PATH/,
    );
  });

  it('the CLI without Slurm on PATH: exit 1 with that one line, before any step runs', () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
    const d = mkdtempSync(join(tmpdir(), 'nosbatch-'));
    dirs.push(d);
    writeFileSync(join(d, 't.cfg'), 'mintpy.load.processor = aria\nmintpy.troposphericDelay.method = no\n');
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'out', 'node', 'cli.js'), 'run', join(d, 't.cfg'), '--cluster', 'slurm'],
      {
        encoding: 'utf8',
        env: { ...process.env, PATH: d },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'insar-studio: error: mintpy.compute.cluster = slurm: sbatch not found on PATH — run on a Slurm login node (or load its module), or set mintpy.compute.cluster = local',
    ]);
  }, 120_000);

  it('a partition that does not exist fails before the run starts', async () => {
    const client = new SlurmClient(async (cmd) => ({
      code: 0,
      stdout: cmd === 'sinfo' ? 'debug\n' : 'slurm 22.05.8\n',
      stderr: '',
    }));
    await expect(client.preflight({ templatePath: '/w/t.cfg', partition: 'gpu' })).rejects.toThrow(
      '/w/t.cfg: insarstudio.slurm.partition = gpu: Slurm has no such partition (sinfo lists: debug)',
    );
    await expect(client.preflight({ templatePath: '/w/t.cfg', partition: 'debug' })).resolves.toBeUndefined();
  });
});

describe('a task that left the queue without its tiles', () => {
  const base = {
    step: 'invert_network',
    what: 'array task 3 (tile 3, rows 39–51)',
    workDir: '/w',
    checkpointDir: '/w/.insar-studio/tiles/invert_network-h',
    status: null,
    logPath: '/w/.insar-studio/slurm/x/logs/7_3.out',
    log: '',
    maxMemoryGb: 0.5,
    memMb: 512,
    time: null,
    secondsSinceCompleted: 0,
    graceSeconds: 30,
  };
  const fin = (state: string, exit = '0:0', reason = 'None') => ({
    state,
    exitCode: Number(exit.split(':')[0]),
    signal: Number(exit.split(':')[1]),
    node: 'node07',
    reason,
  });

  it('back in the queue (requeued by Slurm itself) between squeue and scontrol: looked at again later', () => {
    expect(judgeFinishedTask({ ...base, final: fin('PENDING', '0:0', 'BeginTime') })).toEqual({ kind: 'wait' });
    expect(judgeFinishedTask({ ...base, final: fin('REQUEUED') })).toEqual({ kind: 'wait' });
  });

  it('cancelled or failed: re-submitted', () => {
    expect(judgeFinishedTask({ ...base, final: fin('CANCELLED', '0:15') })).toEqual({
      kind: 'retry',
      why: 'ended CANCELLED on node07 (exit 0, signal 15)',
    });
    expect(judgeFinishedTask({ ...base, final: fin('NODE_FAIL') }).kind).toBe('retry');
    expect(judgeFinishedTask({ ...base, final: fin('TIMEOUT') })).toMatchObject({
      kind: 'retry',
      why: expect.stringMatching(/raise insarstudio\.slurm\.time/),
    });
  });

  it('out of memory (Slurm state or the kill in the log): names the tile and maxMemory', () => {
    const msg =
      'invert_network: array task 3 (tile 3, rows 39–51) ran out of memory on node07 (512 MB per task): raise mintpy.compute.maxMemory (now 0.5)';
    expect(judgeFinishedTask({ ...base, final: fin('OUT_OF_MEMORY', '0:125') })).toEqual({
      kind: 'fatal',
      message: msg,
    });
    expect(
      judgeFinishedTask({
        ...base,
        final: fin('FAILED', '0:9', 'JobLaunchFailure'),
        log: 'slurmstepd-node07: error: StepId=7.batch exceeded memory limit (674168832 > 536870912), being killed\n',
      }),
    ).toEqual({ kind: 'fatal', message: msg });
  });

  it('no log on the coordinator side, or an input the node cannot find: the work folder is not shared', () => {
    expect(judgeFinishedTask({ ...base, log: null, final: fin('FAILED', '0:53', 'JobLaunchFailure') })).toMatchObject({
      kind: 'fatal',
      message: expect.stringMatching(
        /could not write its log .* the work folder \/w is not visible on the compute nodes/,
      ),
    });
    expect(
      judgeFinishedTask({
        ...base,
        final: fin('FAILED', '66:0'),
        status: { kind: 'noinput', message: 'input /w/inputs/ifgramStack.h5 not found', host: 'node07' },
      }),
    ).toEqual({
      kind: 'fatal',
      message:
        'invert_network: array task 3 (tile 3, rows 39–51) on node07: input /w/inputs/ifgramStack.h5 not found — the work folder /w must be on a filesystem the compute nodes mount at the same path',
    });
  });

  it('completed but no tiles: waits for the shared filesystem, then says the nodes see another folder', () => {
    expect(judgeFinishedTask({ ...base, final: fin('COMPLETED') })).toEqual({ kind: 'wait' });
    expect(judgeFinishedTask({ ...base, final: fin('COMPLETED'), secondsSinceCompleted: 31 })).toMatchObject({
      kind: 'fatal',
      message: expect.stringMatching(/completed on node07 but its tiles never appeared in \/w\/\.insar-studio\/tiles/),
    });
  });

  it("the task's own error ends the run with its message", () => {
    expect(
      judgeFinishedTask({
        ...base,
        final: fin('FAILED', '1:0'),
        status: { kind: 'error', message: '/w/inputs/ifgramStack.h5: no dataset "coherence"', host: 'node07' },
      }),
    ).toEqual({
      kind: 'fatal',
      message:
        'invert_network: array task 3 (tile 3, rows 39–51) failed on node07: /w/inputs/ifgramStack.h5: no dataset "coherence"',
    });
  });
});

describe('template keys', () => {
  it('mintpy.compute.cluster, overridden by --cluster', () => {
    expect(clusterKind(tpl({}))).toBe('local');
    expect(clusterKind(tpl({ 'mintpy.compute.cluster': 'slurm' }))).toBe('slurm');
    expect(clusterKind(tpl({ 'mintpy.compute.cluster': 'slurm' }), 'local')).toBe('local');
    expect(clusterKind(tpl({}), 'slurm')).toBe('slurm');
    expect(() => clusterKind(tpl({ 'mintpy.compute.cluster': 'pbs' }))).toThrow(
      '/w/t.cfg: mintpy.compute.cluster: "pbs" is not supported; use slurm, local or no',
    );
    expect(() => clusterKind(tpl({}), 'k8s')).toThrow('--cluster: "k8s" is not supported');
  });

  it('numWorker, maxMemory and the site options', () => {
    const o = slurmOptions(
      tpl({
        'mintpy.compute.numWorker': '8',
        'mintpy.compute.maxMemory': '2.5',
        'insarstudio.slurm.partition': 'short',
        'insarstudio.slurm.options': '--qos=debug  --constraint=skylake',
        'insarstudio.slurm.maxRetries': '0',
      }),
    );
    expect(o).toMatchObject({
      numWorker: 8,
      memMb: 2560,
      partition: 'short',
      account: null,
      options: ['--qos=debug', '--constraint=skylake'],
      maxRetries: 0,
      cpusPerTask: 1,
      pollSeconds: 2,
    });
    expect(slurmOptions(tpl({})).numWorker).toBe(4); // MintPy's default
    expect(slurmOptions(tpl({})).memMb).toBe(4096);
    expect(slurmOptions(tpl({ 'mintpy.compute.numWorker': 'all' })).numWorker).toBeNull();
    expect(tilesPerTask(2500, { tilesPerTask: null })).toBe(3);
    expect(tilesPerTask(80, { tilesPerTask: null })).toBe(1);
  });

  it('bad values are one line naming the key', () => {
    expect(() => slurmOptions(tpl({ 'mintpy.compute.numWorker': '0' }))).toThrow(
      '/w/t.cfg: mintpy.compute.numWorker: "0" is not an integer ≥ 1 or all',
    );
    expect(() => slurmOptions(tpl({ 'insarstudio.slurm.partion': 'x' }))).toThrow(
      /^\/w\/t\.cfg: insarstudio\.slurm\.partion: unknown key; known: insarstudio\.slurm\.partition/,
    );
    expect(() => slurmOptions(tpl({ 'insarstudio.slurm.options': '--array=1-3' }))).toThrow(
      '/w/t.cfg: insarstudio.slurm.options: --array=1-3 is set by InSAR Studio itself',
    );
  });
});
