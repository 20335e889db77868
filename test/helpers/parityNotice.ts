/**
 * vitest globalSetup: without MintPy's fixtures the parity tests are skipped; say so once for the run (not
 * once per test file, which reads like a column of errors).
 */
import { CV_TINY, HAVE_FIXTURES } from './fixtures';

export default function setup(): void {
  if (HAVE_FIXTURES) return;
  console.log(
    `[parity] MintPy fixtures not found at ${CV_TINY} (set INSAR_STUDIO_FIXTURES): the parity tests are skipped.`,
  );
  process.env.INSAR_STUDIO_PARITY_NOTICE = 'said';
}
