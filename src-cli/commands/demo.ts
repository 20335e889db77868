import { resolve } from 'node:path';
import { cancelOnInterrupt } from '../interrupt';
import type { Command, OptionSpec } from '../command';
import { progressPrinter } from '../report';
import type { DemoOptions } from '../../src-core/common/demo/options';

const int = (help: string): OptionSpec => ({ type: 'string', value: 'N', numeric: 'int', help });

export const demoCmd: Command = {
  name: 'demo',
  summary: 'write a synthetic ARIA stack with a known answer (truth.json) and its MintPy template',
  synopsis: ['demo <dir> [--rows N --cols N --dates N --pairs N --neighbours N --seed N --name NAME] [--run]'],
  positionals: { min: 1, max: 1, name: '<dir>' },
  options: {
    rows: int('image rows (default 100)'),
    cols: int('image columns (default 160)'),
    dates: int('acquisitions, 12 days apart (default 31)'),
    pairs: int('exact number of interferograms (default: each date with its next 3, plus a first–last pair)'),
    neighbours: int('pair each date with its next N dates (default 3)'),
    seed: {
      type: 'string',
      value: 'N',
      numeric: 'number',
      help: 'random seed: the same options give the same files (default 144)',
    },
    name: { type: 'string', value: 'NAME', help: 'project name: the template is mintpy/NAME.cfg (default Demo)' },
    run: { type: 'boolean', help: 'run the whole pipeline on it afterwards' },
  },
  async run(a) {
    const opts: DemoOptions = {
      rows: a.num('rows'),
      cols: a.num('cols'),
      numDates: a.num('dates'),
      numPairs: a.num('pairs'),
      neighbours: a.num('neighbours'),
      seed: a.num('seed'),
      name: a.str('name'),
    };
    for (const k of Object.keys(opts) as (keyof DemoOptions)[]) if (opts[k] === undefined) delete opts[k];
    const progress = progressPrinter();
    const { writeDemo } = await import('../../src-core/node/demo');
    const t0 = performance.now();
    const { templatePath, ariaDir, info } = await writeDemo(resolve(a.positionals[0]), {
      ...opts,
      onProgress: (done, total) => progress({ step: 'demo', done, total }),
    });
    process.stdout.write(
      `demo stack: ${ariaDir} (${info.rows}×${info.cols} px, ${info.dates.length} dates, ${info.pairs.length} pairs) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n` +
        `template:   ${templatePath}\n`,
    );
    if (a.has('run')) {
      const { runPipelineIsolated } = await import('../../src-core/node/pipeline/processRunner');
      // in the pipeline process, as `run` does: Ctrl-C is a cancel honoured at once
      const rec = await cancelOnInterrupt((signal) =>
        runPipelineIsolated({
          templatePath,
          signal,
          onProgress: progress,
          onLog: (m) => process.stderr.write(`${m}\n`),
        }),
      );
      process.stdout.write(`outputs in ${rec.workDir}\n`);
    }
    return 0;
  },
};
