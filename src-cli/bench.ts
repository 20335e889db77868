/**
 * `npm run bench`: make a stack with the demo generator (default ≈ 1 Mpx, 87 pairs, 31 dates), run the
 * whole chain with InSAR Studio, report seconds, pixels/s and peak memory per step, then — where MintPy is
 * installed (Debian `mintpy`) — time MintPy 1.5.1's ifgram_inversion on the very same ifgramStack.h5
 * (serial and with dask on all cores) and compare the results. A benchmark, not a test: it asserts nothing.
 *
 *   npm run bench -- [--rows 1000 --cols 1000 --dates 31 --pairs 87] [--out bench-out] [--no-mintpy]
 *                    [--mintpy-workers N] [--weight var|no]
 *   npm run bench -- --slurm [--repeats 2] [--rows … ]   the tiled steps on Slurm vs locally (benchSlurm.ts)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from './args';
import { writeDemo } from '../src-core/node/demo';
import { H5Reader } from '../src-core/node/formats/h5';
import { runPipeline } from '../src-core/node/pipeline/runner';
import { readReferencePoint } from '../src-core/node/reference/referenceStore';
import { STEP_NAMES, type StepName } from '../src-core/node/pipeline/registry';
import { benchSlurm } from './benchSlurm';

const a = parseArgs(process.argv.slice(2), {
  rows: 1,
  cols: 1,
  dates: 1,
  pairs: 1,
  out: 1,
  'mintpy-workers': 1,
  weight: 1,
  repeats: 1,
});
const num = (k: string, d: number) => (a.flags[k] ? Number(a.flags[k][0]) : d);
const rows = num('rows', 1000);
const cols = num('cols', 1000);
const numDates = num('dates', 31);
const numPairs = num('pairs', 87);
const out = resolve(a.flags.out?.[0] ?? 'bench-out');
const weight = a.flags.weight?.[0] ?? 'var';
const cores = availableParallelism();
const py = '/usr/bin/python3';

const fmt = (s: number) => `${s.toFixed(2)} s`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const lines: string[] = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  say(`# InSAR Studio benchmark — ${new Date().toISOString()}, ${cores} cores, Node ${process.version}`);
  say(
    `stack: ${rows}×${cols} px (${((rows * cols) / 1e6).toFixed(2)} Mpx), ${numDates} dates, ${numPairs} pairs, weightFunc=${weight}`,
  );
  if (a.flags.slurm) {
    await benchSlurm({ out, rows, cols, numDates, numPairs, cores, repeats: num('repeats', 2), say });
    return finish();
  }
  let t0 = performance.now();
  const demo = await writeDemo(join(out, 'stack'), { rows, cols, numDates, numPairs });
  say(`generate demo stack: ${fmt((performance.now() - t0) / 1000)} (${demo.info.pairs.length} pairs)`);
  const cfg = demo.templatePath;
  writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}\nmintpy.networkInversion.weightFunc = ${weight}\n`);

  say('\n| step | seconds | Mpx/s | process peak RSS so far |');
  say('|---|---|---|---|');
  const stepTimes: Record<string, number> = {};
  let workDir = '';
  t0 = performance.now();
  // one step at a time, so the (monotonic) peak RSS after each step shows which step needs the memory
  for (const name of STEP_NAMES) {
    const rec = await runPipeline({ templatePath: cfg, dostep: name, numWorkers: cores });
    const st = rec.steps[0];
    workDir = rec.workDir;
    stepTimes[name] = st.seconds;
    const rate = st.status === 'skipped' ? 'skipped' : ((rows * cols) / 1e6 / st.seconds).toFixed(2);
    say(`| ${name} | ${st.seconds.toFixed(2)} | ${rate} | ${mb(process.resourceUsage().maxRSS)} |`);
  }
  const total = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS;
  const loadToVel = (
    ['load_data', 'modify_network', 'reference_point', 'quick_overview', 'invert_network', 'velocity'] as StepName[]
  ).reduce((s, n) => s + (stepTimes[n] ?? 0), 0);
  say(`| **whole chain** | ${total.toFixed(2)} | | ${mb(peak)} |`);
  say(
    `\nload → velocity: ${fmt(loadToVel)}; invert_network: ${fmt(stepTimes.invert_network)} ` +
      `(${((rows * cols) / stepTimes.invert_network / 1e3).toFixed(0)} kpx/s on ${cores} threads); peak RSS of the process (all threads): ${mb(peak)}`,
  );

  // single-thread inversion for the per-core figure
  t0 = performance.now();
  await runPipeline({ templatePath: cfg, dostep: 'invert_network', numWorkers: 0 });
  const serial = (performance.now() - t0) / 1000;
  say(`invert_network single-thread: ${fmt(serial)} (${((rows * cols) / serial / 1e3).toFixed(0)} kpx/s)`);

  if (a.flags['no-mintpy']) return finish();
  const hasMintpy = spawnSync(py, ['-c', 'import mintpy'], { stdio: 'ignore' }).status === 0;
  if (!hasMintpy) {
    say('\nMintPy not installed (apt-get install mintpy): no side-by-side figures.');
    return finish();
  }
  // MintPy on the same ifgramStack.h5: its own modify_network/reference_point/quick_overview, then invert_network timed.
  const ref = readReferencePoint(workDir);
  const mdir = join(out, 'mintpy');
  mkdirSync(join(mdir, 'inputs'), { recursive: true });
  for (const f of ['ifgramStack.h5', 'geometryGeo.h5'])
    copyFileSync(join(workDir, 'inputs', f), join(mdir, 'inputs', f));
  const mcfg = join(mdir, 'bench.cfg');
  const baseCfg = readFileSync(cfg, 'utf8')
    .split('\n')
    .filter(
      (l) =>
        !l.startsWith('mintpy.load.') &&
        !l.startsWith('mintpy.reference.') &&
        !l.startsWith('mintpy.networkInversion.weightFunc'),
    );
  const writeCfg = (workers: number) =>
    writeFileSync(
      mcfg,
      [
        ...baseCfg,
        'mintpy.load.processor = aria',
        `mintpy.reference.yx = ${ref?.REF_Y},${ref?.REF_X}`,
        `mintpy.networkInversion.weightFunc = ${weight}`,
        `mintpy.compute.cluster = ${workers > 1 ? 'local' : 'no'}`,
        `mintpy.compute.numWorker = ${workers}`,
        'mintpy.plot = no',
      ].join('\n') + '\n',
    );
  writeCfg(1);
  const mint = (steps: string[]) => {
    // MintPy skips a step whose outputs are newer than its inputs (update mode): remove them first
    if (steps[0] === 'invert_network')
      for (const f of ['timeseries.h5', 'temporalCoherence.h5', 'numInvIfgram.h5'])
        rmSync(join(mdir, f), { force: true });
    const t = performance.now();
    const r = spawnSync(
      py,
      ['-m', 'mintpy', 'smallbaselineApp', mcfg, '--start', steps[0], '--end', steps[steps.length - 1]],
      {
        cwd: mdir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      },
    );
    if (r.status !== 0) throw new Error(`MintPy failed: ${r.stderr.slice(-2000)}`);
    return (performance.now() - t) / 1000;
  };
  mint(['modify_network', 'quick_overview']);
  const mSerial = mint(['invert_network', 'invert_network']);
  say(`\nMintPy 1.5.1 invert_network (serial): ${fmt(mSerial)}`);
  let mBest = mSerial;
  const mw = num('mintpy-workers', cores);
  if (mw > 1) {
    writeCfg(mw);
    const mDask = mint(['invert_network', 'invert_network']);
    say(`MintPy 1.5.1 invert_network (dask, ${mw} workers): ${fmt(mDask)}`);
    mBest = Math.min(mSerial, mDask);
  }
  say(
    `speed-up vs MintPy's best: ${(mBest / stepTimes.invert_network).toFixed(1)}× (${cores} threads), ` +
      `${(mSerial / serial).toFixed(1)}× single-thread vs serial`,
  );
  // same numbers?
  const cmp = async (f: string, ds: string) => {
    const ra = await H5Reader.open(join(workDir, f));
    const rb = await H5Reader.open(join(mdir, f));
    const x = ra.read(ds);
    const y = rb.read(ds);
    ra.close();
    rb.close();
    let m = 0;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
    return m;
  };
  await runPipeline({ templatePath: cfg, dostep: 'invert_network', numWorkers: cores });
  say(
    `max |Δ| vs MintPy: timeseries ${(await cmp('timeseries.h5', 'timeseries')).toExponential(2)} m, ` +
      `temporalCoherence ${(await cmp('temporalCoherence.h5', 'temporalCoherence')).toExponential(2)}, ` +
      `numInvIfgram ${(await cmp('numInvIfgram.h5', 'mask')).toExponential(2)}`,
  );
  return finish();
}

function finish(): void {
  writeFileSync(join(out, 'bench.md'), lines.join('\n') + '\n');
  process.stdout.write(`\nreport: ${join(out, 'bench.md')}\n`);
}

await main();
