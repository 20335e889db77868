/**
 * The viewer as a MintPy tsview / QGIS user walks it, in headless Chromium on a demo project of its own:
 * the date slider and play, a reference date, display re-referencing to a clicked pixel (the colour bar says
 * so, the readout reads 0 there, the run's reference point untouched), pinned pixels compared in one chart,
 * a drawn polygon's mean series with its spread, the model's terms, the chart's exports (CSV, SVG, PNG),
 * a swath with its band, two labelled transects and their exports. Asserted on the API and on the files;
 * screenshots go to test/e2e/__screenshots__/viewer-*.png.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Download, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { fromArrayBuffer } from 'geotiff';
import { formatArea, formatLength, lineLength, polygonArea, polygonPerimeter } from '../../src-core/common/geo/measure';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { URL_, call, shots } from './host';
import type {
  GnssStationsResult,
  NisarValidation,
  PlaceName,
  LayerData,
  LayerInfo,
  PixelSeries,
  ProjectInfo,
  RegionSeries,
  RunSummary,
  SavedLayerList,
  Transect,
} from '../../src-shared/api';

const here = dirname(fileURLToPath(import.meta.url));
test.describe.configure({ mode: 'serial' });

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
  // (playing: the index climbs; the poll may miss single dates, so it waits for the second half)
  await expect
    .poll(async () => Number((await page.getByTestId('date-index').textContent())!.split('/')[0]), {
      timeout: 20_000,
      intervals: [50],
    })
    .toBeGreaterThan(dates.length / 2);
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
  await expect(page.getByTestId('date-select')).toHaveValue(dates[dates.length - 1]);

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
  expect(await axeProblems(page)).toEqual([]);
  // back to the run's own references for what follows
  await page.getByTestId('clear-display-ref').click();
  await page.getByTestId('ref-date').selectOption('');
  await expect(page.getByTestId('colorbar-note')).toHaveCount(0);
  expect(errors).toEqual([]);
});

/**
 * The page on the viewer project the first test opened (light theme, map ready); the page's errors are collected
 * into the returned list.
 */
async function openViewer(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(URL_);
  await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
  await expect(page.getByTestId('project-name')).toContainText('viewer');
  await expect(page.locator('body[data-map="ready"]')).toHaveCount(1);
  return errors;
}

/** axe-core over the page: the serious and critical violations, one line each. */
async function axeProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** One CSV line's fields (quoted fields may hold commas). */
function fields(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) && m[0] !== '') {
    out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
    if (m[2] === '') break;
  }
  return out;
}

/** A download's bytes, saved under the test's temp folder. */
async function saved(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(process.env.INSAR_E2E_TMP!, `dl-${(d as Download).suggestedFilename()}`);
  await (d as Download).saveAs(path);
  return { name: (d as Download).suggestedFilename(), bytes: readFileSync(path) };
}

test('pixel chart: pinned pixels, an area mean with its spread, model terms, hover and zoom, exports', async ({
  page,
}) => {
  const errors = await openViewer(page);
  const grid = (await call<ProjectInfo>('projectInfo')).grid!;
  const centre = (r: number, c: number): [number, number] => [
    grid.yFirst + (r + 0.5) * grid.yStep,
    grid.xFirst + (c + 0.5) * grid.xStep,
  ];
  await page.getByTestId('layer-select').selectOption('velocity.h5:velocity');
  await page.waitForTimeout(500);

  // three pixels: click, pin, click, pin, click — each in its own colour, the same on the map and in the chart
  const pixels: [number, number][] = [
    [Math.round(grid.length * 0.55), Math.round(grid.width * 0.6)],
    [Math.round(grid.length * 0.3), Math.round(grid.width * 0.25)],
    [Math.round(grid.length * 0.75), Math.round(grid.width * 0.8)],
  ];
  await page.getByTestId('mode-pixel').click();
  for (const [k, [r, c]] of pixels.entries()) {
    const at = await screenOf(page, ...centre(r, c));
    await page.mouse.click(at.x, at.y);
    await expect(page.getByTestId('series')).toContainText(`row ${r}, col ${c}`);
    if (k < 2) await page.getByTestId('pin').click();
  }
  const legend = page.getByTestId('pixel-chart').locator('.legend li');
  await expect(legend).toHaveCount(3);
  await expect(page.getByTestId('pinned').locator('li')).toHaveCount(2);
  const colours = await page
    .getByTestId('pixel-chart')
    .locator('.legend .lkey')
    .evaluateAll((els) => els.map((e) => e.getAttribute('style') ?? ''));
  expect(new Set(colours).size).toBe(3);
  // the map's markers carry the same colours
  const mapColours = await page.evaluate(async () => {
    const m = (globalThis as unknown as { __insarMap: { getSource(id: string): { getData(): Promise<unknown> } } })
      .__insarMap;
    const d = (await m.getSource('pixels').getData()) as { features: { properties: { color: string } }[] };
    return d.features.map((f) => f.properties.color);
  });
  const hex = (rgb: string) =>
    '#' +
    rgb
      .match(/\d+/g)!
      .slice(0, 3)
      .map((v) => Number(v).toString(16).padStart(2, '0'))
      .join('');
  expect(new Set(mapColours)).toEqual(new Set(colours.map(hex)));

  // the model's terms of the inspected pixel, as tsview prints them, from velocity.h5
  const ps = await call<PixelSeries>('pixelSeries', ...pixels[2]);
  await expect(page.getByTestId('model-terms')).toContainText('velocity');
  const termText = (await page.getByTestId('model-terms').textContent())!;
  expect(termText).toMatch(/^intercept: +-?\d+\.\d\d \+\/- +\d+\.\d\d cm$/m);
  const vLine = termText.split('\n').find((l) => l.startsWith('velocity'))!;
  expect(vLine).toContain(`${(ps.velocity * 100).toFixed(2)} +/- `);
  expect(vLine.endsWith('cm/year')).toBe(true);
  await expect(page.getByTestId('model-line')).toHaveCount(1);

  // an area: the Area tool, four clicks, Enter; its mean and spread come from main (src-core)
  await page.getByTestId('mode-polygon').click();
  const poly: [number, number][] = [
    [0.45, 0.45],
    [0.45, 0.75],
    [0.7, 0.75],
    [0.7, 0.45],
  ].map(([fr, fc]) => [grid.yFirst + grid.length * fr * grid.yStep, grid.xFirst + grid.width * fc * grid.xStep]);
  for (const [la, lo] of poly) {
    const at = await screenOf(page, la, lo);
    await page.mouse.click(at.x, at.y);
  }
  await expect(page.getByTestId('area-drawing')).toContainText('4 vertices');
  const [req] = await Promise.all([page.waitForRequest(/\/api\/regionSeries$/), page.keyboard.press('Enter')]);
  await expect(page.getByTestId('area-1')).toContainText('Area 1');
  // the vertices the page sent (where the clicks landed), and main's answer for them
  const sent = (req.postDataJSON() as { args: [[number, number][]] }).args[0];
  expect(sent).toHaveLength(4);
  sent.forEach(([la, lo], k) => {
    expect(Math.abs(la - poly[k][0])).toBeLessThan(Math.abs(grid.yStep));
    expect(Math.abs(lo - poly[k][1])).toBeLessThan(Math.abs(grid.xStep));
  });
  const rs = await call<RegionSeries>('regionSeries', sent);
  await expect(page.getByTestId('area-1')).toContainText(`${rs.inside - rs.masked} pixels`);
  await expect(page.getByTestId('pixel-chart').locator('[data-testid="chart-band"]')).toHaveCount(1);
  await expect(legend).toHaveCount(4);
  await expect(page.locator('[data-testid="map-label-regions"]')).toHaveText('Area 1');

  // hover: the values at a date; keyboard: arrows walk the dates
  const plot = (await page.getByTestId('pixel-chart').locator('svg').boundingBox())!;
  await page.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height * 0.5);
  await expect(page.getByTestId('chart-tip')).toContainText('Area 1');
  await page.getByTestId('pixel-chart').locator('.plot').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('chart-tip')).toBeVisible();
  await page.screenshot({ path: join(shots, 'viewer-03-pixel-chart.png') });

  // exports of what is shown: the whole range first
  const dates = ps.dates;
  const csv = await saved(page, () => page.getByTestId('chart-csv').click());
  expect(csv.name).toBe('timeseries_viewer.csv');
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
  const header = lines.find((l) => l.startsWith('date,'))!;
  expect(header).toContain(`"row ${pixels[2][0]}, col ${pixels[2][1]} [cm]"`);
  expect(header).toContain('Area 1');
  expect(header).toContain('mean ± 1 std low [cm]');
  const rows = lines.slice(lines.indexOf(header) + 1);
  expect(rows.map((r) => r.split(',')[0])).toEqual(dates);
  // the area's mean in the CSV is main's (cm)
  const meanCol = fields(header).indexOf(`Area 1 (${rs.inside - rs.masked} px) [cm]`);
  expect(meanCol).toBeGreaterThan(0);
  expect(Number(fields(rows[dates.length - 1])[meanCol])).toBeCloseTo(rs.mean[dates.length - 1] * 100, 4);
  // zoom by dragging across the middle of the chart: the export has only those dates
  await page.mouse.move(plot.x + plot.width * 0.4, plot.y + plot.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.7, plot.y + plot.height * 0.5, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('chart-reset')).toBeEnabled();
  const zoomed = await saved(page, () => page.getByTestId('chart-csv').click());
  const zrows = zoomed.bytes
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .filter((l) => /^\d{8},/.test(l));
  expect(zrows.length).toBeGreaterThan(1);
  expect(zrows.length).toBeLessThan(dates.length);
  const svg = await saved(page, () => page.getByTestId('chart-svg').click());
  expect(svg.name).toBe('timeseries_viewer.svg');
  const svgText = svg.bytes.toString('utf8');
  expect(svgText).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  expect(svgText).toContain('LOS displacement time series');
  expect((svgText.match(/<circle cx=/g) ?? []).length).toBeLessThan(3 * dates.length);
  const png = await saved(page, () => page.getByTestId('chart-png').click());
  expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.bytes.readUInt32BE(16)).toBe(1440); // 720 px figure at 2×
  await page.screenshot({ path: join(shots, 'viewer-04-chart-zoomed.png') });
  await page.getByTestId('chart-reset').click();
  // the chart, its read-out, the lists and forms: no serious or critical axe finding, light and dark
  expect(await axeProblems(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html[data-theme="dark"]')).toHaveCount(1);
  expect(await axeProblems(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(errors).toEqual([]);
});

test('transects: a swath width with its band, two labelled lines, their exports', async ({ page }) => {
  const errors = await openViewer(page);
  const grid = (await call<ProjectInfo>('projectInfo')).grid!;
  const at = (fr: number, fc: number): [number, number] => [
    grid.yFirst + grid.length * fr * grid.yStep,
    grid.xFirst + grid.width * fc * grid.xStep,
  ];
  await page.getByTestId('layer-select').selectOption('velocity.h5:velocity');
  await page.waitForTimeout(500);
  await page.getByTestId('tab-transects').click();
  await page.getByTestId('swath-width').fill('1.5');
  await page.getByTestId('swath-width').press('Enter');
  await expect(page.getByTestId('swath-band')).toBeVisible();

  // two lines across the subsidence bowl: A west–east, B north–south
  await page.getByTestId('mode-transect').click();
  const lines = [
    [at(0.55, 0.08), at(0.55, 0.92)],
    [at(0.1, 0.62), at(0.9, 0.62)],
  ];
  const sent: [[number, number], [number, number]][] = [];
  for (const [a, b] of lines) {
    const pa = await screenOf(page, ...a);
    await page.mouse.click(pa.x, pa.y);
    await expect(page.getByTestId('transect-pending')).toBeVisible();
    const pb = await screenOf(page, ...b);
    const [req] = await Promise.all([page.waitForRequest(/\/api\/transect$/), page.mouse.click(pb.x, pb.y)]);
    const args = (req.postDataJSON() as { args: unknown[] }).args;
    expect(args[3]).toEqual({ widthKm: 1.5 });
    sent.push([args[1], args[2]] as [[number, number], [number, number]]);
  }
  await expect(page.getByTestId('transect-list').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('transect-A')).toContainText('A–A′');
  await expect(page.getByTestId('transect-B')).toContainText('B–B′');
  await expect(page.locator('[data-testid="map-label-transect"]')).toHaveText(['A', 'A′', 'B', 'B′']);
  const chart = page.getByTestId('transect-chart');
  await expect(chart.locator('[data-testid="chart-band"]')).toHaveCount(2);
  await expect(chart.locator('.legend li')).toHaveText([/A–A′ \(swath 1.5 km\)/, /B–B′ \(swath 1.5 km\)/]);
  // the band: main's swath (src-core swathProfile), mean ± std in cm/yr
  const tA = await call<Transect>('transect', { file: 'velocity.h5', dataset: 'velocity' }, ...sent[0], {
    widthKm: 1.5,
  });
  const tB = await call<Transect>('transect', { file: 'velocity.h5', dataset: 'velocity' }, ...sent[1], {
    widthKm: 1.5,
  });
  expect(tA.swath!.count.length).toBeGreaterThan(10);
  // hover the chart: the tip reads both lines
  const box = (await chart.locator('svg').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await expect(page.getByTestId('chart-tip')).toContainText('A–A′');
  await page.screenshot({ path: join(shots, 'viewer-05-transects-swath.png') });

  // exports of what is shown: CSV with one row per bin and line (the lines have their own distances)
  const csv = await saved(page, () => page.getByTestId('transect-csv').click());
  expect(csv.name).toBe('transects_viewer.csv');
  const rows = csv.bytes.toString('utf8').trimEnd().split('\n');
  expect(rows[0]).toBe('# Transects of Velocity');
  const head = rows.findIndex((r) => r.startsWith('series,'));
  expect(rows[head]).toBe('series,distance [km],value [cm/yr],model [cm/yr],low [cm/yr],high [cm/yr]');
  const body = rows.slice(head + 1).map(fields);
  const aRows = body.filter((r) => r[0] === 'A–A′ (swath 1.5 km)');
  const bRows = body.filter((r) => r[0] === 'B–B′ (swath 1.5 km)');
  expect(aRows.length).toBe(tA.swath!.count.length);
  expect(bRows.length).toBe(tB.swath!.count.length);
  const k = 5;
  expect(Number(aRows[k][1])).toBeCloseTo(tA.swath!.distance[k] / 1000, 5);
  expect(Number(aRows[k][2])).toBeCloseTo(tA.swath!.mean[k] * 100, 4);
  expect(Number(aRows[k][4])).toBeCloseTo((tA.swath!.mean[k] - tA.swath!.std[k]) * 100, 4);
  // quartiles instead of mean ± std
  await page.getByTestId('swath-band').selectOption('iqr');
  const q = await saved(page, () => page.getByTestId('transect-csv').click());
  const qa = q.bytes
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map(fields)
    .filter((r) => r[0] === 'A–A′ (swath 1.5 km)');
  expect(Number(qa[k][2])).toBeCloseTo(tA.swath!.median[k] * 100, 4);
  expect(Number(qa[k][4])).toBeCloseTo(tA.swath!.p25[k] * 100, 4);
  expect(Number(qa[k][5])).toBeCloseTo(tA.swath!.p75[k] * 100, 4);
  const svg = await saved(page, () => page.getByTestId('transect-svg').click());
  expect(svg.bytes.toString('utf8')).toContain('>Transects of Velocity</text>');
  expect((svg.bytes.toString('utf8').match(/<polygon /g) ?? []).length).toBe(2);
  const png = await saved(page, () => page.getByTestId('transect-png').click());
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  // one line's samples as a file in the work folder (MintPy's transect_lalo)
  await page
    .getByTestId('transect-A')
    .getByRole('button', { name: /Samples of A–A′/ })
    .click();
  await expect(page.getByTestId('toast').filter({ hasText: 'transect_velocity_velocity.csv' })).toBeVisible();
  await page.getByTestId('swath-band').selectOption('std');
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
  await page.screenshot({ path: join(shots, 'viewer-06-transects-iqr.png') });

  // the dark theme: the same chart and map in the other colours
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html[data-theme="dark"]')).toHaveCount(1);
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(shots, 'viewer-07-transects-dark.png') });
  expect(await axeProblems(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await axeProblems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

/** A .tenv3 series (UNR's columns) of a station at lat/lon, east/north/up in metres per date. */
function tenv3(site: string, lat: number, lon: number, rows: { d: string; e: number; n: number; u: number }[]): string {
  const MON = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const head =
    'site YYMMMDD yyyy.yyyy __MJD week d reflon _e0(m) __east(m) ____n0(m) _north(m) u0(m) ____up(m) _ant(m) sig_e(m) sig_n(m) sig_u(m) __corr_en __corr_eu __corr_nu _latitude(deg) _longitude(deg) __height(m)';
  const lines = rows.map(
    (r) =>
      `${site} ${r.d.slice(2, 4)}${MON[Number(r.d.slice(4, 6)) - 1]}${r.d.slice(6, 8)} 2018.0 58119 1982 1 -120 0 ${r.e.toFixed(6)} 0 ${r.n.toFixed(6)} 0 ${r.u.toFixed(6)} 0 0.001 0.001 0.003 0 0 0 ${lat} ${lon + 360} 10`,
  );
  return `${[head, ...lines].join('\n')}\n`;
}

test('map tools and overlays: place names, measuring, KML and GNSS stations with their LOS series in the chart', async ({
  page,
}) => {
  const errors = await openViewer(page);
  const grid = (await call<ProjectInfo>('projectInfo')).grid!;
  const at = (fr: number, fc: number): [number, number] => [
    grid.yFirst + grid.length * fr * grid.yStep,
    grid.xFirst + grid.width * fc * grid.xStep,
  ];
  await page.getByTestId('layer-select').selectOption('velocity.h5:velocity');
  await page.getByTestId('zoom-data').click();
  await page.waitForTimeout(500);

  // place names around the data: the API's most populous places, labelled on the map
  const h = Math.abs(grid.length * grid.yStep) / 2;
  const w = Math.abs(grid.width * grid.xStep) / 2;
  const [s0, n0] = [grid.yFirst + grid.length * grid.yStep - h, grid.yFirst + h];
  const places = await call<PlaceName[]>(
    'placeNames',
    s0,
    grid.xFirst - w,
    n0,
    grid.xFirst + grid.width * grid.xStep + w,
  );
  expect(places.length).toBeGreaterThan(0);
  const labels = page.locator('[data-testid="map-label-places"]');
  await expect(labels).toHaveCount(Math.min(24, places.length));
  expect(await labels.allTextContents()).toEqual(places.slice(0, 24).map((p) => p.name));
  // labels of places beyond the map's edge are clipped by the map (they once showed over the side panel)
  await expect(page.getByTestId('map')).toHaveClass(/maplibregl-map/);
  await expect(page.getByTestId('map')).toHaveCSS('overflow', 'hidden');
  console.log(
    `place names around the demo: ${places
      .slice(0, 8)
      .map((p) => p.name)
      .join(', ')}`,
  );

  // measuring: three clicks, the length along them and the closed area, as src-core computes them
  await page.keyboard.press('g');
  await expect(page.getByTestId('mode-measure')).toHaveAttribute('aria-pressed', 'true');
  const pts = [at(0.2, 0.2), at(0.2, 0.7), at(0.7, 0.7)];
  const clicked: [number, number][] = [];
  const box = (await page.getByTestId('map').boundingBox())!;
  for (const p of pts) {
    const s = await screenOf(page, ...p);
    // whole pixels: where the click lands is where the map unprojects it
    const [x, y] = [Math.round(s.x), Math.round(s.y)];
    await page.mouse.click(x, y);
    clicked.push(
      await page.evaluate(
        ([px, py]) => {
          const m = (
            globalThis as unknown as { __insarMap: { unproject(p: [number, number]): { lat: number; lng: number } } }
          ).__insarMap;
          const ll = m.unproject([px, py]);
          return [ll.lat, ll.lng] as [number, number];
        },
        [x - box.x, y - box.y],
      ),
    );
  }
  const text = await page.getByTestId('measure-readout').textContent();
  const expected = `3 points · length ${formatLength(lineLength(clicked))} · closed: area ${formatArea(polygonArea(clicked))}, perimeter ${formatLength(polygonPerimeter(clicked))}`;
  expect(text).toContain(expected);
  console.log(`measured: ${expected}`);
  await page.screenshot({ path: join(shots, 'viewer-08-measure-places.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('measure-readout')).toHaveCount(0);
  // reference mode: where a reference may go, counted as src-core's referenceCandidates counts it
  await page.keyboard.press('r');
  const cand = (await call<{ counts: { ok: number; mask: number; water: number; noData: number } }>(
    'referenceCandidates',
  ))!;
  await expect(page.getByTestId('ref-candidates')).toContainText(
    `A reference may go to ${cand.counts.ok.toLocaleString('en-US')} pixels`,
  );
  await expect(page.getByTestId('ref-candidates')).toContainText(`water (${cand.counts.water})`);
  const c = cand.counts;
  expect(c.ok + c.mask + c.water + c.noData).toBe(grid.length * grid.width);
  console.log(`reference candidates: ${JSON.stringify(c)}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, 'viewer-08b-reference-candidates.png') });
  await page.keyboard.press('p');
  await expect(page.getByTestId('ref-candidates')).toHaveCount(0);

  // a KML file of the user's on the map
  const [la1, lo1] = at(0.3, 0.1);
  const [la2, lo2] = at(0.6, 0.9);
  const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>canal</name><LineString><coordinates>${lo1},${la1},0 ${lo2},${la2},0</coordinates></LineString></Placemark></Document></kml>`;
  await page.getByTestId('tab-project').click();
  await page
    .getByTestId('overlay-file')
    .setInputFiles({ name: 'canal.kml', mimeType: 'application/vnd.google-earth.kml+xml', buffer: Buffer.from(kml) });
  await expect(page.getByTestId('overlay-list')).toContainText('canal.kml');

  // GNSS stations: two .tenv3 files, one inside the data, one far away
  const gdir = join(process.env.INSAR_E2E_TMP!, 'gnss');
  mkdirSync(gdir, { recursive: true });
  const ts = (await call<LayerInfo[]>('listLayers')).find((l) => l.file === 'timeseries.h5')!;
  const days = ts.dates!;
  const [sl, so] = at(0.5, 0.45);
  const rows = days.map((d, i) => ({ d, e: 0.001 * i, n: -0.0005 * i, u: -0.004 * i }));
  writeFileSync(join(gdir, 'CRCN.tenv3'), tenv3('CRCN', +sl.toFixed(6), +so.toFixed(6), rows));
  writeFileSync(join(gdir, 'FAR1.tenv3'), tenv3('FAR1', 40, -110, rows));
  await page.getByTestId('tab-inspect').click();
  await page.getByTestId('gnss-path').fill(gdir);
  await page.getByTestId('gnss-load').click();
  await expect(page.getByTestId('gnss-FAR1')).toContainText('outside the data');
  const api = await call<GnssStationsResult>('gnssStations', [gdir]);
  const st = api.stations.find((x) => x.site === 'CRCN')!;
  await expect(page.getByTestId('gnss-CRCN')).toContainText(`row ${st.row}, col ${st.col}`);
  // the station's pixel and its GNSS series in one chart
  await page.getByRole('button', { name: 'Inspect the pixel of CRCN' }).click();
  await expect(page.getByTestId('pixel-chart')).toContainText('GNSS CRCN (LOS)');
  // the chart's CSV holds the GNSS column in cm, relative to REF_DATE (src-core readGnssStations' values)
  const csv = await saved(page, () => page.getByTestId('chart-csv').click());
  const lines = csv.bytes.toString('utf8').split('\n');
  const header = fields(lines.find((l) => l.startsWith('date') || l.startsWith('x'))!);
  const col = header.findIndex((f) => f.startsWith('GNSS CRCN (LOS)'));
  expect(col).toBeGreaterThan(0);
  const last = fields(lines.filter((l) => l.startsWith(days[days.length - 1]))[0]);
  expect(Number(last[col])).toBeCloseTo(st.los[st.los.length - 1] * 100, 4);
  await expect(page.locator('[data-testid="map-label-gnss"]')).toHaveCount(2);
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(shots, 'viewer-09-gnss-overlays.png') });
  expect(await axeProblems(page)).toEqual([]);
  expect(errors).toEqual([]);
});

/**
 * An export's button clicked (the last export's links go at once) and the file its new link offers: the first
 * one as a real download, the others read from the link's blob in the page (Chromium blocks a page's third
 * download without a prompt headless users cannot answer).
 */
async function exported(page: Page, testid: string, asDownload = false): Promise<{ name: string; bytes: Buffer }> {
  await page.getByTestId(testid).click();
  const link = page.getByTestId('download-link').first();
  await expect(link).toBeVisible({ timeout: 60_000 });
  if (asDownload) return saved(page, () => link.click());
  const name = (await link.getAttribute('download'))!;
  console.log(`exported ${name}`);
  const b64 = await link.evaluate(async (a) => {
    const buf = new Uint8Array(await (await fetch((a as unknown as { href: string }).href)).arrayBuffer());
    let s = '';
    for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    return btoa(s);
  });
  return { name, bytes: Buffer.from(b64, 'base64') };
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The data layers of the MapLibre style, in drawing order: id, opacity, visibility, tile key. */
async function dataLayers(
  page: Page,
): Promise<{ id: string; opacity: number; visibility: string; key: Record<string, unknown> }[]> {
  return page.evaluate(() => {
    type Style = {
      layers: { id: string; paint?: Record<string, unknown>; layout?: Record<string, unknown> }[];
      sources: Record<string, { tiles?: string[] }>;
    };
    const m = (globalThis as unknown as { __insarMap: { getStyle(): Style } }).__insarMap;
    const s = m.getStyle();
    return s.layers
      .filter((l) => /^data(-\d+)?$/.test(l.id))
      .map((l) => ({
        id: l.id,
        opacity: l.paint?.['raster-opacity'] as number,
        visibility: (l.layout?.visibility as string) ?? 'visible',
        key: JSON.parse(decodeURIComponent(/[?&]k=([^&]*)/.exec(s.sources[l.id].tiles![0])![1])),
      }));
  });
}

/** The ids of the style's layers, in drawing order. */
async function styleIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { __insarMap: { getStyle(): { layers: { id: string }[] } } }).__insarMap
      .getStyle()
      .layers.map((l) => l.id),
  );
}

/** Wait until MapLibre has drawn every tile of every source in view. */
async function drawn(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const m = (globalThis as unknown as { __insarMap: { areTilesLoaded(): boolean; isMoving(): boolean } })
        .__insarMap;
      return !m.isMoving() && m.areTilesLoaded();
    },
    undefined,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(400);
}

test('layer list: velocity over the hillshade, coherence, a mask outline; opacity, order, visibility; rivers and lakes', async ({
  page,
}) => {
  const errors = await openViewer(page);
  const grid = (await call<ProjectInfo>('projectInfo')).grid!;
  const list = await call<LayerInfo[]>('listLayers');
  const tcoh = list.find((l) => l.file === 'temporalCoherence.h5')!;
  const mask = list.find((l) => l.file === 'maskTempCoh.h5')!;
  await page.getByTestId('layer-select').selectOption('velocity.h5:velocity');
  await page.getByTestId('zoom-data').click();
  await page.getByRole('tabpanel').focus();
  await page.keyboard.press('8');
  await expect(page.getByTestId('tab-layers')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(async () => (await dataLayers(page)).map((l) => l.id)).toEqual(['data']);

  // two more layers on top: the temporal coherence, then the mask (as its outline)
  await page.getByTestId('layer-add-select').selectOption(tcoh.id);
  await page.getByTestId('layer-add').click();
  await page.getByTestId('layer-add-select').selectOption(mask.id);
  await page.getByTestId('layer-add').click();
  await expect.poll(async () => (await dataLayers(page)).map((l) => l.id)).toEqual(['data', 'data-2', 'data-3']);
  let ls = await dataLayers(page);
  expect(ls.map((l) => [l.key.ref, l.opacity, l.visibility])).toEqual([
    [{ file: 'velocity.h5', dataset: 'velocity' }, 0.85, 'visible'],
    [{ file: 'temporalCoherence.h5', dataset: 'temporalCoherence' }, 0.7, 'visible'],
    [{ file: 'maskTempCoh.h5', dataset: 'mask' }, 1, 'visible'],
  ]);
  expect((ls[2].key.display as Record<string, unknown>).outline).toBe(true);
  expect((ls[1].key.display as Record<string, unknown>).outline).toBeUndefined();
  // the selected layer (the last added) is the one the layer bar and the colour bar follow
  await expect(page.getByTestId('layer-select')).toHaveValue(mask.id);
  await expect(page.getByTestId('colorbar')).toHaveAttribute(
    'aria-label',
    new RegExp(`^Colour bar of ${reEscape(mask.label)}`),
  );
  // above the hillshade, under the vector layers
  const ids = await styleIds(page);
  expect(ids.indexOf('data')).toBeGreaterThan(ids.indexOf('hillshade'));
  expect(ids.indexOf('data-3')).toBeLessThan(ids.indexOf('extent'));
  await drawn(page);
  await page.screenshot({ path: join(shots, 'viewer-11-layers.png') });

  // the coherence at 40 % by keyboard (the slider steps 5 %), the others untouched
  await page.getByTestId('layer-opacity-data-2').focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await dataLayers(page))[1].opacity).toBeCloseTo(0.4, 6);
  ls = await dataLayers(page);
  expect(ls.map((l) => l.opacity)).toEqual([0.85, ls[1].opacity, 1]);
  // reorder by keyboard: the mask down under the coherence (Down = drawn earlier)
  await page.getByTestId('layer-down-data-3').focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await dataLayers(page)).map((l) => l.id)).toEqual(['data', 'data-3', 'data-2']);
  // and by dragging: the velocity row dropped on the top row goes to the top
  await page.getByTestId('layer-row-data').dragTo(page.getByTestId('layer-row-data-2'));
  await expect.poll(async () => (await dataLayers(page)).map((l) => l.id)).toEqual(['data-3', 'data-2', 'data']);
  await expect(page.locator('[data-testid^="layer-row-"]')).toHaveText([/Velocity/, /coherence/i, /mask/i]);
  // hide the coherence: a layout change, its tiles stay
  const cohKey = JSON.stringify((await dataLayers(page))[1].key);
  await page.getByTestId('layer-visible-data-2').uncheck();
  await expect.poll(async () => (await dataLayers(page))[1].visibility).toBe('none');
  expect(JSON.stringify((await dataLayers(page))[1].key)).toBe(cohKey);
  // selecting the coherence: the layer bar and the colour bar follow it
  await page.getByTestId('layer-selected-data-2').check();
  await expect(page.getByTestId('layer-select')).toHaveValue(tcoh.id);
  await expect(page.getByTestId('colorbar')).toHaveAttribute(
    'aria-label',
    new RegExp(`^Colour bar of ${reEscape(tcoh.label)}`),
  );
  // the velocity under the mask's outline: the mask up twice by keyboard, to the top
  await page.getByTestId('layer-up-data-3').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('layer-up-data-3').focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await dataLayers(page)).map((l) => l.id)).toEqual(['data-2', 'data', 'data-3']);
  await expect(page.getByTestId('layer-up-data-3')).toBeDisabled();
  await drawn(page);
  await page.screenshot({ path: join(shots, 'viewer-12-velocity-mask-outline.png') });
  expect(await axeProblems(page)).toEqual([]);

  // rivers and lakes on the offline basemap, over the land and under the hillshade: main's lines for the
  // basemap's area (the grid ± 6°), drawn where the map is
  const b = {
    w: grid.xFirst - 6,
    e: grid.xFirst + grid.width * grid.xStep + 6,
    s: grid.yFirst + grid.length * grid.yStep - 6,
    n: grid.yFirst + 6,
  };
  const ww = await call<{ rivers: { features: unknown[] }; lakes: { features: unknown[] } }>(
    'basemapWaterways',
    b.s,
    b.w,
    b.n,
    b.e,
  );
  expect(ww.rivers.features.length).toBeGreaterThan(0);
  const ids2 = await styleIds(page);
  expect(ids2.indexOf('rivers-line')).toBeGreaterThan(ids2.indexOf('basemap-land'));
  expect(ids2.indexOf('rivers-line')).toBeLessThan(ids2.indexOf('hillshade'));
  await page.getByTestId('layer-visible-data').uncheck();
  await page.evaluate(
    ([lon, lat]) =>
      (globalThis as unknown as { __insarMap: { jumpTo(o: object): void } }).__insarMap.jumpTo({
        center: [lon, lat],
        zoom: 6.5,
      }),
    [grid.xFirst + (grid.width * grid.xStep) / 2, grid.yFirst + (grid.length * grid.yStep) / 2] as const,
  );
  await drawn(page);
  const shown = await page.evaluate(() => {
    const m = (globalThis as unknown as { __insarMap: { querySourceFeatures(s: string): unknown[] } }).__insarMap;
    return { rivers: m.querySourceFeatures('rivers').length, lakes: m.querySourceFeatures('lakes').length };
  });
  console.log(
    `rivers and lakes around the demo: ${ww.rivers.features.length} river lines and ${ww.lakes.features.length} lakes from main; ` +
      `${shown.rivers} river and ${shown.lakes} lake pieces drawn at zoom 6.5`,
  );
  expect(shown.rivers).toBeGreaterThan(0);
  await page.screenshot({ path: join(shots, 'viewer-13-rivers.png') });
  // the switch hides them
  await page.getByTestId('waterways-toggle').uncheck();
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          (
            globalThis as unknown as { __insarMap: { querySourceFeatures(s: string): unknown[] } }
          ).__insarMap.querySourceFeatures('rivers').length,
      ),
    )
    .toBe(0);
  await page.getByTestId('waterways-toggle').check();

  // the list is kept with the project (its database): a new window shows it again, then back to one layer
  await expect
    .poll(async () => (await call<SavedLayerList | null>('layerList'))?.layers.map((l) => l.ref.dataset))
    .toEqual(['temporalCoherence', 'velocity', 'mask']);
  await page.reload();
  await expect(page.locator('body[data-map="ready"]')).toHaveCount(1);
  await expect.poll(async () => (await dataLayers(page)).map((l) => l.id)).toEqual(['data', 'data-2', 'data-3']);
  ls = await dataLayers(page);
  expect(ls.map((l) => [l.key.ref, l.visibility])).toEqual([
    [{ file: 'temporalCoherence.h5', dataset: 'temporalCoherence' }, 'none'],
    [{ file: 'velocity.h5', dataset: 'velocity' }, 'none'],
    [{ file: 'maskTempCoh.h5', dataset: 'mask' }, 'visible'],
  ]);
  expect(ls[0].opacity).toBeCloseTo(0.4, 6);
  await expect(page.getByTestId('layer-select')).toHaveValue(tcoh.id);
  await page.getByTestId('tab-layers').click();
  await page.getByTestId('layer-remove-data').click();
  await page.getByTestId('layer-remove-data-3').click();
  await page.getByTestId('layer-visible-data-2').check();
  await expect.poll(async () => (await call<SavedLayerList | null>('layerList'))?.layers.length).toBe(1);
  expect(errors).toEqual([]);
});

test('exports from the app as downloads, and the NISAR validation panel', async ({ page }) => {
  const errors = await openViewer(page);
  const ts = (await call<LayerInfo[]>('listLayers')).find((l) => l.file === 'timeseries.h5')!;
  await page.getByTestId('layer-select').selectOption('timeseries.h5:timeseries');
  await page.getByTestId('tab-export').click();
  // the time series as a KMZ for Google Earth (MintPy's save_kmz_timeseries: a root KML, region KMLs of
  // placemarks whose pop-ups chart each pixel's series, the icons and the colour bar)
  const kmz = await exported(page, 'export-kmz-ts', true);
  expect(kmz.bytes.subarray(0, 2).toString()).toBe('PK');
  const entries = Object.keys(unzipSync(new Uint8Array(kmz.bytes)));
  expect(entries.some((n) => n.endsWith('.kml'))).toBe(true);
  expect(entries).toEqual(expect.arrayContaining(['shaded_dot.png', 'star.png']));
  // every date as a GeoTIFF band
  const tif = await exported(page, 'export-tif-all');
  const img = await (await fromArrayBuffer(new Uint8Array(tif.bytes).buffer)).getImage();
  expect(img.getSamplesPerPixel()).toBe(ts.dates!.length);
  // a figure of the network (PNG)
  console.log('exports: KMZ and GeoTIFF checked');
  const fig = await exported(page, 'export-fig-network');
  console.log(`exports: ${fig.name} ${fig.bytes.length} bytes`);
  expect(fig.name).toBe('network.png');
  expect(fig.bytes.subarray(1, 4).toString()).toBe('PNG');

  // NISAR: Method 2 on the demo's velocity; the panel's table is the API's
  await page.getByTestId('tab-nisar').click();
  await page.getByTestId('nisar-method').selectOption('method2');
  await page.getByTestId('nisar-run').click();
  console.log('nisar: run clicked');
  await expect(page.getByTestId('nisar-method2')).toBeVisible({ timeout: 60_000 });
  const verdict = await page.getByTestId('nisar-verdict').textContent();
  const r = await call<NisarValidation>('nisarValidate', { method: 'method2', binning: 'linear' });
  expect(verdict).toBe(r.verdicts.pooled.pass ? 'PASSED' : 'FAILED');
  const rowsShown = await page.locator('[data-testid="nisar-table"] tbody tr').allTextContents();
  expect(rowsShown.length).toBe(r.rows.length);
  expect(rowsShown.at(-1)).toContain(`Total${r.rows.at(-1)!.total}${r.rows.at(-1)!.passed}`);
  await expect(page.getByTestId('nisar-figure')).toBeVisible();
  const rep = page.getByTestId('nisar-open-report');
  expect(await rep.getAttribute('download')).toBe('nisar_method2_report.html');
  const html = await rep.evaluate(async (a) => (await fetch((a as unknown as { href: string }).href)).text());
  expect(html).toContain('NISAR secular requirement');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, 'viewer-10-nisar.png') });
  expect(await axeProblems(page)).toEqual([]);
  expect(errors).toEqual([]);
});
