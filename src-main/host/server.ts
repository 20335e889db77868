/**
 * The browser host: the built renderer and the API over HTTP + one WebSocket for events, on 127.0.0.1 only.
 * A random per-start token is required on every request: the API wants it in the `x-insar-token` header
 * (a header no cross-site form can set), static files accept it once as `?token=` and then from an
 * HttpOnly SameSite=Strict cookie, the WebSocket as `?token=`. Host and Origin are checked against our own
 * address (no DNS rebinding). Every result goes back as a binary body (binaryCodec: typed arrays as raw
 * bytes, NaN/±Infinity/-0 kept), so the renderer gets the same values as over Electron's IPC.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BINARY_CONTENT_TYPE, HTTP_API_PATH, TOKEN_HEADER, WS_PATH } from '../../src-shared/api';
import { encodeBinary, fromWireJson, toWireJson } from '../../src-shared/binaryCodec';
import { dispatch, type Services } from '../services/apiService';

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

export const CSP =
  "default-src 'self'; script-src 'self' blob:; worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:* blob: data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface HostOptions {
  services: Services;
  rendererDir: string;
  port?: number;
  token?: string;
  maxBodyBytes?: number;
}

export interface Host {
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function sameToken(a: string | undefined | null, token: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const c = req.headers.cookie ?? '';
  return /(?:^|;\s*)insar_token=([A-Za-z0-9_-]+)/.exec(c)?.[1];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(s);
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new Error(`request body larger than ${max} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(opts.rendererDir);
  const max = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const { api, events } = opts.services;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const server = createServer((req, res) => {
    void handle(req, res).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, { error: { name: 'Error', message: (e as Error).message } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? ''))
      return sendJson(res, 421, { error: { name: 'HostError', message: 'wrong Host header' } });
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname.startsWith(HTTP_API_PATH + '/')) {
      if (!sameToken(req.headers[TOKEN_HEADER] as string | undefined, token))
        return sendJson(res, 401, { error: { name: 'AuthError', message: 'missing or wrong token' } });
      if (req.method !== 'POST') return sendJson(res, 405, { error: { name: 'MethodError', message: 'use POST' } });
      const origin = req.headers.origin;
      if (origin && !allowedHosts().has(origin.replace(/^http:\/\//, '')))
        return sendJson(res, 403, { error: { name: 'OriginError', message: 'cross-origin request refused' } });
      const method = url.pathname.slice(HTTP_API_PATH.length + 1);
      let args: unknown;
      try {
        const body = await readBody(req, max);
        args = body.length ? ((fromWireJson(body.toString('utf8')) as { args?: unknown }).args ?? []) : [];
      } catch (e) {
        return sendJson(res, 400, { error: { name: 'RequestError', message: (e as Error).message } });
      }
      try {
        const result = await dispatch(api, method, args);
        const bin = encodeBinary(result ?? null);
        res.writeHead(200, {
          'content-type': BINARY_CONTENT_TYPE,
          'content-length': bin.byteLength,
          'cache-control': 'no-store',
        });
        res.end(bin);
      } catch (e) {
        const err = e as Error;
        const status = err.name === 'ApiArgError' ? 400 : 422;
        sendJson(res, status, { error: { name: err.name, message: err.message } });
      }
      return;
    }
    // static renderer files
    const qt = url.searchParams.get('token');
    const authed = sameToken(qt, token) || sameToken(cookieToken(req), token);
    if (!authed) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('InSAR Studio: open the URL printed by the host (it carries the access token).\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: { name: 'MethodError', message: 'GET only' } });
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const p = normalize(join(rendererDir, rel));
    if (!p.startsWith(rendererDir + sep) || !existsSync(p) || !statSync(p).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': MIME[extname(p)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    };
    if (qt) headers['set-cookie'] = `insar_token=${token}; HttpOnly; SameSite=Strict; Path=/`;
    let body: Buffer | string = readFileSync(p);
    if (p.endsWith('.html')) {
      headers['content-security-policy'] = CSP;
      // the renderer reads the token from this meta tag for its API calls
      body = body.toString('utf8').replace('<head>', `<head>\n<meta name="insar-token" content="${token}">`);
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const origin = req.headers.origin;
    if (
      url.pathname !== WS_PATH ||
      !allowedHosts().has(req.headers.host ?? '') ||
      (origin && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) ||
      !sameToken(url.searchParams.get('token'), token)
    ) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
    });
  });
  const off = events.onAny((event, payload) => {
    const msg = toWireJson({ event, payload });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    server,
    close: async () => {
      off();
      for (const c of clients) c.terminate();
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
