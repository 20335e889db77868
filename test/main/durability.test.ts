/**
 * "A kill loses no edit": a child process commits edits through ProjectDb and is SIGKILLed right after the
 * last acknowledgement; the reopened database has every edit and the undo position. Also: a read-only
 * project folder gets its database in the app data folder instead.
 */
import { describe, expect, test } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { ProjectDb } from '../../src-main/services/projectDb';
import { openProjectDb } from '../../src-main/services/projectService';

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
  });

  test.skipIf(process.getuid?.() === 0)('a read-only project folder keeps its database in the app data folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'insar-ro-'));
    const folder = join(root, 'ro');
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    const db = openProjectDb(folder, join(root, 'appdata'));
    expect(db.path.startsWith(join(root, 'appdata', 'projects'))).toBe(true);
    expect(existsSync(join(folder, '.insar-studio'))).toBe(false);
    db.close();
    chmodSync(folder, 0o755);
  });
});
