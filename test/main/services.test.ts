import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { fromArrayBuffer } from 'geotiff';
import { H5Reader } from '../../src-core/node/formats/h5';
import { createServices, type Services } from '../../src-main/services/apiService';
import { overridesOf } from '../../src-main/services/projectService';
import { staleFromDiff } from '../../src-core/node/pipeline/staleness';
import { readMap } from '../../src-core/node/export/source';
import { swathProfile, transectLalo } from '../../src-core/common/derived/transect';
import { makeDemo } from './helpers';
import { validateSecular } from '../../src-core/node/nisar/validate';
import { tableRows } from '../../src-core/node/nisar/report';
import type { NetworkInfo } from '../../src-shared/api';

let s: Services;
let demo: Awaited<ReturnType<typeof makeDemo>>;
let appData: string;
/** the network as the editor shows it before load_data */
let preRun: NetworkInfo;

function inputSnapshot(folder: string): Record<string, number> {
  const files = ['stack/unwrapStack.vrt', 'stack/cohStack.vrt', 'stack/connCompStack.vrt'];
  return Object.fromEntries(files.map((f) => [f, statSync(join(folder, f)).mtimeMs]));
}

beforeAll(async () => {
  demo = await makeDemo();
  appData = mkdtempSync(join(tmpdir(), 'insar-appdata-'));
  s = createServices({ transport: 'http', appDataDir: appData, numWorkers: 1 });
});
afterAll(() => s?.dispose());

describe('services on a demo project', () => {
  test('open: detects the ARIA folder, lists dates/pairs before load_data, records the recent project', async () => {
    const before = inputSnapshot(demo.folder);
    const info = await s.api.openProject(demo.folder);
    expect(info.kind).toBe('aria');
    expect(info.dates.length).toBe(12);
    expect(info.numPairs).toBeGreaterThan(11);
    expect(info.edits.staleFrom).toBeNull();
    expect(existsSync(join(demo.folder, '.insar-studio', 'project.sqlite'))).toBe(true);
    expect((await s.api.recentProjects()).map((r) => r.folder)).toContain(demo.folder);
    const net = await s.api.network();
    expect(net.pairs.length).toBe(info.numPairs);
    expect(net.components).toBe(1);
    expect(net.componentDates).toEqual([info.dates]);
    // the baselines come from the ARIA bands' metadata already: not every date at 0 m
    expect(net.bperpSource).toBe('metadata');
    expect(new Set(net.dateBperp).size).toBeGreaterThan(info.dates.length / 2);
    preRun = net;
    expect(inputSnapshot(demo.folder)).toEqual(before);
  });

  test('a bad folder is refused with a message naming it', async () => {
    await expect(s.projects.open(join(demo.root, 'nope'))).rejects.toThrow(/nope.*not a folder/);
  });

  test('run: progress, typed step events, the run record, the layers', async () => {
    const progress: string[] = [];
    const logs: string[] = [];
    const stepEvents: string[] = [];
    const offP = s.events.on('onProgress', (p) => progress.push(p.step));
    const offL = s.events.on('onLog', (l) => logs.push(l.message));
    const offS = s.events.on('onStep', (e) => stepEvents.push(`${e.step}:${e.status}`));
    const started = await s.api.runPipeline();
    expect(started.status).toBe('running');
    await expect(s.api.runPipeline()).rejects.toThrow(/already going/);
    const done = await s.jobs.wait();
    offP();
    offL();
    offS();
    expect(done?.status).toBe('ok');
    expect(done?.steps.find((x) => x.name === 'invert_network')?.status).toBe('done');
    expect(logs.some((l) => l.startsWith('step velocity'))).toBe(true);
    // each step: started then finished, or skipped (the demo template turns the DEM-error chain and KMZ off)
    expect(stepEvents).toEqual(
      expect.arrayContaining(['load_data:started', 'load_data:finished', 'velocity:started', 'velocity:finished']),
    );
    expect(stepEvents.indexOf('invert_network:finished')).toBeLessThan(stepEvents.indexOf('velocity:started'));
    for (const x of done!.steps)
      expect(stepEvents).toContain(`${x.name}:${x.status === 'done' ? 'finished' : x.status}`);
    expect(new Set(progress).size).toBeGreaterThan(0);
    const layers = await s.api.listLayers();
    const ids = layers.map((l) => l.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'velocity.h5:velocity',
        'timeseries.h5:timeseries',
        'temporalCoherence.h5:temporalCoherence',
        'inputs/geometryGeo.h5:height',
      ]),
    );
    const ts = layers.find((l) => l.id === 'timeseries.h5:timeseries')!;
    expect(ts.dates?.length).toBe(12);
    // the network before load_data had the baselines load_data wrote: per pair bit-equal, per date equal
    const after = await s.api.network();
    expect(after.bperpSource).toBe('stack');
    expect(preRun.pairs.map((p) => p.bperp)).toEqual(after.pairs.map((p) => p.bperp));
    expect(preRun.dates).toEqual(after.dates);
    expect(preRun.dateBperp).toEqual(after.dateBperp);
  });

  test('getLayer equals the file read directly; stats are of the finite values', async () => {
    const l = await s.api.getLayer('velocity.h5', 'velocity');
    const r = await H5Reader.open(join(s.projects.current!.workDir, 'velocity.h5'));
    const direct = r.read('velocity') as Float32Array;
    r.close();
    expect(l.values.length).toBe(40 * 60);
    expect(Array.from(l.values)).toEqual(Array.from(direct));
    const finite = Array.from(direct).filter(Number.isFinite);
    expect(l.stats.min).toBe(Math.min(...finite));
    expect(l.stats.max).toBe(Math.max(...finite));
    expect(l.units).toBe('m/year');
    const d = await s.api.getLayer('timeseries.h5', 'timeseries', ts12(await s.api.listLayers()));
    expect(d.values.length).toBe(40 * 60);
    await expect(s.api.getLayer('../../etc/passwd.h5', 'x')).rejects.toThrow(/outside/);
    await expect(s.api.getLayer('timeseries.h5', 'timeseries')).rejects.toThrow(/choose a date/);
  });

  test('pixelSeries: the time series column and the fitted model (intercept + v·(t − t_ref))', async () => {
    const ps = await s.api.pixelSeries(20, 30);
    const r = await H5Reader.open(join(s.projects.current!.workDir, 'timeseries.h5'));
    const band = (k: number) => r.readBand('timeseries', k)[20 * 60 + 30];
    expect(ps.values[0]).toBe(band(0));
    expect(ps.values[11]).toBe(band(11));
    r.close();
    const v = await s.api.getLayer('velocity.h5', 'velocity');
    expect(ps.velocity).toBe(v.values[20 * 60 + 30]);
    expect(ps.model.length).toBe(12);
    // the model's slope is the velocity
    const slope = (ps.model[11] - ps.model[0]) / (ps.years[11] - ps.years[0]);
    expect(Math.abs(slope - ps.velocity)).toBeLessThan(1e-5);
  });

  test("transect: MintPy's transect_lalo of the layer (src-core), and the swath with a width", async () => {
    const g = (await s.api.getLayer('velocity.h5', 'velocity')).grid;
    const lat = g.yFirst + 10.5 * g.yStep;
    const start: [number, number] = [lat, g.xFirst + 0.5 * g.xStep];
    const end: [number, number] = [lat, g.xFirst + 59.5 * g.xStep];
    const t = await s.api.transect({ file: 'velocity.h5', dataset: 'velocity' }, start, end, { widthKm: 1 });
    const m = await readMap(join(s.projects.current!.workDir, 'velocity.h5'), 'velocity');
    const core = transectLalo({ data: m.data, length: m.length, width: m.width }, m.grid!, start, end);
    // int(hypot(59, 0)) = 59 samples, NaN/0 ones dropped as MintPy does
    expect(t.numSamples).toBe(59);
    expect(Array.from(t.values)).toEqual(Array.from(core.value));
    expect(Array.from(t.distance)).toEqual(Array.from(core.distance));
    expect(t.distanceUnit).toBe('m');
    const sw = swathProfile({ data: m.data, length: m.length, width: m.width }, m.grid!, start, end, 1);
    expect(Array.from(t.swath!.mean)).toEqual(sw.bins.map((b) => b.mean));
    expect(Array.from(t.swath!.count)).toEqual(sw.bins.map((b) => b.count));
  });

  test('excluding a pair: undoable, stale from modify_network, re-run changes the velocity and keeps fewer pairs', async () => {
    const v0 = (await s.api.getLayer('velocity.h5', 'velocity')).values.slice();
    const net = await s.api.network();
    const e1 = await s.api.setExcludedPairs([1, 4]);
    expect(e1.excludedPairs).toEqual([1, 4]);
    expect(e1.staleFrom).toBe('modify_network');
    expect((await s.api.getLayer('velocity.h5', 'velocity')).stale).toBe(true);
    await expect(s.api.setExcludedPairs([net.pairs.length])).rejects.toThrow(/does not exist/);
    const u = await s.api.undo();
    expect(u.excludedPairs).toEqual([]);
    expect(u.staleFrom).toBeNull();
    const r = await s.api.redo();
    expect(r.excludedPairs).toEqual([1, 4]);
    await s.api.runPipeline();
    const done = await s.jobs.wait();
    expect(done?.status).toBe('ok');
    expect(done?.fromStep).toBe('modify_network');
    expect((await s.api.projectInfo())?.edits.staleFrom).toBeNull();
    const v1 = (await s.api.getLayer('velocity.h5', 'velocity')).values;
    let maxd = 0;
    for (let i = 0; i < v1.length; i++)
      if (Number.isFinite(v1[i]) && Number.isFinite(v0[i])) maxd = Math.max(maxd, Math.abs(v1[i] - v0[i]));
    expect(maxd).toBeGreaterThan(0);
    const kept = JSON.parse(readFileSync(join(s.projects.current!.workDir, 'networkSelection.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(kept)).toMatch(/1/);
    const r2 = await H5Reader.open(join(s.projects.current!.workDir, 'numInvIfgram.h5'));
    const num = r2.read('mask');
    r2.close();
    expect(Math.max(...Array.from(num))).toBe(net.pairs.length - 2);
  });

  test('reference point: refused outside the grid with the reason; accepted → the re-run makes it 0', async () => {
    const g = s.projects.grid()!;
    const bad = await s.api.setReferencePoint(g.yFirst - 5 * Math.abs(g.yStep) * 100, g.xFirst);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/outside/);
    const [row, col] = [25, 12];
    const ok = await s.api.setReferencePoint(g.yFirst + (row + 0.5) * g.yStep, g.xFirst + (col + 0.5) * g.xStep);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect([ok.point.row, ok.point.col]).toEqual([row, col]);
    expect(ok.edits.staleFrom).toBe('reference_point');
    await s.api.runPipeline();
    expect((await s.jobs.wait())?.status).toBe('ok');
    const v = await s.api.getLayer('velocity.h5', 'velocity');
    expect(v.values[row * g.width + col]).toBe(0);
    const r = await H5Reader.open(join(s.projects.current!.workDir, 'velocity.h5'));
    expect([r.attrs.REF_Y, r.attrs.REF_X]).toEqual([String(row), String(col)]);
    r.close();
    expect((await s.api.projectInfo())?.outputReference).toMatchObject({ row, col });
    const cleared = await s.api.clearReferencePoint();
    expect(cleared.referencePoint).toBeNull();
    expect(cleared.staleFrom).toBe('reference_point');
    expect((await s.api.undo()).referencePoint).toMatchObject({ row, col });
  });

  test('cancel stops a run and records it as cancelled', async () => {
    await s.api.setOverrides({ 'mintpy.networkInversion.weightFunc': 'no' });
    await expect(s.api.runPipeline('no_such_step')).rejects.toThrow(
      /unknown step "no_such_step": the steps are load_data/,
    );
    await s.api.runPipeline('load_data');
    expect(await s.api.cancelRun()).toBe(true);
    const done = await s.jobs.wait();
    expect(done?.status).toBe('cancelled');
    expect((await s.api.runs())[0].status).toBe('cancelled');
    expect(await s.api.cancelRun()).toBe(false);
  });

  test('exports: KMZ is a zip with a .kml; GeoTIFF and CSV are written', async () => {
    const k = await s.api.exportKmz();
    const z = unzipSync(new Uint8Array(readFileSync(k.path)));
    const kml = Object.keys(z).find((n) => n.endsWith('.kml'))!;
    expect(strFromU8(z[kml])).toMatch(/<GroundOverlay>/);
    const dates = (await s.api.listLayers()).find((l) => l.id === 'timeseries.h5:timeseries')!.dates!;
    const kd = await s.api.exportKmz(undefined, { file: 'timeseries.h5', dataset: 'timeseries', date: dates[5] });
    expect(kd.path).toMatch(new RegExp(`timeseries_timeseries_${dates[5]}\\.kmz$`));
    expect(Object.keys(unzipSync(new Uint8Array(readFileSync(kd.path)))).some((n) => n.endsWith('.png'))).toBe(true);
    await expect(
      s.api.exportKmz(undefined, { file: 'inputs/ifgramStack.h5', dataset: 'unwrapPhase', date: '20000101_20000113' }),
    ).rejects.toThrow(/no pair 20000101_20000113/);
    const t = await s.api.exportGeoTiff({ file: 'velocity.h5', dataset: 'velocity' });
    const tif = await fromArrayBuffer(new Uint8Array(readFileSync(t.path)).buffer);
    const img = await tif.getImage();
    expect([img.getWidth(), img.getHeight()]).toEqual([60, 40]);
    const v = await s.api.getLayer('velocity.h5', 'velocity');
    const [ras] = (await img.readRasters()) as unknown as Float32Array[];
    expect(Array.from(ras)).toEqual(Array.from(v.values));
    expect(img.getOrigin()[0]).toBeCloseTo(v.grid.xFirst, 9);
    expect(img.getOrigin()[1]).toBeCloseTo(v.grid.yFirst, 9);
    expect(img.getResolution()[0]).toBeCloseTo(v.grid.xStep, 12);
    expect(img.getGeoKeys()).toMatchObject({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 });
    const pair = (await s.api.listLayers()).find((l) => l.id === 'inputs/ifgramStack.h5:coherence')!.dates![2];
    const tp = await s.api.exportGeoTiff({ file: 'inputs/ifgramStack.h5', dataset: 'coherence', date: pair });
    const ip = await (await fromArrayBuffer(new Uint8Array(readFileSync(tp.path)).buffer)).getImage();
    const [pr] = (await ip.readRasters()) as unknown as Float32Array[];
    expect(Array.from(pr)).toEqual(
      Array.from((await s.api.getLayer('inputs/ifgramStack.h5', 'coherence', pair)).values),
    );
    const c = await s.api.exportCsv({ kind: 'pixel', row: 20, col: 30 });
    const lines = readFileSync(c.path, 'utf8').trim().split('\n');
    // the CLI's points CSV: header, the reference pixel's 12 dates, then the pixel's
    expect(lines.length).toBe(1 + 2 * 12);
    expect(lines[1]).toMatch(/^ref,/);
    expect(lines[13]).toMatch(/^P1,[\d.-]+,[\d.-]+,20,30,/);
    const fi = await s.api.fileInfo('velocity.h5');
    expect(fi.datasets.map((d) => d.name)).toContain('velocity');
  });

  test('every date as one GeoTIFF; an export offered as a download, nothing outside exports/', async () => {
    const dates = (await s.api.listLayers()).find((l) => l.id === 'timeseries.h5:timeseries')!.dates!;
    const t = await s.api.exportGeoTiff({ file: 'timeseries.h5', dataset: 'timeseries' });
    const img = await (await fromArrayBuffer(new Uint8Array(readFileSync(t.path)).buffer)).getImage();
    expect(img.getSamplesPerPixel()).toBe(dates.length);
    const bands = (await img.readRasters()) as unknown as Float32Array[];
    expect(Array.from(bands[5])).toEqual(
      Array.from((await s.api.getLayer('timeseries.h5', 'timeseries', dates[5])).values),
    );
    const d = await s.api.exportDownload(t.path);
    expect(d.name).toBe('timeseries_timeseries.tif');
    expect(Buffer.from(d.bytes).equals(readFileSync(t.path))).toBe(true);
    expect((await s.api.exportDownload('timeseries_timeseries.tif')).bytes.length).toBe(d.bytes.length);
    const wd = s.projects.current!.workDir;
    await expect(s.api.exportDownload(join(wd, 'velocity.h5'))).rejects.toThrow(
      "velocity.h5: only files of the project's exports/ folder can be downloaded",
    );
    await expect(s.api.exportDownload('../velocity.h5')).rejects.toThrow(
      /only files of the project's exports\/ folder/,
    );
  });

  test('NISAR validation from the app: the CLI core on velocity.h5, the report in exports/', async () => {
    const r = await s.api.nisarValidate({ method: 'method2', numSamples: 400, seed: 3 });
    const wd = s.projects.current!.workDir;
    const core = await validateSecular({
      method: 'method2',
      velocityFile: join(wd, 'velocity.h5'),
      numSamples: 400,
      seed: 3,
    });
    expect(r.verdicts).toEqual(core.table.verdicts);
    expect(r.rows).toEqual(tableRows(core.table));
    expect(r.pairs).toEqual(core.pairsSummary);
    expect(r.report.paths.map((p) => p.replace(wd, ''))).toEqual([
      '/exports/nisar_method2_report.html',
      '/exports/nisar_method2_report.json',
      '/exports/nisar_method2_report.csv',
    ]);
    expect(readFileSync(r.report.paths[0], 'utf8')).toContain('NISAR secular requirement');
    expect(r.figureSvg.startsWith('<svg')).toBe(true);
    await expect(s.api.nisarValidate({ method: 'method1' })).rejects.toThrow('Method 1 needs GNSS files');
    await expect(s.api.nisarValidate({ method: 'method2', site: 'Atlantis' })).rejects.toThrow(
      /unknown NISAR site "Atlantis"/,
    );
    expect((await s.api.nisarSites()).length).toBeGreaterThan(0);
  });

  test('edits survive closing the services and reopening the project', async () => {
    const before = (await s.api.projectInfo())!.edits;
    s.dispose();
    s = createServices({ transport: 'http', appDataDir: appData, numWorkers: 1 });
    expect(await s.api.projectInfo()).toBeNull();
    const info = await s.api.openProject((await s.api.recentProjects())[0].folder);
    expect(info.edits.excludedPairs).toEqual(before.excludedPairs);
    expect(info.edits.referencePoint).toEqual(before.referencePoint);
    expect(info.edits.overrides).toEqual({ 'mintpy.networkInversion.weightFunc': 'no' });
    expect(info.edits.staleFrom).toBe('invert_network');
    expect((await s.api.undo()).overrides).toEqual({});
  });
});

describe('shutdown during a run', () => {
  test('dispose cancels the run; its end is reported without an unhandled rejection', async () => {
    const finished: string[] = [];
    s.events.on('onRunFinished', (e) => finished.push(e.run.status));
    await s.api.runPipeline('load_data');
    s.dispose();
    const end = await s.jobs.wait();
    expect(end?.status).toBe('cancelled');
    expect(finished).toEqual(['cancelled']);
    s = createServices({ transport: 'http', appDataDir: appData, numWorkers: 1 });
    const info = await s.api.openProject(demo.folder);
    // the interrupted run is in the history as not-ok
    expect(['cancelled', 'failed']).toContain(info.lastRun?.status);
  });
});

describe('an ARIA folder without a template', () => {
  test('the template the app writes turns on no step the app does not run: a run warns about none', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'insar-aria-')), 'aria');
    cpSync(demo.folder, folder, { recursive: true, filter: (src) => !/[/\\](mintpy|\.insar-studio)$/.test(src) });
    expect(existsSync(join(folder, 'mintpy'))).toBe(false);
    const a = createServices({ transport: 'http', appDataDir: mkdtempSync(join(tmpdir(), 'insar-appdata-')) });
    try {
      const info = await a.api.openProject(folder);
      expect(info.templatePath).toBe(join(folder, 'mintpy', 'aria.cfg'));
      expect(readFileSync(info.templatePath, 'utf8')).toMatch(/^mintpy\.troposphericDelay\.method\s+= no$/m);
      const logs: string[] = [];
      const off = a.events.on('onLog', (l) => void logs.push(l.message));
      await a.api.runPipeline('load_data', 'load_data');
      const end = await a.jobs.wait();
      off();
      expect(end?.status, end?.error).toBe('ok');
      expect(logs).toContain('step load_data');
      expect(logs.filter((l) => /does not run|pyaps/.test(l))).toEqual([]);
    } finally {
      a.dispose();
      rmSync(dirname(folder), { recursive: true, force: true });
    }
  });
});

describe('stale steps', () => {
  test("the app's edits as template overrides make the steps reading them stale", () => {
    expect(
      staleFromDiff(
        overridesOf({ excludedPairs: [2], referencePoint: { lat: 0, lon: 0, row: 1, col: 1 }, overrides: {} }),
        {},
      ),
    ).toBe('modify_network');
    expect(
      staleFromDiff(
        overridesOf({ excludedPairs: [], referencePoint: { lat: 0, lon: 0, row: 1, col: 1 }, overrides: {} }),
        {},
      ),
    ).toBe('reference_point');
  });
});

function ts12(layers: { id: string; dates?: string[] }[]): string {
  return layers.find((l) => l.id === 'timeseries.h5:timeseries')!.dates![5];
}
