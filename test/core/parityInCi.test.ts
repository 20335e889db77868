/**
 * Parity tests never skip under CI: with CI=true and no fixtures, `describeParity` fails (and says where it
 * looked); on a developer's machine it skips. Runs vitest on one small parity file in a child process.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures';

function runParityFile(env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      'test/core/derived-transect.test.ts',
      '--reporter=default',
    ],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, INSAR_STUDIO_FIXTURES: '/nonexistent/fixtures', ...env },
    },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('missing MintPy fixtures', () => {
  test('under CI=true the parity tests fail, naming where the fixtures were looked for', () => {
    const r = runParityFile({ CI: 'true' });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/MintPy fixtures not found at \/nonexistent\/fixtures\/cv-tiny/);
  });
  test('outside CI they are skipped, the rest of the file runs', () => {
    const r = runParityFile({ CI: 'false' });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/skipped/);
  });
});
