/** Small-file I/O shared by every step: atomic writes (temp beside the target, then rename) and JSON reads that name the file. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

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
