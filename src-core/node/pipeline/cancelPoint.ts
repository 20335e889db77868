/**
 * Cancel points for the long loops of the steps. A cancel reaches a run as an event (the pipeline process's
 * `cancel` message, the CLI's SIGINT) that Node delivers only when the event loop turns, so a loop that
 * merely reads `signal.aborted` between synchronous blocks never sees it. `cancelPoint` lets the loop turn
 * (at most every `everyMs` of work, so it costs nothing measurable) and then throws CancelledError if the
 * run was cancelled.
 */
import { CancelledError } from '../../common/pipeline/types';

let lastTurn = performance.now();

/**
 * Two `setImmediate` turns: whatever phase of the event loop this is called from, the second one runs
 * after a poll phase, where the IPC channel and signals are read.
 */
function turn(): Promise<void> {
  return new Promise((ok) => setImmediate(() => setImmediate(ok)));
}

/** Call between blocks of a long loop: yields to the event loop when due, then throws if cancelled. */
export async function cancelPoint(signal: AbortSignal | undefined, everyMs = 30): Promise<void> {
  if (performance.now() - lastTurn >= everyMs) {
    await turn();
    lastTurn = performance.now();
  }
  if (signal?.aborted) throw new CancelledError();
}
