/**
 * "A kill loses no edit": a child process commits edits through ProjectDb and is SIGKILLed right after the
 * last acknowledgement; the reopened database has every edit and the undo position. Also: a read-only
 * project folder gets its database in the app data folder instead.
 */
import { describe, expect, test } from 'vitest';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { ProjectDb } from '../../src-main/services/projectDb';

describe('durability', () => {
  test('edits acknowledged before a SIGKILL are all there after reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'insar-kill-'));
    // inside the repo (out/ is ignored) so the child resolves better-sqlite3 from node_modules
    const bundle = resolve('out', 'test', `projectDb-${process.pid}.mjs`);
    await build({
      entryPoints: [resolve('src-main/services/projectDb.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    });
    const dbPath = join(dir, 'p', '.insar-studio', 'project.sqlite');
    const script = join(dir, 'child.mjs');
    writeFileSync(
      script,
      `import { ProjectDb } from ${JSON.stringify(bundle)};
const db = new ProjectDb(${JSON.stringify(dbPath)});
for (let i = 1; i <= 50; i++) db.commitEdit('exclude ' + i, { excludedPairs: Array.from({ length: i }, (_, k) => k), referencePoint: null, overrides: {} });
db.undo();
process.stdout.write('ack\\n');
process.kill(process.pid, 'SIGKILL');
`,
    );
    const r = spawnSync(process.execPath, [script], { cwd: resolve('.'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('ack\n');
    const db = new ProjectDb(dbPath);
    const h = db.history();
    expect(h.current.excludedPairs.length).toBe(49);
    expect(h.redoLabel).toBe('exclude 50');
    expect(db.redo().current.excludedPairs.length).toBe(50);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Run as a non-root user: root writes into a 0555 folder anyway. Under root (CI), the check runs in a child
  // process with the privileges dropped to nobody (65534), so CI runs it too instead of skipping it.
  test('a read-only project folder keeps its database in the app data folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'insar-ro-'));
    try {
      const folder = join(root, 'ro');
      const appdata = join(root, 'appdata');
      mkdirSync(folder);
      mkdirSync(appdata);
      const asRoot = process.getuid?.() === 0;
      const user = asRoot ? { uid: 65534, gid: 65534 } : null;
      chmodSync(root, 0o755);
      if (user) chownSync(appdata, user.uid, user.gid);
      chmodSync(folder, 0o555);
      const bundle = resolve('out', 'test', `projectService-${process.pid}.mjs`);
      await build({
        entryPoints: [resolve('src-main/services/projectService.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        outfile: bundle,
        logLevel: 'silent',
      });
      chmodSync(bundle, 0o644);
      const script = join(root, 'child.mjs');
      writeFileSync(
        script,
        `import { openProjectDb } from ${JSON.stringify(bundle)};
const db = openProjectDb(${JSON.stringify(folder)}, ${JSON.stringify(appdata)});
process.stdout.write(JSON.stringify({ uid: process.getuid(), path: db.path }));
db.close();
`,
      );
      chmodSync(script, 0o644);
      const r = spawnSync(process.execPath, [script], {
        cwd: resolve('.'),
        encoding: 'utf8',
        ...(user ?? {}),
      });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { uid: number; path: string };
      expect(out.uid).not.toBe(0);
      expect(out.path.startsWith(join(appdata, 'projects'))).toBe(true);
      expect(existsSync(join(folder, '.insar-studio'))).toBe(false);
    } finally {
      chmodSync(join(root, 'ro'), 0o755);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
