/**
 * The renderer's Content-Security-Policy, one builder for both shells. No inline scripts, no plugins, no
 * framing, no form submissions anywhere (`form-action 'none'`), no `<base>`; scripts and workers from the
 * app's own origin (+ blob: for MapLibre's worker). `connect-src` names the one event socket of the browser
 * host exactly (`ws://127.0.0.1:PORT`, never a wildcard port); Electron's window needs no socket at all.
 */
export interface CspOptions {
  /** exact WebSocket origins the page may connect to, e.g. `ws://127.0.0.1:5123` */
  sockets?: string[];
  /** the Electron dev server (never packaged builds) injects inline scripts for HMR */
  devInlineScripts?: boolean;
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  for (const s of opts.sockets ?? [])
    if (!/^wss?:\/\/[\w.-]+:\d{1,5}$/.test(s)) throw new Error(`CSP: "${s}" is not an exact ws://host:port origin`);
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", 'blob:', ...(opts.devInlineScripts ? ["'unsafe-inline'"] : [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['child-src', ['blob:']],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['connect-src', ["'self'", ...(opts.sockets ?? []), 'blob:', 'data:']],
    ['font-src', ["'self'", 'data:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}
