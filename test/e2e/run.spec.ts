/**
 * The Run panel on a larger demo: steps turn "running" with a progress bar, Cancel stops the run, the run
 * is recorded as cancelled, and "Run from" restarts from a chosen step.
 */
import { URL_, call } from './host';
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunSummary } from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));

test('run panel: progress, cancel, run from a step', async ({ page }) => {
  const big = join(process.env.INSAR_E2E_TMP!, 'big');
  execFileSync('node', ['out/node/cli.js', 'demo', big, '--rows', '400', '--cols', '500', '--dates', '40'], {
    cwd: resolve(here, '..', '..'),
    stdio: 'ignore',
  });
  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  await page.getByTestId('project-path').fill(big);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('big');
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('Running');
  await expect(page.locator('tr.running')).toHaveCount(1);
  await page.screenshot({ path: join(here, '__screenshots__', '09-running.png') });
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('run-status')).toContainText('Last run: cancelled', { timeout: 60_000 });
  const runs = await call<RunSummary[]>('runs');
  expect(runs[0].status).toBe('cancelled');
  expect(runs[0].steps.some((s) => s.status === 'cancelled')).toBe(true);
  await expect(page.getByTestId('run-log')).toContainText('cancelled');
  // run only load_data … (from the start) to completion, then from velocity
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 170_000 });
  await page.getByTestId('run-from').selectOption('velocity');
  await page.getByTestId('run').click();
  await expect.poll(async () => (await call<RunSummary[]>('runs'))[0].fromStep).toBe('velocity');
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 120_000 });
  const last = (await call<RunSummary[]>('runs'))[0];
  expect(last.steps.map((s) => s.name)).toEqual(['velocity', 'google_earth']);
  await expect(page.getByTestId('step-invert_network')).toContainText('—');
  await page.screenshot({ path: join(here, '__screenshots__', '10-run-from-velocity.png') });
});
