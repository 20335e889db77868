/**
 * Where the tiled steps run: MintPy's `mintpy.compute.cluster` (slurm | local | no), `mintpy.compute.numWorker`
 * (how many Slurm array tasks at once) and `mintpy.compute.maxMemory` (GB per task), plus the job options a
 * site needs, as template keys of our own under `insarstudio.slurm.*` (documented in docs/slurm.md).
 * The CLI's `--cluster` (and the app) override `mintpy.compute.cluster` without editing the template.
 */
import { InputError } from '../../../common/pipeline/types';
import type { Template } from '../../config/template';

export type ClusterKind = 'slurm' | 'local';

/** Our own template keys, with what they mean (docs/slurm.md lists the same). */
export const SLURM_KEYS: Readonly<Record<string, string>> = {
  'insarstudio.slurm.partition': 'partition (sbatch --partition); default: the cluster default partition',
  'insarstudio.slurm.account': 'account to charge (sbatch --account); default: none',
  'insarstudio.slurm.time': 'time limit per array task (sbatch --time, e.g. 1:00:00); default: the partition limit',
  'insarstudio.slurm.options': 'extra sbatch flags, space-separated (e.g. --qos=debug --constraint=skylake)',
  'insarstudio.slurm.cpusPerTask': 'cores per array task (sbatch --cpus-per-task), its worker threads; default 1',
  'insarstudio.slurm.tilesPerTask': 'tiles per array task; default auto (1, more when there are over 1000 tiles)',
  'insarstudio.slurm.maxRetries': 'how many times a failed or cancelled array task is re-submitted; default 2',
  'insarstudio.slurm.pollSeconds': 'how often squeue is asked about the array; default 2',
  'insarstudio.slurm.setup': 'a shell line run before the command on the node (e.g. module load nodejs/20)',
  'insarstudio.slurm.command':
    'the command that runs insar-studio on the nodes; default: this Node and this insar-studio build',
};

export interface SlurmOptions {
  /** array throttle (`%N`); null = no throttle (numWorker = all) */
  numWorker: number | null;
  /** MB per array task (sbatch --mem), from mintpy.compute.maxMemory */
  memMb: number;
  maxMemoryGb: number;
  partition: string | null;
  account: string | null;
  time: string | null;
  options: string[];
  cpusPerTask: number;
  /** null = auto */
  tilesPerTask: number | null;
  maxRetries: number;
  pollSeconds: number;
  setup: string | null;
  command: string | null;
}

const off = (v: string) => /^(no|none|false|auto|)$/i.test(v.trim());

/** `slurm` or `local` (MintPy's `local` and `no` both run the tiles in this machine's worker pool). */
export function clusterKind(t: Template, override?: string): ClusterKind {
  const key = 'mintpy.compute.cluster';
  const v = (override ?? t.get(key)).trim().toLowerCase();
  if (v === 'slurm') return 'slurm';
  if (['local', 'no', 'none', 'false', 'auto', ''].includes(v)) return 'local';
  const where = override !== undefined ? '--cluster' : `${t.path}: ${key}`;
  throw new InputError(`${where}: "${v}" is not supported; use slurm, local or no`);
}

function positiveInt(t: Template, key: string, dflt: number, min = 1): number {
  const raw = t.raw(key);
  if (off(raw)) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new InputError(`${t.path}: ${key}: "${raw}" is not an integer ≥ ${min}`);
  return n;
}

function text(t: Template, key: string): string | null {
  const v = t.raw(key).trim();
  return off(v) ? null : v;
}

export function slurmOptions(t: Template): SlurmOptions {
  const unknown = Object.keys(t.values).filter((k) => k.startsWith('insarstudio.slurm.') && !(k in SLURM_KEYS));
  if (unknown.length)
    throw new InputError(`${t.path}: ${unknown[0]}: unknown key; known: ${Object.keys(SLURM_KEYS).join(', ')}`);
  const nw = t.get('mintpy.compute.numWorker').trim();
  let numWorker: number | null = null;
  if (!/^all$/i.test(nw)) {
    const n = Number(nw);
    if (!Number.isInteger(n) || n < 1)
      throw new InputError(`${t.path}: mintpy.compute.numWorker: "${nw}" is not an integer ≥ 1 or all`);
    numWorker = n;
  }
  const gbRaw = t.get('mintpy.compute.maxMemory');
  const gb = Number(gbRaw);
  if (!Number.isFinite(gb) || gb <= 0)
    throw new InputError(`${t.path}: mintpy.compute.maxMemory: "${gbRaw}" is not a number of GB > 0`);
  const options = (text(t, 'insarstudio.slurm.options') ?? '').split(/\s+/).filter(Boolean);
  for (const o of options)
    if (/^--?(array|output|error|parsable|wrap)\b/.test(o))
      throw new InputError(`${t.path}: insarstudio.slurm.options: ${o} is set by InSAR Studio itself`);
  const tpt = t.raw('insarstudio.slurm.tilesPerTask');
  const poll = Number(off(t.raw('insarstudio.slurm.pollSeconds')) ? 2 : t.raw('insarstudio.slurm.pollSeconds'));
  if (!Number.isFinite(poll) || poll <= 0)
    throw new InputError(
      `${t.path}: insarstudio.slurm.pollSeconds: "${t.raw('insarstudio.slurm.pollSeconds')}" is not > 0`,
    );
  return {
    numWorker,
    memMb: Math.max(1, Math.ceil(gb * 1024)),
    maxMemoryGb: gb,
    partition: text(t, 'insarstudio.slurm.partition'),
    account: text(t, 'insarstudio.slurm.account'),
    time: text(t, 'insarstudio.slurm.time'),
    options,
    cpusPerTask: positiveInt(t, 'insarstudio.slurm.cpusPerTask', 1),
    tilesPerTask: off(tpt) ? null : positiveInt(t, 'insarstudio.slurm.tilesPerTask', 1),
    maxRetries: positiveInt(t, 'insarstudio.slurm.maxRetries', 2, 0),
    pollSeconds: poll,
    setup: text(t, 'insarstudio.slurm.setup'),
    command: text(t, 'insarstudio.slurm.command'),
  };
}

/** Consecutive tiles per array task: one each unless that would exceed 1000 array tasks (MaxArraySize 1001). */
export function tilesPerTask(numTiles: number, o: Pick<SlurmOptions, 'tilesPerTask'>): number {
  return o.tilesPerTask ?? Math.max(1, Math.ceil(numTiles / 1000));
}
