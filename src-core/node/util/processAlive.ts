/** Whether a process still runs (for temp files named after their writer's pid). */
import { readFileSync } from 'node:fs';

/**
 * True while `pid` runs. A process we may not signal still runs (EPERM); a zombie does not: a killed
 * process whose parent died too waits to be reaped by PID 1, which in some containers takes a while, and
 * until then `kill(pid, 0)` still answers.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …" — the state follows the last ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) answered
  }
}
