/**
 * The Electron IPC handler table, without importing Electron (testable with a fake ipcMain): one
 * `insar:<method>` channel per API method the window may call (ipcMethods.ts: not `listDir`); each checks
 * the sender frame, validates the arguments, then dispatches to the same services the browser host uses.
 * Results travel in an envelope so the renderer sees the user-facing message (without absolute paths,
 * services/publicError.ts), not Electron's "Error invoking remote method" wrapper.
 */
import { IPC_EVENT_CHANNEL, IPC_PREFIX, type ApiErrorPayload, type InsarApi } from '../../src-shared/api';
import { dispatch } from '../services/apiService';
import type { EventBus } from '../services/events';
import { publicError } from '../services/publicError';
import { IPC_METHODS } from './ipcMethods';

export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export type Envelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

/**
 * Only our own renderer may call: the sender frame's URL must start with one of the allowed prefixes
 * (`app://renderer/` for the packaged app, the dev server's origin + '/' in development).
 */
export function trustedFrame(allowedPrefixes: string[]): (e: IpcEventLike) => boolean {
  return (e) => {
    const url = e.senderFrame?.url;
    if (!url) return false;
    return allowedPrefixes.some((p) => url.startsWith(p));
  };
}

export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  api: InsarApi,
  isTrusted: (e: IpcEventLike) => boolean,
  workDir: () => string | null = () => null,
): () => void {
  for (const m of IPC_METHODS) {
    ipcMain.handle(IPC_PREFIX + m, async (event, ...args): Promise<Envelope> => {
      if (!isTrusted(event))
        return { ok: false, error: { name: 'SenderError', message: 'IPC from an untrusted frame refused' } };
      try {
        return { ok: true, result: await dispatch(api, m, args) };
      } catch (e) {
        return { ok: false, error: publicError(e, workDir()) };
      }
    });
  }
  return () => {
    for (const m of IPC_METHODS) ipcMain.removeHandler(IPC_PREFIX + m);
  };
}

/** Forward every service event to the renderer (webContents.send). */
export function forwardEvents(events: EventBus, send: (channel: string, payload: unknown) => void): () => void {
  return events.onAny((event, payload) => send(IPC_EVENT_CHANNEL, { event, payload }));
}
