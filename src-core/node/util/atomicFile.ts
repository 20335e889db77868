/** Small-file I/O shared by every step: atomic writes (temp beside the target, then rename) and JSON reads that name the file. */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { processAlive } from './processAlive';

/**
 * Write `data` to a temp file beside `path`, then rename it over `path` (readers see the old or the new file,
 * never a half-written one). The temp name is unguessable (96 random bits) and created exclusively
 * (O_CREAT|O_EXCL: never an existing file, never through a symbolic link someone placed there); it is removed
 * if anything fails. The rename replaces a symbolic link at `path` itself, never the file it points to.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(12).toString('hex')}`;
  let created = false;
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    created = true;
    renameSync(tmp, path);
  } catch (e) {
    // only our own temp file (wx failing means the name was someone else's: leave it)
    if (created || (e as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown, indent = 2): void {
  writeFileAtomic(path, JSON.stringify(value, null, indent) + '\n');
}

/** Parse a JSON file; null if it does not exist; an Error naming the file if it is not JSON. */
export function readJsonFile<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Remove the temp files a pipeline process left in `workDir` when it was killed or crashed mid-write: the
 * HDF5 writers' `<file>.tmp-<pid>-<id>`, the tile checkpoint's `<tile>.<host>-<pid>.tmp`, the stack-map
 * cache's `<file>.tmp-<pid>`, and writeFileAtomic's `<file>.tmp-<24 hex>` (no pid in that name, by design)
 * when written since `since` (ms, the run's start). Looks in `workDir` and its sub-folders (inputs/,
 * .insar-studio/…), follows no symbolic link. Returns how many were removed.
 */
export function removeTempFilesOf(workDir: string, pid: number, since = -Infinity, depth = 4): number {
  const byPid = new RegExp(`(\\.tmp-${pid}(-[0-9a-z]+)?|-${pid}\\.tmp)$`);
  const atomic = /\.tmp-[0-9a-f]{24}$/;
  let removed = 0;
  const walk = (dir: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const f of names) {
      const p = join(dir, f);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (level < depth) walk(p, level + 1);
      } else if (st.isFile() && (byPid.test(f) || (atomic.test(f) && st.mtimeMs >= since))) {
        rmSync(p, { force: true });
        removed++;
      }
    }
  };
  walk(workDir, 0);
  return removed;
}

/**
 * Remove the temp files in `dir` whose writer is gone: `pidOf` names the writer's pid a file name carries (null:
 * not one of these temp files); files of this process and of running processes stay. Returns how many went.
 */
export function removeDeadWriterTemps(dir: string, pidOf: (name: string) => number | null): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const f of names) {
    const pid = pidOf(f);
    if (pid && pid !== process.pid && !processAlive(pid)) {
      rmSync(join(dir, f), { force: true });
      removed++;
    }
  }
  return removed;
}
