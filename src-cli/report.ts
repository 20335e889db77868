/**
 * How the CLI reports an error: always one line on stderr (the last one), naming the file or key and what is
 * wrong. Bad input (the user's files, template values, missing or unreadable paths) exits 1; anything else is
 * a bug (exit 3; `INSAR_STUDIO_DEBUG=1` prints its stack trace above the line); a cancelled run exits 130.
 */
import { CancelledError, type ClusterProgress } from '../src-core/common/pipeline/types';
import { describeClusterProgress } from '../src-core/common/pipeline/clusterProgress';

const USER_ERRORS = new Set(['InputError', 'TemplateError', 'H5Error', 'DateError', 'FormatError', 'AriaError']);

/** What Node's file-system errors mean for the user, by `code`. */
const FS_ERRORS: Record<string, string> = {
  ENOENT: 'not found',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'a part of this path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  EEXIST: 'already exists',
  ENOTEMPTY: 'folder not empty',
};

/** Collapse a message that a library made multi-line (XML excerpts, stack-like details) into one line. */
export function oneLine(message: string): string {
  return message
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** The exit code and the one line for an error thrown by a command. */
export function describeError(e: unknown): { code: number; line: string } {
  const err = (e instanceof Error ? e : new Error(String(e))) as Error & {
    code?: string;
    path?: string;
    userError?: boolean;
  };
  if (err instanceof CancelledError || err.name === 'CancelledError' || err.name === 'AbortError')
    // the runner ended the pipeline process because a step did not stop by itself in time: say so
    return {
      code: 130,
      line: (err as { killed?: boolean }).killed ? `cancelled: ${oneLine(err.message)}` : 'cancelled',
    };
  if (USER_ERRORS.has(err.name) || err.userError) return { code: 1, line: `error: ${oneLine(err.message)}` };
  if (err.code && FS_ERRORS[err.code] && err.path)
    return { code: 1, line: `error: ${err.path}: ${FS_ERRORS[err.code]}` };
  const at = /\n\s+at (?:.*\()?(.*?:\d+):\d+\)?/.exec(err.stack ?? '')?.[1];
  return {
    code: 3,
    line:
      `internal error: ${oneLine(err.message || err.name)}${at ? ` (at ${at.replace(/^file:\/\//, '')})` : ''}; ` +
      'this is a bug: please report it (INSAR_STUDIO_DEBUG=1 prints the stack trace)',
  };
}

export function reportError(e: unknown): number {
  const { code, line } = describeError(e);
  if (code === 3 && process.env.INSAR_STUDIO_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.stderr.write(`insar-studio: ${line}\n`);
  return code;
}

/** A progress line on stderr, overwritten in place on a terminal. */
export function progressPrinter(): (p: {
  step: string;
  done: number;
  total: number;
  label?: string;
  etaSeconds?: number;
  cluster?: ClusterProgress;
}) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  let lastLine = '';
  return (p) => {
    const now = Date.now();
    if (tty && p.done < p.total && now - last < 200) return;
    last = now;
    const pct = p.total ? Math.round((100 * p.done) / p.total) : 0;
    const eta = p.etaSeconds !== undefined && p.done < p.total ? `, ETA ${p.etaSeconds.toFixed(0)} s` : '';
    const counts = p.cluster ? ` [${describeClusterProgress(p.cluster)}]` : '';
    const line = `${p.step}: ${p.done}/${p.total} (${pct}%)${p.label ? ` ${p.label}` : ''}${eta}${counts}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}${p.done >= p.total ? '\n' : ''}`);
    else if (p.cluster) {
      // in a log: a line when the array's state changes (not at every poll)
      const key = `${p.done} ${counts}`;
      if (key !== lastLine) process.stderr.write(`${line}\n`);
      lastLine = key;
    } else if (p.done === p.total || p.done === 0 || pct % 25 === 0) process.stderr.write(`${line}\n`);
  };
}
