/**
 * The Run panel on a larger demo: steps turn "running" with a progress bar; Cancel during invert_network stops
 * the run (the step table says "cancelled", nothing running, no temp file left in the work folder); "Continue
 * from invert_network" resumes from the tiles already done; the panel stays on its tab after a run; and "Run
 * from" restarts from a chosen step. Prints the time from the Cancel click to the panel's "cancelled".
 */
import { URL_, call } from './host';
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunSummary } from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));

/** Temp files in a work folder (the edit preview's store, the host's own work, aside). */
function temps(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tmp/.test(f) && !relative(dir, p).startsWith('.insar-studio/preview')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

test('run panel: progress, cancel during invert_network, continue, run from a step', async ({ page }) => {
  const big = join(process.env.INSAR_E2E_TMP!, 'big');
  execFileSync('node', ['out/node/cli.js', 'demo', big, '--rows', '400', '--cols', '500', '--dates', '40'], {
    cwd: resolve(here, '..', '..'),
    stdio: 'ignore',
  });
  // small tiles, so invert_network has many and the cancel lands between them
  appendFileSync(join(big, 'mintpy', 'Demo.cfg'), 'mintpy.compute.maxMemory = 0.01\n');
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

  // cancel once invert_network has a few tiles done
  const bar = page.getByRole('progressbar', { name: 'invert_network progress' });
  await expect
    .poll(async () => Number((await bar.getAttribute('value').catch(() => null)) ?? 0), { timeout: 170_000 })
    .toBeGreaterThanOrEqual(3);
  const t0 = Date.now();
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('run-status')).toContainText('Last run: cancelled', { timeout: 60_000 });
  const ms = Date.now() - t0;
  const [l1, l5] = loadavg();
  console.log(
    `cancel during invert_network: "Last run: cancelled" ${ms} ms after the click (load ${l1.toFixed(1)}/${l5.toFixed(1)})`,
  );
  await expect(page.getByTestId('step-invert_network')).toContainText('cancelled');
  await expect(page.locator('tr.running')).toHaveCount(0);
  const runs = await call<RunSummary[]>('runs');
  expect(runs[0].status).toBe('cancelled');
  expect(runs[0].steps.find((s) => s.name === 'invert_network')?.status).toBe('cancelled');
  expect(runs[0].steps.filter((s) => s.status === 'running' || s.status === 'pending')).toEqual([]);
  await expect(page.getByTestId('run-log')).toContainText('cancelled');
  expect(temps(join(big, 'mintpy'))).toEqual([]);
  await page.screenshot({ path: join(here, '__screenshots__', '09b-cancelled.png') });

  // "Run" goes on where the run stopped, from the tiles already done; the panel stays on its tab
  await expect(page.getByTestId('run')).toHaveText('Continue from invert_network');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 170_000 });
  expect((await call<RunSummary[]>('runs'))[0].fromStep).toBe('invert_network');
  await expect(page.getByTestId('run-log')).toContainText(
    /invert_network: resumed, \d+ of \d+ tiles were already done/,
  );
  await expect(page.getByTestId('tab-run')).toHaveAttribute('aria-selected', 'true');

  await page.getByTestId('run-from').selectOption('velocity');
  await page.getByTestId('run').click();
  await expect.poll(async () => (await call<RunSummary[]>('runs'))[0].fromStep).toBe('velocity');
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 120_000 });
  const last = (await call<RunSummary[]>('runs'))[0];
  expect(last.steps.map((s) => s.name)).toEqual(['velocity', 'google_earth']);
  await expect(page.getByTestId('step-invert_network')).toContainText('—');
  await expect(page.getByTestId('tab-run')).toHaveAttribute('aria-selected', 'true');
  await page.screenshot({ path: join(here, '__screenshots__', '10-run-from-velocity.png') });
});
