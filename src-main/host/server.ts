/**
 * The browser host: the built renderer and the API over HTTP + one WebSocket for events, on 127.0.0.1 only.
 *
 * Who may do what (README "Security"):
 * - Every request must name our own address in `Host` (no DNS rebinding) and, when a browser sends one,
 *   in `Origin` (no cross-site requests); anything else is refused before any other work.
 * - The renderer's static files hold no secret and need no token. The per-start token is printed in the
 *   URL's fragment (`/#token=…`, never sent to a server); the page keeps it in sessionStorage. The API
 *   wants it in the `x-insar-token` header (which no cross-site form can set), the event WebSocket as a
 *   subprotocol (src-shared/hostAuth.ts). It is never put in a cookie, a page or a URL query.
 * - Every handler is guarded: a malformed request line, URI, body, upgrade or frame is a 4xx or a closed
 *   socket, never a crash; WebSocket frames from the page are capped (the socket only carries events out).
 * - Error messages carry no absolute paths (services/publicError.ts); the full text goes to the host's log.
 * Every result goes back as a binary body (binaryCodec: typed arrays as raw bytes, NaN/±Infinity/-0 kept),
 * so the renderer gets the same values as over Electron's IPC.
 */
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BINARY_CONTENT_TYPE, HTTP_API_PATH, TOKEN_HEADER, WS_PATH } from '../../src-shared/api';
import { encodeBinary, fromWireJson, toWireJson } from '../../src-shared/binaryCodec';
import { hostUrl, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../src-shared/hostAuth';
import { dispatch, type Services } from '../services/apiService';
import { publicError } from '../services/publicError';
import { contentSecurityPolicy } from './csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Largest WebSocket frame/message the host accepts from a page: the socket carries events out, nothing in. */
export const WS_MAX_PAYLOAD = 1024;

export interface HostOptions {
  services: Services;
  rendererDir: string;
  port?: number;
  token?: string;
  maxBodyBytes?: number;
  /** where full error texts go (the user's terminal); default console.error */
  log?: (message: string) => void;
}

export interface Host {
  /** `http://127.0.0.1:PORT/#token=…` */
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

function sameToken(a: string | undefined | null, token: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token offered as a WebSocket subprotocol (`insar-token.<token>`), if any. */
function protocolToken(req: IncomingMessage): string | null {
  const h = req.headers['sec-websocket-protocol'];
  if (typeof h !== 'string') return null;
  const offered = h.split(',').map((s) => s.trim());
  if (!offered.includes(WS_PROTOCOL)) return null;
  return offered.find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX))?.slice(WS_TOKEN_PROTOCOL_PREFIX.length) ?? null;
}

const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: Buffer | string): void {
  res.writeHead(status, { ...BASE_HEADERS, ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, name: string, message: string): void {
  sendJson(res, status, { error: { name, message } });
}

/** The request target as a URL, or null when it is not origin-form (`/path?query`) or does not parse. */
function requestUrl(req: IncomingMessage): URL | null {
  const raw = req.url ?? '';
  if (!raw.startsWith('/')) return null;
  try {
    // never resolve against the Host header (attacker-chosen) or treat `//x` as an authority
    return new URL(`http://127.0.0.1${raw}`);
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max)
    throw new HttpError(413, 'RequestError', `request body larger than ${max} bytes`);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new HttpError(413, 'RequestError', `request body larger than ${max} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `{ "args": [...] }` → the arguments; never echoes the body in an error. */
function parseArgs(body: Buffer): unknown {
  if (!body.length) return [];
  let parsed: unknown;
  try {
    parsed = fromWireJson(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'RequestError', 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new HttpError(400, 'RequestError', 'request body must be a JSON object {"args": [...]}');
  return (parsed as { args?: unknown }).args ?? [];
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(opts.rendererDir);
  const max = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const log = opts.log ?? ((m: string) => console.error(m));
  const { api, events, projects } = opts.services;
  const workDir = () => projects.current?.workDir ?? null;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const originOk = (origin: string | undefined) =>
    origin === undefined || (origin.startsWith('http://') && allowedHosts().has(origin.slice('http://'.length)));

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const known = e instanceof HttpError;
      if (!known) log(`host: ${req.method} request failed: ${(e as Error)?.stack ?? String(e)}`);
      if (res.headersSent) return void res.destroy();
      const p = publicError(e, workDir());
      sendError(res, known ? e.status : 500, p.name, known ? p.message : `internal error: ${p.message}`);
    });
  });
  // a client that sends garbage before a request line: Node answers 400; never let it reach 'error'
  server.on('clientError', (_e, socket: Duplex) => {
    if ((socket as Socket).writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) return sendError(res, 421, 'HostError', 'wrong Host header');
    if (!originOk(req.headers.origin)) return sendError(res, 403, 'OriginError', 'cross-origin request refused');
    const url = requestUrl(req);
    if (!url) return sendError(res, 400, 'RequestError', 'malformed request target');
    if (url.pathname.startsWith(HTTP_API_PATH + '/')) return handleApi(req, res, url);
    return handleStatic(req, res, url);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!sameToken(req.headers[TOKEN_HEADER] as string | undefined, token))
      return sendError(
        res,
        401,
        'AuthError',
        'missing or wrong token: open the URL the host printed (the token is after #)',
      );
    if (req.method !== 'POST') return sendError(res, 405, 'MethodError', 'use POST');
    const method = url.pathname.slice(HTTP_API_PATH.length + 1);
    const args = parseArgs(await readBody(req, max));
    let result: unknown;
    try {
      result = await dispatch(api, method, args);
    } catch (e) {
      const err = e as Error;
      const p = publicError(err, workDir());
      if (p.message !== err.message) log(`host: ${method}: ${err.message}`);
      return sendJson(res, err.name === 'ApiArgError' ? 400 : 422, { error: p });
    }
    const bin = encodeBinary(result ?? null);
    send(res, 200, { 'content-type': BINARY_CONTENT_TYPE, 'content-length': bin.byteLength }, Buffer.from(bin));
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'MethodError', 'GET only');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return sendError(res, 400, 'RequestError', 'malformed URI');
    }
    if (rel.includes('\0')) return sendError(res, 400, 'RequestError', 'malformed URI');
    if (rel === '/' || rel === '') rel = '/index.html';
    const p = normalize(join(rendererDir, rel));
    const st = p.startsWith(rendererDir + sep) ? await stat(p).catch(() => null) : null;
    if (!st?.isFile()) return send(res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found');
    const headers: OutgoingHttpHeaders = {
      'content-type': MIME[extname(p)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'referrer-policy': 'no-referrer',
    };
    if (p.endsWith('.html')) {
      headers['content-security-policy'] = contentSecurityPolicy({ sockets: [`ws://${req.headers.host}`] });
      headers['x-frame-options'] = 'DENY';
    }
    const body = await readFile(p);
    send(res, 200, headers, req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  wss.on('error', (e) => log(`host: event socket server: ${e.message}`));
  const clients = new Set<WebSocket>();

  function refuse(socket: Duplex, status: number, text: string): void {
    if (!socket.writable) return void socket.destroy();
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
      if (!originOk(req.headers.origin)) return refuse(socket, 403, 'Forbidden');
      const url = requestUrl(req);
      if (!url) return refuse(socket, 400, 'Bad Request');
      if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
      if (!sameToken(protocolToken(req), token)) return refuse(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('error', (e) => {
          // a malformed or oversized frame: ws closes the socket (1002 / 1009); only this client is affected
          log(`host: event socket closed: ${e.message}`);
          clients.delete(ws);
        });
        ws.on('message', () => ws.close(1008, 'the event socket is one-way'));
        ws.on('close', () => clients.delete(ws));
      });
    } catch (e) {
      log(`host: upgrade failed: ${(e as Error)?.stack ?? String(e)}`);
      refuse(socket, 400, 'Bad Request');
    }
  });
  const off = events.onAny((event, payload) => {
    const msg = toWireJson({ event, payload });
    for (const c of clients)
      if (c.readyState === c.OPEN)
        try {
          c.send(msg);
        } catch (e) {
          log(`host: event not sent: ${(e as Error).message}`);
        }
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  server.on('error', (e) => log(`host: server error: ${e.message}`));
  port = (server.address() as AddressInfo).port;
  return {
    url: hostUrl(`http://127.0.0.1:${port}`, token),
    token,
    port,
    server,
    close: async () => {
      off();
      for (const c of clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
