/** Shared setup for the main-process tests: a small synthetic demo project in a temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemo } from '../../src-core/node/demo';

export async function makeDemo(
  opts: { rows?: number; cols?: number; numDates?: number } = {},
): Promise<{ root: string; folder: string; templatePath: string }> {
  const root = mkdtempSync(join(tmpdir(), 'insar-main-'));
  const folder = join(root, 'demo');
  const { templatePath } = await writeDemo(folder, {
    rows: opts.rows ?? 40,
    cols: opts.cols ?? 60,
    numDates: opts.numDates ?? 12,
    seed: 7,
  });
  return { root, folder, templatePath };
}

/**
 * Temp folders for one test file, removed after it (register with `afterAll(cleanup)`); `mk(prefix)` makes one.
 */
export function tempDirs(): { mk(prefix: string): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    mk(prefix) {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
