/**
 * `npm run bench -- --slurm`: what running the tiled steps as Slurm job arrays costs against this machine's
 * worker pool, on the same stack (the demo generator's, DEM-error chain on so invert_network,
 * correct_topography and velocity all go to Slurm). Needs a Slurm (scripts/slurm/up.sh brings one up here).
 * Prints seconds per step for local and Slurm runs (best of --repeats), the overhead, and whether the
 * outputs are identical. A benchmark: it asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDemo } from '../src-core/node/demo';
import { H5Reader } from '../src-core/node/formats/h5';
import { runPipeline } from '../src-core/node/pipeline/runner';

const TILED = ['invert_network', 'correct_topography', 'velocity'];
const OUTPUTS = [
  'timeseries.h5',
  'temporalCoherence.h5',
  'numInvIfgram.h5',
  'demErr.h5',
  'timeseries_demErr.h5',
  'timeseriesResidual.h5',
  'velocity.h5',
];

async function digest(workDir: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of OUTPUTS) {
    const r = await H5Reader.open(join(workDir, f));
    try {
      for (const k of r.keys()) {
        const info = r.info(k);
        h.update(`${f}/${k} ${JSON.stringify(info.attrs)}`);
        if (/^[AS]/.test(info.dtype)) h.update(JSON.stringify(r.readStrings(k)));
        else {
          const a = r.read(k);
          h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        }
      }
    } finally {
      r.close();
    }
  }
  return h.digest('hex');
}

export async function benchSlurm(o: {
  out: string;
  rows: number;
  cols: number;
  numDates: number;
  numPairs: number;
  cores: number;
  repeats: number;
  say: (s?: string) => void;
}): Promise<void> {
  const { say } = o;
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%P %D %T %c'], { encoding: 'utf8' });
  if (sinfo.error || sinfo.status !== 0) {
    say('\nSlurm is not up (scripts/slurm/up.sh brings a one-node cluster up here): no Slurm figures.');
    return;
  }
  say(`\n## Slurm vs local (same stack; Slurm: ${sinfo.stdout.trim().split('\n').join('; ')})`);
  const demo = await writeDemo(join(o.out, 'slurm-stack'), {
    rows: o.rows,
    cols: o.cols,
    numDates: o.numDates,
    numPairs: o.numPairs,
  });
  const cfg = demo.templatePath;
  writeFileSync(
    cfg,
    readFileSync(cfg, 'utf8').replace(/mintpy\.topographicResidual = no/, 'mintpy.topographicResidual = yes'),
  );
  await runPipeline({ templatePath: cfg, end: 'quick_overview', numWorkers: o.cores });

  const modes: { name: string; cluster: string; poll?: string }[] = [
    { name: 'local pool', cluster: 'local' },
    { name: 'Slurm, poll 2 s (default)', cluster: 'slurm', poll: '2' },
    { name: 'Slurm, poll 0.5 s', cluster: 'slurm', poll: '0.5' },
  ];
  const best: Record<string, Record<string, number>> = {};
  const tasks: Record<string, string> = {};
  const digests: Record<string, string> = {};
  for (let rep = 0; rep < o.repeats; rep++)
    for (const m of modes) {
      const logs: string[] = [];
      const rec = await runPipeline({
        templatePath: cfg,
        start: 'invert_network',
        numWorkers: o.cores,
        cluster: m.cluster,
        overrides: m.poll ? { 'insarstudio.slurm.pollSeconds': m.poll } : undefined,
        onLog: (l) => logs.push(l),
      });
      const b = (best[m.name] ??= {});
      for (const s of rec.steps) if (TILED.includes(s.name)) b[s.name] = Math.min(b[s.name] ?? Infinity, s.seconds);
      b.total = Math.min(
        b.total ?? Infinity,
        TILED.reduce((t, n) => t + (rec.steps.find((s) => s.name === n)?.seconds ?? 0), 0),
      );
      for (const l of logs) {
        const x = /^(\w+): Slurm job \d+: (\d+) array task\(s\) for (\d+) tile/.exec(l);
        if (x) tasks[x[1]] = `${x[2]} tasks / ${x[3]} tiles`;
      }
      digests[m.name] = await digest(rec.workDir);
    }
  const local = best[modes[0].name];
  say(`\n| step | ${modes.map((m) => m.name).join(' | ')} | array |`);
  say(`|---|${modes.map(() => '---|').join('')}---|`);
  for (const s of [...TILED, 'total']) {
    const cells = modes.map((m, i) => {
      const v = best[m.name][s];
      const d = v - local[s];
      return i === 0 ? `${v.toFixed(2)} s` : `${v.toFixed(2)} s (${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(2)} s)`;
    });
    say(`| ${s} | ${cells.join(' | ')} | ${tasks[s] ?? ''} |`);
  }
  const same = modes.every((m) => digests[m.name] === digests[modes[0].name]);
  say(
    `\noutputs of the tiled steps (every dataset and attribute): ${same ? 'identical' : 'DIFFERENT'} across the three runs; ` +
      `best of ${o.repeats} run(s) each; ${o.cores} cores; timings on a shared machine are noisy.`,
  );
}
