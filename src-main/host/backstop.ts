/**
 * The last line of defence of a long-lived process that serves the UI (browser host, Electron main): an
 * exception or rejection nobody caught is logged with its stack and the process keeps serving, so a bug in
 * one request handler or background task cannot take a running pipeline down with it. Every handler is
 * guarded on its own (server.ts); this only catches what slipped through.
 */
export interface ProcessLike {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (e: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (e: unknown) => void): unknown;
}

export function installCrashBackstop(
  proc: ProcessLike = process,
  log: (message: string) => void = (m) => console.error(m),
): () => void {
  const describe = (e: unknown) => (e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
  const onException = (e: unknown) => log(`internal error (kept serving): ${describe(e)}`);
  const onRejection = (e: unknown) => log(`unhandled rejection (kept serving): ${describe(e)}`);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
