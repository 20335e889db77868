/**
 * The coordinator of a tiled step on Slurm: the tiles not yet in the checkpoint become one job array (each
 * array task runs `insar-studio slurm-task` on its tiles and saves them into the same checkpoint the local
 * pool uses), followed with squeue; a task that failed or was cancelled is re-submitted a bounded number of
 * times; the array is cancelled (scancel) when the run is; bad cases end the run with one line: the work
 * folder not visible on the nodes, a task out of memory, a task's own error, retries exhausted.
 *
 * Files, under <workDir>/.insar-studio/slurm/<step>-<hash>/: manifest.json (the tile tasks), task.sh (the
 * batch script), jobs.json (array job ids, so a later run cancels an array a killed coordinator left),
 * logs/<job>_<task>.out, status/task-<k>.json (an error a task reports itself). Removed when the step succeeds.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CancelledError, InputError, type StepContext } from '../../../common/pipeline/types';
import { TileCheckpoint, type Tile } from '../tiles';
import type { TileTask } from '../tileTasks';
import { slurmOptions, tilesPerTask, type SlurmOptions } from './config';
import { splitTasks, writeManifest, type ArrayManifest } from './manifest';
import { arraySpec, sbatchScript } from './sbatchScript';
import { SlurmClient, isActive, type FinalState, type QueueEntry } from './slurmClient';

export const slurmRoot = (workDir: string): string => join(workDir, '.insar-studio', 'slurm');

/** A status a task writes itself when it stops on purpose (status/task-<k>.json). */
export interface TaskStatus {
  kind: 'noinput' | 'error';
  message: string;
  host: string;
}

/**
 * What the array tasks run: the bundled lean task entry (out/node/slurm-task.js), else the whole CLI
 * (out/node/cli.js), found beside this code or from the repository; both take `slurm-task <manifest> <index>`.
 */
export function findCliScript(): string | null {
  const env = process.env.INSAR_STUDIO_CLI;
  if (env && existsSync(env)) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const name of ['slurm-task.js', 'cli.js'])
      for (const c of [join(dir, name), join(dir, 'out', 'node', name)]) if (existsSync(c)) return c;
    dir = resolve(dir, '..');
  }
  return null;
}

function taskCommand(o: SlurmOptions): string[] | string {
  if (o.command) return o.command;
  const cli = findCliScript();
  if (!cli)
    throw new InputError(
      'mintpy.compute.cluster = slurm: the insar-studio CLI bundle (out/node/cli.js) was not found; run `npm run build:node` or set insarstudio.slurm.command',
    );
  return [process.execPath, cli];
}

/** Cancel arrays a killed coordinator of this step left queued or running, and drop stale run folders. */
export async function cancelLeftoverArrays(
  workDir: string,
  step: string,
  client: SlurmClient,
  log: (m: string) => void,
): Promise<void> {
  const root = slurmRoot(workDir);
  if (!existsSync(root)) return;
  for (const d of readdirSync(root)) {
    if (!d.startsWith(`${step}-`)) continue;
    const jobsFile = join(root, d, 'jobs.json');
    if (!existsSync(jobsFile)) continue;
    let ids: string[] = [];
    try {
      ids = (JSON.parse(readFileSync(jobsFile, 'utf8')) as { jobIds: string[] }).jobIds;
    } catch {
      continue;
    }
    let live: string[];
    try {
      live = [...new Set((await client.queue(ids)).map((q) => q.arrayJobId))];
    } catch (e) {
      log(`${step}: could not ask squeue about the arrays of an earlier run (${(e as Error).message})`);
      continue;
    }
    if (live.length) {
      await client.cancel(live);
      log(`${step}: cancelled Slurm job ${live.join(', ')} left by an earlier run that was interrupted`);
    }
  }
}

type State = 'queued' | 'running' | 'done' | 'failed';

interface ArrayTask {
  index: number;
  tiles: number[];
  jobId: string;
  attempts: number;
  state: State;
  node: string;
  reason: string;
  /** when the scheduler said COMPLETED but the tiles were not there yet (shared-filesystem delay) */
  completedAt?: number;
}

const OOM_LOG =
  /exceeded (job )?memory limit|oom[-_ ]?kill|out of memory|heap out of memory|reached heap limit|Aborted\(OOM\)|Cannot allocate memory|Array buffer allocation failed/i;
const RETRY_STATES = new Set([
  'CANCELLED',
  'FAILED',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'TIMEOUT',
  'REQUEUED',
  'REVOKED',
  'UNKNOWN',
]);

export type Verdict =
  { kind: 'done' } | { kind: 'wait' } | { kind: 'retry'; why: string } | { kind: 'fatal'; message: string };

/** What to do about an array task that left the queue without all its tiles (pure; tested on cases). */
export function judgeFinishedTask(a: {
  step: string;
  what: string;
  workDir: string;
  checkpointDir: string;
  final: FinalState | null;
  status: TaskStatus | null;
  logPath: string;
  log: string | null;
  maxMemoryGb: number;
  memMb: number;
  time: string | null;
  secondsSinceCompleted: number;
  graceSeconds: number;
}): Verdict {
  const state = a.final?.state ?? 'UNKNOWN';
  // between squeue and scontrol the task came back (requeued by Slurm itself): look again next round
  if (a.final && isActive(state) && !a.status) return { kind: 'wait' };
  const node = a.final?.node || a.status?.host || 'its node';
  const tail = (a.log ?? '').trim().split('\n').filter(Boolean).pop() ?? '';
  if (a.status?.kind === 'noinput')
    return {
      kind: 'fatal',
      message: `${a.step}: ${a.what} on ${a.status.host}: ${a.status.message} — the work folder ${a.workDir} must be on a filesystem the compute nodes mount at the same path`,
    };
  if (state === 'OUT_OF_MEMORY' || OOM_LOG.test(a.log ?? '') || OOM_LOG.test(a.status?.message ?? ''))
    return {
      kind: 'fatal',
      message: `${a.step}: ${a.what} ran out of memory on ${node} (${a.memMb} MB per task): raise mintpy.compute.maxMemory (now ${a.maxMemoryGb})`,
    };
  if (a.status?.kind === 'error')
    return { kind: 'fatal', message: `${a.step}: ${a.what} failed on ${a.status.host}: ${a.status.message}` };
  if (a.log === null && (state === 'FAILED' || state === 'COMPLETED'))
    return {
      kind: 'fatal',
      message: `${a.step}: ${a.what} could not write its log ${a.logPath} on ${node} (Slurm: ${state}${a.final?.reason && a.final.reason !== 'None' ? `, ${a.final.reason}` : ''}) — the work folder ${a.workDir} is not visible on the compute nodes: put it on a shared filesystem`,
    };
  if (state === 'COMPLETED' && a.final?.exitCode === 0) {
    if (a.secondsSinceCompleted < a.graceSeconds) return { kind: 'wait' };
    return {
      kind: 'fatal',
      message: `${a.step}: ${a.what} completed on ${node} but its tiles never appeared in ${a.checkpointDir} — the compute nodes do not see the same work folder ${a.workDir}`,
    };
  }
  const code = a.final ? ` (exit ${a.final.exitCode}${a.final.signal ? `, signal ${a.final.signal}` : ''})` : '';
  const hint = state === 'TIMEOUT' ? `; raise insarstudio.slurm.time (now ${a.time ?? 'the partition limit'})` : '';
  if (RETRY_STATES.has(state) || state === 'COMPLETED')
    return { kind: 'retry', why: `ended ${state} on ${node}${code}${tail ? `: ${tail}` : ''}${hint}` };
  return { kind: 'retry', why: `ended ${state}${code}` };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((res) => {
    if (signal.aborted) return res();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      res();
    }
    signal.addEventListener('abort', done);
  });
}

export interface SlurmTileRun {
  ctx: StepContext;
  step: string;
  tiles: Tile[];
  checkpoint: TileCheckpoint;
  hash: string;
  task: (t: Tile) => TileTask;
  options: SlurmOptions;
  client?: SlurmClient;
  /** seconds a COMPLETED task's tiles may take to appear on the coordinator's side (NFS attribute caches) */
  graceSeconds?: number;
}

export async function runTilesOnSlurm(r: SlurmTileRun): Promise<{ resumed: number; jobIds: string[] }> {
  const { ctx, step, tiles, checkpoint } = r;
  const client = r.client ?? new SlurmClient();
  const todo = tiles.filter((t) => !checkpoint.has(t.index));
  const resumed = tiles.length - todo.length;
  ctx.progress({ step, done: resumed, total: tiles.length, label: 'tiles' });
  if (!todo.length) return { resumed, jobIds: [] };
  // from the first sbatch on, a cancel must be given the time to scancel the array (not be killed first)
  ctx.cancelGrace?.(SLURM_CANCEL_GRACE_MS);
  try {
    return await followArray(r, todo, resumed, client);
  } finally {
    ctx.cancelGrace?.(0);
  }
}

/** How long a cancelled run may take to scancel its array before the process runner kills it. */
export const SLURM_CANCEL_GRACE_MS = 20_000;

async function followArray(
  r: SlurmTileRun,
  todo: Tile[],
  resumed: number,
  client: SlurmClient,
): Promise<{ resumed: number; jobIds: string[] }> {
  const { ctx, step, tiles, checkpoint, options: o } = r;

  // the run's folder: manifest, script, logs, status
  const runDir = join(slurmRoot(ctx.workDir), `${step}-${r.hash}`);
  rmSync(runDir, { recursive: true, force: true });
  for (const d of ['logs', 'status']) mkdirSync(join(runDir, d), { recursive: true });
  const per = tilesPerTask(todo.length, o);
  const groups: number[][] = [];
  for (let i = 0; i < todo.length; i += per) groups.push(todo.slice(i, i + per).map((t) => t.index));
  const rows: Record<number, [number, number]> = {};
  for (const t of todo) rows[t.index] = [t.r0, t.r1];
  const manifestPath = join(runDir, 'manifest.json');
  const manifest: ArrayManifest = {
    version: 1,
    step,
    workDir: ctx.workDir,
    hash: r.hash,
    runDir,
    groups,
    rows,
    ...splitTasks(todo.map((t) => ({ index: t.index, task: r.task(t) }))),
  };
  writeManifest(manifestPath, manifest);
  const scriptPath = join(runDir, 'task.sh');
  writeFileSync(
    scriptPath,
    sbatchScript({
      jobName: `insar-${step}`,
      logDir: join(runDir, 'logs'),
      memMb: o.memMb,
      cpusPerTask: o.cpusPerTask,
      partition: o.partition,
      account: o.account,
      time: o.time,
      setup: o.setup,
      command: taskCommand(o),
      manifest: manifestPath,
      electronAsNode: !o.command && !!process.versions.electron,
    }),
    { mode: 0o755 },
  );

  const jobIds: string[] = [];
  const submit = async (indices: number[]): Promise<string> => {
    const id = await client.submit(scriptPath, arraySpec(indices, o.numWorker), o.options, {
      templatePath: ctx.template.path,
      partition: o.partition,
      account: o.account,
      time: o.time,
      memMb: o.memMb,
    });
    jobIds.push(id);
    writeFileSync(join(runDir, 'jobs.json'), JSON.stringify({ jobIds }));
    return id;
  };

  const first = await submit(groups.map((_, k) => k));
  const tasks: ArrayTask[] = groups.map((g, k) => ({
    index: k,
    tiles: g,
    jobId: first,
    attempts: 0,
    state: 'queued',
    node: '',
    reason: '',
  }));
  ctx.log(
    `${step}: Slurm job ${first}: ${groups.length} array task(s) for ${todo.length} tile(s)` +
      `${per > 1 ? ` (${per} per task)` : ''}, ${o.numWorker ? `at most ${o.numWorker} at once, ` : ''}` +
      `${o.memMb} MB and ${o.cpusPerTask} core(s) each${o.partition ? `, partition ${o.partition}` : ''}; logs in ${join(runDir, 'logs')}`,
  );

  const what = (t: ArrayTask) => {
    const [a, b] = [t.tiles[0], t.tiles[t.tiles.length - 1]];
    const rr = `rows ${rows[a][0]}–${rows[b][1] - 1}`;
    return `array task ${t.index} (${a === b ? `tile ${a}` : `tiles ${a}–${b}`}, ${rr})`;
  };
  // one readdir, not a stat per tile (cheap on a shared filesystem too)
  const tilesDone = () => checkpoint.done().length;
  let failedRuns = 0;
  let resubmitted = 0;
  const t0 = performance.now();
  const report = () => {
    const done = tilesDone();
    const rate = (done - resumed) / ((performance.now() - t0) / 1000);
    const count = (s: State) => tasks.filter((t) => t.state === s).length;
    const queued = count('queued');
    const pendingWhy = tasks.find((t) => t.state === 'queued' && t.reason && t.reason !== 'None')?.reason;
    ctx.progress({
      step,
      done,
      total: tiles.length,
      label: `tiles on Slurm${pendingWhy && !count('running') ? ` (queued: ${pendingWhy})` : ''}`,
      etaSeconds: rate > 0 && done > resumed ? (tiles.length - done) / rate : undefined,
      cluster: {
        scheduler: 'slurm',
        jobIds: [...jobIds],
        tasksTotal: tasks.length,
        tasksDone: count('done'),
        queued,
        running: count('running'),
        failed: failedRuns,
        resubmitted,
      },
    });
  };
  const liveJobs = () => [
    ...new Set(tasks.filter((t) => t.state === 'queued' || t.state === 'running').map((t) => t.jobId)),
  ];
  const grace = r.graceSeconds ?? Math.max(30, 5 * o.pollSeconds);
  let queueErrors = 0;

  try {
    report();
    while (tasks.some((t) => t.state !== 'done')) {
      // between two squeue polls, watch the checkpoint: progress as tiles land, and no wait for the next
      // poll once the last one is there (tiles are written atomically: a present tile is a finished tile)
      const until = performance.now() + o.pollSeconds * 1000;
      let seen = tilesDone();
      while (performance.now() < until && !ctx.signal.aborted && seen < tiles.length) {
        await sleep(Math.min(250, until - performance.now()), ctx.signal);
        const now = tilesDone();
        if (now !== seen) report();
        seen = now;
      }
      if (ctx.signal.aborted) throw new CancelledError();
      if (seen >= tiles.length) {
        for (const t of tasks) t.state = 'done';
        break;
      }
      const q = new Map<string, QueueEntry>();
      let entries: QueueEntry[];
      try {
        entries = await client.queue(liveJobs());
        queueErrors = 0;
      } catch (e) {
        // a busy controller answers late now and then: judge nothing this round, give up after a while
        if (++queueErrors * o.pollSeconds > 300)
          throw new InputError(`${step}: squeue kept failing for 5 minutes: ${(e as Error).message}`);
        if (queueErrors === 1) ctx.log(`${step}: ${(e as Error).message}; trying again`);
        continue;
      }
      for (const e of entries) q.set(`${e.arrayJobId}_${e.taskId}`, e);
      const retry: ArrayTask[] = [];
      for (const t of tasks) {
        if (t.state === 'done') continue;
        const e = q.get(`${t.jobId}_${t.index}`);
        if (e) {
          t.state = e.state === 'PENDING' || e.state === 'CONFIGURING' ? 'queued' : 'running';
          t.node = e.node;
          t.reason = e.state === 'PENDING' ? e.reason : '';
          continue;
        }
        if (t.tiles.every((k) => checkpoint.has(k))) {
          t.state = 'done';
          continue;
        }
        const statusPath = join(runDir, 'status', `task-${t.index}.json`);
        const logPath = join(runDir, 'logs', `${t.jobId}_${t.index}.out`);
        const final = await client.finalState(t.jobId, t.index);
        if (final?.state === 'COMPLETED' && t.completedAt === undefined) t.completedAt = performance.now();
        const v = judgeFinishedTask({
          step,
          what: what(t),
          workDir: ctx.workDir,
          checkpointDir: checkpoint.dir,
          final,
          status: existsSync(statusPath) ? (JSON.parse(readFileSync(statusPath, 'utf8')) as TaskStatus) : null,
          logPath,
          log: existsSync(logPath) ? readFileSync(logPath, 'utf8') : null,
          maxMemoryGb: o.maxMemoryGb,
          memMb: o.memMb,
          time: o.time,
          secondsSinceCompleted: t.completedAt === undefined ? 0 : (performance.now() - t.completedAt) / 1000,
          graceSeconds: grace,
        });
        if (v.kind === 'done') t.state = 'done';
        else if (v.kind === 'wait') t.state = 'running';
        else if (v.kind === 'fatal') throw new InputError(v.message);
        else {
          failedRuns++;
          if (t.attempts >= o.maxRetries)
            throw new InputError(
              `${step}: ${what(t)} ${v.why}; it was re-submitted ${t.attempts} time(s) already — giving up (insarstudio.slurm.maxRetries = ${o.maxRetries}; log: ${logPath})`,
            );
          ctx.log(`${step}: ${what(t)} ${v.why}; re-submitting it (retry ${t.attempts + 1} of ${o.maxRetries})`);
          t.state = 'failed';
          retry.push(t);
        }
      }
      if (retry.length) {
        for (const t of retry) rmSync(join(runDir, 'status', `task-${t.index}.json`), { force: true });
        const id = await submit(retry.map((t) => t.index));
        for (const t of retry) {
          Object.assign(t, { jobId: id, attempts: t.attempts + 1, state: 'queued', node: '', reason: '' });
          delete t.completedAt;
        }
        resubmitted += retry.length;
      }
      report();
    }
  } catch (e) {
    const live = liveJobs();
    if (live.length) {
      await client.cancel(live).catch(() => {});
      ctx.log(`${step}: scancel ${live.join(' ')}${e instanceof CancelledError ? ' (run cancelled)' : ''}`);
    }
    throw e;
  }
  rmSync(runDir, { recursive: true, force: true });
  return { resumed, jobIds };
}

/** runTiledStep's Slurm executor: the checkpoint it fills is the one the local pool would have filled. */
export async function runTiledStepOnSlurm(
  ctx: StepContext,
  step: string,
  tiles: Tile[],
  hash: string,
  task: (t: Tile) => TileTask,
): Promise<{ checkpoint: TileCheckpoint; resumed: number; seconds: number }> {
  const t0 = performance.now();
  const options = slurmOptions(ctx.template);
  const client = new SlurmClient();
  // an array a killed coordinator left would keep writing tiles: cancel it before taking the checkpoint
  await cancelLeftoverArrays(ctx.workDir, step, client, ctx.log);
  const checkpoint = new TileCheckpoint(ctx.workDir, step, hash);
  const { resumed } = await runTilesOnSlurm({ ctx, step, tiles, checkpoint, hash, task, options, client });
  if (resumed) ctx.log(`${step}: resumed, ${resumed} of ${tiles.length} tiles were already done`);
  return { checkpoint, resumed, seconds: (performance.now() - t0) / 1000 };
}
