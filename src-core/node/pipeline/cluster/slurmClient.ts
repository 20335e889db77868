/**
 * Slurm's own commands, called as a user would: `sbatch` to submit, `squeue` to follow, `scontrol show job`
 * and `sacct` for how a finished task ended, `scancel` to stop. Their output is parsed by the pure functions
 * below (tested on captured text); their failures become one-line errors naming the key to change.
 */
import { execFile } from 'node:child_process';
import { InputError } from '../../../common/pipeline/types';

export interface Exec {
  (cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Runs a command; a missing binary rejects with code ENOENT (as Node reports it). */
export const execCommand: Exec = (cmd, args) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 120_000, maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
      const e = err as (Omit<NodeJS.ErrnoException, 'code'> & { code?: unknown; killed?: boolean }) | null;
      if (e && e.code === 'ENOENT') return reject(e);
      if (e && e.killed) return reject(new Error(`${cmd} timed out`));
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
    });
  });

export interface QueueEntry {
  arrayJobId: string;
  taskId: number;
  /** PENDING, RUNNING, COMPLETING, CONFIGURING, … */
  state: string;
  node: string;
  /** why it is pending (Priority, Resources, JobArrayTaskLimit, …) */
  reason: string;
}

/** `squeue -h -r -o '%F|%K|%T|%N|%r'` lines. Pending array remainders without a single index are skipped. */
export function parseSqueue(text: string): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (const line of text.split('\n')) {
    const [f, k, state, node, reason] = line.trim().split('|');
    if (!f || !/^\d+$/.test(k ?? '')) continue;
    out.push({ arrayJobId: f, taskId: Number(k), state, node: node ?? '', reason: reason ?? '' });
  }
  return out;
}

export interface FinalState {
  /** COMPLETED, FAILED, CANCELLED, OUT_OF_MEMORY, TIMEOUT, NODE_FAIL, PREEMPTED, BOOT_FAIL, DEADLINE, … */
  state: string;
  exitCode: number;
  signal: number;
  node: string;
  reason: string;
}

function exitParts(s: string | undefined): [number, number] {
  const m = /^(\d+):(\d+)$/.exec(s ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** One `scontrol -o show job <id>` record (Key=Value pairs on one line). */
export function parseScontrolJob(text: string): FinalState | null {
  const line = text.split('\n').find((l) => l.includes('JobState='));
  if (!line) return null;
  const get = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1] ?? '';
  const [exitCode, signal] = exitParts(get('ExitCode'));
  const node = get('NodeList');
  return { state: get('JobState'), exitCode, signal, node: node === '(null)' ? '' : node, reason: get('Reason') };
}

/** `sacct -n -P -X -o JobID,State,ExitCode,NodeList,Reason` for one array task. */
export function parseSacct(text: string): FinalState | null {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.includes('|'));
  if (!line) return null;
  const [, state, exit, node, reason] = line.split('|');
  const [exitCode, signal] = exitParts(exit);
  // "CANCELLED by 0" → CANCELLED
  return { state: (state ?? '').split(/\s+/)[0], exitCode, signal, node: node ?? '', reason: reason ?? '' };
}

/** Errors of a busy or restarting controller, worth another try. */
export const TRANSIENT = /timed out|unable to contact|try again|temporarily|connection refused|resource temporarily/i;

const ACTIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING']);
export const isActive = (state: string): boolean => ACTIVE.has(state);

/** Where a submission went wrong, as the template key to change (one line). */
export function sbatchErrorMessage(
  stderr: string,
  ctx: { templatePath: string; partition: string | null; account: string | null; time: string | null; memMb: number },
  partitions: string[] | null,
): string {
  const err =
    stderr
      .split('\n')
      .map((l) => l.replace(/^sbatch: error: /, '').trim())
      .filter(Boolean)
      .pop() ?? 'sbatch failed';
  const t = ctx.templatePath;
  if (/invalid partition/i.test(stderr))
    return (
      `${t}: insarstudio.slurm.partition = ${ctx.partition ?? '(default)'}: Slurm has no such partition` +
      (partitions?.length ? ` (sinfo lists: ${partitions.join(', ')})` : '')
    );
  if (/no partition specified|default partition/i.test(stderr))
    return `${t}: insarstudio.slurm.partition: the cluster has no default partition; set one`;
  if (/invalid account/i.test(stderr))
    return `${t}: insarstudio.slurm.account = ${ctx.account ?? '(none)'}: Slurm refused it (${err})`;
  if (/time limit/i.test(stderr))
    return `${t}: insarstudio.slurm.time = ${ctx.time ?? '(default)'}: Slurm refused it (${err})`;
  if (/memory specification|node configuration is not available/i.test(stderr))
    return `${t}: mintpy.compute.maxMemory: ${ctx.memMb} MB per task is more than the nodes offer (${err})`;
  if (/job array specification|MaxArraySize/i.test(stderr))
    return `${t}: insarstudio.slurm.tilesPerTask: more array tasks than this cluster's MaxArraySize allows; put more tiles in each task (${err})`;
  if (/MaxSubmit|submit.*limit/i.test(stderr))
    return `${t}: insarstudio.slurm.tilesPerTask: more jobs than you may submit (${err}); put more tiles in each task`;
  if (/invalid qos|qos/i.test(stderr)) return `${t}: insarstudio.slurm.options: Slurm refused the QOS (${err})`;
  return `sbatch refused the job array: ${err}`;
}

export class SlurmClient {
  constructor(private readonly exec: Exec = execCommand) {}

  private async call(cmd: string, args: string[]) {
    try {
      return await this.exec(cmd, args);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new InputError(
          `mintpy.compute.cluster = slurm: ${cmd} not found on PATH — run on a Slurm login node (or load its module), or set mintpy.compute.cluster = local`,
        );
      throw e;
    }
  }

  /** Submit a script as an array over `indices` (at most `throttle` at once); returns the array's job id. */
  async submit(
    script: string,
    array: string,
    extra: string[],
    ctx: Parameters<typeof sbatchErrorMessage>[1],
  ): Promise<string> {
    let r = await this.call('sbatch', ['--parsable', `--array=${array}`, ...extra, script]);
    // a busy controller: try again a few times before giving up
    for (let i = 0; i < 3 && r.code !== 0 && TRANSIENT.test(r.stderr); i++) {
      await new Promise((res) => setTimeout(res, 3000 * (i + 1)));
      r = await this.call('sbatch', ['--parsable', `--array=${array}`, ...extra, script]);
    }
    const id = /^(\d+)/.exec(r.stdout.trim())?.[1];
    if (r.code !== 0 || !id) throw new InputError(sbatchErrorMessage(r.stderr, ctx, await this.partitions()));
    return id;
  }

  /**
   * Before a run: Slurm's commands are there and the partition exists — so a bad setting fails at once,
   * not after the steps that run before the first tiled one.
   */
  async preflight(ctx: { templatePath: string; partition: string | null }): Promise<void> {
    await this.call('sbatch', ['--version']);
    await this.call('squeue', ['--version']);
    if (!ctx.partition) return;
    const all = await this.partitions();
    if (all && !all.includes(ctx.partition))
      throw new InputError(
        `${ctx.templatePath}: insarstudio.slurm.partition = ${ctx.partition}: Slurm has no such partition (sinfo lists: ${all.join(', ') || 'none'})`,
      );
  }

  async partitions(): Promise<string[] | null> {
    try {
      const r = await this.exec('sinfo', ['-h', '-o', '%R']);
      return r.code === 0
        ? [
            ...new Set(
              r.stdout
                .split('\n')
                .map((s) => s.trim())
                .filter(Boolean),
            ),
          ]
        : null;
    } catch {
      return null;
    }
  }

  /** Live tasks (pending, running, completing) of the given arrays. */
  async queue(arrayJobIds: string[]): Promise<QueueEntry[]> {
    if (!arrayJobIds.length) return [];
    const r = await this.call('squeue', ['-h', '-r', '-j', arrayJobIds.join(','), '-o', '%F|%K|%T|%N|%r']);
    if (r.code !== 0) {
      // every id already purged from the controller: nothing is live
      if (/invalid job id/i.test(r.stderr)) return [];
      throw new Error(`squeue failed: ${r.stderr.trim()}`);
    }
    return parseSqueue(r.stdout);
  }

  /** How a task that left the queue ended: the controller's record, else accounting; null if neither knows. */
  async finalState(arrayJobId: string, taskId: number): Promise<FinalState | null> {
    const id = `${arrayJobId}_${taskId}`;
    const sc = await this.call('scontrol', ['-o', 'show', 'job', id]);
    const fromCtl = sc.code === 0 ? parseScontrolJob(sc.stdout) : null;
    if (fromCtl && !isActive(fromCtl.state)) return fromCtl;
    const sa = await this.call('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'JobID,State,ExitCode,NodeList,Reason']);
    const fromAcct = sa.code === 0 ? parseSacct(sa.stdout) : null;
    return fromAcct ?? fromCtl;
  }

  async cancel(arrayJobIds: string[]): Promise<void> {
    if (arrayJobIds.length) await this.call('scancel', arrayJobIds);
  }
}
