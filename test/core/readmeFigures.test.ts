/** The README's parity figures are the ones the tests hold (test/helpers/parityFigures.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures';
import { HARD_CASES, README_FIGURES } from '../helpers/parityFigures';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const fmt = (x: number) => x.toExponential(1);

describe("README's parity table", () => {
  for (const [row, figures] of Object.entries(README_FIGURES))
    test(`"${row}" prints ${Object.values(figures).map(fmt).join(', ')}`, () => {
      const line = readme.split('\n').find((l) => l.startsWith(`| ${row} |`));
      expect(line, `README row "${row}"`).toBeDefined();
      const measured = line!.split('|').slice(3).join('|');
      for (const f of Object.values(figures)) expect(measured).toContain(fmt(f));
    });
  test('the hard cases sentence prints the kernels figures', () => {
    expect(readme).toMatch(
      new RegExp(`time series ≤ ${fmt(HARD_CASES.ts)} m, temporal coherence ≤ ${fmt(HARD_CASES.tcoh)}`),
    );
  });
});
