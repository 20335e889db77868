/**
 * What the preload exposes as `window.insar`: exactly the API's methods (one loop over API_METHODS, not a
 * hand-written wrapper per method) plus `on(event, cb)`. No Electron import here, so it is testable.
 * Methods that are no IPC channel (ipcMethods.ts: `listDir`) reject here, without reaching main.
 */
import { API_EVENTS, API_METHODS, IPC_PREFIX, type ApiEventName, type InsarClient } from '../../src-shared/api';
import type { Envelope } from './ipcHandlers';
import { NOT_OVER_IPC, NOT_OVER_IPC_MESSAGE } from './ipcMethods';

export class RemoteError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function buildPreloadApi(
  invoke: (channel: string, ...args: unknown[]) => Promise<unknown>,
  subscribe: (cb: (msg: { event: string; payload: unknown }) => void) => () => void,
): InsarClient {
  const api: Record<string, unknown> = {};
  for (const m of API_METHODS) {
    if (NOT_OVER_IPC.includes(m)) {
      api[m] = async () => {
        throw new RemoteError('NotAvailableError', NOT_OVER_IPC_MESSAGE(m));
      };
      continue;
    }
    api[m] = async (...args: unknown[]) => {
      const env = (await invoke(IPC_PREFIX + m, ...args)) as Envelope;
      if (!env.ok) throw new RemoteError(env.error.name, env.error.message);
      return env.result;
    };
  }
  api.on = (event: ApiEventName, cb: (p: unknown) => void) => {
    if (!(API_EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
    return subscribe((msg) => {
      if (msg.event === event) cb(msg.payload);
    });
  };
  return Object.freeze(api) as unknown as InsarClient;
}
