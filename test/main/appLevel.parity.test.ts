/**
 * The app on the engine, tried as a user would: cv-tiny's ARIA folder opened in the browser host, the edits a
 * user makes (the network limited to 2018, the reference pixel, no pixel-wise geometry) set through the same
 * local HTTP API the renderer uses, and MintPy's default DEM-error chain (topographicResidual = auto → yes) run
 * from the app. What the app returns is compared with MintPy 1.5.1's own outputs for that configuration
 * (cv-tiny/mintpy/variants/demErr/) to the parity bars, and with the science core (bit for bit):
 * - the pixel series, its fitted model, velocity ± std, from timeseries_demErr.h5 with the chain's REF_DATE;
 * - a transect and its swath (MintPy's ut.transect_lalo sampling);
 * - per-pair coherence and the kept network (MintPy's coherenceSpatialAvg.txt, network_kept.txt);
 * - the reference pixel already stored is accepted again (MintPy: "SAME reference pixel … skip updating");
 * - every export byte-identical to `insar-studio export …` for the same request, atomic (no temp file left).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import WebSocket from 'ws';
import { wsProtocols } from '../../src-shared/hostAuth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromArrayBuffer } from 'geotiff';
import { createServices, type Services } from '../../src-main/services/apiService';
import { startHost, type Host } from '../../src-main/host/server';
import { BINARY_CONTENT_TYPE, TOKEN_HEADER, type ApiArgs, type ApiMethod, type ApiResult } from '../../src-shared/api';
import { decodeBinary, fromWireJson, toWireJson } from '../../src-shared/binaryCodec';
import { H5Reader } from '../../src-core/node/formats/h5';
import { readMap } from '../../src-core/node/export/source';
import { swathProfile, transectLalo } from '../../src-core/common/derived/transect';
import { fittedModelAt, readPixelSeries } from '../../src-core/node/derived/pixelSeries';
import { readCoherenceSpatialAvg } from '../../src-core/node/network/coherenceSpatialAvgTxt';
import { displayUnit } from '../../src-core/common/export/units';
import { REPO_ROOT, describeParity, fx } from '../helpers/fixtures';
import { F, bar } from '../helpers/parityFigures';

const FIG =
  F['DEM-error chain (topographicResidual = yes): demErr / timeseries_demErr / velocity after reference_date'];
const APP =
  F['the app (browser host API, ARIA folder, DEM-error chain): pixel series / model / velocity ± std / transect'];
const MP = (...p: string[]) => fx('mintpy', 'variants', 'demErr', ...p);
const PIXELS: [number, number][] = [
  [11, 11],
  [30, 40],
  [50, 80],
  [70, 120],
  [90, 150],
];
const LINE: [[number, number], [number, number]] = [
  [36.24, -119.79],
  [36.01, -119.41],
];

let root: string;
let services: Services;
let host: Host;
let work: string;
const events: { event: string; payload: Record<string, unknown> }[] = [];
let ws: WebSocket;

/** One call as the renderer's HTTP client makes it: POST /api/<method>, the token header, the wire codec. */
async function api<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
  const post = () =>
    fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
      body: toWireJson({ args }),
    });
  // a kept-alive socket the server closed while the CLI ran: once more on a fresh one (as a browser does)
  const r = await post().catch(() => post());
  if (!(r.headers.get('content-type') ?? '').startsWith(BINARY_CONTENT_TYPE)) {
    const body = (await r.json()) as { error?: { message: string } };
    throw new Error(`${method}: ${body.error?.message ?? r.status}`);
  }
  return decodeBinary(await r.arrayBuffer()) as ApiResult<M>;
}

async function read(path: string, ds: string): Promise<Float32Array> {
  const h = await H5Reader.open(path);
  try {
    return Float32Array.from(h.read(ds) as ArrayLike<number>);
  } finally {
    h.close();
  }
}

function cli(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'out', 'node', 'cli.js'), ...args], { encoding: 'utf8' });
  expect(r.status, `insar-studio ${args.join(' ')}: ${r.stderr}`).toBe(0);
}

describeParity('the app through its HTTP API on cv-tiny with the DEM-error chain vs MintPy 1.5.1', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
    root = mkdtempSync(join(tmpdir(), 'insar-app-level-'));
    // the user's ARIA folder (the fixture is never written: the app writes its template and outputs in mintpy/)
    const aria = join(root, 'cv-aria');
    mkdirSync(aria);
    for (const d of readdirSync(fx('aria'))) symlinkSync(fx('aria', d), join(aria, d));
    const renderer = join(root, 'renderer');
    mkdirSync(renderer);
    services = createServices({ transport: 'http', appDataDir: join(root, 'appdata'), numWorkers: 2 });
    host = await startHost({ services, rendererDir: renderer });
    ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, wsProtocols(host.token));
    ws.on('message', (m) => events.push(fromWireJson(String(m)) as (typeof events)[number]));
    await new Promise((ok, fail) => {
      ws.once('open', ok);
      ws.once('error', fail);
    });

    const info = await api('openProject', aria);
    work = info.workDir;
    expect(info.kind).toBe('aria');
    // the configuration of MintPy's variants/demErr run, as a user sets it in the app
    await api('setOverrides', {
      'mintpy.network.startDate': '20180101',
      'mintpy.network.endDate': '20190101',
      'mintpy.topographicResidual.pixelwiseGeometry': 'no',
      'mintpy.troposphericDelay.method': 'no',
      'mintpy.reference.yx': '11,63',
    });
    const started = await api('runPipeline');
    expect(started.status).toBe('running');
    const done = await services.jobs.wait();
    expect(done?.status, done?.error).toBe('ok');
  }, 600_000);

  afterAll(async () => {
    ws?.close();
    await host?.close();
    services?.dispose();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("ran MintPy's default chain; typed step events came over the WebSocket", () => {
    const steps = events.filter((e) => e.event === 'onStep').map((e) => `${e.payload.step}:${e.payload.status}`);
    for (const s of ['load_data', 'invert_network', 'correct_topography', 'residual_RMS', 'reference_date', 'velocity'])
      expect(steps).toEqual(expect.arrayContaining([`${s}:started`, `${s}:finished`]));
  });

  it('pixel series from timeseries_demErr.h5 (REF_DATE 20181105), model, velocity ± std vs MintPy and the core', async () => {
    const tsM = await read(MP('timeseries_demErr.h5'), 'timeseries');
    const [velM, stdM] = [await read(MP('velocity.h5'), 'velocity'), await read(MP('velocity.h5'), 'velocityStd')];
    const vm = await H5Reader.open(MP('velocity.h5'));
    const W = 160;
    const P = 100 * W;
    let dTs = 0;
    let dVel = 0;
    let dModel = 0;
    try {
      for (const [r, c] of PIXELS) {
        const s = await api('pixelSeries', r, c);
        expect(s.file).toBe('timeseries_demErr.h5');
        expect(s.referenceDate).toBe('20181105');
        // the app's answer is the core's, bit for bit
        const core = await readPixelSeries(join(work, 'timeseries_demErr.h5'), r, c, join(work, 'velocity.h5'));
        expect(Array.from(s.values)).toEqual(Array.from(core.values));
        expect(Array.from(s.model)).toEqual(Array.from(core.model));
        expect([s.velocity, s.velocityStd, s.residualStd]).toEqual([core.velocity, core.velocityStd, core.residualStd]);
        // and MintPy's numbers to the parity bars
        s.dates.forEach((_, k) => (dTs = Math.max(dTs, Math.abs(s.values[k] - tsM[k * P + r * W + c]))));
        dVel = Math.max(dVel, Math.abs(s.velocity - velM[r * W + c]), Math.abs(s.velocityStd - stdM[r * W + c]));
        const mModel = fittedModelAt(vm, r, c, s.dates).model;
        s.dates.forEach((_, k) => (dModel = Math.max(dModel, Math.abs(s.model[k] - mModel[k]))));
      }
    } finally {
      vm.close();
    }
    console.log(
      `[app] pixel series vs MintPy: max |Δ| values ${dTs.toExponential(2)} m, model ${dModel.toExponential(2)} m, velocity/std ${dVel.toExponential(2)} m/yr`,
    );
    // the README's app figures (these five pixels), themselves within the chain's parity bars
    expect(dTs).toBeLessThanOrEqual(bar(APP.series));
    expect(dModel).toBeLessThanOrEqual(bar(APP.model));
    expect(dVel).toBeLessThanOrEqual(bar(APP.velocity));
    expect(bar(APP.series)).toBeLessThanOrEqual(bar(FIG.tsDemErr));
    expect(bar(APP.velocity)).toBeLessThanOrEqual(bar(FIG.velocity));
  });

  it("transect and swath: MintPy's transect_lalo sampling, values vs MintPy's velocity", async () => {
    const ref = { file: 'velocity.h5', dataset: 'velocity' };
    const t = await api('transect', ref, LINE[0], LINE[1], { widthKm: 1 });
    // the core on the same file (bit for bit) …
    const m = await readMap(join(work, 'velocity.h5'), 'velocity');
    const core = transectLalo({ data: m.data, length: m.length, width: m.width }, m.grid!, LINE[0], LINE[1]);
    expect(Array.from(t.values)).toEqual(Array.from(core.value));
    expect(Array.from(t.distance)).toEqual(Array.from(core.distance));
    const sw = swathProfile({ data: m.data, length: m.length, width: m.width }, m.grid!, LINE[0], LINE[1], 1);
    expect(Array.from(t.swath!.mean)).toEqual(sw.bins.map((b) => b.mean));
    expect(Array.from(t.swath!.std)).toEqual(sw.bins.map((b) => b.std));
    // … and the same line through MintPy's velocity.h5 (transectLalo is ut.transect_lalo bit for bit)
    const mm = await readMap(MP('velocity.h5'), 'velocity');
    const mt = transectLalo({ data: mm.data, length: mm.length, width: mm.width }, mm.grid!, LINE[0], LINE[1]);
    expect(t.numSamples).toBe(mt.numSamples);
    expect(Array.from(t.row)).toEqual(Array.from(mt.y));
    expect(Array.from(t.col)).toEqual(Array.from(mt.x));
    let d = 0;
    t.values.forEach((v, k) => (d = Math.max(d, Math.abs(v - mt.value[k]))));
    console.log(
      `[app] transect: ${t.values.length} of ${t.numSamples} samples, max |Δ| vs MintPy ${d.toExponential(2)} m/yr`,
    );
    expect(d).toBeLessThanOrEqual(bar(APP.transect));
  });

  it("per-pair coherence and the kept network are MintPy's (coherenceSpatialAvg.txt, network_kept.txt)", async () => {
    const net = await api('network');
    const mintpy = readCoherenceSpatialAvg(fx('mintpy', 'coherenceSpatialAvg.txt')).rows;
    expect(net.pairs.map((p) => `${p.date1}_${p.date2}`)).toEqual(mintpy.map((r) => r.date12));
    let d = 0;
    net.pairs.forEach((p, i) => (d = Math.max(d, Math.abs(p.coherence - mintpy[i].mean))));
    console.log(`[app] per-pair coherence: max |Δ| vs MintPy's coherenceSpatialAvg.txt = ${d}`);
    expect(d).toBe(0);
    const kept = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8').trim().split('\n');
    expect(net.kept).toBe(kept.length);
  });

  it('the reference pixel already stored is accepted again (MintPy), a masked pixel is refused with the reason', async () => {
    const g = (await api('projectInfo'))!.grid!;
    const at = (r: number, c: number): [number, number] => [
      g.yFirst + (r + 0.5) * g.yStep,
      g.xFirst + (c + 0.5) * g.xStep,
    ];
    const ok = await api('setReferencePoint', ...at(11, 63));
    expect(ok).toMatchObject({ ok: true, point: { row: 11, col: 63 } });
    // mintpy.reference.maskFile = maskConnComp.h5 (MintPy's default): a pixel it masks is refused
    const mask = await read(join(work, 'maskConnComp.h5'), 'mask');
    const i = mask.findIndex((v) => v === 0);
    expect(i).toBeGreaterThanOrEqual(0);
    const bad = await api('setReferencePoint', ...at(Math.floor(i / 160), i % 160));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/masked by maskConnComp\.h5/);
    await api('undo');
  });

  it("display units by MintPy's rule: velocity cm/year, DEM height m, angles degree", async () => {
    const layers = await api('listLayers');
    const du = (id: string) => {
      const l = layers.find((x) => x.id === id)!;
      return displayUnit(l.units, l.fileType).unit;
    };
    expect(du('velocity.h5:velocity')).toBe('cm/year');
    expect(du('timeseries_demErr.h5:timeseries')).toBe('cm');
    expect(du('inputs/geometryGeo.h5:height')).toBe('m');
    expect(du('inputs/geometryGeo.h5:incidenceAngle')).toBe('degree');
    expect(du('demErr.h5:dem')).toBe('m');
  });

  it('every export is byte-identical to the CLI for the same request, written atomically', async () => {
    // the browser host writes exports only into the project's exports/ folder (#16)
    const appOut = join(work, 'exports');
    const cliOut = join(root, 'cli-exports');
    mkdirSync(appOut, { recursive: true });
    mkdirSync(cliOut);
    const v = join(work, 'velocity.h5');
    const ts = join(work, 'timeseries_demErr.h5');
    const dates = (await api('listLayers')).find((l) => l.id === 'timeseries_demErr.h5:timeseries')!.dates!;
    const [date, date5] = [dates[20], dates[5]];
    const g = (await api('projectInfo'))!.grid!;
    const [lat, lon] = [g.yFirst + 50.5 * g.yStep, g.xFirst + 80.5 * g.xStep];
    const ll = (p: [number, number]) => `${p[0]},${p[1]}`;
    const cases: [string, () => Promise<{ paths: string[] }>, string[]][] = [
      ['velocity.kmz', () => api('exportKmz', join(appOut, 'velocity.kmz')), ['kmz', v, 'velocity']],
      ['ts.kmz', () => api('exportKmzTimeseries', join(appOut, 'ts.kmz')), ['kmz-timeseries', ts]],
      [
        'velocity.tif',
        () => api('exportGeoTiff', { file: 'velocity.h5', dataset: 'velocity' }, join(appOut, 'velocity.tif')),
        ['geotiff', v, 'velocity'],
      ],
      [
        'date.tif',
        () =>
          api('exportGeoTiff', { file: 'timeseries_demErr.h5', dataset: 'timeseries', date }, join(appOut, 'date.tif')),
        ['geotiff', ts, date],
      ],
      [
        'table.csv',
        () =>
          api(
            'exportCsv',
            { kind: 'layer', ref: { file: 'velocity.h5', dataset: 'velocity' } },
            join(appOut, 'table.csv'),
          ),
        ['csv', v, '--table'],
      ],
      [
        'pixel.csv',
        () => api('exportCsv', { kind: 'pixel', row: 50, col: 80 }, join(appOut, 'pixel.csv')),
        ['csv', ts, '--lalo', ll([lat, lon])],
      ],
      // relative to the viewer's reference date (MintPy tsview --ref-date): the pixel's series and the layer
      [
        'pixel-ref.csv',
        () => api('exportCsv', { kind: 'pixel', row: 50, col: 80, refDate: date }, join(appOut, 'pixel-ref.csv')),
        ['csv', ts, '--lalo', ll([lat, lon]), '--ref-date', date],
      ],
      [
        'layer-ref.csv',
        () =>
          api(
            'exportCsv',
            { kind: 'layer', ref: { file: 'timeseries_demErr.h5', dataset: 'timeseries', date: date5, refDate: date } },
            join(appOut, 'layer-ref.csv'),
          ),
        ['csv', ts, '--table', '--dataset', date5, '--ref-date', date],
      ],
      [
        'transect.csv',
        () =>
          api(
            'exportCsv',
            {
              kind: 'transect',
              ref: { file: 'velocity.h5', dataset: 'velocity' },
              start: LINE[0],
              end: LINE[1],
              widthKm: 1,
            },
            join(appOut, 'transect.csv'),
          ),
        ['transect', v, '--start', ll(LINE[0]), '--end', ll(LINE[1]), '--width', '1'],
      ],
      [
        'network.png',
        () => api('exportFigure', { kind: 'network' }, join(appOut, 'network.png')),
        ['figure', 'network', work],
      ],
      [
        'map.svg',
        () =>
          api(
            'exportFigure',
            { kind: 'map', ref: { file: 'velocity.h5', dataset: 'velocity' } },
            join(appOut, 'map.svg'),
          ),
        ['figure', 'map', v, '--dataset', 'velocity'],
      ],
      [
        'series.svg',
        () => api('exportFigure', { kind: 'timeseries', row: 50, col: 80 }, join(appOut, 'series.svg')),
        ['figure', 'timeseries', ts, '--lalo', ll([lat, lon])],
      ],
      // relative to the reference date the viewer shows (tsview --ref-date)
      [
        'series_ref.svg',
        () =>
          api('exportFigure', { kind: 'timeseries', row: 50, col: 80, refDate: date5 }, join(appOut, 'series_ref.svg')),
        ['figure', 'timeseries', ts, '--lalo', ll([lat, lon]), '--ref-date', date5],
      ],
    ];
    const compared: string[] = [];
    for (const [name, viaApp, cliArgs] of cases) {
      const res = await viaApp();
      cli('export', ...cliArgs, '-o', join(cliOut, name));
      for (const p of res.paths) {
        const mine = readFileSync(p);
        const theirs = readFileSync(join(cliOut, basename(p)));
        expect(mine.equals(theirs), `${basename(p)}: the app's bytes differ from the CLI's`).toBe(true);
        compared.push(`${basename(p)} (${mine.length} B)`);
      }
    }
    console.log(`[app] exports byte-identical to the CLI: ${compared.join(', ')}`);
    // the figure relative to another date says so, and draws other numbers than the run's reference date's
    const refSvg = readFileSync(join(appOut, 'series_ref.svg'), 'utf8');
    expect(refSvg).toContain(`relative to ${date5}`);
    expect(readFileSync(join(appOut, 'series.svg'), 'utf8')).toContain('relative to 20181105');
    expect(refSvg).not.toBe(readFileSync(join(appOut, 'series.svg'), 'utf8').replace('20181105', date5));
    // atomic writes: nothing but the exports themselves
    expect(readdirSync(appOut).filter((f) => /tmp/i.test(f))).toEqual([]);
    expect(readdirSync(appOut).sort()).toEqual(compared.map((c) => c.split(' ')[0]).sort());
    // the GeoTIFF holds the velocity MintPy's chain gives, to the parity bar
    const tif = await (
      await fromArrayBuffer(new Uint8Array(readFileSync(join(appOut, 'velocity.tif'))).buffer)
    ).getImage();
    const [band] = (await tif.readRasters()) as unknown as Float32Array[];
    const vm = await read(MP('velocity.h5'), 'velocity');
    let d = 0;
    band.forEach((x, i) => Number.isFinite(x) && Number.isFinite(vm[i]) && (d = Math.max(d, Math.abs(x - vm[i]))));
    expect(d).toBeLessThanOrEqual(bar(FIG.velocity));
  });
});
