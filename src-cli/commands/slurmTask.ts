/**
 * `insar-studio slurm-task <manifest.json> [index]` — what each Slurm array task runs on its node (the batch
 * script the coordinator submits calls it; not meant to be typed by hand, so not listed in --help). The index
 * defaults to $SLURM_ARRAY_TASK_ID, the cores to $SLURM_CPUS_PER_TASK.
 */
import { resolve } from 'node:path';
import { execute, UsageError, type Command } from '../command';

export const slurmTaskCmd: Command = {
  name: 'slurm-task',
  summary: 'run one Slurm array task of a tiled step (called by the batch script the coordinator submits)',
  synopsis: ['slurm-task <manifest.json> [array index]'],
  positionals: { min: 1, max: 2, name: '<manifest.json>' },
  hidden: true,
  async run(a) {
    const [manifest, idx = process.env.SLURM_ARRAY_TASK_ID] = a.positionals;
    if (idx === undefined || !/^\d+$/.test(idx))
      throw new UsageError('give the array index (or run it as a Slurm array task: $SLURM_ARRAY_TASK_ID)');
    const { runArrayTask } = await import('../../src-core/node/pipeline/cluster/arrayTask');
    // scancel's SIGTERM ends the process as it is: a half-written tile is a temp file the next run removes
    return runArrayTask(resolve(manifest), Number(idx), { cpus: Number(process.env.SLURM_CPUS_PER_TASK ?? 1) || 1 });
  },
};

/** `insar-studio slurm-task …` with its own argv. */
export function slurmTaskCommand(argv: string[]): Promise<number> {
  return execute(slurmTaskCmd, argv, ['slurm-task']);
}
