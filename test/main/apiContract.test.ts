/**
 * The API contract through both transports: every method over the browser host (HTTP with the token,
 * events over WebSocket, binary bodies for typed arrays) and through the Electron IPC handler table with a
 * fake ipcMain; requests without the token, from another Host/Origin or an untrusted frame are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  API_EVENTS,
  API_METHODS,
  BINARY_CONTENT_TYPE,
  IPC_PREFIX,
  TOKEN_HEADER,
  type ApiMethod,
  type InsarApi,
  type StartState,
} from '../../src-shared/api';
import { decodeBinary, encodeBinary, fromWireJson, toWireJson } from '../../src-shared/binaryCodec';
import { wsProtocols } from '../../src-shared/hostAuth';
import { ApiArgError, parseArgs, validateArgs } from '../../src-shared/validate';
import { createServices, type Services } from '../../src-main/services/apiService';
import { startHost, type Host } from '../../src-main/host/server';
import {
  registerIpcHandlers,
  trustedFrame,
  type IpcEventLike,
  type IpcMainLike,
} from '../../src-main/electron/ipcHandlers';
import { buildPreloadApi } from '../../src-main/electron/preloadApi';
import { IPC_METHODS } from '../../src-main/electron/ipcMethods';
import { makeDemo, tempDirs } from './helpers';

const tmp = tempDirs();

let s: Services;
let host: Host;
let demo: Awaited<ReturnType<typeof makeDemo>>;
let base: string;
let rendererDir: string;

/** One sample call per method (the order matters: open → run → edits → exports). */
function calls(folder: string): [ApiMethod, unknown[]][] {
  return [
    ['capabilities', []],
    ['steps', []],
    ['listDir', [folder]],
    ['openProject', [folder]],
    ['recentProjects', []],
    ['projectInfo', []],
    ['pickFolder', []],
    ['runPipeline', []],
    ['cancelRun', []],
    ['network', []],
    ['listLayers', []],
    ['getLayer', ['velocity.h5', 'velocity']],
    ['layerMeta', [{ file: 'velocity.h5', dataset: 'velocity' }]],
    [
      'layerTiles',
      [
        { file: 'velocity.h5', dataset: 'velocity' },
        [
          [12, 687, 1606],
          [3, 0, 0],
        ],
      ],
    ],
    ['layerValue', [{ file: 'velocity.h5', dataset: 'velocity' }, 5, 6]],
    ['pixelSeries', [5, 6]],
    ['pixelValues', [{ file: 'timeseries.h5', dataset: 'timeseries' }, 5, 6]],
    [
      'regionSeries',
      [
        [
          [36.13, -119.66],
          [36.13, -119.55],
          [36.1, -119.6],
        ],
      ],
    ],
    ['transect', [{ file: 'velocity.h5', dataset: 'velocity' }, [36.13, -119.66], [36.12, -119.55], { widthKm: 1 }]],
    ['setExcludedPairs', [[2]]],
    ['undo', []],
    ['redo', []],
    ['clearReferencePoint', []],
    ['setReferencePoint', [36.125, -119.6]],
    ['setOverrides', [{ 'mintpy.velocity.startDate': '20180101' }]],
    ['runs', []],
    // a name the user typed: written into the project's exports/ folder (security.exports.test.ts)
    ['exportKmz', ['v.kmz']],
    ['exportGeoTiff', [{ file: 'velocity.h5', dataset: 'velocity' }, 'v.tif']],
    ['exportCsv', [{ kind: 'pixel', row: 5, col: 6 }, 'p.csv']],
    ['exportKmzTimeseries', ['ts.kmz']],
    ['exportFigure', [{ kind: 'network' }, 'network.svg']],
    ['exportDownload', ['v.tif']],
    ['referenceCandidates', []],
    ['nisarSites', []],
    ['nisarValidate', [{ method: 'method2', numSamples: 100, seed: 1 }]],
    ['placeNames', [35.9, -119.9, 36.45, -119.2]],
    ['basemapWaterways', [35.9, -119.9, 36.45, -119.2]],
    [
      'saveLayerList',
      [
        {
          layers: [
            {
              ref: { file: 'velocity.h5', dataset: 'velocity' },
              visible: true,
              opacity: 0.8,
              cmap: 'RdBu_r',
              vmin: -2,
              vmax: 2,
              style: 'fill',
            },
          ],
          selected: 0,
        },
      ],
    ],
    ['layerList', []],
    ['startState', []],
    ['gnssStations', [[join(folder, 'gnss')]]],
    ['fileInfo', ['velocity.h5']],
    ['previewVelocity', [{ row0: 0, row1: 30, col0: 0, col1: 40 }, 5000]],
  ];
}

beforeAll(async () => {
  demo = await makeDemo();
  mkdirSync(join(demo.folder, 'gnss'));
  writeFileSync(join(demo.folder, 'gnss', 'sites.csv'), 'site,lat,lon\nST01,36.12,-119.6\n');
  s = createServices({ transport: 'http', appDataDir: tmp.mk('insar-appdata-'), numWorkers: 1 });
  rendererDir = tmp.mk('insar-renderer-');
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'w.mjs'), 'export {}');
  host = await startHost({ services: s, rendererDir });
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
  s?.dispose();
  tmp.cleanup();
  if (demo) rmSync(demo.root, { recursive: true, force: true });
});

async function post(
  method: string,
  args: unknown[],
  headers: Record<string, string> = { [TOKEN_HEADER]: host.token },
): Promise<Response> {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ args }),
  });
}

async function callHttp(method: string, args: unknown[]): Promise<unknown> {
  const r = await post(method, args);
  if ((r.headers.get('content-type') ?? '').startsWith(BINARY_CONTENT_TYPE)) return decodeBinary(await r.arrayBuffer());
  const body = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

describe('browser host', () => {
  test('every API method answers over HTTP with the token; events arrive over the WebSocket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, wsProtocols(host.token));
    const events: string[] = [];
    ws.on('message', (m) => events.push((JSON.parse(String(m)) as { event: string }).event));
    await new Promise((ok) => ws.once('open', ok));
    const seen = new Set<string>();
    for (const [m, args] of calls(demo.folder)) {
      const res = await callHttp(m, args);
      seen.add(m);
      if (m === 'runPipeline') {
        expect((res as { status: string }).status).toBe('running');
        // cancelRun is exercised right after; then run again to completion for the layer calls
        continue;
      }
      if (m === 'cancelRun') {
        expect(res).toBe(true);
        await s.jobs.wait();
        await callHttp('runPipeline', []);
        expect((await s.jobs.wait())?.status).toBe('ok');
      }
      if (m === 'getLayer') {
        const l = res as { values: Float32Array; grid: { length: number; width: number } };
        expect(l.values).toBeInstanceOf(Float32Array);
        expect(l.values.length).toBe(l.grid.length * l.grid.width);
        const direct = await s.api.getLayer('velocity.h5', 'velocity');
        expect(Array.from(l.values)).toEqual(Array.from(direct.values));
      }
      if (m === 'pixelSeries') expect((res as { values: Float32Array }).values).toBeInstanceOf(Float32Array);
      if (m === 'layerTiles') {
        const [t, off] = res as [{ n: number; values: Float32Array; flags: Uint8Array }, null];
        expect(off).toBeNull();
        expect(t.values).toBeInstanceOf(Float32Array);
        expect(t.flags).toBeInstanceOf(Uint8Array);
        expect(t.values.length).toBe(t.n * t.n);
        expect(t.flags.some((f) => f === 0)).toBe(true);
      }
      if (m === 'layerValue') {
        const direct = await s.api.getLayer('velocity.h5', 'velocity');
        const v = res as { value: number; state: string };
        expect(v.value).toBe(direct.values[5 * direct.grid.width + 6]);
      }
      if (m === 'capabilities') expect(res).toMatchObject({ transport: 'http', nativeDialogs: false });
      if (m === 'pickFolder') expect(res).toBeNull();
      if (m === 'steps') expect((res as { name: string }[]).map((x) => x.name)).toContain('correct_topography');
      if (m === 'setReferencePoint') expect((res as { ok: boolean }).ok).toBe(true);
      // the layer list comes back as it was kept, from the project's database
      if (m === 'layerList')
        expect(res).toEqual({ layers: [expect.objectContaining({ opacity: 0.8, style: 'fill' })], selected: 0 });
      // a window's first look: the same answers as the single calls, in one
      if (m === 'startState') {
        const st = res as StartState;
        expect(st.project).toEqual(await s.api.projectInfo());
        expect(st.recent).toEqual(await s.api.recentProjects());
        expect(st.layers).toEqual(await s.api.listLayers());
        expect(st.network?.pairs).toEqual((await s.api.network()).pairs);
        expect(st.layerList).toEqual(await s.api.layerList());
        expect(st.layerList?.layers).toHaveLength(1);
      }
    }
    expect([...seen].sort()).toEqual([...API_METHODS].sort());
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    for (const e of API_EVENTS) expect(events).toContain(e);
  });

  test('requests without the token, with a wrong token, from another Host or Origin are refused', async () => {
    expect((await post('projectInfo', [], {})).status).toBe(401);
    expect((await post('projectInfo', [], { [TOKEN_HEADER]: 'x'.repeat(host.token.length) })).status).toBe(401);
    expect((await post('projectInfo', [], { [TOKEN_HEADER]: host.token, origin: 'http://evil.example' })).status).toBe(
      403,
    );
    // DNS rebinding: a foreign Host header
    const { request } = await import('node:http');
    const status = await new Promise<number>((ok) => {
      const rq = request(
        { host: '127.0.0.1', port: host.port, path: '/?token=' + host.token, headers: { host: 'evil.example' } },
        (r) => ok(r.statusCode ?? 0),
      );
      rq.end();
    });
    expect(status).toBe(421);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, wsProtocols('nope'));
    const err = await new Promise<string>((ok) => ws.once('error', (e) => ok(String(e.message))));
    expect(err).toMatch(/401/);
  });

  test('static files hold no secret: served without the token; .mjs as text/javascript; no traversal', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toMatch(/worker-src 'self' blob:/);
    expect(await r.text()).not.toContain(host.token);
    const js = await fetch(`${base}/assets/w.mjs`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
  });

  test('bad arguments are refused by the validator with the method name', async () => {
    const r = await post('pixelSeries', [1.5, 'a']);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^pixelSeries: argument 1/);
    expect((await post('noSuchMethod', [])).status).toBe(400);
    expect((await post('setOverrides', [{ 'evil.key': 'x' }])).status).toBe(400);
  });
});

describe('the same values over HTTP as over IPC', () => {
  test('NaN survives the browser host (per-pair coherence before load_data is NaN)', async () => {
    const d = await makeDemo({ rows: 16, cols: 20, numDates: 5 });
    const svc = createServices({ transport: 'http', appDataDir: tmp.mk('insar-appdata-') });
    const h = await startHost({ services: svc, rendererDir });
    const ipc = new FakeIpcMain();
    const off = registerIpcHandlers(ipc, svc.api, () => true);
    const viaIpc = buildPreloadApi(
      // Electron's structured clone keeps NaN; so does this in-process call
      (ch, ...args) => ipc.handlers.get(ch)!({ senderFrame: { url: 'app://renderer/' } }, ...args),
      () => () => {},
    );
    try {
      const http = async (m: string, args: unknown[]) => {
        const r = await fetch(`http://127.0.0.1:${h.port}/api/${m}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: h.token },
          body: toWireJson({ args }),
        });
        expect(r.headers.get('content-type')).toBe(BINARY_CONTENT_TYPE);
        return decodeBinary(await r.arrayBuffer());
      };
      await http('openProject', [d.folder]);
      const net = (await http('network', [])) as { pairs: { coherence: number }[] };
      expect(net.pairs.length).toBeGreaterThan(0);
      for (const p of net.pairs) expect(p.coherence).toBeNaN();
      expect(net).toEqual(await viaIpc.network());
      expect(await http('projectInfo', [])).toEqual(await viaIpc.projectInfo());
    } finally {
      off();
      await h.close();
      svc.dispose();
      rmSync(d.root, { recursive: true, force: true });
    }
  });

  test('the codec keeps NaN, ±Infinity, -0 and undefined array elements, in binary bodies and in text', () => {
    const v = { a: NaN, b: [Infinity, -Infinity, -0, undefined, 1], c: { d: null, e: 'NaN' } };
    for (const back of [decodeBinary(encodeBinary(v)), fromWireJson(toWireJson(v))] as (typeof v)[]) {
      expect(back.a).toBeNaN();
      expect(back.b.length).toBe(5);
      expect(back.b[0]).toBe(Infinity);
      expect(back.b[1]).toBe(-Infinity);
      expect(Object.is(back.b[2], -0)).toBe(true);
      expect(3 in back.b).toBe(true);
      expect(back.b[3]).toBeUndefined();
      expect(back.c).toEqual({ d: null, e: 'NaN' });
    }
    // plain JSON (a client that does not tag anything) reads as is
    expect(fromWireJson('{"args":[1,"x",null]}')).toEqual({ args: [1, 'x', null] });
  });
});

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (e: IpcEventLike, ...a: unknown[]) => Promise<unknown>>();
  handle(ch: string, fn: (e: IpcEventLike, ...a: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(ch)) throw new Error(`second handler for ${ch}`);
    this.handlers.set(ch, fn);
  }
  removeHandler(ch: string): void {
    this.handlers.delete(ch);
  }
}

describe('Electron IPC handler table (fake ipcMain)', () => {
  test('one channel per method; every method dispatches to the services through the preload API', async () => {
    const ipc = new FakeIpcMain();
    const s2 = createServices({
      transport: 'electron',
      appDataDir: tmp.mk('insar-appdata-'),
      numWorkers: 1,
      dialogs: { pickFolder: async () => demo.folder },
    });
    const unregister = registerIpcHandlers(ipc, s2.api, trustedFrame(['app://renderer/']));
    // every method but listDir (the native folder dialog does its job: security.electron.test.ts)
    expect([...ipc.handlers.keys()].sort()).toEqual(IPC_METHODS.map((m) => IPC_PREFIX + m).sort());
    const frame = { senderFrame: { url: 'app://renderer/index.html' } };
    const client = buildPreloadApi(
      (ch, ...args) => ipc.handlers.get(ch)!(frame, ...args),
      () => () => {},
    );
    // the preload exposes exactly the API's method names (+ on)
    expect(Object.keys(client).sort()).toEqual([...API_METHODS, 'on'].sort());
    const api = client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const [m, args] of calls(demo.folder)) {
      if (m === 'listDir') {
        await expect(api[m](...args)).rejects.toThrow(/not available in the desktop app/);
        continue;
      }
      const res = await api[m](...args);
      if (m === 'runPipeline') {
        await s2.jobs.wait();
        continue;
      }
      if (m === 'cancelRun') expect(res).toBe(false);
      if (m === 'pickFolder') expect(res).toBe(demo.folder);
      if (m === 'capabilities') expect(res).toMatchObject({ transport: 'electron', nativeDialogs: true });
      if (m === 'getLayer') expect((res as { values: Float32Array }).values).toBeInstanceOf(Float32Array);
    }
    // errors keep the user-facing message
    await expect(api.pixelSeries(-1, 0)).rejects.toThrow(/^pixelSeries: argument 1/);
    await expect(api.openProject(join(demo.root, 'missing'))).rejects.toThrow(/not a folder/);
    // an untrusted frame is refused before any service runs
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://rendererx/index.html']) {
      const env = (await ipc.handlers.get(IPC_PREFIX + 'projectInfo')!({ senderFrame: { url } })) as {
        ok: boolean;
        error: { message: string };
      };
      expect(env.ok).toBe(false);
      expect(env.error.message).toMatch(/untrusted/);
    }
    expect(((await ipc.handlers.get(IPC_PREFIX + 'projectInfo')!({ senderFrame: null })) as { ok: boolean }).ok).toBe(
      false,
    );
    unregister();
    expect(ipc.handlers.size).toBe(0);
    s2.dispose();
  });
});

describe('shared pieces', () => {
  test('binary codec round-trips typed arrays of several types at any alignment', () => {
    const v = {
      a: 'x',
      f: Float32Array.from([1.5, NaN, -2]),
      d: Float64Array.from([Math.PI]),
      i: Int8Array.from([-1, 2, 3]),
      nested: { u: Uint8Array.from([9]) },
    };
    const back = decodeBinary(encodeBinary(v)) as typeof v;
    expect(back.a).toBe('x');
    expect(Array.from(back.f)).toEqual([1.5, NaN, -2]);
    expect(back.d[0]).toBe(Math.PI);
    expect(Array.from(back.i)).toEqual([-1, 2, 3]);
    expect(back.nested.u[0]).toBe(9);
  });

  test('validators: arity, types, ranges', () => {
    expect(() => validateArgs('getLayer', ['velocity.h5', 'velocity'])).not.toThrow();
    expect(() => validateArgs('getLayer', ['velocity.h5'])).toThrow(ApiArgError);
    expect(() => validateArgs('setReferencePoint', [91, 0])).toThrow(/latitude/);
    expect(() => validateArgs('setExcludedPairs', [[1, 1]])).toThrow(/duplicate/);
    expect(() => validateArgs('runPipeline', ['no such step!'])).toThrow(/expected a step name/);
    expect(() => validateArgs('undo', [1])).toThrow(/at most 0/);
    expect(() => validateArgs('transect', [{ file: 'a.h5', dataset: 'x', extra: 1 }, [0, 0], [1, 1]])).toThrow(
      /^transect: argument 1/,
    );
    expect(() => validateArgs('exportCsv', [{ kind: 'pixel', row: 1 }])).toThrow(/^exportCsv: argument 1: col/);
    expect(() => validateArgs('setOverrides', [{ 'mintpy.a': 'x\ny' }])).toThrow(/one-line/);
    // optional arguments: absent, undefined or null (JSON) all reach the service as undefined
    expect(parseArgs('exportKmz', [null, undefined])).toEqual([undefined, undefined]);
    expect(parseArgs('getLayer', ['v.h5', 'velocity'])).toEqual(['v.h5', 'velocity', undefined, undefined]);
    const methods: (keyof InsarApi)[] = [...API_METHODS];
    expect(new Set(methods).size).toBe(methods.length);
  });
});
