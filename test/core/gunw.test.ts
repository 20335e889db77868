/**
 * The NISAR GUNW reader and loader on products the project writes itself (src-core/node/load/writeGunw):
 * mask decoding, dates, MintPy's attribute rules, the common mask as NaN, the DEM on a UTM grid, the cube
 * geometry, subset.lalo, frequency B, and the mean baseline.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { H5Reader } from '../../src-core/node/formats/h5';
import { frameOfName, normalizeFrequency } from '../../src-core/node/formats/gunw';
import { gunwKeepMask } from '../../src-core/node/load/loadNisar';
import { centerLineUtc, openNisarStack, pairwiseSum64, rowsColsOf } from '../../src-core/node/load/nisarStack';
import { loadData, loadProcessorOf } from '../../src-core/node/load/loadData';
import {
  gunwFileName,
  tinyGunwSpec,
  writeDemFor,
  writeGunwStack,
  type GunwSpec,
} from '../../src-core/node/load/writeGunw';
import type { StepContext } from '../../src-core/common/pipeline/types';
import { rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';

const root = mkdtempSync(join(tmpdir(), 'gunw-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder with GUNW/, DEM/dem.tif and mintpy/<name>.cfg; returns the template path. */
export async function stageSynthetic(
  dir: string,
  spec: GunwSpec = tinyGunwSpec(),
  extra: Record<string, string> = {},
  demMargin = 0.01,
): Promise<string> {
  await writeGunwStack(join(dir, 'GUNW'), spec);
  writeDemFor(join(dir, 'DEM', 'dem.tif'), spec, demMargin);
  const cfg = join(dir, 'mintpy', 'synth.cfg');
  const keys = {
    'mintpy.load.processor': 'nisar',
    'mintpy.load.unwFile': '../GUNW/*.h5',
    'mintpy.load.demFile': '../DEM/dem.tif',
    ...extra,
  };
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'mintpy'), { recursive: true });
  writeFileSync(
    cfg,
    Object.entries(keys)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n') + '\n',
  );
  return cfg;
}

export function ctxOf(cfgPath: string, logs: string[] = []): StepContext {
  const t = Template.read(cfgPath);
  return {
    template: t,
    workDir: t.dir,
    log: (m) => logs.push(m),
    progress: () => {},
    signal: new AbortController().signal,
  };
}

describe('GUNW pieces', () => {
  it('mask byte: 100·water + 10·ref + sec subswath; 0 and the fill value are no data', () => {
    expect(Array.from(gunwKeepMask([11, 12, 21, 111, 0, 10, 1, 255, 110, 11 + 256], 255))).toEqual([
      1, 1, 1, 0, 0, 0, 0, 0, 0, 1,
    ]);
  });
  it('frequency: auto → A; frame from the NISAR file name', () => {
    expect(normalizeFrequency('auto')).toBe('frequencyA');
    expect(normalizeFrequency('B')).toBe('frequencyB');
    expect(normalizeFrequency('C')).toBeNull();
    expect(frameOfName(`/x/${gunwFileName(tinyGunwSpec(), 0)}`)).toEqual({ track: 77, direction: 'A', frame: 20 });
    expect(frameOfName('/x/other.h5')).toBeNull();
  });
  it("CENTER_LINE_UTC as MintPy's datetime arithmetic (half a microsecond rounds to even)", () => {
    expect(centerLineUtc('2025-11-04T14:03:12.123456000', '2025-11-04T14:03:26.123456000')).toBe(50599.123456);
    // 3 µs / 2 → 2 µs, 5 µs / 2 → 2 µs (Python's timedelta rounds half to even)
    expect(centerLineUtc('2025-11-04T00:00:00.000001', '2025-11-04T00:00:00.000004')).toBe(0.000003);
    expect(centerLineUtc('2025-11-04T00:00:00.000001', '2025-11-04T00:00:00.000006')).toBe(0.000003);
  });
  it('get_rows_cols: pixel centres inside the bounds, clipped, end exclusive', () => {
    const x = [100, 200, 300, 400, 500];
    const y = [900, 800, 700, 600];
    expect(rowsColsOf(x, y, [100, 600, 500, 900])).toEqual([0, 0, 5, 4]);
    expect(rowsColsOf(x, y, [150, 650, 420, 850])).toEqual([1, 1, 4, 3]);
    expect(rowsColsOf(x, y, [-1e9, -1e9, 1e9, 1e9])).toEqual([0, 0, 5, 4]);
  });
  it("numpy's pairwise float64 sum", () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3 + 1e-7 * i);
    let naive = 0;
    for (const v of a) naive += v;
    expect(Math.abs(pairwiseSum64(a) - naive)).toBeLessThan(1e-9);
  });
  it('processor auto: .vrt → aria, .h5 → nisar', () => {
    expect(loadProcessorOf(new Template('/t/a.cfg', { 'mintpy.load.unwFile': '../GUNW/*.h5' }))).toBe('nisar');
    expect(loadProcessorOf(new Template('/t/a.cfg', { 'mintpy.load.unwFile': '../stack/unwrapStack.vrt' }))).toBe(
      'aria',
    );
    expect(() => loadProcessorOf(new Template('/t/a.cfg', { 'mintpy.load.processor': 'gamma' }))).toThrow(
      'only ARIA-tools stacks (aria) and NISAR GUNW products (nisar) can be loaded',
    );
  });
});

describe('load_data on synthetic GUNW products (UTM 11N, DEM in EPSG:4326)', () => {
  const dir = join(root, 'synth');
  const spec = tinyGunwSpec();
  let cfg = '';
  const logs: string[] = [];
  beforeAll(async () => {
    cfg = await stageSynthetic(dir, spec);
    await loadData(ctxOf(cfg, logs));
  });

  it("MintPy's attributes: UTM grid in metres, EPSG, UTM_ZONE, wavelength, looks, no PROCESSOR", async () => {
    const r = await H5Reader.open(join(dir, 'mintpy', 'inputs', 'ifgramStack.h5'));
    try {
      const a = r.attrs;
      expect(a.X_FIRST).toBe('266000.0');
      expect(a.Y_FIRST).toBe('4000400.0');
      expect(a.X_STEP).toBe('100.0');
      expect(a.Y_STEP).toBe('-100.0');
      expect(a.X_UNIT).toBe('meters');
      expect(a.EPSG).toBe('32611');
      expect(a.UTM_ZONE).toBe('11N');
      expect(a.WAVELENGTH).toBe('0.2384983754972156');
      expect(a.ALOOKS).toBe('17');
      expect(a.RLOOKS).toBe('7');
      expect(a.HEIGHT).toBe('747000');
      expect(a.EARTH_RADIUS).toBe('6371008.8');
      expect(a.PLATFORM).toBe('NISAR');
      expect(a.ORBIT_DIRECTION).toBe('Ascending');
      expect(a.CENTER_LINE_UTC).toBe('50599.123456');
      expect(a.LENGTH).toBe('24');
      expect(a.WIDTH).toBe('32');
      expect(a.PROCESSOR).toBeUndefined();
      expect(a['mintpy.load.processor']).toBe('nisar');
      expect(r.readStrings('date').slice(0, 4)).toEqual(['20260103', '20260115', '20260103', '20260127']);
    } finally {
      r.close();
    }
  });

  it('common mask as NaN in every pair; water and no-data removed; float32 connected components', async () => {
    const r = await H5Reader.open(join(dir, 'mintpy', 'inputs', 'ifgramStack.h5'));
    try {
      const W = spec.width;
      const unw = r.readBand('unwrapPhase', 3);
      const cc = r.readBand('connectComponent', 3);
      expect(r.info('connectComponent').dtype).toBe('<f');
      expect(unw[0]).toBeNaN(); // no-data corner
      expect(unw[12 * W + 30]).toBeNaN(); // water
      expect(cc[12 * W + 30]).toBeNaN();
      expect(unw[5 * W + 5]).toBeCloseTo(spec.phase(5, 5, 3), 6);
      expect(cc[5 * W + 5]).toBe(1);
      // mean of the cube 40·(j − i) − 25·i + 1e-3·x + 1e-4·h: mean x offset 1550 m, mean height 900 m
      const bperp = Array.from(r.read('bperp'));
      expect(bperp[0]).toBeCloseTo(40 + 1.55 + 0.09, 4);
      expect(bperp[1]).toBeCloseTo(80 + 1.55 + 0.09, 4);
    } finally {
      r.close();
    }
    expect(logs).toContain(`Common valid land pixels from all NISAR masks: ${24 * 32 - 6 - 16} / ${24 * 32}`);
  });

  it('geometry: DEM height everywhere, angles and slant range from the cube on kept pixels only', async () => {
    const r = await H5Reader.open(join(dir, 'mintpy', 'inputs', 'geometryGeo.h5'));
    try {
      const h = r.read('height');
      const inc = r.read('incidenceAngle');
      const az = r.read('azimuthAngle');
      const sr = r.read('slantRangeDistance');
      const W = spec.width;
      expect(Number.isNaN(h[0])).toBe(false);
      expect(inc[0]).toBeNaN();
      const k = 10 * W + 10;
      const x = spec.x0 + 10 * spec.dx - spec.x0;
      expect(inc[k]).toBeCloseTo(34 + 2e-4 * x - 1e-4 * h[k], 4);
      expect(sr[k]).toBeCloseTo(877000 + 0.6 * x - 0.9 * h[k] + 0.01 * (10 * spec.dy), 1);
      // LOS pointing from ground to satellite (−0.54, −0.12) → azimuth atan2(0.12, 0.54)
      expect(az[k]).toBeCloseTo((Math.atan2(0.12 - 1e-7 * 10 * spec.dy, 0.54 - 1e-7 * x) * 180) / Math.PI, 4);
      expect(h[k]).toBeGreaterThan(120);
      expect(r.attrs.STARTING_RANGE).toMatch(/^87\d{4}\.\d+$/);
    } finally {
      r.close();
    }
  });

  it('mintpy.subset.lalo picks the pixels whose centres fall inside the lat/lon box (on the UTM grid)', async () => {
    const d2 = join(root, 'subset');
    const g = (await openNisarStack(Template.read(cfg))).grid;
    // a lat/lon box through points 0.3 px outside the centres of pixels (5, 4) and (15, 20)
    const [n, w] = rowColToLatLonGeo(g, 4.7, 3.7);
    const [so, e] = rowColToLatLonGeo(g, 15.3, 20.3);
    const c2 = await stageSynthetic(d2, spec, { 'mintpy.subset.lalo': `${so}:${n},${w}:${e}` });
    const s = await openNisarStack(Template.read(c2));
    // the lat/lon box is wider than the pixel box on a rotated UTM grid (transform_bounds of its outline)
    expect([4, 5]).toContain(Number(s.attrs.SUBSET_YMIN));
    expect([3, 4]).toContain(Number(s.attrs.SUBSET_XMIN));
    expect(Number(s.attrs.SUBSET_YMAX)).toBeGreaterThanOrEqual(16);
    expect(Number(s.attrs.SUBSET_XMAX)).toBeGreaterThanOrEqual(21);
    expect(s.width).toBeLessThan(spec.width);
    expect(s.length).toBeLessThan(spec.length);
    expect(Number(s.attrs.X_FIRST)).toBe(g.xFirst + Number(s.attrs.SUBSET_XMIN) * g.xStep);
    expect(Number(s.attrs.WIDTH)).toBe(s.width);
  });

  it('frequency B products load with mintpy.load.frequency = B, and say so with auto', async () => {
    const d3 = join(root, 'freqB');
    const specB = { ...tinyGunwSpec(), frequency: 'frequencyB' as const };
    const c3 = await stageSynthetic(d3, specB, { 'mintpy.load.frequency': 'B' });
    const s = await openNisarStack(Template.read(c3));
    expect(s.inputs.frequency).toBe('frequencyB');
    const c4 = join(d3, 'mintpy', 'auto.cfg');
    writeFileSync(
      c4,
      'mintpy.load.processor = nisar\nmintpy.load.unwFile = ../GUNW/*.h5\nmintpy.load.demFile = ../DEM/dem.tif\n',
    );
    await expect(openNisarStack(Template.read(c4))).rejects.toThrow(
      /NISAR_L2_PR_GUNW_004_077_A_020_.*\.h5: NISAR frequencyA data not found .*set mintpy.load.frequency = B/,
    );
  });
});
