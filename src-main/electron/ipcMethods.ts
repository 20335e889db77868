/**
 * Which API methods the Electron window may call over IPC: all but those the native dialogs do better.
 * `listDir` (the browser host's folder browser) is not a channel at all in Electron: folders are picked with
 * the native dialog (`pickFolder`), so a compromised renderer cannot list the disk. Imported by the preload
 * too (no Node here), so both sides agree.
 */
import { API_METHODS, type ApiMethod } from '../../src-shared/api';

export const NOT_OVER_IPC: readonly ApiMethod[] = ['listDir'];

export const IPC_METHODS: readonly ApiMethod[] = API_METHODS.filter((m) => !NOT_OVER_IPC.includes(m));

export const NOT_OVER_IPC_MESSAGE = (m: string) =>
  `${m} is not available in the desktop app: use "Choose folder…" (the system's folder dialog)`;
