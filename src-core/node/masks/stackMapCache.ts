/**
 * Per-pixel maps one step computes from the stack for a later step (modify_network → reference_point →
 * quick_overview), so each reads the stack once between them: kept in
 * `<workDir>/.insar-studio/cache/<kind>-<hash>.bin`, keyed by everything that determines them (the stack
 * file's identity, the kept pairs, the reference pixel). A different key is a different file (a stale map
 * is never used); a kind keeps only its latest file. Written atomically; unreadable files are ignored.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paramsHash } from '../pipeline/tiles';

export type CachedMap = Float32Array | Uint8Array;

function dir(workDir: string): string {
  return join(workDir, '.insar-studio', 'cache');
}

export function saveStackMaps(workDir: string, kind: string, key: unknown, maps: Record<string, CachedMap>): void {
  const d = dir(workDir);
  mkdirSync(d, { recursive: true });
  const name = `${kind}-${paramsHash(key)}.bin`;
  for (const f of readdirSync(d)) if (f.startsWith(`${kind}-`) && f !== name) rmSync(join(d, f), { force: true });
  const entries = Object.entries(maps);
  const header = Buffer.from(
    JSON.stringify(entries.map(([n, a]) => [n, a instanceof Float32Array ? 'f4' : 'u1', a.length])),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const tmp = join(d, `${name}.tmp-${process.pid}`);
  writeFileSync(
    tmp,
    Buffer.concat([len, header, ...entries.map(([, a]) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]),
  );
  renameSync(tmp, join(d, name));
}

export function loadStackMaps(workDir: string, kind: string, key: unknown): Record<string, CachedMap> | null {
  const f = join(dir(workDir), `${kind}-${paramsHash(key)}.bin`);
  if (!existsSync(f)) return null;
  try {
    const buf = readFileSync(f);
    const hl = buf.readUInt32LE(0);
    const names = JSON.parse(buf.subarray(4, 4 + hl).toString()) as [string, 'f4' | 'u1', number][];
    let off = 4 + hl;
    const out: Record<string, CachedMap> = {};
    for (const [n, t, len] of names) {
      const bytes = len * (t === 'f4' ? 4 : 1);
      const a = t === 'f4' ? new Float32Array(len) : new Uint8Array(len);
      new Uint8Array(a.buffer).set(buf.subarray(off, off + bytes));
      out[n] = a;
      off += bytes;
    }
    return off === buf.length ? out : null;
  } catch {
    return null;
  }
}
