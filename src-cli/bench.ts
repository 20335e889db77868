/**
 * `npm run bench -- --preset default|notebook|galapagos`: make a stack with the demo generator, run the
 * whole chain with InSAR Studio in a child process (so its peak memory is the chain's own), and print per
 * step the seconds, throughput and peak memory, plus where invert_network's time goes (read / solve /
 * write). Where MintPy 1.5.1 is installed (Debian `mintpy`), time its invert_network on the very same
 * ifgramStack.h5 — the whole stack for the default preset, a row crop around the reference point for the
 * big ones (MintPy's `subset`) — and print both rates, the ratio and the largest difference of the results
 * on the pixels MintPy inverts. A benchmark, not a test: it asserts nothing. Report: <out>/bench.md.
 *
 *   npm run bench -- [--preset default|notebook|galapagos] [--rows R --cols C --dates N --pairs M]
 *                    [--weight var|no] [--workers N] [--repeat K] [--out DIR] [--no-mintpy]
 *                    [--mintpy-rows R] [--mintpy-workers N] [--keep]
 *
 * --repeat K runs invert_network K times and reports the fastest (the machine may be shared).
 *
 *   npm run bench -- --slurm [--repeats 2] [--rows … ]   the tiled steps on Slurm vs locally (benchSlurm.ts)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeDemo } from '../src-core/node/demo';
import { H5Reader } from '../src-core/node/formats/h5';
import { runPipeline } from '../src-core/node/pipeline/runner';
import { readReferencePoint } from '../src-core/node/reference/referenceStore';
import { STEP_NAMES, type StepName } from '../src-core/node/pipeline/registry';
import { benchSlurm } from './benchSlurm';
import { createPool } from '../src-core/node/pipeline/pool';
import { buildPreviewStore } from '../src-core/node/preview/previewStore';
import { previewVelocity } from '../src-core/node/preview/previewVelocity';
import { PREVIEW_REQUEST_MAX, previewPixelBudget } from '../src-core/common/preview/previewGrid';

/** The stacks of the issue's targets (rows × cols, dates, pairs, pixel size in degrees). */
const PRESETS = {
  /** 1 Mpx, the cv-tiny network (nearest-3 + a first–last pair) */
  default: { rows: 1000, cols: 1000, dates: 31, pairs: 87, pixel: 0.0025, mintpyRows: 0 },
  /** the Central Valley notebook's analysis box at ARIA's 3″ grid */
  notebook: { rows: 1176, cols: 3060, dates: 31, pairs: 86, pixel: 1 / 1200, mintpyRows: 60 },
  /** the size of MintPy's published GPU benchmark */
  galapagos: { rows: 1000, cols: 1100, dates: 98, pairs: 475, pixel: 0.0025, mintpyRows: 40 },
} as const;
type Preset = keyof typeof PRESETS;

const { values: opt } = parseArgs({
  options: {
    preset: { type: 'string', default: 'default' },
    rows: { type: 'string' },
    cols: { type: 'string' },
    dates: { type: 'string' },
    pairs: { type: 'string' },
    weight: { type: 'string', default: 'var' },
    workers: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    out: { type: 'string' },
    'no-mintpy': { type: 'boolean', default: false },
    'mintpy-rows': { type: 'string' },
    'mintpy-workers': { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    slurm: { type: 'boolean', default: false },
    repeats: { type: 'string', default: '2' },
    // internal: the child process that runs the chain
    chain: { type: 'string' },
  },
});

const py = '/usr/bin/python3';
const fmt = (s: number) => `${s.toFixed(2)} s`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

interface StepReport {
  name: StepName;
  status: string;
  seconds: number;
  rssKB: number;
  /** CPU seconds of the chain process (all its threads) during the step */
  cpuSeconds: number;
  summary: Record<string, unknown>;
}

/** Child mode: run the chain step by step (so the monotonic peak RSS after each step shows which step needs it). */
async function chain(cfg: string, workers: number, repeat: number): Promise<void> {
  const emit = (o: unknown) => process.stdout.write(`@@${JSON.stringify(o)}\n`);
  for (const name of STEP_NAMES) {
    const runs = name === 'invert_network' ? repeat : 1;
    let best: StepReport | null = null;
    for (let k = 0; k < runs; k++) {
      const cpu0 = process.cpuUsage();
      const rec = await runPipeline({ templatePath: cfg, dostep: name, numWorkers: workers });
      const cpu = process.cpuUsage(cpu0);
      const st = rec.steps[0];
      const r: StepReport = {
        name,
        status: st.status,
        seconds: st.seconds,
        rssKB: process.resourceUsage().maxRSS,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        summary: st.summary,
      };
      if (!best || r.seconds < best.seconds) best = { ...r, summary: { ...r.summary, runs } };
      if (k === 0) emit({ workDir: rec.workDir });
    }
    emit(best);
  }
}

/**
 * The edit preview as the app runs it (src-main/services/previewService.ts): the decimated copy of the
 * stack built once (in the background when a project opens), a worker pool kept between calls and warmed
 * up with a small preview, then the whole image in view at the renderer's largest request after each edit.
 */
async function benchPreview(
  workDir: string,
  cfg: string,
  rows: number,
  cols: number,
  workers: number,
  numPairs: number,
  say: (s?: string) => void,
): Promise<void> {
  const stackFile = join(workDir, 'inputs', 'ifgramStack.h5');
  const t0 = performance.now();
  const store = await buildPreviewStore(workDir, stackFile);
  const buildSeconds = (performance.now() - t0) / 1000;
  const storeMB = store.levels.reduce((a, l) => a + statSync(l.file).size, 0) / 1e6;
  const ref = readReferencePoint(workDir);
  const moved = ref ? `${Math.min(rows - 1, ref.REF_Y + 37)},${Math.max(0, ref.REF_X - 41)}` : '0,0';
  const pool = createPool(workers);
  try {
    const view = { row0: 0, row1: rows, col0: 0, col1: cols };
    const preview = async (overrides: Record<string, string>, maxPixels = PREVIEW_REQUEST_MAX) => {
      const t = performance.now();
      const r = await previewVelocity({ workDir, templatePath: cfg, overrides, view, maxPixels }, pool);
      return { r, seconds: (performance.now() - t) / 1000 };
    };
    await preview({}, 20_000); // the app's warm-up once the preview data are ready
    say(
      `\n## The edit preview (the whole image in view; the renderer's largest request, ${PREVIEW_REQUEST_MAX / 1e6} M pixels, ` +
        `capped by the network's size: ${previewPixelBudget(PREVIEW_REQUEST_MAX, numPairs)} pixels at ${numPairs} pairs)\n`,
    );
    say(
      `- preview data (every 2nd … 32nd row and column, built in the background when a project opens): ` +
        `${fmt(buildSeconds)}, ${storeMB.toFixed(0)} MB`,
    );
    say('\n| edit | first call | best of 3 | pixels (1 in s) | kept pairs | pixels with a velocity |');
    say('|---|---|---|---|---|---|');
    const edits: [string, Record<string, string>][] = [
      ['one pair excluded', { 'mintpy.network.excludeIfgIndex': '5' }],
      ['two pairs excluded', { 'mintpy.network.excludeIfgIndex': '5,17' }],
      ['reference point moved', { 'mintpy.network.excludeIfgIndex': '5,17', 'mintpy.reference.yx': moved }],
    ];
    for (const [label, overrides] of edits) {
      const runs = [];
      for (let k = 0; k < 3; k++) runs.push(await preview(overrides));
      const { r } = runs[0];
      const finite = r.velocity.reduce((a, v) => a + (Number.isFinite(v) && v !== 0 ? 1 : 0), 0);
      say(
        `| ${label} | ${fmt(runs[0].seconds)} | ${fmt(Math.min(...runs.map((x) => x.seconds)))} | ` +
          `${r.rows} × ${r.cols} = ${r.rows * r.cols} (${r.window.step}) | ${r.keptPairs} | ${finite} |`,
      );
    }
  } finally {
    await pool.destroy();
  }
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}`;
}

async function main(): Promise<void> {
  if (opt.chain) return chain(opt.chain, Number(opt.workers ?? availableParallelism()), Number(opt.repeat));
  const preset = opt.preset as Preset;
  if (!(preset in PRESETS)) throw new Error(`--preset ${preset}: one of ${Object.keys(PRESETS).join(', ')}`);
  const P = PRESETS[preset];
  const rows = Number(opt.rows ?? P.rows);
  const cols = Number(opt.cols ?? P.cols);
  const numDates = Number(opt.dates ?? P.dates);
  const numPairs = Number(opt.pairs ?? P.pairs);
  const workers = Number(opt.workers ?? availableParallelism());
  const weight = opt.weight ?? 'var';
  const out = resolve(opt.out ?? `bench-out/${preset}`);
  const px = rows * cols;
  const lines: string[] = [];
  const say = (s = '') => {
    lines.push(s);
    process.stdout.write(`${s}\n`);
  };
  const finish = () => {
    writeFileSync(join(out, 'bench.md'), lines.join('\n') + '\n');
    process.stdout.write(`\nreport: ${join(out, 'bench.md')}\n`);
  };

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const load0 = loadavg()[0];
  say(`# InSAR Studio benchmark — preset ${preset}, ${new Date().toISOString()}`);
  say(`machine: ${machine()}; load average at start ${load0.toFixed(1)}`);
  say(
    `stack: ${rows} × ${cols} px (${(px / 1e6).toFixed(2)} Mpx), ${numDates} dates, ${numPairs} pairs, ` +
      `weightFunc = ${weight}; ${workers} worker thread(s)`,
  );
  if (opt.slurm) {
    await benchSlurm({ out, rows, cols, numDates, numPairs, cores: workers, repeats: Number(opt.repeats), say });
    return finish();
  }
  let t0 = performance.now();
  const demo = await writeDemo(join(out, 'stack'), {
    rows,
    cols,
    numDates,
    numPairs,
    pixelSize: P.pixel,
  });
  say(`generate demo stack (not part of the chain): ${fmt((performance.now() - t0) / 1000)}`);
  const cfg = demo.templatePath;
  writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}\nmintpy.networkInversion.weightFunc = ${weight}\n`);

  // ---- the chain, in a child process
  const self = fileURLToPath(import.meta.url);
  t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    [self, '--chain', cfg, '--workers', String(workers), '--repeat', String(opt.repeat)],
    { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`the chain failed (exit ${child.status})`);
  const msgs = child.stdout
    .split('\n')
    .filter((l) => l.startsWith('@@'))
    .map((l) => JSON.parse(l.slice(2)) as StepReport & { workDir?: string });
  const workDir = msgs.find((m) => m.workDir)!.workDir!;
  const steps = msgs.filter((m) => m.name) as StepReport[];
  const by = Object.fromEntries(steps.map((s) => [s.name, s])) as Record<StepName, StepReport>;
  const stackBytes = (): number => {
    const s = by.load_data?.summary ?? {};
    return Number(s.stackBytes ?? 0);
  };

  say('\n## The chain (InSAR Studio)\n');
  say('| step | seconds | CPU seconds (all threads) | Mpx/s | throughput | peak RSS of the chain so far |');
  say('|---|---|---|---|---|---|');
  for (const s of steps) {
    if (s.status === 'skipped') {
      say(`| ${s.name} | skipped | | | | |`);
      continue;
    }
    let thr = '';
    if (s.name === 'load_data' && stackBytes())
      thr = `${(stackBytes() / 1e6 / s.seconds).toFixed(0)} MB/s written (${(stackBytes() / 1e9).toFixed(2)} GB)`;
    const bytesRead = Number(s.summary.bytesRead ?? 0);
    if (bytesRead) thr = `${(bytesRead / 1e6 / s.seconds).toFixed(0)} MB/s read (${(bytesRead / 1e9).toFixed(2)} GB)`;
    say(
      `| ${s.name} | ${s.seconds.toFixed(2)}${Number(s.summary.runs ?? 1) > 1 ? ` (best of ${s.summary.runs})` : ''} | ` +
        `${s.cpuSeconds.toFixed(2)} | ${(px / 1e6 / s.seconds).toFixed(2)} | ${thr} | ${mb(s.rssKB)} |`,
    );
  }
  const chainSteps: StepName[] = [
    'load_data',
    'modify_network',
    'reference_point',
    'quick_overview',
    'invert_network',
    'correct_topography',
    'residual_RMS',
    'reference_date',
    'velocity',
  ];
  const loadToVel = chainSteps.reduce((a, n) => a + (by[n]?.status === 'skipped' ? 0 : (by[n]?.seconds ?? 0)), 0);
  const peak = Math.max(...steps.map((s) => s.rssKB));
  say(
    `\n**load_data → velocity: ${fmt(loadToVel)}**; whole chain (with google_earth) ` +
      `${fmt((performance.now() - t0) / 1000)} incl. process start; peak memory of the chain (RSS, all threads): **${mb(peak)}**`,
  );
  const inv = by.invert_network;
  const s = inv.summary as Record<string, number>;
  const ours = px / inv.seconds;
  say(`\n## invert_network: where the time goes\n`);
  say(
    `- wall: **${fmt(inv.seconds)}** → ${(ours / 1e3).toFixed(0)} kpx/s on ${s.workers} worker thread(s), ${s.tiles} tiles`,
  );
  say(
    `- read the stack (h5wasm, in the workers): ${fmt(s.readSeconds)} thread-time; ` +
      `solve: ${fmt(s.solveSeconds)} thread-time (${s.simdPixels} px in the SIMD kernel, ${s.jsPixels} in the JavaScript kernel); ` +
      `write the outputs (main thread, overlapping): ${fmt(s.writeSeconds)}`,
  );
  const perThread = px / (s.readSeconds + s.solveSeconds);
  say(
    `- per thread (read + solve): ${(perThread / 1e3).toFixed(0)} kpx/s; solve alone ${(px / s.solveSeconds / 1e3).toFixed(0)} kpx/s`,
  );
  const oursCpu = px / inv.cpuSeconds;
  say(
    `- CPU time of all threads: ${fmt(inv.cpuSeconds)} → ${(oursCpu / 1e3).toFixed(0)} kpx per CPU second; ` +
      `on ${workers} idle cores the step needs at least ${fmt(inv.cpuSeconds / workers)} (less sensitive to the machine's other work than the wall time)`,
  );

  // ---- the edit preview: what the app shows after an edit while the full run goes on
  await benchPreview(workDir, cfg, rows, cols, workers, numPairs, say);

  // ---- MintPy on the same ifgramStack.h5
  const hasMintpy = !opt['no-mintpy'] && spawnSync(py, ['-c', 'import mintpy'], { stdio: 'ignore' }).status === 0;
  if (!hasMintpy) {
    say(
      opt['no-mintpy']
        ? '\n(MintPy skipped: --no-mintpy)'
        : '\nMintPy not installed (apt-get install mintpy): no side-by-side figures.',
    );
    return done();
  }
  const ref = readReferencePoint(workDir);
  if (!ref) throw new Error(`${workDir}: no reference point`);
  const cropRows = Math.min(rows, Number(opt['mintpy-rows'] ?? P.mintpyRows) || rows);
  const r0 = cropRows >= rows ? 0 : Math.max(0, Math.min(rows - cropRows, ref.REF_Y - Math.floor(cropRows / 2)));
  const r1 = r0 + cropRows;
  const mdir = join(out, 'mintpy');
  mkdirSync(join(mdir, 'inputs'), { recursive: true });
  for (const f of ['ifgramStack.h5', 'geometryGeo.h5']) {
    const src = join(workDir, 'inputs', f);
    const dst = join(mdir, 'inputs', f);
    if (cropRows >= rows) copyFileSync(src, dst);
    else {
      const r = spawnSync(py, ['-m', 'mintpy', 'subset', src, '-y', String(r0), String(r1), '-o', dst], {
        encoding: 'utf8',
        cwd: mdir,
      });
      if (r.status !== 0) throw new Error(`MintPy subset failed: ${r.stderr.slice(-2000)}`);
    }
  }
  const baseCfg = readFileSync(cfg, 'utf8')
    .split('\n')
    .filter(
      (l) =>
        !l.startsWith('mintpy.load.') &&
        !l.startsWith('mintpy.reference.') &&
        !l.startsWith('mintpy.networkInversion.weightFunc') &&
        !l.startsWith('mintpy.compute.'),
    );
  const mcfg = join(mdir, 'bench.cfg');
  const writeCfg = (w: number) =>
    writeFileSync(
      mcfg,
      [
        ...baseCfg,
        'mintpy.load.processor = aria',
        `mintpy.reference.yx = ${ref.REF_Y - r0},${ref.REF_X}`,
        `mintpy.networkInversion.weightFunc = ${weight}`,
        `mintpy.compute.cluster = ${w > 1 ? 'local' : 'no'}`,
        `mintpy.compute.numWorker = ${w}`,
        'mintpy.plot = no',
      ].join('\n') + '\n',
    );
  const mint = (first: string, last: string) => {
    if (first === 'invert_network')
      for (const f of ['timeseries.h5', 'temporalCoherence.h5', 'numInvIfgram.h5'])
        rmSync(join(mdir, f), { force: true });
    const t = performance.now();
    // bash's time keyword: the CPU seconds of MintPy and its children (TIMEFORMAT on stderr's last line)
    const r = spawnSync(
      'bash',
      [
        '-c',
        'TIMEFORMAT="@@cpu %U %S"; time "$@"',
        'bash',
        py,
        '-m',
        'mintpy',
        'smallbaselineApp',
        mcfg,
        '--start',
        first,
        '--end',
        last,
      ],
      {
        cwd: mdir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      },
    );
    if (r.status !== 0) throw new Error(`MintPy failed: ${r.stderr.slice(-2000)}`);
    const m = /@@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    return { wall: (performance.now() - t) / 1000, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
  };
  writeCfg(1);
  mint('modify_network', 'quick_overview');
  const { wall: mSerial, cpu: mCpu } = mint('invert_network', 'invert_network');
  const cropPx = cropRows * cols;
  const mRate = cropPx / mSerial;
  say(`\n## MintPy 1.5.1 on the same ifgramStack.h5\n`);
  say(
    cropRows >= rows
      ? `- the whole stack`
      : `- rows ${r0}–${r1} (${cropRows} rows × ${cols} = ${cropPx} px, around the reference point; MintPy's subset)`,
  );
  say(
    `- invert_network, serial (1 BLAS thread): ${fmt(mSerial)} → ${mRate.toFixed(0)} px/s` +
      (cropRows < rows ? `; the whole stack at that rate: ≈ ${(px / mRate).toFixed(0)} s` : '') +
      `; CPU ${fmt(mCpu)} → ${(cropPx / mCpu).toFixed(0)} px per CPU second (incl. its start-up)`,
  );
  let mBest = mRate;
  const mw = Number(opt['mintpy-workers']);
  if (mw > 1) {
    writeCfg(mw);
    const mDask = mint('invert_network', 'invert_network').wall;
    say(`- invert_network with dask on ${mw} workers: ${fmt(mDask)} → ${(cropPx / mDask).toFixed(0)} px/s`);
    mBest = Math.max(mBest, cropPx / mDask);
  }
  say(
    `- **InSAR Studio ${(ours / 1e3).toFixed(0)} kpx/s on ${s.workers} threads vs MintPy ${mBest.toFixed(0)} px/s: ${(ours / mBest).toFixed(0)}×**` +
      `; thread for thread (read + solve): ${(perThread / mRate).toFixed(0)}×` +
      `; CPU second for CPU second: ${(oursCpu / (cropPx / mCpu)).toFixed(0)}×`,
  );
  // same numbers on the pixels MintPy inverts
  const rowsOf = async (dir: string, f: string, ds: string, a: number, b: number) => {
    const r = await H5Reader.open(join(dir, f));
    try {
      return r.readRows(ds, a, b);
    } finally {
      r.close();
    }
  };
  const oursTs = await rowsOf(workDir, 'timeseries.h5', 'timeseries', r0, r1);
  const theirTs = await rowsOf(mdir, 'timeseries.h5', 'timeseries', 0, cropRows);
  const oursTc = await rowsOf(workDir, 'temporalCoherence.h5', 'temporalCoherence', r0, r1);
  const theirTc = await rowsOf(mdir, 'temporalCoherence.h5', 'temporalCoherence', 0, cropRows);
  const oursNum = await rowsOf(workDir, 'numInvIfgram.h5', 'mask', r0, r1);
  const theirNum = await rowsOf(mdir, 'numInvIfgram.h5', 'mask', 0, cropRows);
  let dts = 0;
  let dtc = 0;
  let dnum = 0;
  let inverted = 0;
  for (let p = 0; p < cropPx; p++) {
    if (!(theirNum[p] > 0)) continue;
    inverted++;
    dtc = Math.max(dtc, Math.abs(oursTc[p] - theirTc[p]));
    if (oursNum[p] !== theirNum[p]) dnum++;
    for (let d = 0; d * cropPx < theirTs.length; d++)
      dts = Math.max(dts, Math.abs(oursTs[d * cropPx + p] - theirTs[d * cropPx + p]));
  }
  say(
    `- same numbers? on the ${inverted} px MintPy inverts: max |Δ timeseries| = ${dts.toExponential(2)} m, ` +
      `max |Δ temporalCoherence| = ${dtc.toExponential(2)}, numInvIfgram differs on ${dnum} px`,
  );
  return done();

  function done(): void {
    say(`\nload average at the end ${loadavg()[0].toFixed(1)} (a shared machine: timings vary run to run).`);
    finish();
    if (!opt.keep) rmSync(join(out, 'stack'), { recursive: true, force: true });
    if (!opt.keep && existsSync(join(out, 'mintpy', 'inputs')))
      rmSync(join(out, 'mintpy', 'inputs'), { recursive: true });
  }
}

await main();
