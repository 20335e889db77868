/**
 * The app on NISAR GUNW products: open a folder laid out like the nisar-tiny fixture (GUNW/, DEM/ in
 * EPSG:4326, mintpy/NISAR_CV.cfg), run load_data → velocity, and check that the velocity lands on the map
 * where the UTM grid is: the tiles cover the grid's lon/lat box, and the cursor over a pixel's centre reads
 * that pixel (the reference pixel reads 0). Screenshots in test/e2e/__screenshots__/.
 */
import { URL_, shots, call } from './host';
import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gridBoundsLonLat, gridCornersLonLat, rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { type LayerData, type NetworkInfo, type ProjectInfo, type RunSummary } from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = resolve(
  process.env.INSAR_STUDIO_FIXTURES ?? join(here, '..', '..', '..', 'shared', 'fixtures'),
  'nisar-tiny',
);

test('NISAR GUNW folder: open, run, velocity on the map in the right place', async ({ page }) => {
  test.skip(!existsSync(join(FIXTURE, 'GUNW')), `nisar-tiny fixture not found at ${FIXTURE}`);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  // the fixture's layout in a writable folder: products and DEM linked, the template copied
  const folder = join(process.env.INSAR_E2E_TMP!, 'nisar-tiny');
  mkdirSync(join(folder, 'mintpy'), { recursive: true });
  symlinkSync(join(FIXTURE, 'GUNW'), join(folder, 'GUNW'));
  symlinkSync(join(FIXTURE, 'DEM'), join(folder, 'DEM'));
  writeFileSync(join(folder, 'mintpy', 'NISAR_CV.cfg'), readFileSync(join(FIXTURE, 'mintpy', 'NISAR_CV.cfg')));

  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await page.getByTestId('tab-project').click();
  await page.getByTestId('project-path').fill(folder);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('nisar-tiny');
  const info = await call<ProjectInfo>('projectInfo');
  expect(info.kind).toBe('nisar');
  expect(info.dates.length).toBe(16);
  expect(info.numPairs).toBe(42);
  expect(info.grid).toMatchObject({ xFirst: 265960, yFirst: 4000440, xStep: 80, yStep: -80, epsg: 32611 });

  await page.getByTestId('tab-run').click();
  await page.getByTestId('run').click();
  await expect
    .poll(async () => (await call<RunSummary[]>('runs'))[0]?.status, { timeout: 170_000 })
    .toMatch(/ok|failed/);
  const run = (await call<RunSummary[]>('runs'))[0];
  expect(run.status, run.error).toBe('ok');
  expect(run.steps.find((s) => s.name === 'load_data')?.status).toBe('done');
  await expect(page.getByTestId('run-status')).toContainText('Last run: ok');
  await expect(page.getByTestId('layer-select')).toHaveValue('velocity.h5:velocity');

  // the tiles cover the grid's lon/lat box (a UTM grid: a quadrilateral rotated by the meridian convergence,
  // its densified edges inside the box), and every grid corner falls inside it
  const grid = (await call<LayerData>('getLayer', 'velocity.h5', 'velocity')).grid;
  await page.getByTestId('zoom-data').click();
  await page.waitForTimeout(1500);
  const bounds = await page.evaluate(() => {
    const m = (globalThis as unknown as { __insarMap: { getSource(id: string): { bounds?: number[] } } }).__insarMap;
    return m.getSource('data')?.bounds ?? null;
  });
  const b = gridBoundsLonLat(grid);
  expect(bounds).not.toBeNull();
  [b.west, b.south, b.east, b.north].forEach((v, k) => expect(bounds![k]).toBeCloseTo(v, 9));
  for (const [lon, lat] of gridCornersLonLat(grid)) {
    expect(lon).toBeGreaterThanOrEqual(b.west - 1e-12);
    expect(lon).toBeLessThanOrEqual(b.east + 1e-12);
    expect(lat).toBeGreaterThanOrEqual(b.south - 1e-12);
    expect(lat).toBeLessThanOrEqual(b.north + 1e-12);
  }
  // the cursor over a pixel's centre (lon/lat through proj4) reads that pixel; the reference pixel reads 0
  const screenOf = async (row: number, col: number) => {
    const [lat, lon] = rowColToLatLonGeo(grid, row, col);
    const p = await page.evaluate(
      ([la, lo]) =>
        (
          globalThis as unknown as { __insarMap: { project(ll: [number, number]): { x: number; y: number } } }
        ).__insarMap.project([lo, la]),
      [lat, lon] as const,
    );
    const box = (await page.getByTestId('map').boundingBox())!;
    return { x: box.x + p.x, y: box.y + p.y };
  };
  await page.getByTestId('mode-pixel').click();
  for (const [r, c] of [
    [30, 40],
    [10, 70],
  ]) {
    const at = await screenOf(r, c);
    await page.mouse.move(at.x, at.y);
    await expect(page.getByTestId('readout')).toContainText(`row ${r} col ${c}`);
  }
  const ref = await screenOf(51, 8);
  await page.mouse.move(ref.x, ref.y);
  await expect(page.getByTestId('readout')).toContainText('row 51 col 8');
  await expect(page.getByTestId('readout')).toContainText('0.000 cm/yr');
  await page.mouse.click(ref.x, ref.y);
  await expect(page.getByTestId('series')).toContainText('row 51, col 8');
  const mid = await screenOf(30, 40);
  await page.mouse.click(mid.x, mid.y);
  await expect(page.getByTestId('series')).toContainText('row 30, col 40');
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(shots, 'nisar-01-velocity.png') });
  // in context: zoomed out over the offline basemap (Kings County, Corcoran at 36.098° N, 119.560° W)
  await page.evaluate(() =>
    (globalThis as unknown as { __insarMap: { jumpTo(o: object): void } }).__insarMap.jumpTo({
      center: [-119.56, 36.1],
      zoom: 9,
    }),
  );
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(shots, 'nisar-03-context.png') });
  await page.getByTestId('zoom-data').click();

  // the network editor on the NISAR stack: a redundant network (12/24/36-day pairs) has no warning
  await page.getByTestId('tab-network').click();
  const net = await call<NetworkInfo>('network');
  expect(net.redundantPairs).toBe(42 - 15);
  expect(net.temporalCoherenceNote).toBeNull();
  await expect(page.getByTestId('kept-count')).toContainText('42 of 42');
  await expect(page.getByTestId('tcoh-note')).toHaveCount(0);
  // keep only the 12-day pairs (a nearest-neighbour chain): the panel says temporal coherence filters nothing
  const longer = net.pairs.filter((p) => p.days > 12).map((p) => p.index);
  await call('setExcludedPairs', longer);
  await expect(page.getByTestId('kept-count')).toContainText('15 of 42');
  await expect(page.getByTestId('tcoh-note')).toContainText('temporal coherence is 1 everywhere');
  await page.screenshot({ path: join(shots, 'nisar-02-network-chain.png') });
  await call('setExcludedPairs', []);

  expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
