/**
 * The main side of the viewer on MintPy's own cv-tiny outputs (symlinked into a temp work dir): a time
 * series relative to another date, one pixel of any layer (display re-referencing), a polygon's mean series,
 * and the model terms velocity.h5 holds at a pixel.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { H5Reader } from '../../src-core/node/formats/h5';
import { referenceToDate } from '../../src-core/common/derived/displayReference';
import { modelTermLines } from '../../src-core/common/timefunc/termLines';
import { swathProfile, transectLalo } from '../../src-core/common/derived/transect';
import { LayerService } from '../../src-main/services/layerService';
import { describeParity, fx } from '../helpers/fixtures';

let dir: string;
let layers: LayerService;

describeParity('viewer services on cv-tiny', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'insar-viewer-'));
    mkdirSync(join(dir, 'inputs'));
    for (const f of ['timeseries.h5', 'maskTempCoh.h5', 'temporalCoherence.h5'])
      symlinkSync(fx('mintpy', f), join(dir, f));
    symlinkSync(fx('mintpy', 'variants', 'velocity_periodic_step.h5'), join(dir, 'velocity.h5'));
    symlinkSync(fx('mintpy', 'inputs', 'ifgramStack.h5'), join(dir, 'inputs', 'ifgramStack.h5'));
    layers = new LayerService(() => dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the layer list names the time series reference date (REF_DATE)', async () => {
    const ts = (await layers.listLayers()).find((l) => l.file === 'timeseries.h5')!;
    expect(ts.refDate).toBe('20180109');
    expect(ts.dates!.length).toBe(30);
  });

  test('a date relative to another: each pixel minus its own value then (src-core referenceToDate), 0 on that date', async () => {
    const dates = (await layers.listLayers()).find((l) => l.file === 'timeseries.h5')!.dates!;
    const d = await layers.getLayer('timeseries.h5', 'timeseries', dates[20], dates[7]);
    const a = await layers.getLayer('timeseries.h5', 'timeseries', dates[20]);
    const b = await layers.getLayer('timeseries.h5', 'timeseries', dates[7]);
    expect(d.ref).toEqual({ file: 'timeseries.h5', dataset: 'timeseries', date: dates[20], refDate: dates[7] });
    expect(Array.from(d.values)).toEqual(Array.from(referenceToDate(a.values, b.values)));
    const self = await layers.getLayer('timeseries.h5', 'timeseries', dates[7], dates[7]);
    expect(self.values.every((v) => v === 0 || Number.isNaN(v))).toBe(true);
    await expect(layers.getLayer('velocity.h5', 'velocity', undefined, dates[7])).rejects.toThrow(
      /velocity.h5:velocity is a map: it has no reference date/,
    );
    await expect(layers.getLayer('timeseries.h5', 'timeseries', dates[3], '20300101')).rejects.toThrow(
      /no date "20300101" to reference to/,
    );
    const pairs = await layers.pixelValues({ file: 'inputs/ifgramStack.h5', dataset: 'unwrapPhase' }, 40, 50);
    await expect(layers.getLayer('inputs/ifgramStack.h5', 'unwrapPhase', pairs.dates![0], '20180109')).rejects.toThrow(
      /interferograms have no reference date/,
    );
  });

  test('one pixel of a stack (every date), of a map (its value) and of the interferograms (every pair)', async () => {
    const h = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
    const block = h.readRows('timeseries', 40, 41);
    h.close();
    const ts = await layers.pixelValues({ file: 'timeseries.h5', dataset: 'timeseries' }, 40, 50);
    expect(ts.dates!.length).toBe(30);
    expect(Array.from(ts.values)).toEqual(Array.from({ length: 30 }, (_, i) => block[i * 160 + 50]));
    expect(ts.units).toBe('m');
    const v = await layers.pixelValues({ file: 'velocity.h5', dataset: 'velocity' }, 40, 50);
    expect(v.dates).toBeNull();
    expect(v.values.length).toBe(1);
    expect(v.values[0]).toBe((await layers.getLayer('velocity.h5', 'velocity')).values[40 * 160 + 50]);
    const p = await layers.pixelValues({ file: 'inputs/ifgramStack.h5', dataset: 'unwrapPhase' }, 40, 50);
    expect(p.dates![0]).toMatch(/^\d{8}_\d{8}$/);
    await expect(layers.pixelValues({ file: 'velocity.h5', dataset: 'velocity' }, 100, 0)).rejects.toThrow(
      /outside the 100 × 160 grid/,
    );
  });

  test('a polygon: the mean series with its spread; off the data it is refused in one line', async () => {
    const poly: [number, number][] = [
      [36.1163, -119.5912],
      [36.1107, -119.4809],
      [36.0318, -119.4716],
      [36.0154, -119.5531],
      [36.0611, -119.6017],
    ];
    const r = await layers.regionSeries(poly, '20180310');
    expect(r.file).toBe('timeseries.h5');
    expect(r.refDate).toBe('20180310');
    expect([r.inside, r.inside - r.masked]).toEqual([1652, 1576]);
    expect(r.mean[r.dates.indexOf('20180310')]).toBe(0);
    expect(r.std[r.dates.length - 1]).toBeGreaterThan(0);
    const own = await layers.regionSeries(poly);
    expect(own.refDate).toBe('20180109');
    await expect(
      layers.regionSeries([
        [10, 10],
        [10, 11],
        [11, 10],
      ]),
    ).rejects.toThrow(/the polygon holds no pixel centre of the grid/);
  });

  test("a transect is MintPy's transect_lalo of the layer as shown; a width adds the swath with its quartiles", async () => {
    const v = await layers.getLayer('velocity.h5', 'velocity');
    const start: [number, number] = [36.24, -119.79];
    const end: [number, number] = [36.01, -119.41];
    const t = await layers.transect({ file: 'velocity.h5', dataset: 'velocity' }, start, end, { widthKm: 1.5 });
    const core = transectLalo({ data: v.values, length: 100, width: 160 }, v.grid, start, end);
    expect(Array.from(t.values)).toEqual(Array.from(core.value));
    expect(Array.from(t.distance)).toEqual(Array.from(core.distance));
    expect(t.lat[0]).toBeCloseTo(v.grid.yFirst + (core.y[0] + 0.5) * v.grid.yStep, 12);
    const sw = t.swath!;
    expect(sw.widthKm).toBe(1.5);
    const bins = swathProfile({ data: v.values, length: 100, width: 160 }, v.grid, start, end, 1.5).bins;
    expect(Array.from(sw.median)).toEqual(bins.map((b) => b.median));
    for (let i = 0; i < bins.length; i++) {
      expect(sw.p25[i]).toBeLessThanOrEqual(sw.median[i]);
      expect(sw.p75[i]).toBeGreaterThanOrEqual(sw.median[i]);
      expect(sw.min[i]).toBeLessThanOrEqual(sw.p25[i]);
    }
    // a time-series date relative to another: the profile of the difference
    const dates = (await layers.listLayers()).find((l) => l.file === 'timeseries.h5')!.dates!;
    const ref = { file: 'timeseries.h5', dataset: 'timeseries', date: dates[25], refDate: dates[10] };
    const d = await layers.transect(ref, start, end);
    const diff = await layers.getLayer('timeseries.h5', 'timeseries', dates[25], dates[10]);
    expect(Array.from(d.values)).toEqual(
      Array.from(transectLalo({ data: diff.values, length: 100, width: 160 }, v.grid, start, end).value),
    );
    await expect(layers.transect({ file: 'velocity.h5', dataset: 'velocity' }, [40, -119.79], end)).rejects.toThrow(
      /velocity.h5: transect point .* is outside the data/,
    );
  });

  test("the model's terms at a pixel, in velocity.h5's order, printed as tsview", async () => {
    const s = await layers.pixelSeries(40, 50);
    expect(s.terms.map((t) => t.name)).toEqual([
      'intercept',
      'velocity',
      'annualAmplitude',
      'annualPhase',
      'semiAnnualAmplitude',
      'semiAnnualPhase',
      'step20180412',
    ]);
    expect(s.terms[1].value).toBe(s.velocity);
    expect(s.terms[1].std).toBe(s.velocityStd);
    expect(s.terms[2].std).toBeNull();
    expect(modelTermLines(s.terms)[1]).toMatch(/^velocity +: +-?\d+\.\d\d \+\/- +\d+\.\d\d cm\/year$/);
  });
});
