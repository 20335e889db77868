/**
 * removeDeadWriterTemps: the temp files of a writer whose process is gone are removed; those of this process,
 * of a running process and files that are no temp file stay.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { removeDeadWriterTemps } from '../../src-core/node/util/atomicFile';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a dead writer’s temp files go, the others stay', () => {
  dir = mkdtempSync(join(tmpdir(), 'insar-deadtemps-'));
  // a process that has ended: its pid names no running process
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const names = {
    dead: `a.h5.tmp-${dead}`,
    mine: `a.h5.tmp-${process.pid}`,
    running: `a.h5.tmp-${process.ppid}`,
    other: 'a.h5',
  };
  for (const f of Object.values(names)) writeFileSync(join(dir, f), 'x');
  const removed = removeDeadWriterTemps(dir, (f) => Number(/\.tmp-(\d+)$/.exec(f)?.[1]) || null);
  expect(removed).toBe(1);
  expect(existsSync(join(dir, names.dead))).toBe(false);
  for (const k of ['mine', 'running', 'other'] as const) expect(existsSync(join(dir, names[k]))).toBe(true);
  // a folder that does not exist: nothing to do
  expect(removeDeadWriterTemps(join(dir, 'none'), () => 1)).toBe(0);
});
