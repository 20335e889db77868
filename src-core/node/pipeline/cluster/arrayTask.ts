/**
 * One Slurm array task, on a compute node (`insar-studio slurm-task <manifest> <index>`): run the tiles the
 * manifest lists for this index with the same task function the local pool runs, and save each into the
 * coordinator's checkpoint with the same atomic write — so a Slurm run's outputs are bit-identical to a local
 * run's and a killed coordinator resumes from them. Tiles already saved (an earlier attempt) are skipped.
 * A missing input is reported as such (status file + exit 66): the work folder is not visible on this node.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createPool } from '../pool';
import { TileCheckpoint, runTileLoop, type Tile } from '../tiles';
import { readManifest, taskInputFiles, taskOf } from './manifest';
import type { TaskStatus } from './slurmArray';

export const EXIT_NOINPUT = 66;

export async function runArrayTask(
  manifestPath: string,
  index: number,
  opts: { cpus?: number; out?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const host = hostname();
  const say = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (!existsSync(manifestPath)) {
    say(`insar-studio slurm-task: ${manifestPath} not found on ${host}: the work folder is not visible on this node`);
    return EXIT_NOINPUT;
  }
  const m = readManifest(manifestPath);
  const status = (s: Omit<TaskStatus, 'host'>) => {
    say(`insar-studio slurm-task: ${s.message}`);
    try {
      writeFileSync(join(m.runDir, 'status', `task-${index}.json`), JSON.stringify({ ...s, host }));
    } catch {
      /* the status folder is not writable either: the coordinator reads the log and the exit code */
    }
  };
  const group = m.groups[index];
  if (!group) {
    status({ kind: 'error', message: `array index ${index} is not in ${manifestPath} (0–${m.groups.length - 1})` });
    return 2;
  }
  const tasks = new Map(group.map((k) => [k, taskOf(m, k)]));
  for (const t of tasks.values())
    for (const f of taskInputFiles(t))
      if (!existsSync(f)) {
        status({ kind: 'noinput', message: `input ${f} not found` });
        return EXIT_NOINPUT;
      }
  let checkpoint: TileCheckpoint;
  try {
    checkpoint = new TileCheckpoint(m.workDir, m.step, m.hash, true);
  } catch (e) {
    status({ kind: 'noinput', message: (e as Error).message });
    return EXIT_NOINPUT;
  }
  const tiles: Tile[] = group.map((k) => ({ index: k, r0: m.rows[k][0], r1: m.rows[k][1] }));
  const cpus = Math.max(1, opts.cpus ?? 1);
  // one core: the task function in this process (no thread start-up); more: the same piscina pool as locally
  const pool = createPool(cpus > 1 && tiles.length > 1 ? cpus : 0);
  const t0 = performance.now();
  try {
    const { resumed } = await runTileLoop(
      tiles,
      checkpoint,
      (t, signal) => pool.run(tasks.get(t.index)!, signal).then((r) => r.arrays),
      { concurrency: pool.size, signal: opts.signal },
    );
    say(
      `${m.step}: array task ${index} on ${host}: tiles ${group.join(',')} saved in ${((performance.now() - t0) / 1000).toFixed(2)} s` +
        (resumed ? ` (${resumed} were already there)` : ''),
    );
    return 0;
  } catch (e) {
    status({ kind: 'error', message: (e as Error).message || String(e) });
    return 1;
  } finally {
    await pool.destroy();
  }
}
