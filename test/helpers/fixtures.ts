/**
 * Where the MintPy parity fixtures live: $INSAR_STUDIO_FIXTURES, else ../shared/fixtures beside the repo.
 * Parity tests use `describeParity`, which skips (and says so once) when the fixtures are absent on a
 * developer's machine, and FAILS under CI (env CI=true), where the fixtures are always there; every other
 * test stands on data the project generates itself.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = process.env.INSAR_STUDIO_FIXTURES
  ? resolve(process.env.INSAR_STUDIO_FIXTURES)
  : resolve(REPO_ROOT, '..', 'shared', 'fixtures');
export const CV_TINY = join(FIXTURES_DIR, 'cv-tiny');
export const HAVE_FIXTURES = existsSync(join(CV_TINY, 'mintpy', 'inputs', 'ifgramStack.h5'));

/** Under CI the parity tests never skip: a missing fixture is a failure. */
export const IN_CI = process.env.CI === 'true';

let warned = false;
/**
 * `describe` for tests that compare with MintPy's own outputs; without the fixtures skipped, loudly, or under
 * CI one failing test that says where the fixtures were looked for.
 */
export function describeParity(name: string, fn: () => void): void {
  if (!HAVE_FIXTURES && IN_CI) {
    describe(`[parity] ${name}`, () => {
      test('the MintPy fixtures are present (CI always has them)', () => {
        throw new Error(
          `MintPy fixtures not found at ${CV_TINY} (set INSAR_STUDIO_FIXTURES): CI does not skip parity tests`,
        );
      });
    });
    return;
  }
  // said once for the whole run by test/helpers/parityNotice.ts under `vitest run`
  if (!HAVE_FIXTURES && !warned && !process.env.INSAR_STUDIO_PARITY_NOTICE) {
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
