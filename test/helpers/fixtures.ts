/**
 * Where the MintPy parity fixtures live: $INSAR_STUDIO_FIXTURES, else ../shared/fixtures beside the repo.
 * Parity tests use `describeParity`, which skips (and says so once) when the fixtures are absent;
 * every other test stands on data the project generates itself.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = process.env.INSAR_STUDIO_FIXTURES
  ? resolve(process.env.INSAR_STUDIO_FIXTURES)
  : resolve(REPO_ROOT, '..', 'shared', 'fixtures');
export const CV_TINY = join(FIXTURES_DIR, 'cv-tiny');
export const HAVE_FIXTURES = existsSync(join(CV_TINY, 'mintpy', 'inputs', 'ifgramStack.h5'));

let warned = false;
/** `describe` for tests that compare with MintPy's own outputs; skipped, loudly, without the fixtures. */
export function describeParity(name: string, fn: () => void): void {
  if (!HAVE_FIXTURES && !warned) {
    warned = true;
    console.warn(
      `[parity] MintPy fixtures not found at ${CV_TINY} (set INSAR_STUDIO_FIXTURES): parity tests are skipped.`,
    );
  }
  (HAVE_FIXTURES ? describe : describe.skip)(`[parity] ${name}`, fn);
}

export const fx = (...p: string[]): string => join(CV_TINY, ...p);

export const NISAR_TINY = join(FIXTURES_DIR, 'nisar-tiny');
export const HAVE_NISAR_FIXTURE = existsSync(join(NISAR_TINY, 'mintpy', 'inputs', 'ifgramStack.h5'));
let warnedNisar = false;
/** `describe` for tests against the nisar-tiny fixture (MintPy's NISAR loader + 1.5.1 chain); skipped loudly without it. */
export function describeNisarParity(name: string, fn: () => void): void {
  if (!HAVE_NISAR_FIXTURE && !warnedNisar) {
    warnedNisar = true;
    console.warn(`[parity] nisar-tiny fixture not found at ${NISAR_TINY}: NISAR parity tests are skipped.`);
  }
  (HAVE_NISAR_FIXTURE ? describe : describe.skip)(`[parity] ${name}`, fn);
}
export const nx = (...p: string[]): string => join(NISAR_TINY, ...p);
