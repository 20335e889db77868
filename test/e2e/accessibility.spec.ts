/**
 * Keyboard and screen readers, in headless Chromium on a demo project of its own: axe-core over every
 * panel (light and dark theme) with the project open and after a run — no serious or critical violation;
 * everything done with the keyboard only (panels, pairs, undo, dates, a typed pixel, the help overlay).
 * Leaves screenshots of every panel in both themes in test/e2e/__screenshots__/.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { URL_, call, shots } from './host';
import type { NetworkInfo, ProjectInfo, RunSummary } from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));
const PANELS = ['project', 'layers', 'network', 'run', 'inspect', 'transects', 'export', 'nisar'];

/** axe-core over the page; the serious and critical violations, one line each. */
async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function everyPanel(page: Page, stage: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of PANELS) {
    await page.getByTestId(`tab-${p}`).click();
    await expect(page.getByRole('tabpanel')).toBeVisible();
    await page.waitForTimeout(300);
    out[p] = await axeProblems(page);
    const scheme = await page.locator('html').getAttribute('data-theme');
    await page.screenshot({ path: join(shots, `a11y-${stage}-${scheme}-${p}.png`) });
  }
  return out;
}

test('axe over every panel, light and dark, open and after a run; the keyboard does what the mouse does', async ({
  page,
}) => {
  const folder = join(process.env.INSAR_E2E_TMP!, 'a11y');
  execFileSync('node', ['out/node/cli.js', 'demo', folder, '--rows', '60', '--cols', '90', '--dates', '16'], {
    cwd: resolve(here, '..', '..'),
    stdio: 'ignore',
  });
  await page.emulateMedia({ colorScheme: 'light' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  await page.getByLabel('Project folder').fill(folder);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('a11y');
  expect(await everyPanel(page, 'open')).toEqual(Object.fromEntries(PANELS.map((p) => [p, []])));

  // run with the keyboard (Ctrl+Enter), from anywhere but a text field
  await page.getByTestId('tab-export').focus();
  await page.keyboard.press('Control+Enter');
  await expect.poll(async () => (await call<RunSummary[]>('runs')).length).toBe(1);
  await page.keyboard.press('3');
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 150_000 });
  expect((await call<RunSummary[]>('runs'))[0].status).toBe('ok');
  await page.waitForTimeout(800);
  const after: Record<string, Record<string, string[]>> = {};
  after.light = await everyPanel(page, 'run');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html[data-theme="dark"]')).toHaveCount(1);
  after.dark = await everyPanel(page, 'run');
  const none = Object.fromEntries(PANELS.map((p) => [p, []]));
  expect(after).toEqual({ light: none, dark: none });
  await page.emulateMedia({ colorScheme: 'light' });

  // panels by key; pairs with the arrow keys; X excludes the selected pair; Ctrl+Z undoes it once
  await page.getByRole('tabpanel').focus();
  await page.keyboard.press('2');
  await expect(page.getByTestId('tab-network')).toHaveAttribute('aria-selected', 'true');
  const net = await call<NetworkInfo>('network');
  await page.getByTestId('network-plot').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('selected-pair')).toContainText(`Pair #1 ${net.pairs[1].date1}`);
  await page.keyboard.press('x');
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([1]);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([]);
  // Ctrl+Z inside a text field is the field's own undo: no edit is undone
  await call('setExcludedPairs', [2]);
  await page.getByLabel('Longer than').fill('30');
  await page.getByLabel('Longer than').press('Control+z');
  await page.waitForTimeout(300);
  expect((await call<NetworkInfo>('network')).excluded).toEqual([2]);
  await call('setExcludedPairs', []);

  // the time series: arrow keys step dates
  await page.getByTestId('layer-select').selectOption('timeseries.h5:timeseries');
  const dates = (await call<ProjectInfo>('projectInfo')).dates;
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 1]);
  await page.getByRole('tabpanel').focus(); // a select keeps its own arrow keys
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 2]);
  await page.keyboard.press('Home');
  await expect(page.getByTestId('date-select')).toHaveValue(dates[0]);

  // a pixel typed as row/col: its series; as the reference point: the edit
  await page.keyboard.press('4');
  await page.getByLabel('row / col').check();
  await page.getByLabel('Row', { exact: true }).fill('30');
  await page.getByLabel('Column', { exact: true }).fill('40');
  await page.getByLabel('Column', { exact: true }).press('Enter');
  await expect(page.getByTestId('series')).toContainText('row 30, col 40');
  await page.getByTestId('pixel-reference').click();
  await expect.poll(async () => (await call<ProjectInfo>('projectInfo')).edits.referencePoint?.col).toBe(40);

  // the map by keyboard: Tab from the map tools to the map, the readout follows the centre cross, the arrow
  // keys pan (not step dates), Enter uses the pixel tool at the centre
  await page.getByTestId('zoom-data').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.locator('canvas.maplibregl-canvas')).toBeFocused();
  await expect(page.getByTestId('centre-cross')).toBeVisible();
  await expect(page.getByTestId('readout')).toHaveAttribute('aria-live', 'polite');
  const at = async () => /row (\d+) col (\d+)/.exec((await page.getByTestId('readout').textContent()) ?? '');
  await expect.poll(at).not.toBeNull();
  const [, r0, c0] = (await at())!;
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('series')).toContainText(`row ${r0}, col ${c0}`);
  const shownDate = await page.getByTestId('date-select').inputValue();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await at())?.[2]).not.toBe(c0);
  // (a function, not a string: a string predicate is eval'ed in the page, which its CSP forbids)
  await page.waitForFunction(
    () => !(globalThis as unknown as { __insarMap: { isMoving(): boolean } }).__insarMap.isMoving(),
  );
  await expect(page.getByTestId('date-select')).toHaveValue(shownDate);
  await page.keyboard.press(' ');
  const [, r1, c1] = (await at())!;
  await expect(page.getByTestId('series')).toContainText(`row ${r1}, col ${c1}`);
  await page.screenshot({ path: join(shots, 'a11y-map-keyboard.png') });

  // the help overlay lists the shortcuts; Escape closes it
  await page.getByRole('tabpanel').focus();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Previous date');
  expect(await axeProblems(page)).toEqual([]);
  await page.screenshot({ path: join(shots, 'a11y-help.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(errors).toEqual([]);
});
