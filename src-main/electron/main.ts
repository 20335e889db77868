/**
 * Electron main process: one sandboxed, context-isolated window; the IPC handler table over the same
 * services as the browser host; CSP on every response; every permission denied; no navigation, no new
 * windows, no <webview>; the pipeline child in a utilityProcess (so the RunAsNode fuse is off,
 * build/electron-builder.yml). A packaged build ignores the development environment variables
 * (security.ts shellPolicy) and has no DevTools.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, net, protocol, session, utilityProcess } from 'electron';
import { pathToFileURL } from 'node:url';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../../src-shared/api';
import { findWorkerScript } from '../../src-core/node/pipeline/pool';
import { createServices } from '../services/apiService';
import { processRunner } from '../../src-core/node/pipeline/processRunner';
import { contentSecurityPolicy } from '../host/csp';
import { installCrashBackstop } from '../host/backstop';
import { forwardEvents, registerIpcHandlers, trustedFrame } from './ipcHandlers';
import { buildMenu } from './menu';
import { denyPermissions, lockWebContents, secureWebPreferences, shellPolicy } from './security';
import { utilityLauncher } from './utilityLauncher';

const here = dirname(fileURLToPath(import.meta.url));
const policy = shellPolicy({
  isPackaged: app.isPackaged,
  env: process.env,
  resourcesPath: process.resourcesPath,
  devPipelineScript: () => findWorkerScript('pipeline.process.js'),
});
const devUrl = policy.devRendererUrl;

// The renderer is served from app://renderer/ (a privileged standard scheme) rather than file://, so
// module workers, fetch and a 'self' CSP behave as on the web.
const APP_ORIGIN = 'app://renderer';
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);

function serveRenderer(): void {
  const root = resolve(here, '../renderer');
  protocol.handle('app', async (req) => {
    const url = new URL(req.url);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      return new Response('bad request', { status: 400 });
    }
    const p = normalize(join(root, rel));
    if (url.host !== 'renderer' || rel.includes('\0') || !p.startsWith(root + sep))
      return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(p).toString());
    const headers = new Headers(res.headers);
    headers.set('X-Content-Type-Options', 'nosniff');
    if (p.endsWith('.html')) {
      headers.set('Content-Security-Policy', contentSecurityPolicy());
      headers.set('Content-Type', 'text/html; charset=utf-8');
    }
    return new Response(res.body, { status: res.status, headers });
  });
}

async function createWindow(): Promise<void> {
  const services = createServices({
    transport: 'electron',
    appDataDir: app.getPath('userData'),
    // the pipeline child in Electron's utilityProcess (no RunAsNode); in-process only if the bundle is missing
    ...(policy.pipelineScript
      ? { runner: processRunner(policy.pipelineScript, { launch: utilityLauncher(utilityProcess) }) ?? undefined }
      : {}),
    dialogs: {
      pickFolder: async () => {
        const r = await dialog.showOpenDialog({ properties: ['openDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      // every export goes where the user chooses here, and nowhere else (services/exportPaths.ts)
      saveFile: async (defaultPath) => {
        const ext = extname(defaultPath).slice(1);
        const r = await dialog.showSaveDialog({
          defaultPath,
          ...(ext ? { filters: [{ name: ext.toUpperCase(), extensions: [ext] }] } : {}),
        });
        return r.canceled || !r.filePath ? null : r.filePath;
      },
    },
  });
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'InSAR Studio',
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs'), policy.devTools),
  });
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy({ devInlineScripts: !!devUrl })],
      },
    });
  });

  const origins = devUrl ? [`${new URL(devUrl).origin}/`] : [`${APP_ORIGIN}/`];
  const unregister = registerIpcHandlers(
    ipcMain,
    services.api,
    trustedFrame(origins),
    () => services.projects.current?.workDir ?? null,
  );
  const unforward = forwardEvents(services.events, (ch, payload) => {
    if (!win.isDestroyed()) win.webContents.send(ch, payload);
  });
  const notifyError = (message: string) =>
    win.webContents.send(IPC_EVENT_CHANNEL, {
      event: 'onLog',
      payload: { runId: 0, time: new Date().toISOString(), message: `error: ${message}` },
    });
  Menu.setApplicationMenu(buildMenu(win, services, notifyError));
  services.events.on('onProjectChanged', () => Menu.setApplicationMenu(buildMenu(win, services, notifyError)));
  win.on('closed', () => {
    unforward();
    unregister();
    // a running pipeline is cancelled; its child gets the grace period, then is killed (see will-quit)
    const done = services.shutdown().finally(() => closing.delete(done));
    closing.add(done);
  });
  if (devUrl) await win.loadURL(devUrl);
  else await win.loadURL(`${APP_ORIGIN}/index.html`);
}

/** services still shutting down (a run being cancelled): the app waits for them before it quits */
const closing = new Set<Promise<void>>();

installCrashBackstop();
app.enableSandbox();
app.on('will-quit', (e) => {
  if (!closing.size) return;
  e.preventDefault();
  void Promise.allSettled([...closing]).then(() => app.quit());
});
// every web contents, now and later: no new windows, no navigation, no redirects, no <webview>
app.on('web-contents-created', (_e, contents) => lockWebContents(contents));
void app.whenReady().then(() => {
  denyPermissions(session.defaultSession, (p) => console.error(`permission refused: ${p}`));
  serveRenderer();
  return createWindow();
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) void createWindow();
});
