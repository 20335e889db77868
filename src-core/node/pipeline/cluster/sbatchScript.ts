/**
 * The batch script of a tiled step's job array and the `--array` spec: pure text, so what is submitted can be
 * read (it is kept beside the logs) and tested. Each array task runs `insar-studio slurm-task <manifest> <index>`
 * — the project's own command — on the node.
 */

export interface ScriptSpec {
  jobName: string;
  /** folder of the per-task logs (%A_%a.out) */
  logDir: string;
  memMb: number;
  cpusPerTask: number;
  partition: string | null;
  account: string | null;
  time: string | null;
  /** shell line run first on the node (module load …) */
  setup: string | null;
  /** how to start insar-studio on the node: argv (quoted here) or a shell command from the template */
  command: string[] | string;
  manifest: string;
  /** the coordinator runs inside Electron: its binary runs the CLI as plain Node */
  electronAsNode?: boolean;
}

/** Single-quote for sh. */
export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function sbatchScript(s: ScriptSpec): string {
  const lines = [
    '#!/bin/bash',
    `# InSAR Studio: one array task = the tiles listed for it in ${s.manifest}`,
    `#SBATCH --job-name=${s.jobName}`,
    `#SBATCH --output=${s.logDir}/%A_%a.out`,
    `#SBATCH --mem=${s.memMb}M`,
    `#SBATCH --cpus-per-task=${s.cpusPerTask}`,
    `#SBATCH --ntasks=1`,
  ];
  if (s.partition) lines.push(`#SBATCH --partition=${s.partition}`);
  if (s.account) lines.push(`#SBATCH --account=${s.account}`);
  if (s.time) lines.push(`#SBATCH --time=${s.time}`);
  lines.push('set -e');
  if (s.setup) lines.push(s.setup);
  if (s.electronAsNode) lines.push('export ELECTRON_RUN_AS_NODE=1');
  const cmd = typeof s.command === 'string' ? s.command : s.command.map(shQuote).join(' ');
  lines.push(`exec ${cmd} slurm-task ${shQuote(s.manifest)} "$SLURM_ARRAY_TASK_ID"`);
  return `${lines.join('\n')}\n`;
}

/** `0-7%4`, `3,5-6`: indices (any order) as Slurm's --array list with an optional throttle. */
export function arraySpec(indices: number[], throttle: number | null): string {
  const xs = [...new Set(indices)].sort((a, b) => a - b);
  if (!xs.length) throw new Error('arraySpec: no indices');
  const parts: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(j > i ? `${xs[i]}-${xs[j]}` : `${xs[i]}`);
    i = j + 1;
  }
  return `${parts.join(',')}${throttle ? `%${throttle}` : ''}`;
}
