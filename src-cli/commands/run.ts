import { dirname, resolve } from 'node:path';
import { cancelOnInterrupt } from '../interrupt';
import { UsageError, type Command } from '../command';
import { progressPrinter } from '../report';
import { STEPS, stepsHelp } from '../steps';
import type { StepName } from '../../src-core/node/pipeline/registry';

const step = (help: string) => ({ type: 'string', value: 'STEP', kind: 'step', choices: STEPS, help }) as const;

export const runCmd: Command = {
  name: 'run',
  summary: "run MintPy's smallbaselineApp steps on a template (outputs beside it)",
  synopsis: [
    'run <template.cfg> [--dostep STEP | --start STEP --end STEP] [--workers N] [--workdir DIR] [--cluster slurm|local]',
  ],
  positionals: { min: 1, max: 1, name: '<template.cfg>' },
  options: {
    dostep: step('run only this step'),
    start: step('first step to run (default: load_data)'),
    end: step('last step to run (default: google_earth)'),
    workers: {
      type: 'string',
      value: 'N',
      numeric: 'int',
      help: 'worker threads of the tiled steps (default: the cores)',
    },
    workdir: { type: 'string', value: 'DIR', help: 'write the outputs here instead of beside the template' },
    cluster: {
      type: 'string',
      value: 'slurm|local',
      kind: 'cluster',
      choices: ['slurm', 'local', 'no'],
      help: 'where the tiled steps run, overriding mintpy.compute.cluster: Slurm job arrays or this machine (docs/slurm.md)',
    },
  },
  epilog: stepsHelp,
  async run(a) {
    if (a.has('dostep') && (a.has('start') || a.has('end')))
      throw new UsageError('give either --dostep or --start/--end, not both');
    // each step's end, as the table at the end shows it (also when the run is cancelled or its process killed)
    const table: { name: string; status: string; seconds: number; outputs: string[] }[] = [];
    let workDir = '';
    const print = () => {
      for (const s of table)
        process.stdout.write(
          `${s.name.padEnd(18)} ${s.status.padEnd(9)} ${s.seconds.toFixed(2).padStart(7)} s  ${s.outputs.map((o) => o.replace(`${workDir}/`, '')).join(' ')}\n`,
        );
    };
    const t0 = new Map<string, number>();
    return cancelOnInterrupt(async (signal) => {
      try {
        const workdir = a.str('workdir');
        const templatePath = resolve(a.positionals[0]);
        workDir = workdir ? resolve(workdir) : dirname(templatePath);
        const { runPipelineIsolated } = await import('../../src-core/node/pipeline/processRunner');
        // the pipeline in a child process, as the app runs it: Ctrl-C is honoured at once in every step (the
        // child is ended if a step does not stop by itself within 0.3 s); in-process when run from source
        const record = await runPipelineIsolated({
          templatePath,
          workDir: workdir ? resolve(workdir) : undefined,
          dostep: a.str('dostep') as StepName | undefined,
          start: a.str('start') as StepName | undefined,
          end: a.str('end') as StepName | undefined,
          numWorkers: a.num('workers'),
          cluster: a.str('cluster'),
          signal,
          onProgress: progressPrinter(),
          onLog: (m) => process.stderr.write(`${m}\n`),
          onStep: (e) => {
            if (e.status === 'started') t0.set(e.step, performance.now());
            else
              table.push({
                name: e.step,
                status: e.status === 'finished' ? 'done' : e.status,
                seconds: 'seconds' in e ? e.seconds : 0,
                outputs: e.status === 'finished' ? e.outputs : [],
              });
          },
        });
        workDir = record.workDir;
        table.splice(0, table.length, ...record.steps);
        print();
        process.stdout.write(`outputs in ${record.workDir}\n`);
        return 0;
      } catch (e) {
        // a cancelled run: the table says which steps finished and which one was cancelled
        if (signal.aborted) {
          for (const [name, t] of t0)
            if (!table.some((s) => s.name === name))
              table.push({ name, status: 'cancelled', seconds: (performance.now() - t) / 1000, outputs: [] });
          print();
        }
        throw e;
      }
    });
  },
};
