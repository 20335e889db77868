import { resolve } from 'node:path';
import { parseArgs } from '../args';
import { progressPrinter, reportError } from '../report';
import { writeDemo, type DemoOptions } from '../../src-core/node/demo';
import { runPipeline } from '../../src-core/node/pipeline/runner';

const NUMERIC = ['rows', 'cols', 'dates', 'pairs', 'seed', 'neighbours'] as const;

export async function demoCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, Object.fromEntries([...NUMERIC.map((k) => [k, 1]), ['name', 1]]));
  } catch (e) {
    process.stderr.write(`insar-studio demo: ${(e as Error).message}\n`);
    return 2;
  }
  const [dir] = args.positional;
  if (!dir) {
    process.stderr.write('usage: insar-studio demo <dir> [--rows N --cols N --dates N --pairs N --seed N] [--run]\n');
    return 2;
  }
  const num = (k: string) => (args.flags[k] ? Number(args.flags[k][0]) : undefined);
  for (const k of NUMERIC)
    if (args.flags[k] && !Number.isFinite(num(k))) {
      process.stderr.write(`insar-studio demo: --${k} needs a number\n`);
      return 2;
    }
  const opts: DemoOptions = {
    rows: num('rows'),
    cols: num('cols'),
    numDates: num('dates'),
    numPairs: num('pairs'),
    seed: num('seed'),
    neighbours: num('neighbours'),
    name: args.flags.name?.[0],
  };
  for (const k of Object.keys(opts) as (keyof DemoOptions)[]) if (opts[k] === undefined) delete opts[k];
  const progress = progressPrinter();
  try {
    const t0 = performance.now();
    const { templatePath, ariaDir, info } = await writeDemo(resolve(dir), {
      ...opts,
      onProgress: (done, total) => progress({ step: 'demo', done, total }),
    });
    process.stdout.write(
      `demo stack: ${ariaDir} (${info.rows}×${info.cols} px, ${info.dates.length} dates, ${info.pairs.length} pairs) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n` +
        `template:   ${templatePath}\n`,
    );
    if (args.flags.run) {
      const rec = await runPipeline({
        templatePath,
        onProgress: progress,
        onLog: (m) => process.stderr.write(`${m}\n`),
      });
      process.stdout.write(`outputs in ${rec.workDir}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
