/**
 * The viewer as a MintPy tsview / QGIS user walks it, in headless Chromium on a demo project of its own:
 * the date slider and play, a reference date, display re-referencing to a clicked pixel (the colour bar says
 * so, the readout reads 0 there, the run's reference point untouched), pinned pixels compared in one chart,
 * a drawn polygon's mean series with its spread, the model's terms, the chart's exports (CSV, SVG, PNG),
 * a swath with its band, two labelled transects and their exports. Asserted on the API and on the files;
 * screenshots go to test/e2e/__screenshots__/viewer-*.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { URL_, call, shots } from './host';
import type { LayerData, LayerInfo, ProjectInfo, RunSummary } from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));

/** Screen position (page coordinates) of a lat/lon on the MapLibre map. */
async function screenOf(page: Page, lat: number, lon: number): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(
    ([la, lo]) => {
      const m = (globalThis as unknown as { __insarMap: { project(ll: [number, number]): { x: number; y: number } } })
        .__insarMap;
      return m.project([lo, la]);
    },
    [lat, lon] as const,
  );
  const box = (await page.getByTestId('map').boundingBox())!;
  return { x: box.x + p.x, y: box.y + p.y };
}

test('time slider and play, reference date, display re-reference', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const folder = join(process.env.INSAR_E2E_TMP!, 'viewer');
  execFileSync('node', ['out/node/cli.js', 'demo', folder, '--rows', '70', '--cols', '100', '--dates', '20'], {
    cwd: resolve(here, '..', '..'),
    stdio: 'ignore',
  });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  await page.getByTestId('project-path').fill(folder);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('viewer');
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 150_000 });
  const runs = await call<RunSummary[]>('runs');
  expect(runs[0].status).toBe('ok');
  const info = await call<ProjectInfo>('projectInfo');
  const grid = info.grid!;
  const ts = (await call<LayerInfo[]>('listLayers')).find((l) => l.file === 'timeseries.h5')!;
  const dates = ts.dates!;
  const centre = (r: number, c: number) => [grid.yFirst + (r + 0.5) * grid.yStep, grid.xFirst + (c + 0.5) * grid.xStep];

  // the time series on the map: the slider starts at the last date
  await page.getByTestId('layer-select').selectOption('timeseries.h5:timeseries');
  await expect(page.getByTestId('date-slider')).toHaveValue(String(dates.length - 1));
  await expect(page.getByTestId('date-index')).toHaveText(`${dates.length} / ${dates.length}`);
  // the slider with the keyboard: focused, ← moves it one date
  await page.getByTestId('date-slider').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 2]);
  // arrow keys step dates anywhere else too
  await page.getByTestId('readout').click();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 3]);
  await page.keyboard.press('End');
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 1]);

  // play at 8 dates/s without loop: from the last date it starts over and stops at the end
  await page.getByTestId('speed').selectOption('8');
  await page.getByTestId('loop').uncheck();
  const t0 = Date.now();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', 'Pause');
  await expect(page.getByTestId('date-select')).toHaveValue(dates[Math.floor(dates.length / 2)], { timeout: 20_000 });
  await page.screenshot({ path: join(shots, 'viewer-01-playing.png') });
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', 'Play', { timeout: 30_000 });
  console.log(`played ${dates.length} dates in ${((Date.now() - t0) / 1000).toFixed(1)} s at 8 dates/s`);
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 1]);
  // K plays and pauses from the keyboard
  await page.getByTestId('readout').click();
  await page.keyboard.press('k');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', 'Pause');
  await page.keyboard.press('k');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', 'Play');
  await page.keyboard.press('End');

  // reference date: the shown date relative to the 5th date; the map's values are date − 5th date
  const refDate = dates[4];
  await page.getByTestId('ref-date').selectOption(refDate);
  await expect(page.getByTestId('colorbar-note')).toHaveText(`relative to ${refDate}`);
  const last = await call<LayerData>('getLayer', 'timeseries.h5', 'timeseries', dates[dates.length - 1], refDate);
  const raw = await call<LayerData>('getLayer', 'timeseries.h5', 'timeseries', dates[dates.length - 1]);
  const atRef = await call<LayerData>('getLayer', 'timeseries.h5', 'timeseries', refDate);
  const k = 30 * grid.width + 40;
  expect(last.values[k]).toBe(Math.fround(raw.values[k] - atRef.values[k]));

  // display re-reference: the Display ref. tool, a click on a coherent pixel; the readout there reads 0
  const [dr, dc] = [Math.round(grid.length * 0.25), Math.round(grid.width * 0.3)];
  await page.getByTestId('mode-displayref').click();
  await expect(page.getByTestId('mode-displayref')).toHaveAttribute('aria-pressed', 'true');
  let at = await screenOf(page, ...(centre(dr, dc) as [number, number]));
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('display-ref')).toContainText(`Display reference: row ${dr}, col ${dc}`);
  await expect(page.getByTestId('colorbar-note')).toHaveText(
    `relative to ${refDate} · display ref. row ${dr}, col ${dc}`,
  );
  const runRef = info.outputReference!;
  await expect(page.getByTestId('run-ref')).toContainText(`row ${runRef.row}, col ${runRef.col}`);
  await page.getByTestId('mode-pixel').click();
  at = await screenOf(page, ...(centre(dr, dc) as [number, number]));
  await page.mouse.move(at.x, at.y);
  await expect(page.getByTestId('readout')).toContainText(`row ${dr} col ${dc}`);
  await expect(page.getByTestId('readout')).toContainText('0.000 cm');
  // elsewhere: (value − the reference pixel's value) on the shown date, as the map colours it
  const [qr, qc] = [Math.round(grid.length * 0.6), Math.round(grid.width * 0.6)];
  at = await screenOf(page, ...(centre(qr, qc) as [number, number]));
  await page.mouse.move(at.x, at.y);
  const expected = Math.fround(last.values[qr * grid.width + qc] - last.values[dr * grid.width + dc]) * 100;
  await expect(page.getByTestId('readout')).toContainText(`${expected.toPrecision(4)} cm`);
  // the run's reference point is unchanged: no edit, nothing stale
  expect((await call<ProjectInfo>('projectInfo')).edits.staleFrom).toBeNull();
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(shots, 'viewer-02-display-reference.png') });
  expect(errors).toEqual([]);
});
