/**
 * `insar-studio slurm-task <manifest.json> [index]` — what each Slurm array task runs on its node (the batch
 * script the coordinator submits calls it; not meant to be typed by hand). The index defaults to
 * $SLURM_ARRAY_TASK_ID, the cores to $SLURM_CPUS_PER_TASK.
 */
import { resolve } from 'node:path';
import { runArrayTask } from '../../src-core/node/pipeline/cluster/arrayTask';

export async function slurmTaskCommand(argv: string[]): Promise<number> {
  const [manifest, idx = process.env.SLURM_ARRAY_TASK_ID] = argv;
  if (!manifest || idx === undefined || !/^\d+$/.test(idx)) {
    process.stderr.write('usage: insar-studio slurm-task <manifest.json> <array index> (run by Slurm array tasks)\n');
    return 2;
  }
  // scancel's SIGTERM ends the process as it is: a half-written tile is a temp file the next run removes
  return runArrayTask(resolve(manifest), Number(idx), { cpus: Number(process.env.SLURM_CPUS_PER_TASK ?? 1) || 1 });
}
