/**
 * The network editor in headless Chromium: box selection, exclude by date / temporal baseline, the split
 * warning, keyboard undo, selecting a pair shows its unwrapped phase; asserted on the API's state.
 */
import { URL_, DEMO, shots, call } from './host';
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type NetworkInfo, type ProjectInfo, type RunSummary } from '../../src-shared/api';
import { writeDemo } from '../../src-core/node/demo';

test('network editor: box select, exclude by date and baseline, dates left without pairs, split warning, undo, pair layers', async ({
  page,
}) => {
  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  // the recent list has the demo (opened by the other spec or an earlier run); browse to it server-side
  await page.getByTestId('project-path').fill(dirname(DEMO));
  await page.getByRole('button', { name: 'Browse' }).click();
  await page.locator('.listing a', { hasText: basename(DEMO) }).click();
  await expect(page.getByTestId('project-path')).toHaveValue(DEMO);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('demo');
  if ((await call<ProjectInfo>('projectInfo'))?.lastRun?.status !== 'ok') {
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run').click();
    await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 150_000 });
  }
  // start from no exclusions (an edit like any other; the page hears of it through the event stream)
  await call('setExcludedPairs', []);
  await page.getByTestId('tab-network').click();
  const net0 = await call<NetworkInfo>('network');
  const n = net0.pairs.length;
  await expect(page.getByTestId('kept-count')).toContainText(`${n} of ${n}`);

  // box-select the left half of the plot
  const plot = (await page.getByTestId('network-plot').boundingBox())!;
  await page.mouse.move(plot.x + plot.width * 0.13, plot.y + plot.height * 0.03);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height * 0.86, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded.length).toBeGreaterThan(0);
  const boxed = await call<NetworkInfo>('network');
  // every boxed pair starts in the first half of the time span
  const t = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8));
  const [t0, t1] = [t(net0.dates[0]), t(net0.dates[net0.dates.length - 1])];
  for (const i of boxed.excluded) expect(t(net0.pairs[i].date1)).toBeLessThan(t0 + (t1 - t0) * 0.5);
  await expect(page.getByTestId('kept-count')).toContainText(`${boxed.kept} of ${n}`);
  await page.screenshot({ path: join(shots, '07-network-box.png') });

  // keyboard undo restores the full network
  await page.getByTestId('kept-count').click();
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([]);
  await expect(page.getByTestId('kept-count')).toContainText(`${n} of ${n}`);

  // exclude every pair of one date: that date leaves the series (said so); the rest stays connected
  const mid = net0.dates[Math.floor(net0.dates.length / 2)];
  await page.locator('select').filter({ hasText: 'date…' }).selectOption(mid);
  await page.getByRole('button', { name: 'Exclude date' }).click();
  const byDate = net0.pairs.filter((p) => p.date1 === mid || p.date2 === mid).map((p) => p.index);
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual(byDate);
  await expect(page.getByTestId('dates-without-pair')).toContainText('1 date(s) without a kept pair');
  await expect(page.getByTestId('split-warning')).toHaveCount(0);
  expect((await call<NetworkInfo>('network')).datesWithoutPair).toEqual([mid]);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('dates-without-pair')).toHaveCount(0);

  // drop every pair that crosses the middle of the series: two parts, with a warning
  const cross = net0.pairs.filter((p) => p.date1 < mid && p.date2 >= mid).map((p) => p.index);
  await call('setExcludedPairs', cross);
  await page.getByTestId('tab-network').click();
  await expect(page.getByTestId('split-warning')).toContainText('splits into 2 parts');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('split-warning')).toHaveCount(0);

  // exclude pairs longer than 30 days
  await page.getByPlaceholder('max days').fill('30');
  await page.getByRole('button', { name: 'Exclude longer' }).click();
  const longer = net0.pairs.filter((p) => p.days > 30).map((p) => p.index);
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual(longer);
  await page.getByRole('button', { name: 'Include all' }).click();
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([]);

  // a click selects a pair (no exclusion) and shows its dates; its unwrapped phase on the map
  const p = net0.pairs[3];
  await page.getByTestId(`pair-${p.index}`).click({ force: true });
  await expect(page.getByTestId('selected-pair')).toContainText(`Pair #${p.index} ${p.date1}–${p.date2}`);
  expect((await call<NetworkInfo>('network')).excluded).toEqual([]);
  await page.getByRole('button', { name: 'Unwrapped phase' }).click();
  await expect(page.getByTestId('layer-select')).toHaveValue('inputs/ifgramStack.h5:unwrapPhase');
  await expect(page.getByTestId('date-select')).toHaveValue(`${p.date1}_${p.date2}`);
  await page.getByRole('button', { name: 'Conn. components' }).click();
  await expect(page.getByTestId('layer-select')).toHaveValue('inputs/ifgramStack.h5:connectComponent');
  // a cell of the coherence matrix selects its pair, and the map follows (same dataset, that pair)
  const q = net0.pairs[7];
  await page.getByTestId(`cell-l${q.index}`).click();
  await expect(page.getByTestId('selected-pair')).toContainText(`Pair #${q.index} ${q.date1}–${q.date2}`);
  await expect(page.getByTestId('date-select')).toHaveValue(`${q.date1}_${q.date2}`);
  await expect(page.getByTestId('selected-pair')).toContainText(`coherence ${q.coherence.toFixed(2)}`);
  // X excludes the selected pair; the matrix's upper (kept) triangle loses its cell
  await page.getByTestId('exclude-pair').click();
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([q.index]);
  await expect(page.getByTestId(`cell-u${q.index}`)).toHaveCount(0);
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(shots, '08-pair-layer.png') });
  await page.getByRole('button', { name: 'Include all' }).click();
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([]);
});

test('before the first run: the baselines from the ARIA bands, a click selects, load only', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'insar-e2e-fresh-'));
  try {
    const folder = join(dir, 'fresh');
    await writeDemo(folder, { rows: 30, cols: 40, numDates: 8, seed: 3 });
    await page.goto(URL_);
    await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
    await page.getByTestId('tab-project').click();
    await page.getByTestId('project-path').fill(folder);
    await page.getByTestId('open-project').click();
    await expect(page.getByTestId('project-name')).toContainText('fresh');
    await page.getByTestId('tab-network').click();
    // nothing loaded yet, yet the dates sit at their baselines (MintPy's plot_network least squares)
    await expect(page.getByTestId('before-load')).toBeVisible();
    const pre = await call<NetworkInfo>('network');
    expect(pre.bperpSource).toBe('metadata');
    expect(new Set(pre.dateBperp).size).toBe(pre.dates.length);
    await expect(page.getByTestId('network-legend')).toContainText('baselines from the stack metadata');
    const p = pre.pairs[2];
    // (the centre of a pair's line may lie under another pair: the click goes to this one's element)
    await page.getByTestId(`pair-${p.index}`).dispatchEvent('click');
    await expect(page.getByTestId('selected-pair')).toContainText(
      `Pair #${p.index} ${p.date1}–${p.date2}: ${p.days.toFixed(0)} days, ${p.bperp.toFixed(1)} m, coherence —`,
    );
    expect((await call<NetworkInfo>('network')).excluded).toEqual([]);
    await page.screenshot({ path: join(shots, '09-network-before-load.png') });
    // load only: load_data alone, then the coherence and the pairs' rasters are there
    await page.getByTestId('load-only').click();
    await expect.poll(async () => (await call<NetworkInfo>('network')).bperpSource, { timeout: 60_000 }).toBe('stack');
    const post = await call<NetworkInfo>('network');
    expect(post.pairs.map((q) => q.bperp)).toEqual(pre.pairs.map((q) => q.bperp));
    expect(post.dateBperp).toEqual(pre.dateBperp);
    expect(post.pairs.every((q) => Number.isFinite(q.coherence))).toBe(true);
    const runs = await call<RunSummary[]>('runs');
    expect(runs[0].steps.map((s) => `${s.name}:${s.status}`)).toEqual(['load_data:done']);
    await expect(page.getByTestId('before-load')).toHaveCount(0);
    await expect(page.getByTestId('selected-pair')).toContainText(`coherence ${post.pairs[2].coherence.toFixed(2)}`);
    await page.getByTestId('show-coh').click();
    await expect(page.getByTestId('layer-select')).toHaveValue('inputs/ifgramStack.h5:coherence');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(shots, '10-network-loaded.png') });
  } finally {
    await call('openProject', DEMO);
    rmSync(dir, { recursive: true, force: true });
  }
});
