/**
 * Electron main process: one sandboxed, context-isolated window; the IPC handler table over the same
 * services as the browser host; CSP on every response; no navigation, no new windows.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../../src-shared/api';
import { createServices } from '../services/apiService';
import { CSP } from '../host/server';
import { forwardEvents, registerIpcHandlers, trustedFrame } from './ipcHandlers';
import { buildMenu } from './menu';

const devUrl = process.env.ELECTRON_RENDERER_URL;
const here = dirname(fileURLToPath(import.meta.url));

// piscina cannot start a worker from inside app.asar: use the unpacked copy (build/electron-builder.yml)
if (app.isPackaged && !process.env.INSAR_STUDIO_WORKER)
  process.env.INSAR_STUDIO_WORKER = join(process.resourcesPath, 'app.asar.unpacked', 'out', 'node', 'workers', 'tile.worker.js');

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
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [devUrl ? CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'") : CSP] } });
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());

  const origins = devUrl ? [new URL(devUrl).origin] : ['file://'];
  const unregister = registerIpcHandlers(ipcMain, services.api, trustedFrame(origins));
  const unforward = forwardEvents(services.events, (ch, payload) => {
    if (!win.isDestroyed()) win.webContents.send(ch, payload);
  });
  const notifyError = (message: string) => win.webContents.send(IPC_EVENT_CHANNEL, { event: 'onLog', payload: { runId: 0, time: new Date().toISOString(), message: `error: ${message}` } });
  Menu.setApplicationMenu(buildMenu(win, services, notifyError));
  services.events.on('onProjectChanged', () => Menu.setApplicationMenu(buildMenu(win, services, notifyError)));
  win.on('closed', () => {
    unforward();
    unregister();
    services.dispose();
  });
  if (devUrl) await win.loadURL(devUrl);
  else await win.loadFile(join(here, '../renderer/index.html'));
}

app.enableSandbox();
void app.whenReady().then(createWindow);
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0) void createWindow();
});
