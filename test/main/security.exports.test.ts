/**
 * Issue #16 findings 2 and 6 (exports): in the browser host an export lands only in the open project's
 * `exports/` folder — an `outPath` elsewhere, a dataset name with `../`, a symbolic link in (or as) the
 * exports folder all fail to write anything outside it; in Electron only the save dialog's path is written;
 * the atomic writer's temp files are unguessable, exclusive and removed on failure.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileAtomic } from '../../src-core/node/util/atomicFile';
import { TOKEN_HEADER } from '../../src-shared/api';
import { createServices, type Services } from '../../src-main/services/apiService';
import { safeFileName } from '../../src-main/services/exportPaths';
import { startHost } from '../../src-main/host/server';
import { makeDemo, tempDirs } from './helpers';

const tmp = tempDirs();
let s: Services;
let demo: Awaited<ReturnType<typeof makeDemo>>;
let workDir: string;
let exportsDir: string;
let outside: string;
let dates: string[];

/** Every file under `dir` (relative paths), following no links. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** Run `fn` and return the files it created anywhere under the temp root and the outside folder. */
async function created(fn: () => Promise<unknown>): Promise<{ error: Error | null; added: string[] }> {
  const before = new Set([
    ...files(demo.root).map((f) => join(demo.root, f)),
    ...files(outside).map((f) => join(outside, f)),
  ]);
  let error: Error | null = null;
  await fn().catch((e: Error) => (error = e));
  const after = [...files(demo.root).map((f) => join(demo.root, f)), ...files(outside).map((f) => join(outside, f))];
  return { error, added: after.filter((f) => !before.has(f)) };
}

beforeAll(async () => {
  demo = await makeDemo({ rows: 24, cols: 32, numDates: 8 });
  outside = tmp.mk('insar-victim-');
  s = createServices({ transport: 'http', appDataDir: tmp.mk('insar-exp-app-'), numWorkers: 1 });
  const info = await s.api.openProject(demo.folder);
  workDir = info.workDir;
  exportsDir = join(workDir, 'exports');
  await s.api.runPipeline();
  expect((await s.jobs.wait())?.status).toBe('ok');
  // the edit preview's decimated copy of the stack is built in the background after a run: let it finish
  // so that its files are not taken for an export's
  await s.previews.prepare();
  dates = (await s.api.listLayers()).find((l) => l.id === 'timeseries.h5:timeseries')!.dates!;
}, 180_000);
afterAll(() => {
  s?.dispose();
  tmp.cleanup();
  if (demo) rmSync(demo.root, { recursive: true, force: true });
});

describe('browser host: exports only into <workDir>/exports', () => {
  test('outPath anywhere else is refused and nothing is written (KMZ, GeoTIFF, CSV)', async () => {
    const ref = { file: 'velocity.h5', dataset: 'velocity' };
    const attempts: [string, () => Promise<unknown>][] = [];
    for (const p of [
      join(outside, 'evil.kmz'),
      join(outside, 'new-folder', 'evil.kmz'),
      '../../evil.kmz',
      '../velocity.h5',
      join(workDir, 'velocity.h5'),
      join(workDir, 'inputs', 'x.kmz'),
      'sub/x.kmz',
      '.bashrc',
    ]) {
      attempts.push([`kmz ${p}`, () => s.api.exportKmz(p)]);
      attempts.push([`tif ${p}`, () => s.api.exportGeoTiff(ref, p)]);
      attempts.push([`csv ${p}`, () => s.api.exportCsv({ kind: 'pixel', row: 3, col: 4 }, p)]);
    }
    const velocityBefore = readFileSync(join(workDir, 'velocity.h5'));
    for (const [what, fn] of attempts) {
      const r = await created(fn);
      expect(r.error?.name, what).toBe('ExportPathError');
      expect(r.added, what).toEqual([]);
    }
    expect(existsSync(join(outside, 'new-folder'))).toBe(false);
    expect(readFileSync(join(workDir, 'velocity.h5')).equals(velocityBefore)).toBe(true);
  });

  test('the default name and a name the user typed land in exports/', async () => {
    const a = await s.api.exportKmz();
    expect(a.path).toBe(join(exportsDir, 'velocity_velocity.kmz'));
    const b = await s.api.exportKmz('my velocity (2).kmz');
    expect(b.path).toBe(join(exportsDir, 'my velocity (2).kmz'));
    const c = await s.api.exportCsv({ kind: 'pixel', row: 3, col: 4 }, join(exportsDir, 'p.csv'));
    expect(c.path).toBe(join(exportsDir, 'p.csv'));
    expect(statSync(c.path).size).toBeGreaterThan(0);
  });

  test('a dataset name with ../ cannot steer the file out of exports/', async () => {
    const evil = 'x/../../../../../../tmp/y';
    const r = await created(() => s.api.exportKmz(undefined, { file: 'timeseries.h5', dataset: evil, date: dates[3] }));
    for (const f of r.added) expect(f.startsWith(exportsDir + '/'), f).toBe(true);
    // the core's writer (the CLI's) finds no such dataset/date and refuses, naming the file: nothing is written
    expect(String(r.error)).toMatch(/timeseries\.h5: no date x\/\.\.\//);
    expect(r.added).toEqual([]);
    for (const call of [
      () => s.api.exportGeoTiff({ file: 'timeseries.h5', dataset: evil, date: dates[3] }),
      () => s.api.exportCsv({ kind: 'layer', ref: { file: 'velocity.h5', dataset: evil } }),
      () => s.api.exportKmz(undefined, { file: 'velocity.h5', dataset: '../../../../etc/passwd' }),
    ]) {
      const q = await created(call);
      for (const f of q.added) expect(f.startsWith(exportsDir + '/'), f).toBe(true);
    }
    // what the old code wrote: <exports>/timeseries_x/../../../../../../tmp/y_<date>.kmz = /tmp/y_<date>.kmz
    expect(readdirSync('/tmp').filter((f) => /^y_\d{8}/.test(f))).toEqual([]);
  });

  test('a symbolic link at the export name is refused; its target is untouched', async () => {
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = join(exportsDir, 'velocity_velocity.tif');
    rmSync(link, { force: true });
    symlinkSync(victim, link);
    const r = await created(() => s.api.exportGeoTiff({ file: 'velocity.h5', dataset: 'velocity' }));
    expect(r.error?.message).toMatch(/symbolic link/);
    expect(r.added).toEqual([]);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    rmSync(link);
  });

  test('exports/ itself a symbolic link to elsewhere: refused, nothing written there', async () => {
    const away = join(outside, 'elsewhere');
    mkdirSync(away);
    renameSync(exportsDir, `${exportsDir}.real`);
    symlinkSync(away, exportsDir);
    try {
      const r = await created(() => s.api.exportCsv({ kind: 'pixel', row: 3, col: 4 }));
      expect(r.error?.message).toMatch(/exports\/ is a symbolic link/);
      expect(r.added).toEqual([]);
      expect(readdirSync(away)).toEqual([]);
    } finally {
      rmSync(exportsDir);
      renameSync(`${exportsDir}.real`, exportsDir);
    }
  });

  test('over HTTP: the refusal is a 422 whose message names no absolute path', async () => {
    const rendererDir = tmp.mk('insar-exp-renderer-');
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head></html>');
    const host = await startHost({ services: s, rendererDir, log: () => {} });
    try {
      const r = await fetch(`http://127.0.0.1:${host.port}/api/exportKmz`, {
        method: 'POST',
        headers: { [TOKEN_HEADER]: host.token },
        body: JSON.stringify({ args: [join(outside, 'evil.kmz')] }),
      });
      expect(r.status).toBe(422);
      const body = (await r.json()) as { error: { name: string; message: string } };
      expect(body.error.name).toBe('ExportPathError');
      expect(body.error.message).not.toContain(outside);
      expect(existsSync(join(outside, 'evil.kmz'))).toBe(false);
    } finally {
      await host.close();
    }
  });
});

describe('Electron: only where the save dialog says', () => {
  test('a path from the renderer is refused; the dialog gets a safe default and its answer is used', async () => {
    const asked: string[] = [];
    let answer: string | null = null;
    const e = createServices({
      transport: 'electron',
      appDataDir: tmp.mk('insar-exp-el-'),
      numWorkers: 1,
      dialogs: {
        pickFolder: async () => null,
        saveFile: async (p) => {
          asked.push(p);
          return answer;
        },
      },
    });
    try {
      await e.api.openProject(demo.folder);
      // even a path inside exports/ is refused: the dialog decides
      await expect(e.api.exportKmz(join(exportsDir, 'x.kmz'))).rejects.toThrow(/save dialog/);
      expect(asked).toEqual([]);
      // cancelled: nothing written
      const r = await created(() =>
        e.api.exportKmz(undefined, { file: 'timeseries.h5', dataset: '../../../tmp/z', date: dates[2] }),
      );
      expect(r.error?.name).toBe('CancelledError');
      expect(r.added).toEqual([]);
      expect(asked[0]).toBe(join(exportsDir, `timeseries_._._._tmp_z_${dates[2]}.kmz`));
      // the user's choice, wherever it is
      answer = join(outside, 'chosen.kmz');
      const k = await e.api.exportKmz();
      expect(k.path).toBe(answer);
      expect(statSync(answer).size).toBeGreaterThan(0);
    } finally {
      e.dispose();
    }
  });
});

describe('names and the atomic writer', () => {
  test('safeFileName: no separators, no .., no leading dot, bounded, never empty', () => {
    expect(safeFileName('velocity_x/../../../../tmp/y_20200101.kmz')).toBe('velocity_x_._._._._tmp_y_20200101.kmz');
    expect(safeFileName('..\\..\\win.ini')).toBe('win.ini');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('a\u0000b\nc.csv')).toBe('a_b_c.csv');
    expect(safeFileName('../..')).toBe('export');
    const long = safeFileName('x'.repeat(500) + '.tif');
    expect(long.length).toBe(180);
    expect(long.endsWith('.tif')).toBe(true);
  });

  test('temp names are unguessable; a failed write leaves no temp file; a link at the target is replaced, not followed', async () => {
    const d = tmp.mk('insar-atomic-');
    // the temp file's name: watch the folder while writing
    const seen = new Set<string>();
    const w = watch(d, (_ev, name) => name && seen.add(String(name)));
    for (let i = 0; i < 5; i++) {
      writeFileAtomic(join(d, 'out.csv'), `run ${i}\n`);
      await new Promise((ok) => setTimeout(ok, 30));
    }
    w.close();
    // failure: the target is a non-empty folder, so the rename fails
    mkdirSync(join(d, 'busy.csv'));
    writeFileSync(join(d, 'busy.csv', 'keep'), 'x');
    expect(() => writeFileAtomic(join(d, 'busy.csv'), 'data')).toThrow();
    expect(readdirSync(d).filter((f) => f.includes('.tmp'))).toEqual([]);
    // a symbolic link at the target: replaced by the new file, the file it pointed to untouched
    const victim = join(outside, 'victim2.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(d, 'linked.csv'));
    writeFileAtomic(join(d, 'linked.csv'), 'new');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(d, 'linked.csv'), 'utf8')).toBe('new');
    // what the watcher saw (best effort: inotify may coalesce): random names, never the pid
    const temps = [...seen].filter((n) => n.includes('.tmp-'));
    for (const t of temps) {
      expect(t).toMatch(/^out\.csv\.tmp-[0-9a-f]{24}$/);
      expect(t).not.toContain(String(process.pid));
    }
    expect(temps.length).toBeGreaterThan(0);
  });
});
