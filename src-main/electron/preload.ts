/** Preload (sandboxed, context-isolated): exposes `window.insar` (the typed API) and `window.insarHost`. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_EVENT_CHANNEL } from '../../src-shared/api';
import { buildPreloadApi } from './preloadApi';

const api = buildPreloadApi(
  (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  (cb) => {
    const listener = (_e: unknown, msg: { event: string; payload: unknown }) => cb(msg);
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
  },
);

contextBridge.exposeInMainWorld('insar', api);
// drag-and-drop of a project folder: the renderer cannot see File.path with contextIsolation
contextBridge.exposeInMainWorld('insarHost', { pathForFile: (f: File) => webUtils.getPathForFile(f) });
