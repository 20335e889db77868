/** Ctrl-C (SIGINT) and SIGTERM as a cancel of the run in progress, for the commands that run the pipeline. */

/**
 * Run `work` with a signal that aborts on SIGINT or SIGTERM (the pipeline process then stops at once, its
 * outputs whole); the handlers go when `work` settles.
 */
export async function cancelOnInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  try {
    return await work(ac.signal);
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
}
