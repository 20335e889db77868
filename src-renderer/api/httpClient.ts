/**
 * The browser transport of InsarApi: POST /api/<method> with the per-start token header; results as binary
 * bodies (binaryCodec: typed arrays as bytes, NaN kept, as over IPC); one WebSocket for events (reconnects),
 * the token offered as a subprotocol (src-shared/hostAuth.ts), never in the URL.
 */
import {
  API_EVENTS,
  API_METHODS,
  BINARY_CONTENT_TYPE,
  HTTP_API_PATH,
  TOKEN_HEADER,
  WS_PATH,
  type ApiEventName,
  type InsarClient,
} from '../../src-shared/api';
import { decodeBinary, fromWireJson, toWireJson } from '../../src-shared/binaryCodec';
import { wsProtocols } from '../../src-shared/hostAuth';

export class ApiCallError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function createHttpClient(token: string, base = ''): InsarClient {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let ws: WebSocket | null = null;
  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}${WS_PATH}`, wsProtocols(token));
    ws.onmessage = (m) => {
      const msg = fromWireJson(String(m.data)) as { event: string; payload: unknown };
      for (const cb of listeners.get(msg.event) ?? []) cb(msg.payload);
    };
    ws.onclose = () => setTimeout(connect, 1000);
  };
  connect();

  const api: Record<string, unknown> = {};
  for (const m of API_METHODS) {
    api[m] = async (...args: unknown[]) => {
      const res = await fetch(`${base}${HTTP_API_PATH}/${m}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: toWireJson({ args }),
      });
      const type = res.headers.get('content-type') ?? '';
      if (type.startsWith(BINARY_CONTENT_TYPE)) return decodeBinary(await res.arrayBuffer());
      const body = (await res.json()) as { result?: unknown; error?: { name: string; message: string } };
      if (body.error) throw new ApiCallError(body.error.name, body.error.message);
      return body.result;
    };
  }
  api.on = (event: ApiEventName, cb: (p: unknown) => void) => {
    if (!(API_EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
    let s = listeners.get(event);
    if (!s) listeners.set(event, (s = new Set()));
    s.add(cb);
    return () => s!.delete(cb);
  };
  void ws;
  return api as unknown as InsarClient;
}
