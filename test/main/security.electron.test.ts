/**
 * Issue #16 finding 5 (and listDir of finding 4), the Electron shell's contract without Electron's binary:
 * src-main/electron/main.ts runs against a stand-in `electron` module that records what main asks of it —
 * the window's webPreferences, the session's permission handlers, the handlers on every web contents, the
 * CSP, the IPC channels, where the pipeline child starts (utilityProcess) — in a packaged and a development
 * configuration. Plus the fuses in build/electron-builder.yml, validated by electron-builder's own schema.
 */
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { API_METHODS, IPC_PREFIX } from '../../src-shared/api';
import { IPC_METHODS } from '../../src-main/electron/ipcMethods';
import { buildPreloadApi } from '../../src-main/electron/preloadApi';
import { workerOverride } from '../../src-core/node/pipeline/pool';
import { REPO_ROOT } from '../helpers/fixtures';
import { makeDemo, tempDirs } from './helpers';

const tmp = tempDirs();
let demo: Awaited<ReturnType<typeof makeDemo>>;
beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
  demo = await makeDemo({ rows: 20, cols: 30, numDates: 6 });
}, 120_000);
afterAll(async () => {
  tmp.cleanup();
  const { rmSync } = await import('node:fs');
  if (demo) rmSync(demo.root, { recursive: true, force: true });
});

type Handler = (...a: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Everything main.ts asked of the stand-in Electron. */
interface Recorded {
  windows: FakeWindow[];
  contents: FakeContents[];
  permissionRequest?: Handler;
  permissionCheck?: Handler;
  devicePermission?: Handler;
  displayMedia?: Handler;
  headers?: Handler;
  protocol?: Handler;
  schemes?: unknown;
  ipc: Map<string, Handler>;
  menu?: { template: { label?: string; submenu?: { role?: string }[] }[] };
  forks: { modulePath: string; options: unknown; child: EventEmitter }[];
  fetched: string[];
  sandboxed: boolean;
}

class FakeContents extends EventEmitter {
  openHandler?: Handler;
  sent: unknown[] = [];
  setWindowOpenHandler(h: Handler) {
    this.openHandler = h;
  }
  send(ch: string, payload: unknown) {
    this.sent.push([ch, payload]);
  }
}
class FakeWindow extends EventEmitter {
  url = '';
  webContents = new FakeContents();
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
  }
  isDestroyed() {
    return false;
  }
  async loadURL(u: string) {
    this.url = u;
  }
}

function fakeElectron(isPackaged: boolean, userData: string): { module: Record<string, unknown>; rec: Recorded } {
  const rec: Recorded = { windows: [], contents: [], ipc: new Map(), forks: [], fetched: [], sandboxed: false };
  const app = Object.assign(new EventEmitter(), {
    isPackaged,
    getPath: () => userData,
    whenReady: () => Promise.resolve(),
    enableSandbox: () => void (rec.sandboxed = true),
    quit: () => {},
  });
  class BrowserWindow extends FakeWindow {
    static getAllWindows = () => rec.windows;
    constructor(o: { webPreferences: Record<string, unknown> }) {
      super(o);
      rec.windows.push(this);
      rec.contents.push(this.webContents);
      app.emit('web-contents-created', {}, this.webContents);
    }
  }
  const module = {
    app,
    BrowserWindow,
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (m: Recorded['menu']) => void (rec.menu = m),
    },
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
    },
    ipcMain: {
      handle: (ch: string, fn: Handler) => void rec.ipc.set(ch, fn),
      removeHandler: (ch: string) => void rec.ipc.delete(ch),
    },
    net: {
      fetch: async (url: string) => {
        rec.fetched.push(url);
        return new Response('<!doctype html><html><head></head></html>', { status: 200 });
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown) => void (rec.schemes = s),
      handle: (_scheme: string, fn: Handler) => void (rec.protocol = fn),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: Handler) => void (rec.headers = fn) },
        setPermissionRequestHandler: (h: Handler) => void (rec.permissionRequest = h),
        setPermissionCheckHandler: (h: Handler) => void (rec.permissionCheck = h),
        setDevicePermissionHandler: (h: Handler) => void (rec.devicePermission = h),
        setDisplayMediaRequestHandler: (h: Handler) => void (rec.displayMedia = h),
      },
    },
    utilityProcess: {
      fork: (modulePath: string, _args: string[], options: unknown) => {
        const child = Object.assign(new EventEmitter(), {
          pid: 4242,
          postMessage: () => {},
          kill: () => {
            child.emit('exit', 1);
            return true;
          },
        });
        rec.forks.push({ modulePath, options, child });
        setImmediate(() => child.emit('spawn'));
        return child;
      },
    },
  };
  return { module, rec };
}

const savedEnv = { ...process.env };
const savedResources = (process as { resourcesPath?: string }).resourcesPath;
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  (process as { resourcesPath?: string }).resourcesPath = savedResources;
  vi.doUnmock('electron');
  vi.resetModules();
});

/** Load main.ts against the stand-in and wait until its window has loaded. */
async function startMain(isPackaged: boolean, env: Record<string, string>): Promise<Recorded> {
  Object.assign(process.env, env);
  const resources = tmp.mk('insar-resources-');
  (process as { resourcesPath?: string }).resourcesPath = resources;
  const { module, rec } = fakeElectron(isPackaged, tmp.mk('insar-userdata-'));
  vi.resetModules();
  vi.doMock('electron', () => ({ ...module, default: module }));
  await import('../../src-main/electron/main');
  for (let i = 0; i < 200 && !rec.windows[0]?.url; i++) await new Promise((ok) => setTimeout(ok, 10));
  expect(rec.windows).toHaveLength(1);
  return rec;
}

function closeWindow(rec: Recorded): void {
  rec.windows[0].emit('closed');
}

const PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'pointerLock',
  'keyboardLock',
  'openExternal',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'unknown',
  'fileSystem',
  'hid',
  'serial',
  'usb',
];

describe('packaged build', () => {
  test('ignores ELECTRON_RENDERER_URL and INSAR_STUDIO_WORKER, and drops them for every child', async () => {
    const rec = await startMain(true, {
      ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/',
      INSAR_STUDIO_WORKER: '/tmp/evil-worker.js',
    });
    expect(rec.windows[0].url).toBe('app://renderer/index.html');
    expect(process.env.ELECTRON_RENDERER_URL).toBeUndefined();
    expect(process.env.INSAR_STUDIO_WORKER).toBeUndefined();
    // only our own app:// frames may call, never the dev server's
    const dev = await rec.ipc.get(IPC_PREFIX + 'capabilities')!({ senderFrame: { url: 'http://127.0.0.1:5173/' } });
    expect(dev.ok).toBe(false);
    const own = await rec.ipc.get(IPC_PREFIX + 'capabilities')!({ senderFrame: { url: 'app://renderer/index.html' } });
    expect(own).toMatchObject({ ok: true, result: { transport: 'electron', nativeDialogs: true } });
    closeWindow(rec);
  });

  test('window: sandbox, context isolation, no Node, no webview, no DevTools', async () => {
    const rec = await startMain(true, {});
    expect(rec.sandboxed).toBe(true);
    expect(rec.windows[0].options.webPreferences).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    // (the View menu's Toggle Developer Tools does nothing with webPreferences.devTools off)
    closeWindow(rec);
  });

  test('every permission request and check is denied; devices and screen capture refused', async () => {
    const refused = vi.spyOn(console, 'error').mockImplementation(() => {});
    const rec = await startMain(true, {});
    for (const p of PERMISSIONS) {
      const granted = await new Promise<boolean>((ok) => rec.permissionRequest!({}, p, ok, {}));
      expect(granted, p).toBe(false);
      expect(rec.permissionCheck!({}, p, 'app://renderer', {}), p).toBe(false);
    }
    expect(rec.devicePermission!({ deviceType: 'usb', origin: 'app://renderer' })).toBe(false);
    const streams = await new Promise((ok) => rec.displayMedia!({}, ok));
    expect(streams).toEqual({});
    expect(refused).toHaveBeenCalledWith('permission refused: geolocation');
    refused.mockRestore();
    closeWindow(rec);
  });

  test('every web contents: no new window, no navigation, no redirect, no <webview>', async () => {
    const rec = await startMain(true, {});
    const wc = rec.contents[0];
    expect(wc.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      wc.emit(ev, { preventDefault: () => (prevented = true) }, 'https://evil.example/');
      expect(prevented, ev).toBe(true);
    }
    closeWindow(rec);
  });

  test('CSP on every response: no socket, no inline script, form-action none; app:// serves only its folder', async () => {
    const rec = await startMain(true, {});
    const csp = await new Promise<string>((ok) =>
      rec.headers!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) =>
        ok(r.responseHeaders['Content-Security-Policy'][0]),
      ),
    );
    expect(csp).not.toMatch(/ws:|\*/);
    expect(csp).not.toContain("unsafe-inline'; worker");
    expect(csp).toMatch(/script-src 'self' blob:;/);
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("connect-src 'self' blob: data:");
    const page = (await rec.protocol!(new Request('app://renderer/index.html'))) as Response;
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(rec.fetched[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    for (const u of ['app://renderer/..%2f..%2fpackage.json', 'app://renderer/%E0%A4%A', 'app://other/index.html']) {
      const r = (await rec.protocol!(new Request(u))) as Response;
      expect([400, 404], u).toContain(r.status);
    }
    expect(rec.fetched).toHaveLength(1);
    closeWindow(rec);
  });

  test('IPC: every method but listDir; the pipeline child starts as a utilityProcess from app.asar.unpacked', async () => {
    const rec = await startMain(true, {});
    expect([...rec.ipc.keys()].sort()).toEqual(IPC_METHODS.map((m) => IPC_PREFIX + m).sort());
    expect(rec.ipc.has(IPC_PREFIX + 'listDir')).toBe(false);
    const frame = { senderFrame: { url: 'app://renderer/index.html' } };
    const call = (m: string, ...a: unknown[]) => rec.ipc.get(IPC_PREFIX + m)!(frame, ...a);
    expect((await call('openProject', demo.folder)).ok).toBe(true);
    expect((await call('runPipeline')).ok).toBe(true);
    for (let i = 0; i < 100 && !rec.forks.length; i++) await new Promise((ok) => setTimeout(ok, 10));
    expect(rec.forks).toHaveLength(1);
    const resources = (process as { resourcesPath?: string }).resourcesPath!;
    expect(rec.forks[0].modulePath).toBe(
      join(resources, 'app.asar.unpacked', 'out', 'node', 'workers', 'pipeline.process.js'),
    );
    expect(rec.forks[0].options).toMatchObject({ serviceName: 'InSAR Studio pipeline' });
    rec.forks[0].child.emit('exit', 1); // the stand-in child ends; the run is recorded as failed
    for (let i = 0; i < 100; i++) {
      const runs = (await call('runs')).result as { status: string }[];
      if (runs[0]?.status !== 'running') break;
      await new Promise((ok) => setTimeout(ok, 10));
    }
    expect(((await call('runs')).result as { status: string }[])[0].status).toBe('failed');
    closeWindow(rec);
  });
});

describe('development build', () => {
  test('loads the dev server (loopback http only), keeps DevTools and the environment', async () => {
    const rec = await startMain(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' });
    expect(rec.windows[0].url).toBe('http://localhost:5173/');
    expect(rec.windows[0].options.webPreferences.devTools).toBe(true);
    expect(process.env.ELECTRON_RENDERER_URL).toBe('http://localhost:5173/');
    const csp = await new Promise<string>((ok) =>
      rec.headers!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) =>
        ok(r.responseHeaders['Content-Security-Policy'][0]),
      ),
    );
    expect(csp).toContain("script-src 'self' blob: 'unsafe-inline'");
    const frame = { senderFrame: { url: 'http://localhost:5173/' } };
    expect((await rec.ipc.get(IPC_PREFIX + 'capabilities')!(frame)).ok).toBe(true);
    expect((await rec.ipc.get(IPC_PREFIX + 'openProject')!(frame, demo.folder)).ok).toBe(true);
    expect((await rec.ipc.get(IPC_PREFIX + 'runPipeline')!(frame)).ok).toBe(true);
    for (let i = 0; i < 100 && !rec.forks.length; i++) await new Promise((ok) => setTimeout(ok, 10));
    expect(rec.forks[0].modulePath).toBe(join(REPO_ROOT, 'out', 'node', 'workers', 'pipeline.process.js'));
    rec.forks[0].child.emit('exit', 1);
    closeWindow(rec);
  });

  test('a dev server URL that is not loopback http is ignored', async () => {
    for (const u of ['https://evil.example/', 'file:///tmp/x.html', 'http://192.168.1.5:5173/', 'not a url']) {
      const rec = await startMain(false, { ELECTRON_RENDERER_URL: u });
      expect(rec.windows[0].url, u).toBe('app://renderer/index.html');
      closeWindow(rec);
      vi.resetModules();
    }
  });
});

describe('worker override and preload', () => {
  test('INSAR_STUDIO_WORKER is honoured only in development and tests', () => {
    const script = join(REPO_ROOT, 'out', 'node', 'workers', 'tile.worker.js');
    expect(workerOverride({ INSAR_STUDIO_WORKER: script, NODE_ENV: 'test' })).toBe(script);
    expect(workerOverride({ INSAR_STUDIO_WORKER: script, NODE_ENV: 'development' })).toBe(script);
    expect(workerOverride({ INSAR_STUDIO_WORKER: script, NODE_ENV: 'production' })).toBeNull();
    expect(workerOverride({ INSAR_STUDIO_WORKER: script })).toBeNull();
    expect(workerOverride({ INSAR_STUDIO_WORKER: '/nonexistent.js', NODE_ENV: 'test' })).toBeNull();
  });

  test('the preload exposes every method; listDir rejects without reaching main', async () => {
    const invoked: string[] = [];
    const client = buildPreloadApi(
      async (ch) => {
        invoked.push(ch);
        return { ok: true, result: null };
      },
      () => () => {},
    ) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(Object.keys(client).sort()).toEqual([...API_METHODS, 'on'].sort());
    await expect(client.listDir('/')).rejects.toThrow(/not available in the desktop app/);
    await client.projectInfo();
    expect(invoked).toEqual([IPC_PREFIX + 'projectInfo']);
  });
});

describe('fuses (build/electron-builder.yml)', () => {
  test("valid for electron-builder's schema; RunAsNode, NODE_OPTIONS, inspect off; cookies encrypted; asar only", async () => {
    const require = createRequire(import.meta.url);
    const cfg = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(dir: string, path: string, opts: null): Promise<Record<string, unknown>>;
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    const config = await cfg.getConfig(REPO_ROOT, join(REPO_ROOT, 'build', 'electron-builder.yml'), null);
    await cfg.validateConfiguration(config, { isEnabled: false, add: () => {} });
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
    // the schema really checks the fuses: a misspelt one is refused
    await expect(
      cfg.validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, { isEnabled: false, add: () => {} }),
    ).rejects.toThrow(/electronFuses|runAsNod/);
  });
});
