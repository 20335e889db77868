/**
 * The renderer at real size, measured and printed (never asserted): `npm run measure`.
 *
 * - The notebook's stack (1176 × 3060 px, 86 pairs, 31 dates, the project's demo generator, whole pipeline):
 *   first map of the processed project, date step, layer switch (and the longest main-thread task during
 *   it), a pixel's time series.
 * - A DISP-S1-sized single-date layer (9618 × 6898 px: one pair's unwrapped phase, generated and loaded):
 *   open, pan, zoom, with the peak memory of the renderer process.
 *
 * Stacks are made once under $INSAR_MEASURE_DIR (default .demo/measure) and reused. Targets from issue #10:
 * date step ≤ 300 ms, layer switch ≤ 300 ms with no task > 50 ms, first map ≤ 1 s, pixel series ≤ 100 ms,
 * peak renderer memory < 500 MB. Timings on a shared machine are noisy: each is repeated, min and median shown.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO, URL_, call, shots } from './host';
import type { ProjectInfo } from '../../src-shared/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = resolve(root, process.env.INSAR_MEASURE_DIR ?? '.demo/measure');
const run = !!process.env.INSAR_MEASURE;

test.skip(!run, 'measuring the renderer at real size: run `npm run measure`');
/**
 * Headless Chromium composites in software: each frame the page's WebGL canvas is read back (glReadPixels)
 * on the page's main thread, which then waits for the GPU process to draw the frame (in SwiftShader here).
 * INSAR_MEASURE_GPU=1 composites on the (software) GPU as Chromium and Electron do with a graphics card:
 * the same drawing, off the page's main thread.
 */
const gpuCompositing = !!process.env.INSAR_MEASURE_GPU;
if (gpuCompositing)
  test.use({
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--enable-gpu',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--ignore-gpu-blocklist',
        '--enable-gpu-compositing',
      ],
    },
  });
test.setTimeout(3_600_000);
test.use({ actionTimeout: 60_000 });

/** A demo stack made (and processed up to `lastStep`) once. */
function stack(name: string, args: string[], lastStep: string): string {
  const folder = join(dir, name);
  const done = join(folder, `.measure-${lastStep}`);
  if (!existsSync(done)) {
    const t = Date.now();
    execFileSync('node', ['out/node/cli.js', 'demo', folder, ...args], { cwd: root, stdio: 'inherit' });
    execFileSync('node', ['out/node/cli.js', 'run', join(folder, 'mintpy', 'Demo.cfg'), '--end', lastStep], {
      cwd: root,
      stdio: 'inherit',
    });
    execFileSync('touch', [done]);
    console.log(
      `[measure] ${name}: generated and processed to ${lastStep} in ${((Date.now() - t) / 1000).toFixed(0)} s`,
    );
  }
  return folder;
}

/** how busy the machine was (timings on a shared machine are only comparable with it) */
const load = () =>
  `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; ${gpuCompositing ? 'GPU' : 'software'} compositing`;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(0)} ms, median ${s[Math.floor(s.length / 2)].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (n = ${s.length})`;
};

/**
 * In the page (plain JS: this file is type-checked without the DOM): a longtask observer, "the data tiles
 * in view are drawn" and "the series chart shows a new pixel" waiters, timed from a performance.now() to the
 * end of the frame that shows them.
 */
const PROBE = `
window.__longtasks = [];
const keep = (es) => { for (const e of es) window.__longtasks.push({ start: e.startTime, dur: e.duration }); };
const observer = new PerformanceObserver((l) => keep(l.getEntries()));
observer.observe({ type: 'longtask', buffered: true });
// the frame that shows new tiles has been made when the animation frame after the one that drew them starts
// (a frame's task ends with its commit, which in software compositing reads the WebGL canvas back); the tiles
// can read as loaded for a moment after a new key is set, before MapLibre reloads them: one frame more
const afterFrame = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
window.__probe = {
  dataUrl() {
    const m = window.__insarMap;
    const s = m && m.style && m.getSource('data');
    return decodeURIComponent((s && s.tiles && s.tiles[0]) || '');
  },
  // the context of a project's first picture: its hillshade (the same generation of the project as the data's)
  // and the basemap of its area are drawn too (they load after the data's first picture)
  contextDrawn(m) {
    const gen = /"generation":(\\d+)/.exec(window.__probe.dataUrl());
    const hs = m.getSource('hillshade');
    const hsUrl = decodeURIComponent((hs && hs.tiles && hs.tiles[0]) || '');
    return !!gen && hsUrl.includes('"generation":' + gen[1] + '}') && m.isSourceLoaded('hillshade') &&
      document.body.dataset.basemap === 'ready';
  },
  drawnAfter(t0, want, notUrl, mode) {
    return new Promise((ok, fail) => {
      const give = setTimeout(() => fail(new Error('not drawn in 120 s: ' + want)), 120000);
      const check = () => {
        const m = window.__insarMap;
        if (!m || !m.style) return requestAnimationFrame(check);
        const s = m.getSource('data');
        const url = window.__probe.dataUrl();
        if (s && url.includes(want) && url !== notUrl && m.isSourceLoaded('data') &&
          (mode === 'data' || (m.areTilesLoaded() && (mode !== 'context' || window.__probe.contextDrawn(m)))))
          afterFrame(() => { clearTimeout(give); ok(performance.now() - t0); });
        else requestAnimationFrame(check);
      };
      check();
    });
  },
  // [ms to the chart on the page (its DOM changed), ms to the frame that shows it]
  seriesAfter(t0, before) {
    return new Promise((ok, fail) => {
      const give = setTimeout(() => fail(new Error('no new series in 60 s')), 60000);
      const h3 = () => (document.querySelector('[data-testid="series"] h3') || {}).textContent || '';
      let inPage = 0;
      const seen = new MutationObserver(() => {
        if (!inPage && h3() && h3() !== before) inPage = performance.now() - t0;
      });
      seen.observe(document.body, { subtree: true, childList: true, characterData: true });
      const check = () => {
        const h = h3();
        // the chart is painted in the frame of the change: over when the next frame starts
        if (h && h !== before)
          requestAnimationFrame(() => {
            clearTimeout(give);
            seen.disconnect();
            const shown = performance.now() - t0;
            ok([inPage || shown, shown]);
          });
        else requestAnimationFrame(check);
      };
      check();
    });
  },
  longest(a, b) {
    keep(observer.takeRecords()); // entries not delivered to the observer yet
    return Math.max(0, ...window.__longtasks.filter((t) => t.start + t.dur >= a && t.start <= b).map((t) => t.dur));
  },
  run(code) {
    new Function('m', code)(window.__insarMap);
  },
};
`;

async function instrument(page: Page): Promise<void> {
  await page.addInitScript({ content: PROBE });
}

const now = (page: Page) => page.evaluate('performance.now()') as Promise<number>;
/**
 * ms from `t0` until the data source shows a tile URL containing `want` (and other than `notUrl`, the picture
 * shown before: the URL's key carries the layer, date, colours, mask and the project's generation) and
 * - `data`: the data layer's tiles in view are drawn;
 * - `all`: every source's tiles in view are drawn (basemap, hillshade, names);
 * - `context`: and the project's hillshade and basemap, which load after its first picture, are among them.
 */
const drawnAfter = (page: Page, t0: number, want: string, notUrl = '', mode: 'data' | 'all' | 'context' = 'all') =>
  page.evaluate(
    `__probe.drawnAfter(${t0}, ${JSON.stringify(want)}, ${JSON.stringify(notUrl)}, ${JSON.stringify(mode)})`,
  ) as Promise<number>;
/** first maps timed of each kind (they vary the most: page load, first WebGL programs, first frames) */
const FIRST_MAPS = 7;
/** a kept layer list with no layers: a project opens with its default layer (velocity) */
const NO_LAYERS = { layers: [], selected: 0 };
/** a first map: when the velocity's tiles are drawn, and when its context (basemap, hillshade, names) is too */
const firstDrawn = (page: Page, t0: number, notUrl = '') =>
  Promise.all((['data', 'context'] as const).map((mode) => drawnAfter(page, t0, VELOCITY, notUrl, mode)));
const VELOCITY = '"file":"velocity.h5","dataset":"velocity"';
const dataUrl = (page: Page) => page.evaluate('__probe.dataUrl()') as Promise<string>;
const longest = (page: Page, a: number, b: number) => page.evaluate(`__probe.longest(${a}, ${b})`) as Promise<number>;

test('renderer timings at the notebook size', async ({ page }) => {
  const folder = stack('notebook', ['--rows', '1176', '--cols', '3060', '--dates', '31', '--pairs', '86'], 'velocity');
  await instrument(page);
  // the app started with the processed project open: navigation → velocity tiles drawn
  await call('openProject', folder);
  const start: number[] = [];
  const startAll: number[] = [];
  for (let i = 0; i < FIRST_MAPS; i++) {
    // a new document each time (the URL differs from the page's only by its #token, which the app removes:
    // going to it again would be a same-document navigation, and the probe would time the first load again)
    await page.goto('about:blank');
    await call('saveLayerList', NO_LAYERS); // the project's default layer, not the list a former page kept
    await page.goto(URL_);
    const [data, all] = await firstDrawn(page, 0);
    start.push(data);
    startAll.push(all);
  }
  // opened from the Project panel while another project is open: click → velocity tiles drawn
  const opened: number[] = [];
  const openedAll: number[] = [];
  for (let i = 0; i < FIRST_MAPS; i++) {
    await page.goto('about:blank');
    await call('openProject', folder);
    await call('saveLayerList', NO_LAYERS);
    await call('openProject', DEMO);
    await page.goto(URL_);
    await expect(page.locator('body[data-map="ready"]')).toHaveCount(1);
    await expect(page.locator('body[data-app="ready"]')).toHaveCount(1);
    await page.getByTestId('tab-project').click();
    await page.getByLabel('Project folder').fill(folder);
    const before = await dataUrl(page); // the demo's own velocity may be on the map
    const t0 = await now(page);
    await page.getByTestId('open-project').click();
    const [data, all] = await firstDrawn(page, t0, before);
    opened.push(data);
    openedAll.push(all);
  }
  const info = await call<ProjectInfo>('projectInfo');
  console.log(`[measure] ${load()}`);
  console.log(
    `[measure] notebook stack: ${info.grid!.length} × ${info.grid!.width} px, ${info.numPairs} pairs, ${info.dates.length} dates`,
  );
  console.log(
    `[measure] first map, app started with the processed project (page load → velocity drawn): ${stats(start)}`,
  );
  console.log(
    `[measure]   … and its context too (basemap, hillshade, place names: they load after): ${stats(startAll)}`,
  );
  console.log(`[measure] first map, project opened in the Project panel (click → velocity drawn): ${stats(opened)}`);
  console.log(
    `[measure]   … and its context too (basemap, hillshade, place names: they load after): ${stats(openedAll)}`,
  );

  // date steps through the time series (arrow key), each a date main has not read yet
  await page.getByTestId('layer-select').selectOption('timeseries.h5:timeseries');
  await drawnAfter(page, await now(page), `"date":"${info.dates[info.dates.length - 1]}"`);
  await page.getByRole('tabpanel').focus();
  const steps: number[] = [];
  const stepTasks: number[] = [];
  for (let i = info.dates.length - 2; i >= info.dates.length - 13; i--) {
    const t0 = await now(page);
    await page.keyboard.press('ArrowLeft');
    steps.push(await drawnAfter(page, t0, `"date":"${info.dates[i]}"`));
    stepTasks.push(await longest(page, t0, t0 + steps.at(-1)!));
  }
  console.log(`[measure] date step (← key → new date's tiles in view drawn): ${stats(steps)}`);
  console.log(`[measure]   longest main-thread task during a step: ${stats(stepTasks)}`);

  // layer switches
  const layers = ['temporalCoherence.h5:temporalCoherence', 'velocity.h5:velocity', 'avgSpatialCoh.h5:coherence'];
  const switches: number[] = [];
  const switchTasks: number[] = [];
  for (let k = 0; k < 9; k++) {
    const id = layers[k % layers.length];
    const [file, dataset] = id.split(':');
    const t0 = await now(page);
    await page.getByTestId('layer-select').selectOption(id);
    switches.push(await drawnAfter(page, t0, `"file":"${file}","dataset":"${dataset}"`));
    switchTasks.push(await longest(page, t0, t0 + switches.at(-1)!));
  }
  console.log(`[measure] layer switch (menu → tiles in view drawn): ${stats(switches)}`);
  console.log(`[measure]   longest main-thread task during a switch: ${stats(switchTasks)}`);

  // a pixel's time series: click → chart drawn
  await page.getByTestId('mode-pixel').click();
  const box = (await page.getByTestId('map').boundingBox())!;
  const series: number[] = [];
  const seriesInPage: number[] = [];
  for (let k = 0; k < 8; k++) {
    const x = box.x + box.width * (0.3 + 0.05 * k);
    const y = box.y + box.height * (0.4 + 0.02 * k);
    const before =
      (await page
        .locator('[data-testid="series"] h3')
        .textContent()
        .catch(() => '')) ?? '';
    const t0 = await now(page);
    await page.mouse.click(x, y);
    const [inPage, shown] = (await page.evaluate(`__probe.seriesAfter(${t0}, ${JSON.stringify(before)})`)) as [
      number,
      number,
    ];
    seriesInPage.push(inPage);
    series.push(shown);
  }
  console.log(`[measure] pixel time series (click → chart drawn): ${stats(series)}`);
  console.log(`[measure]   … click → chart on the page (main's answer, the chart's DOM): ${stats(seriesInPage)}`);
  console.log(`[measure] ${load()}`);
  await page.screenshot({ path: join(shots, 'measure-notebook.png') });
});

/** Resident and peak memory (kB) of the page's renderer process, from /proc. */
function procMemory(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

test('a 9618 × 6898 single-date layer: open, pan, zoom, peak renderer memory', async ({ page }) => {
  const folder = stack(
    'disp',
    ['--rows', '6898', '--cols', '9618', '--dates', '3', '--pairs', '2', '--neighbours', '1'],
    'load_data',
  );
  await instrument(page);
  await page.goto(URL_);
  await expect(page.locator('body[data-map="ready"]')).toHaveCount(1);
  const cdp = await page.context().newCDPSession(page);
  const bcdp = await page.context().browser()!.newBrowserCDPSession();
  const { processInfo } = (await bcdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  const gpu = processInfo.filter((p) => p.type === 'GPU').map((p) => p.id);
  let peakRss = 0;
  const sample = () => {
    for (const pid of renderers) {
      try {
        peakRss = Math.max(peakRss, procMemory(pid).rss);
      } catch {
        /* a process that ended */
      }
    }
  };
  const timer = setInterval(sample, 50);
  await page.getByTestId('tab-project').click();
  await page.getByLabel('Project folder').fill(folder);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toContainText('disp');
  const info = await call<ProjectInfo>('projectInfo');
  console.log(
    `[measure] DISP-sized grid: ${info.grid!.length} × ${info.grid!.width} px (${((info.grid!.length * info.grid!.width) / 1e6).toFixed(1)} Mpx)`,
  );
  // the pair's unwrapped phase: select the pair with the keyboard, show its layer
  await page.getByTestId('tab-network').click();
  await page.getByTestId('network-plot').focus();
  await page.keyboard.press('ArrowRight');
  let t0 = await now(page);
  await page.getByRole('button', { name: 'Unwrapped phase' }).click();
  const open = await drawnAfter(page, t0, '"dataset":"unwrapPhase"');
  console.log(`[measure] DISP-sized layer: open (click → tiles in view drawn): ${open.toFixed(0)} ms`);
  const moves: [string, number][] = [];
  for (const [what, js] of [
    ['zoom in ×4', 'm.zoomTo(m.getZoom() + 2, { duration: 0 })'],
    ['pan 60 %', 'm.panBy([m.getCanvas().clientWidth * 0.6, 0], { duration: 0 })'],
    ['zoom in ×8', 'm.zoomTo(m.getZoom() + 3, { duration: 0 })'],
    ['pan 80 %', 'm.panBy([0, m.getCanvas().clientHeight * 0.8], { duration: 0 })'],
    ['zoom out ×32', 'm.zoomTo(m.getZoom() - 5, { duration: 0 })'],
  ] as const) {
    t0 = await now(page);
    await page.evaluate(`__probe.run(${JSON.stringify(js)})`);
    moves.push([what, await drawnAfter(page, t0, '"dataset":"unwrapPhase"')]);
  }
  for (const [w, ms] of moves) console.log(`[measure]   ${w}: tiles in view drawn in ${ms.toFixed(0)} ms`);
  console.log(`[measure] ${load()}`);
  clearInterval(timer);
  sample();
  const hwm = Math.max(...renderers.map((p) => procMemory(p).hwm));
  const gpuHwm = gpu.length ? Math.max(...gpu.map((p) => procMemory(p).hwm)) : NaN;
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  console.log(
    `[measure] DISP-sized layer: renderer process peak memory ${(hwm / 1024).toFixed(0)} MB (VmHWM; sampled RSS peak ${(peakRss / 1024).toFixed(0)} MB), JS heap now ${(heap.usedSize / 2 ** 20).toFixed(0)} MB; GPU process peak ${(gpuHwm / 1024).toFixed(0)} MB`,
  );
  await page.screenshot({ path: join(shots, 'measure-disp.png') });
});
