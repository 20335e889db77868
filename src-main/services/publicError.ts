/**
 * What an error tells the renderer: its class name and a message without absolute paths. A path inside the
 * open project becomes project-relative (`exports/velocity.kmz`), any other absolute path its last part
 * (`…/velocity.kmz`), so a message names the file without exposing the disk's layout (home folder, install
 * folder, other users' folders). The full message goes to the host's own log for the user.
 */
import { isAbsolute, relative, sep, win32 } from 'node:path';
import type { ApiErrorPayload } from '../../src-shared/api';

// POSIX absolute paths and Windows drive/UNC paths, up to a quote, whitespace or a closing bracket/comma
const ABS_PATH = /(?<![\w.~:/\\])(?:[A-Za-z]:[\\/]|\\\\|\/)[^\s'"`,;()<>[\]{}]*/g;

export function redactPaths(message: string, workDir: string | null): string {
  return message.replace(ABS_PATH, (p) => {
    const trail = /[.:]+$/.exec(p)?.[0] ?? '';
    const path = trail ? p.slice(0, -trail.length) : p;
    if (!path || path === '/' || !(isAbsolute(path) || win32.isAbsolute(path))) return p;
    if (workDir) {
      const rel = relative(workDir, path);
      if (rel === '') return '.' + trail;
      if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/') + trail;
    }
    const parts = path.split(/[\\/]+/).filter(Boolean);
    return (parts.length ? `…/${parts[parts.length - 1]}` : '…') + trail;
  });
}

export function publicError(e: unknown, workDir: string | null): ApiErrorPayload {
  const err = e instanceof Error ? e : new Error(String(e));
  const name = typeof err.name === 'string' && /^\w{1,64}$/.test(err.name) ? err.name : 'Error';
  return { name, message: redactPaths(String(err.message ?? ''), workDir).slice(0, 2000) };
}
