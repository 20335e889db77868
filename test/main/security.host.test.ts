/**
 * Issue #16, the browser host probed as an attacker on the same machine (or a web page in the user's browser)
 * would: each finding reproduced against a live host, which must answer with a 4xx or close the one socket,
 * keep serving, keep a running pipeline alive, and never hand out the token or an absolute path.
 */
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { TOKEN_HEADER } from '../../src-shared/api';
import { wsProtocols } from '../../src-shared/hostAuth';
import { createServices, type Services } from '../../src-main/services/apiService';
import { startHost, WS_MAX_PAYLOAD, type Host } from '../../src-main/host/server';
import { redactPaths } from '../../src-main/services/publicError';
import { takeToken } from '../../src-renderer/api/token';
import { makeDemo, tempDirs } from './helpers';

const tmp = tempDirs();
let s: Services;
let host: Host;
let demo: Awaited<ReturnType<typeof makeDemo>>;
let base: string;
const hostLog: string[] = [];

beforeAll(async () => {
  demo = await makeDemo({ rows: 30, cols: 40, numDates: 10 });
  s = createServices({ transport: 'http', appDataDir: tmp.mk('insar-sec-appdata-'), numWorkers: 1 });
  const rendererDir = tmp.mk('insar-sec-renderer-');
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'a.js'), 'export {}');
  host = await startHost({ services: s, rendererDir, log: (m) => hostLog.push(m) });
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
  s?.dispose();
  tmp.cleanup();
  const { rmSync } = await import('node:fs');
  if (demo) rmSync(demo.root, { recursive: true, force: true });
});

/** One raw HTTP exchange on a fresh socket: what the host answers (status line, headers) and the socket. */
function raw(text: string | Buffer): Promise<{ status: number; head: string; socket: Socket; rest: Buffer }> {
  return new Promise((ok, fail) => {
    const socket = connect(host.port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const head = buf.subarray(0, end).toString('latin1');
      ok({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, socket, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('close', () => ok({ status: 0, head: buf.toString('latin1'), socket, rest: Buffer.alloc(0) }));
    socket.write(text);
  });
}

const upgradeRequest = (path: string, extra: Record<string, string> = {}) =>
  [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${host.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');

/** The host still answers an authenticated call. */
async function alive(): Promise<void> {
  const r = await fetch(`${base}/api/capabilities`, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: host.token, 'content-type': 'application/json' },
    body: '{"args":[]}',
  });
  expect(r.status).toBe(200);
}

/** Resolves with the close code when the socket closes (and the reason bytes of a close frame, if any). */
function closed(socket: Socket, already: Buffer): Promise<{ closeCode: number | null }> {
  return new Promise((ok) => {
    let buf = already;
    socket.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
    socket.once('close', () => {
      // a server close frame: 0x88, length, 2-byte code
      const i = buf.indexOf(0x88);
      ok({ closeCode: i >= 0 && buf.length >= i + 4 ? buf.readUInt16BE(i + 2) : null });
    });
  });
}

async function openEvents(): Promise<{ ws: WebSocket; messages: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, wsProtocols(host.token));
  const messages: string[] = [];
  ws.on('message', (m) => messages.push(String(m)));
  ws.on('error', () => {});
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  return { ws, messages };
}

describe('finding 1: nobody takes the host down', () => {
  test('a malformed upgrade `GET //[` gets 400 (no token needed to try) and a running pipeline keeps going', async () => {
    await s.api.openProject(demo.folder);
    const run = await s.api.runPipeline();
    expect(run.status).toBe('running');
    for (const path of ['//[', '//[/events', '/%', 'http://[', '*']) {
      const r = await raw(upgradeRequest(path));
      expect([400, 404], `upgrade ${path}`).toContain(r.status);
      r.socket.destroy();
    }
    // the same from a web page: new WebSocket('ws://127.0.0.1:PORT//[') — with its Origin, refused as well
    const page = await raw(upgradeRequest('//[', { Origin: 'http://evil.example' }));
    expect(page.status).toBe(403);
    page.socket.destroy();
    // plain HTTP with such targets: a 4xx, never a 500
    for (const path of ['//[', 'http://[', '*']) {
      const plain = await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`);
      expect([400, 404], `GET ${path}`).toContain(plain.status);
      plain.socket.destroy();
    }
    await alive();
    const done = await s.jobs.wait();
    expect(done?.status).toBe('ok');
  });

  test('a malformed frame closes that one socket (1002); the host and the other clients go on', async () => {
    const other = await openEvents();
    const r = await raw(upgradeRequest('/events', { 'Sec-WebSocket-Protocol': wsProtocols(host.token).join(', ') }));
    expect(r.status).toBe(101);
    expect(r.head).toMatch(/Sec-WebSocket-Protocol: insar\.v1\r?$/im);
    expect(r.head).not.toContain(host.token);
    const end = closed(r.socket, r.rest);
    // a client frame without the mask bit and with reserved bits set: invalid per RFC 6455
    r.socket.write(Buffer.from([0xf1, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]));
    expect((await end).closeCode).toBe(1002);
    s.events.emit('onLog', { runId: 0, time: '', message: 'still here' });
    await new Promise((ok) => setTimeout(ok, 100));
    expect(other.messages.some((m) => m.includes('still here'))).toBe(true);
    other.ws.close();
    await alive();
  });

  test('an oversized frame is refused from its header (1009): a 100 MiB length is never buffered', async () => {
    const r = await raw(upgradeRequest('/events', { 'Sec-WebSocket-Protocol': wsProtocols(host.token).join(', ') }));
    expect(r.status).toBe(101);
    const end = closed(r.socket, r.rest);
    // masked binary frame header announcing 100 MiB (64-bit length), then only a few bytes
    const header = Buffer.alloc(14);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(100 * 1024 * 1024), 2);
    header.writeUInt32BE(0x01020304, 10);
    r.socket.write(Buffer.concat([header, Buffer.alloc(64)]));
    expect((await end).closeCode).toBe(1009);
    // the ws client library: one byte over the cap
    const c = await openEvents();
    const code = await new Promise<number>((ok) => {
      c.ws.once('close', (k) => ok(k));
      c.ws.send(Buffer.alloc(WS_MAX_PAYLOAD + 1));
    });
    expect(code).toBe(1009);
    await alive();
  });
});

describe('finding 3: the token never leaks', () => {
  test('no Set-Cookie anywhere; the page holds no token; the event socket wants it as a subprotocol, not the URL', async () => {
    const responses = [
      await fetch(`${base}/`),
      await fetch(`${base}/?token=${host.token}`),
      await fetch(`${base}/assets/a.js`),
      await fetch(`${base}/api/projectInfo`, { method: 'POST', headers: { [TOKEN_HEADER]: host.token } }),
      await fetch(`${base}/api/projectInfo`, { method: 'POST' }),
    ];
    for (const r of responses) {
      expect(r.headers.get('set-cookie')).toBeNull();
      expect(await r.text()).not.toContain(host.token);
    }
    // the query token of the old scheme is refused on the event socket
    const q = await raw(upgradeRequest(`/events?token=${host.token}`));
    expect(q.status).toBe(401);
    q.socket.destroy();
    // a cookie is no credential either
    const ck = await raw(upgradeRequest('/events', { Cookie: `insar_token=${host.token}` }));
    expect(ck.status).toBe(401);
    ck.socket.destroy();
    const api = await fetch(`${base}/api/projectInfo`, {
      method: 'POST',
      headers: { cookie: `insar_token=${host.token}` },
    });
    expect(api.status).toBe(401);
    // the token offered alone, without our protocol, is not accepted either
    const alone = await raw(upgradeRequest('/events', { 'Sec-WebSocket-Protocol': `insar-token.${host.token}` }));
    expect(alone.status).toBe(401);
    alone.socket.destroy();
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=${host.token}$`));
  });

  test('the page takes the token from the fragment into sessionStorage and out of the address bar', () => {
    const store = new Map<string, string>();
    const urls: string[] = [];
    const env = (hash: string) => ({
      location: { hash, pathname: '/', search: '' },
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) },
      replaceUrl: (u: string) => urls.push(u),
    });
    expect(takeToken(env(`#token=${host.token}`))).toBe(host.token);
    expect(urls).toEqual(['/']); // gone from the address bar and the history entry
    expect([...store.values()]).toEqual([host.token]);
    // a reload (no fragment any more) finds it in this tab's sessionStorage
    expect(takeToken(env(''))).toBe(host.token);
    expect(urls).toEqual(['/']);
    // other fragment keys stay; a malformed token is not taken (and still removed from the bar)
    urls.length = 0;
    expect(takeToken(env('#token=a b<c&view=map'))).toBe(host.token);
    expect(urls).toEqual(['/#view=map']);
  });
});

describe('finding 7: small things', () => {
  test('a malformed URI is 400, not 500', async () => {
    for (const p of ['/%E0%A4%A', '/%', '/assets/%ZZ.js', '/a%00b']) {
      const r = await fetch(`${base}${p}`);
      expect(r.status, p).toBe(400);
    }
  });

  test('every response says nosniff (API results and errors included)', async () => {
    const rs = [
      await fetch(`${base}/api/capabilities`, { method: 'POST', headers: { [TOKEN_HEADER]: host.token } }),
      await fetch(`${base}/api/capabilities`, { method: 'POST' }),
      await fetch(`${base}/api/capabilities`, { headers: { [TOKEN_HEADER]: host.token } }),
      await fetch(`${base}/api/noSuchMethod`, { method: 'POST', headers: { [TOKEN_HEADER]: host.token } }),
      await fetch(`${base}/nope.html`),
      await fetch(`${base}/`),
      await fetch(`${base}/%`),
    ];
    for (const r of rs) expect(r.headers.get('x-content-type-options'), `${r.url} ${r.status}`).toBe('nosniff');
  });

  test('a JSON parse error does not echo the request body', async () => {
    const secret = 'SECRET-BODY-<script>alert(1)</script>';
    const r = await fetch(`${base}/api/projectInfo`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: host.token, 'content-type': 'application/json' },
      body: secret,
    });
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('script');
    expect(JSON.parse(text)).toEqual({ error: { name: 'RequestError', message: 'request body is not valid JSON' } });
    // too large: 413, not read to the end
    const big = await fetch(`${base}/api/projectInfo`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: host.token },
      body: 'x'.repeat(5 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
  });

  test('error messages carry no absolute paths (the host log keeps the full text)', async () => {
    await s.jobs.wait();
    const missing = join(demo.root, 'private-folder', 'nothing-here');
    const r = await fetch(`${base}/api/openProject`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: host.token },
      body: JSON.stringify({ args: [missing] }),
    });
    const body = (await r.json()) as { error: { message: string } };
    expect(r.status).toBe(422);
    expect(body.error.message).toContain('nothing-here');
    expect(body.error.message).not.toContain(demo.root);
    expect(body.error.message).not.toMatch(/(^|[\s'"])\/\w/);
    expect(hostLog.some((l) => l.includes(missing))).toBe(true);
  });

  test('redactPaths: project paths become relative, others their last part; prose and units untouched', () => {
    const wd = '/home/ana/stack/mintpy';
    expect(redactPaths(`ENOENT: no such file or directory, open '${wd}/exports/v.kmz'`, wd)).toBe(
      "ENOENT: no such file or directory, open 'exports/v.kmz'",
    );
    expect(redactPaths('/etc/shadow: not an HDF5 file', wd)).toBe('…/shadow: not an HDF5 file');
    expect(redactPaths('C:\\Users\\ana\\x.h5 is locked', null)).toBe('…/x.h5 is locked');
    expect(redactPaths(`${wd}: not a folder.`, wd)).toBe('.: not a folder.');
    expect(redactPaths('velocity 3 m/yr, pairs 1/2, inputs/ifgramStack.h5', wd)).toBe(
      'velocity 3 m/yr, pairs 1/2, inputs/ifgramStack.h5',
    );
  });

  test('the page CSP names the one event socket (no wildcard port) and forbids form submissions', async () => {
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy')!;
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} `);
    expect(csp).not.toMatch(/:\*/);
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // the same page asked for as localhost:PORT names localhost's socket
    const status = await new Promise<string>((ok) => {
      const rq = request(
        { host: '127.0.0.1', port: host.port, path: '/', headers: { host: `localhost:${host.port}` } },
        (r) => ok(String(r.headers['content-security-policy'])),
      );
      rq.end();
    });
    expect(status).toContain(`ws://localhost:${host.port}`);
  });
});
