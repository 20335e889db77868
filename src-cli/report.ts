/** Shared CLI error reporting: user errors print one line and exit 1; anything else is a bug (exit 3). */
import { CancelledError, type ClusterProgress } from '../src-core/common/pipeline/types';

const USER_ERRORS = new Set(['InputError', 'TemplateError', 'H5Error', 'DateError', 'FormatError', 'AriaError']);

export function reportError(e: unknown): number {
  const err = e as Error;
  if (err instanceof CancelledError) {
    process.stderr.write('insar-studio: cancelled\n');
    return 130;
  }
  if (USER_ERRORS.has(err?.name) || (err as { userError?: boolean })?.userError) {
    process.stderr.write(`insar-studio: error: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`insar-studio: internal error: ${err?.stack ?? String(e)}\n`);
  return 3;
}

/** The Slurm array's counts, as the progress line shows them. */
export function clusterCounts(c: ClusterProgress): string {
  return (
    `[Slurm ${c.jobIds.join('+')}: ${c.tasksDone}/${c.tasksTotal} tasks done, ${c.queued} queued, ${c.running} running` +
    `${c.failed ? `, ${c.failed} failed` : ''}${c.resubmitted ? `, ${c.resubmitted} re-submitted` : ''}]`
  );
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
    const counts = p.cluster ? ` ${clusterCounts(p.cluster)}` : '';
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
