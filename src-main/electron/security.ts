/**
 * The Electron shell's security decisions, without importing Electron (main.ts passes the real objects, the
 * tests fakes with the same surface):
 * - what a packaged build ignores from the environment (the dev server URL, the worker override) and where
 *   it takes the pipeline child from;
 * - the session: every permission request and check denied (the app needs none: no camera, clipboard API,
 *   notifications, geolocation, HID/USB/serial, fullscreen API, …), devices and screen capture refused;
 * - every web contents: no new windows, no navigation, no redirects, no <webview>.
 */
import { join } from 'node:path';

/** Environment variables that only development and tests may use; a packaged app drops them at start. */
export const DEV_ONLY_ENV = ['ELECTRON_RENDERER_URL', 'INSAR_STUDIO_WORKER'] as const;

export interface ShellPolicy {
  /** the electron-vite dev server to load instead of app://renderer/ (never in a packaged build) */
  devRendererUrl: string | null;
  /** the pipeline child's script (outside app.asar when packaged: utilityProcess cannot run from inside it) */
  pipelineScript: string | null;
  devTools: boolean;
}

/**
 * Decide from `app.isPackaged`, the environment and the resources folder. Packaged: the dev-only variables
 * are deleted from `env` (so no child inherits them) and ignored. Development: the dev server URL is taken
 * only when it is an http URL on the loopback interface.
 */
export function shellPolicy(opts: {
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  resourcesPath: string;
  /** where a development build finds the pipeline child (pool.ts findWorkerScript) */
  devPipelineScript: () => string | null;
}): ShellPolicy {
  if (opts.isPackaged) {
    for (const k of DEV_ONLY_ENV) delete opts.env[k];
    return {
      devRendererUrl: null,
      pipelineScript: join(opts.resourcesPath, 'app.asar.unpacked', 'out', 'node', 'workers', 'pipeline.process.js'),
      devTools: false,
    };
  }
  return {
    devRendererUrl: loopbackHttpUrl(opts.env.ELECTRON_RENDERER_URL),
    pipelineScript: opts.devPipelineScript(),
    devTools: true,
  };
}

function loopbackHttpUrl(v: string | undefined): string | null {
  if (!v) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) ? u.href : null;
  } catch {
    return null;
  }
}

/** What of Electron's Session this module touches. */
export interface SessionLike {
  setPermissionRequestHandler(
    h: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null,
  ): void;
  setPermissionCheckHandler(
    h: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null,
  ): void;
  setDevicePermissionHandler(h: ((details: unknown) => boolean) | null): void;
  setDisplayMediaRequestHandler(
    h: ((request: unknown, callback: (streams: Record<string, never>) => void) => void) | null,
  ): void;
}

/** Permissions the renderer may be granted: none (the map, plots and exports need no browser permission). */
export const ALLOWED_PERMISSIONS: readonly string[] = [];

export function denyPermissions(session: SessionLike, onDenied?: (permission: string) => void): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    const ok = ALLOWED_PERMISSIONS.includes(permission);
    if (!ok) onDenied?.(permission);
    callback(ok);
  });
  session.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.includes(permission));
  session.setDevicePermissionHandler(() => false);
  // an empty answer refuses screen capture
  session.setDisplayMediaRequestHandler((_req, callback) => callback({}));
}

/** What of Electron's WebContents this module touches. */
export interface WebContentsLike {
  setWindowOpenHandler(h: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (e: { preventDefault(): void }) => void,
  ): unknown;
}

export function lockWebContents(contents: WebContentsLike): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** BrowserWindow webPreferences: sandboxed, isolated, no Node, web security on. */
export function secureWebPreferences(preload: string, devTools: boolean) {
  return {
    preload,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools,
  } as const;
}
