/**
 * A lean entry for Slurm array tasks (out/node/slurm-task.js): the same `slurm-task` subcommand as
 * `insar-studio slurm-task`, without loading every other command — a node starts a task in about half the
 * time. The batch script calls it as `node slurm-task.js slurm-task <manifest> <index>`.
 */
import { slurmTaskCommand } from './commands/slurmTask';

const argv = process.argv.slice(2);
process.exitCode = await slurmTaskCommand(argv[0] === 'slurm-task' ? argv.slice(1) : argv);
