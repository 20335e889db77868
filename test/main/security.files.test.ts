/**
 * Issue #16 finding 4: `fileInfo` reads HDF5 files of the open project only (no reading or probing of the
 * rest of the disk); `listDir`, the browser host's folder picker, lists sub-folders only (no file names).
 * (That listDir is no Electron IPC channel is in security.electron.test.ts.)
 */
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPipeline } from '../../src-core/node/pipeline/runner';
import { createServices, type Services } from '../../src-main/services/apiService';
import { makeDemo, tempDirs } from './helpers';

const tmp = tempDirs();
let s: Services;
let demo: Awaited<ReturnType<typeof makeDemo>>;
let outside: string;

beforeAll(async () => {
  demo = await makeDemo({ rows: 20, cols: 30, numDates: 6 });
  await runPipeline({ templatePath: demo.templatePath, dostep: 'load_data', numWorkers: 0 });
  // an HDF5 file elsewhere on the disk (what an attacker would like to read)
  outside = tmp.mk('insar-outside-');
  copyFileSync(join(demo.folder, 'mintpy', 'inputs', 'geometryGeo.h5'), join(outside, 'secret.h5'));
  s = createServices({ transport: 'http', appDataDir: tmp.mk('insar-files-app-'), numWorkers: 0 });
}, 120_000);
afterAll(async () => {
  s?.dispose();
  tmp.cleanup();
  const { rmSync } = await import('node:fs');
  if (demo) rmSync(demo.root, { recursive: true, force: true });
});

describe('fileInfo: the project only', () => {
  test('without an open project nothing is read', async () => {
    await expect(s.api.fileInfo(join(outside, 'secret.h5'))).rejects.toThrow(/no project is open/);
  });

  test("reads the project's HDF5 files", async () => {
    await s.api.openProject(demo.folder);
    const fi = await s.api.fileInfo('inputs/ifgramStack.h5');
    expect(fi.datasets.map((d) => d.name)).toContain('unwrapPhase');
    expect(fi.attrs.FILE_TYPE).toBe('ifgramStack');
  });

  test('refuses any file outside the work folder, existing or not, with the same answer', async () => {
    const secret = join(outside, 'secret.h5');
    const missing = join(outside, 'missing.h5');
    const msg = (p: string) =>
      s.api.fileInfo(p).then(
        () => 'read',
        (e: Error) => e.message,
      );
    const a = await msg(secret);
    const b = await msg(missing);
    expect(a).toMatch(/outside the project's work directory/);
    // no oracle: the answer does not depend on whether the file exists
    expect(a.replace(secret, 'X')).toBe(b.replace(missing, 'X'));
    for (const p of [
      '../../../../../../etc/passwd.h5',
      'inputs/../../x.h5',
      `${demo.folder}/../${demo.folder.split('/').pop()}-other/x.h5`,
    ])
      await expect(s.api.fileInfo(p), p).rejects.toThrow(/outside the project's work directory/);
    await expect(s.api.fileInfo('/etc/passwd')).rejects.toThrow(/outside|not an HDF5/);
    await expect(s.api.fileInfo('templates.cfg')).rejects.toThrow(/not an HDF5/);
  });
});

describe('listDir: folders only', () => {
  test('lists visible sub-folders, never file names', () => {
    const d = tmp.mk('insar-list-');
    mkdirSync(join(d, 'stack-a'));
    mkdirSync(join(d, 'stack-b'));
    mkdirSync(join(d, '.hidden'));
    writeFileSync(join(d, 'id_rsa'), 'x');
    writeFileSync(join(d, 'notes.txt'), 'x');
    symlinkSync('/etc', join(d, 'etc-link'));
    const l = s.projects.listDir(d);
    expect(l.entries.map((e) => e.name)).toEqual(['stack-a', 'stack-b']);
    expect(l.entries.every((e) => e.isDir)).toBe(true);
    expect(l.parent).toBe(join(d, '..'));
  });

  test('relative paths and files are refused', async () => {
    await expect(s.api.listDir('relative/dir')).rejects.toThrow(/absolute folder path/);
    const d = tmp.mk('insar-list-');
    writeFileSync(join(d, 'f.txt'), 'x');
    await expect(s.api.listDir(join(d, 'f.txt'))).rejects.toThrow(/not a folder/);
  });
});
