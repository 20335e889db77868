/**
 * vitest globalSetup: the whole run works in one temp folder of its own (TMPDIR for the test workers and every
 * process they start), removed at the end, so a run leaves nothing in the system's temp folder even where a
 * test forgets to clean up (tests still remove what they make, to keep a run's peak disk use low).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'insar-studio-tests-'));
  // traversable (not listable) by others: a test that drops to nobody (durability) runs a file inside it
  chmodSync(dir, 0o711);
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.INSAR_STUDIO_KEEP_TMP) {
      console.log(`[tmp] kept ${dir} (${readdirSync(dir).length} entries): INSAR_STUDIO_KEEP_TMP is set`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  };
}
