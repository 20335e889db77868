/**
 * Instant feedback after an edit: on a project that has run once, excluding a pair in the network plot
 * shows the re-inverted velocity of the view on the map at once, marked as a preview in the run panel;
 * the re-run replaces it. Asserted on the API (the preview's pixels equal the new run's velocity there),
 * the notice and the map layer; screenshot 11-preview.png.
 */
import { URL_, call, shots } from './host';
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerData, NetworkInfo, PreviewResult, RunSummary } from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));

test('an excluded pair: the velocity in view at once, as a preview, then the full run replaces it', async ({
  page,
}) => {
  // a fresh project each time (a repeated run must not find the last one's edits in its database)
  const dir = mkdtempSync(join(process.env.INSAR_E2E_TMP!, 'preview-'));
  execFileSync('node', ['out/node/cli.js', 'demo', dir, '--rows', '200', '--cols', '260', '--dates', '24'], {
    cwd: resolve(here, '..', '..'),
    stdio: 'ignore',
  });
  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  await page.getByTestId('project-path').fill(dir);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText(basename(dir));
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 170_000 });

  // exclude a pair in the network plot: a click selects it, Exclude excludes it (#11)
  await page.getByTestId('tab-network').click();
  const net = await call<NetworkInfo>('network');
  const pick = net.pairs.find((p) => p.days > 30 && !net.excluded.includes(p.index))!;
  await page.getByTestId(`pair-${pick.index}`).dispatchEvent('click');
  await expect(page.getByTestId('selected-pair')).toContainText(`Pair #${pick.index} `);
  await page.getByTestId('exclude-pair').click();
  await expect.poll(async () => (await call<NetworkInfo>('network')).excluded).toEqual([pick.index]);
  await page.getByTestId('tab-run').click();
  await expect(page.getByTestId('preview-notice')).toContainText('Preview', { timeout: 60_000 });
  await expect(page.getByTestId('preview-notice')).toContainText('re-inverted with your edits');
  await expect(page.getByTestId('preview-badge')).toContainText('preview of your edit');
  // on the map once the raster worker has coloured it (the badge comes with the data, before the picture)
  const onMap = () =>
    page.evaluate(
      () =>
        !!(globalThis as unknown as { __insarMap: { getLayer(id: string): unknown } }).__insarMap.getLayer(
          'preview-velocity',
        ),
    );
  await expect.poll(onMap).toBe(true);
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(shots, '11-preview.png') });

  // the same numbers as the re-run on the preview's pixels
  const pre = await call<PreviewResult>('previewVelocity', { row0: 0, row1: 200, col0: 0, col1: 260 }, 20_000);
  expect(pre.ok).toBe(true);
  await page.getByTestId('run').click();
  await expect.poll(async () => (await call<RunSummary[]>('runs'))[0].status, { timeout: 170_000 }).toBe('ok');
  await expect(page.getByTestId('preview-notice')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('preview-badge')).toHaveCount(0);
  if (!pre.ok) return;
  const full = await call<LayerData>('getLayer', 'velocity.h5', 'velocity');
  const tc = await call<LayerData>('getLayer', 'temporalCoherence.h5', 'temporalCoherence');
  const p = pre.preview;
  let compared = 0;
  let differ = 0;
  for (let r = 0; r < p.grid.length; r++)
    for (let c = 0; c < p.grid.width; c++) {
      const i = r * p.step * 260 + c * p.step;
      if (!(tc.values[i] > 0)) continue;
      compared++;
      if (p.values[r * p.grid.width + c] !== full.values[i]) differ++;
    }
  expect(compared).toBeGreaterThan(1000);
  expect(differ).toBe(0);
});
