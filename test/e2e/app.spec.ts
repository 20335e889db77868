/**
 * End to end in headless Chromium against the browser host: open the demo project, run the pipeline,
 * exclude a pair and re-run (the velocity changes), set the reference point by clicking the map (its value
 * becomes 0), draw a transect, export KMZ (a zip with a .kml). Asserted on the real state (the API and
 * the written files); screenshots go to test/e2e/__screenshots__/.
 */
import { URL_, DEMO, shots, call } from './host';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { type LayerData, type NetworkInfo, type ProjectInfo, type RunSummary } from '../../src-shared/api';

async function waitRun(page: Page, n: number): Promise<RunSummary> {
  await expect
    .poll(async () => (await call<RunSummary[]>('runs')).filter((r) => r.status !== 'running').length, {
      timeout: 150_000,
    })
    .toBeGreaterThanOrEqual(n);
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok', { timeout: 30_000 });
  return (await call<RunSummary[]>('runs'))[0];
}

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

test('open, run, edit the network, reference point, transect, export', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  await expect(page.getByTestId('project-path')).toBeVisible();
  await expect(page.locator('body[data-basemap="ready"]')).toHaveCount(1);
  // from here the map keeps its size: opening a project, its layers and colour bar arriving, a run (a resized
  // map reallocates its canvas and is drawn again whole)
  const resizes = () => page.evaluate(() => (globalThis as unknown as { __mapResizes: string[] }).__mapResizes);
  await page.evaluate(() => {
    const w = globalThis as unknown as {
      __insarMap: { on(e: string, f: () => void): void; getContainer(): { clientWidth: number; clientHeight: number } };
      __mapResizes: string[];
    };
    const c = w.__insarMap.getContainer();
    const size = () => `${c.clientWidth} × ${c.clientHeight}`;
    w.__mapResizes = [];
    let was = size();
    w.__insarMap.on('resize', () => w.__mapResizes.push(`${was} → ${(was = size())}`));
  });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, '01-empty.png') });

  // open the demo project from the path field
  await page.getByTestId('project-path').fill(DEMO);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('demo');
  const info = await call<ProjectInfo>('projectInfo');
  expect(info.kind).toBe('aria');
  expect(info.dates.length).toBe(16);

  // run the whole pipeline
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  const run1 = await waitRun(page, 1);
  expect(run1.steps.find((s) => s.name === 'velocity')?.status).toBe('done');
  await expect(page.getByTestId('step-velocity')).toContainText('done');
  await expect(page.getByTestId('layer-select')).toHaveValue('velocity.h5:velocity');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(shots, '02-after-run.png') });
  expect(await resizes()).toEqual([]);
  // the layer that compiled the raster program at map load (map/warmup.ts) is gone
  expect(
    await page.evaluate(() =>
      (globalThis as unknown as { __insarMap: { getLayer(id: string): unknown } }).__insarMap.getLayer('warmup-raster'),
    ),
  ).toBeUndefined();
  const v0 = (await call<LayerData>('getLayer', 'velocity.h5', 'velocity')).values;

  // select a pair by clicking it in the network plot, exclude it (an explicit action), then re-run
  await page.getByTestId('tab-network').click();
  const net0 = await call<NetworkInfo>('network');
  await expect(page.getByTestId('kept-count')).toContainText(`${net0.kept} of ${net0.pairs.length}`);
  const pick = net0.pairs.find((p) => p.days > 30 && !net0.excluded.includes(p.index))!;
  await page.getByTestId(`pair-${pick.index}`).click({ force: true });
  await expect(page.getByTestId('selected-pair')).toContainText(`Pair #${pick.index} `);
  await expect(page.getByTestId('kept-count')).toContainText(`${net0.kept} of ${net0.pairs.length}`);
  await page.getByTestId('exclude-pair').click();
  await expect(page.getByTestId('kept-count')).toContainText(`${net0.kept - 1} of ${net0.pairs.length}`);
  expect((await call<NetworkInfo>('network')).excluded).toEqual([pick.index]);
  await expect(page.getByTestId('stale-badge')).toBeVisible();
  await page.screenshot({ path: join(shots, '03-network-excluded.png') });
  // undo / redo with the keyboard
  await page.locator('body').click({ position: { x: 200, y: 880 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('kept-count')).toContainText(`${net0.kept} of`);
  await page.keyboard.press('Control+Shift+Z');
  await expect(page.getByTestId('kept-count')).toContainText(`${net0.kept - 1} of`);

  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  const run2 = await waitRun(page, 2);
  expect(run2.fromStep).toBe('modify_network');
  const v1 = (await call<LayerData>('getLayer', 'velocity.h5', 'velocity')).values;
  let maxd = 0;
  for (let i = 0; i < v1.length; i++)
    if (Number.isFinite(v0[i]) && Number.isFinite(v1[i])) maxd = Math.max(maxd, Math.abs(v1[i] - v0[i]));
  expect(maxd).toBeGreaterThan(1e-6);

  // reference point: click a valid, coherent pixel on the map
  const grid = (await call<ProjectInfo>('projectInfo')).grid!;
  const mask = (await call<LayerData>('getLayer', 'maskConnComp.h5', 'mask')).values;
  const water = (await call<LayerData>('getLayer', 'waterMask.h5', 'waterMask')).values;
  const coh = (await call<LayerData>('getLayer', 'avgSpatialCoh.h5', 'coherence')).values;
  const fi = await call<{ attrs: Record<string, string> }>('fileInfo', 'velocity.h5');
  let best = -1;
  for (let r = 5; r < grid.length - 5; r++)
    for (let c = 5; c < grid.width - 5; c++) {
      const i = r * grid.width + c;
      if (
        mask[i] &&
        water[i] &&
        (best < 0 || coh[i] > coh[best]) &&
        !(r === Number(fi.attrs.REF_Y) && c === Number(fi.attrs.REF_X))
      )
        best = i;
    }
  const [row, col] = [Math.floor(best / grid.width), best % grid.width];
  const lat = grid.yFirst + (row + 0.5) * grid.yStep;
  const lon = grid.xFirst + (col + 0.5) * grid.xStep;
  await page.getByTestId('mode-reference').click();
  let at = await screenOf(page, lat, lon);
  await page.mouse.click(at.x, at.y);
  await expect.poll(async () => (await call<ProjectInfo>('projectInfo')).edits.referencePoint?.row).toBe(row);
  expect((await call<ProjectInfo>('projectInfo')).edits.referencePoint?.col).toBe(col);
  // a click on a masked-out pixel (unwrapping-error island or water) is refused with the reason
  // (away from the edges: the map's tool buttons sit over the top-left corner)
  const interior = (i: number) =>
    Math.floor(i / grid.width) > 8 &&
    Math.floor(i / grid.width) < grid.length - 8 &&
    i % grid.width > 8 &&
    i % grid.width < grid.width - 8;
  const badIdx = Array.from(mask).findIndex((m, i) => (m === 0 || water[i] === 0) && interior(i));
  expect(badIdx).toBeGreaterThanOrEqual(0);
  const [br, bc] = [Math.floor(badIdx / grid.width), badIdx % grid.width];
  const out = await screenOf(page, grid.yFirst + (br + 0.5) * grid.yStep, grid.xFirst + (bc + 0.5) * grid.xStep);
  await page.mouse.click(out.x, out.y);
  await expect(page.getByTestId('toast').filter({ hasText: 'Reference point refused' })).toBeVisible();
  expect((await call<ProjectInfo>('projectInfo')).edits.referencePoint?.row).toBe(row);
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  const run3 = await waitRun(page, 3);
  expect(run3.fromStep).toBe('reference_point');
  const v2 = (await call<LayerData>('getLayer', 'velocity.h5', 'velocity')).values;
  expect(v2[row * grid.width + col]).toBe(0);
  // the readout under the cursor says 0 there too
  await page.getByTestId('mode-pixel').click();
  at = await screenOf(page, lat, lon);
  await page.mouse.move(at.x, at.y);
  await expect(page.getByTestId('readout')).toContainText(`row ${row} col ${col}`);
  await expect(page.getByTestId('readout')).toContainText('0.000 cm/yr');
  // a pixel in the subsidence bowl: its series and the fitted velocity model
  const [pr, pc] = [Math.round(grid.length * 0.6), Math.round(grid.width * 0.6)];
  at = await screenOf(page, grid.yFirst + (pr + 0.5) * grid.yStep, grid.xFirst + (pc + 0.5) * grid.xStep);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('series')).toContainText(`row ${pr}, col ${pc}`);
  const vel = v2[pr * grid.width + pc];
  const ps = await call<{ velocityStd: number; residualStd: number }>('pixelSeries', pr, pc);
  expect(ps.velocityStd).toBeGreaterThan(0);
  await expect(page.getByTestId('series-velocity')).toContainText(
    `${(vel * 100).toFixed(2)} ± ${(ps.velocityStd * 100).toFixed(2)} cm/yr`,
  );
  const modelPts = (await page.getByTestId('model-line').getAttribute('points'))!.split(' ');
  expect(modelPts.length).toBe(16);
  expect(new Set(modelPts.map((q) => q.split(',')[1])).size).toBeGreaterThan(1);
  await page.screenshot({ path: join(shots, '04-reference-and-series.png') });

  // transect across the grid
  await page.getByTestId('mode-transect').click();
  const a = await screenOf(
    page,
    grid.yFirst + grid.length * 0.3 * grid.yStep,
    grid.xFirst + grid.width * 0.1 * grid.xStep,
  );
  const b = await screenOf(
    page,
    grid.yFirst + grid.length * 0.7 * grid.yStep,
    grid.xFirst + grid.width * 0.9 * grid.xStep,
  );
  await page.mouse.click(a.x, a.y);
  await page.mouse.click(b.x, b.y);
  await expect(page.getByTestId('transect')).toBeVisible();
  const pts = await page.getByTestId('transect').locator('polyline').first().getAttribute('points');
  expect(pts!.split(' ').length).toBeGreaterThan(10);
  await page.screenshot({ path: join(shots, '05-transect.png') });

  // export KMZ
  await page.getByTestId('tab-export').click();
  await page.getByTestId('export-kmz').click();
  await expect(page.getByTestId('export-result')).toContainText('.kmz');
  const path = (await page.getByTestId('export-result').textContent())!
    .trim()
    .replace(/^Wrote /, '')
    .replace(/ \(\d+ kB\)$/, '')
    .trim();
  const z = unzipSync(new Uint8Array(readFileSync(path)));
  const kml = Object.keys(z).find((n) => n.endsWith('.kml'));
  expect(kml).toBeTruthy();
  expect(strFromU8(z[kml!])).toContain('<GroundOverlay>');
  await page.screenshot({ path: join(shots, '06-export.png') });

  expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
