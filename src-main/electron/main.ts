/**
 * Electron main process: one sandboxed, context-isolated window; the IPC handler table over the same
 * services as the browser host; CSP on every response; no navigation, no new windows.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, net, protocol, session } from 'electron';
import { pathToFileURL } from 'node:url';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../../src-shared/api';
import { createServices } from '../services/apiService';
import { contentSecurityPolicy } from '../host/csp';
import { forwardEvents, registerIpcHandlers, trustedFrame } from './ipcHandlers';
import { buildMenu } from './menu';

const devUrl = process.env.ELECTRON_RENDERER_URL;
const here = dirname(fileURLToPath(import.meta.url));

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
    const p = normalize(join(root, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (url.host !== 'renderer' || !p.startsWith(root + sep)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(p).toString());
    if (!p.endsWith('.html')) return res;
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy());
    headers.set('Content-Type', 'text/html; charset=utf-8');
    return new Response(res.body, { status: res.status, headers });
  });
}

// piscina cannot start a worker from inside app.asar: use the unpacked copy (build/electron-builder.yml)
if (app.isPackaged && !process.env.INSAR_STUDIO_WORKER)
  process.env.INSAR_STUDIO_WORKER = join(
    process.resourcesPath,
    'app.asar.unpacked',
    'out',
    'node',
    'workers',
    'tile.worker.js',
  );

async function createWindow(): Promise<void> {
  const services = createServices({
    transport: 'electron',
    appDataDir: app.getPath('userData'),
    dialogs: {
      pickFolder: async () => {
        const r = await dialog.showOpenDialog({ properties: ['openDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
    },
  });
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'InSAR Studio',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy({ devInlineScripts: !!devUrl })],
      },
    });
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());

  const origins = devUrl ? [`${new URL(devUrl).origin}/`] : [`${APP_ORIGIN}/`];
  const unregister = registerIpcHandlers(ipcMain, services.api, trustedFrame(origins));
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
    services.dispose();
  });
  if (devUrl) await win.loadURL(devUrl);
  else await win.loadURL(`${APP_ORIGIN}/index.html`);
}

process.on('unhandledRejection', (e) => console.error('unhandled:', e instanceof Error ? e.message : e));
app.enableSandbox();
void app.whenReady().then(() => {
  serveRenderer();
  return createWindow();
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) void createWindow();
});
