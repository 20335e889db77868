import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { globLast, openAriaStack, resolveAriaInputs } from '../../src-core/node/formats/aria';
import { pyFixed, pyFloat } from '../../src-core/common/util/pyfmt';
import { templateAttrs } from '../../src-core/node/load/loadData';
import { tinyAriaSpec, writeAriaStack } from '../../src-core/node/load/writeAria';
import { InputError } from '../../src-core/common/pipeline/types';
import { describeParity, fx } from '../helpers/fixtures';
import { ARIA_LOAD_KEYS } from '../../src-core/common/formats/ariaKeys';

const root = mkdtempSync(join(tmpdir(), 'aria-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEMPLATE = {
  ...ARIA_LOAD_KEYS,
};

let n = 0;
/** A fresh synthetic stack (never shared between tests that corrupt it) and its template. */
function stack(): { folder: string; template: Template } {
  const folder = join(root, `s${n++}`);
  writeAriaStack(folder, tinyAriaSpec());
  mkdirSync(join(folder, 'mintpy'));
  return { folder, template: new Template(join(folder, 'mintpy', 't.cfg'), { ...TEMPLATE }) };
}

describe('pyFloat (Python str(float))', () => {
  it('matches Python for integers, small/large exponents and shortest digits', () => {
    expect(pyFloat(799000)).toBe('799000.0');
    expect(pyFloat(2.329562 * 19)).toBe('44.261678');
    expect(pyFloat(-119.80125 + 0.0025 * 160)).toBe('-119.40124999999999');
    expect(pyFloat(1e-5)).toBe('1e-05');
    expect(pyFloat(0.0001)).toBe('0.0001');
    expect(pyFloat(1.5e16)).toBe('1.5e+16');
    expect(pyFloat(1e15)).toBe('1000000000000000.0');
    expect(pyFloat(-0)).toBe('-0.0');
    expect(pyFloat(NaN)).toBe('nan');
  });
});

describe('pyFixed (Python f"{x:.9f}")', () => {
  it('rounds exact ties to even and matches Python on the values prep_aria formats', () => {
    // Python: 0.000976562 -0.000976562 0.000000000 -119.801250000 0.002500000 123456.000000000 -0.000000000 0.000000001
    expect(
      [1 / 1024, -1 / 1024, 2.5e-10, -119.80125, 0.0025, 123456.0000000005, -0, 5e-10].map((x) => pyFixed(x, 9)),
    ).toEqual([
      '0.000976562',
      '-0.000976562',
      '0.000000000',
      '-119.801250000',
      '0.002500000',
      '123456.000000000',
      '-0.000000000',
      '0.000000001',
    ]);
    expect(pyFixed(1e22, 9)).toBe('10000000000000000000000.000000000');
    expect(pyFixed(2.5, 0)).toBe('2');
  });
});

describe('ARIA stack (synthetic)', () => {
  it('globLast expands * in the file name, sorted', () => {
    const { folder } = stack();
    expect(globLast(join(folder, 'unwrappedPhase', '*.vrt')).map((p) => p.slice(folder.length + 16))).toEqual([
      '20200113_20200101.vrt',
      '20200125_20200101.vrt',
      '20200125_20200113.vrt',
      '20200206_20200113.vrt',
      '20200206_20200125.vrt',
    ]);
    expect(globLast(join(folder, 'nothing', '*.vrt'))).toEqual([]);
  });

  it('resolves the template paths relative to the template folder', () => {
    const { folder, template } = stack();
    const i = resolveAriaInputs(template);
    expect(i.unwFile).toBe(join(folder, 'stack', 'unwrapStack.vrt'));
    expect(i.incAngleFile).toBe(join(folder, 'incidenceAngle', '20200125_20200113.vrt'));
    expect(i.magFile).toBeNull();
    expect(i.waterMaskFile).toBe(join(folder, 'mask', 'watermask.msk'));
  });

  it('pairs sorted as date1_date2 with [earlier, later], bperp sign flipped, dates unique', async () => {
    const { template } = stack();
    const s = await openAriaStack(template);
    expect(s.pairs.map((p) => p.dates.join('_'))).toEqual([
      '20200101_20200113',
      '20200101_20200125',
      '20200113_20200125',
      '20200113_20200206',
      '20200125_20200206',
    ]);
    // band order in the VRT: (1,2) (0,1) (2,3) (0,2) (1,3); bperp_k = 10.5 (k+1) − 20, MintPy sign = −bperp
    expect(s.pairs.map((p) => p.band)).toEqual([2, 4, 1, 5, 3]);
    expect(s.pairs.map((p) => p.bperp)).toEqual([-1, -22, 9.5, -32.5, -11.5]);
    expect(s.dates).toEqual(['20200101', '20200113', '20200125', '20200206']);
    expect(s.noData).toEqual({ unw: 0, coh: 0, connComp: -1, mag: null });
  });

  it('attributes as MintPy writes them (half-pixel X/Y_FIRST, LAT/LON_REF, looks, UTC)', async () => {
    const { template } = stack();
    const s = await openAriaStack(template);
    expect(s.attrs).toMatchObject({
      X_FIRST: '-119.801250000',
      Y_FIRST: '36.251250000',
      X_STEP: '0.002500000',
      Y_STEP: '-0.002500000',
      LENGTH: '5',
      WIDTH: '6',
      FILE_LENGTH: '5',
      NUMBER_OF_PAIRS: '5',
      WAVELENGTH: '0.05546576',
      STARTING_RANGE: '799000.0',
      RANGE_PIXEL_SIZE: '44.261678',
      CENTER_LINE_UTC: '49956.0',
      HEADING: '-12',
      NCORRLOOKS: '61.29302259485575',
      LAT_REF1: pyFloat(36.25125 - 0.0025 * 5),
      LON_REF2: pyFloat(-119.80125 + 0.0025 * 6),
      PROCESSOR: 'isce',
      PLATFORM: 'Sen',
      startRange: '799000.0',
      orbitDirection: 'ASCENDING',
    });
    expect(s.attrs.Dates).toBeUndefined();
    expect(s.attrs.perpendicularBaseline).toBeUndefined();
    expect(s.grid).toEqual({
      length: 5,
      width: 6,
      xFirst: -119.80125,
      yFirst: 36.25125,
      xStep: 0.0025,
      yStep: -0.0025,
    });
  });

  it('template keys are copied the way smallbaselineApp copies them', () => {
    const t = new Template('/x/t.cfg', {
      'mintpy.load.processor': 'aria',
      'mintpy.plot': 'false',
      'mintpy.deramp': 'Linear-Range',
      'mintpy.network.tempBaseMax': 'auto',
      processor: 'aria',
      SUBSET_XMIN: '3',
      'mintpy.foo': 'None',
      'mintpy.bar': 'constructor',
    });
    expect(templateAttrs(t)).toEqual({
      'mintpy.load.processor': 'aria',
      'mintpy.plot': 'no',
      'mintpy.deramp': 'linear_range',
      'mintpy.network.tempBaseMax': 'auto',
      processor: 'aria',
      'mintpy.foo': null,
      'mintpy.bar': 'constructor',
    });
  });
});

describe('ARIA stack bad input (temp copies, corrupted)', () => {
  it('truncated per-pair raster', async () => {
    const { folder, template } = stack();
    const f = join(folder, 'coherence', '20200125_20200113');
    truncateSync(f, 40);
    const s = await openAriaStack(template);
    const pair = s.pairs.find((p) => p.dates.join('_') === '20200113_20200125')!;
    await expect(s.rasters.coh.readRows(pair.band, 0, 1)).rejects.toThrow(
      new RegExp(
        `^${f}\\.vrt: band 1: ${f}: raster is truncated or its header 20200125_20200113\\.hdr is wrong: .* needs 120 bytes, the file has 40`,
      ),
    );
  });

  it('missing band raster', async () => {
    const { folder, template } = stack();
    const f = join(folder, 'unwrappedPhase', '20200206_20200125');
    unlinkSync(f);
    const s = await openAriaStack(template);
    const pair = s.pairs.find((p) => p.dates.join('_') === '20200125_20200206')!;
    await expect(s.rasters.unw.readRows(pair.band, 0, 1)).rejects.toThrow(
      `${join(folder, 'unwrappedPhase', '20200206_20200125.vrt')}: band 1 source file ${f} not found`,
    );
  });

  it('hdr/size mismatch on the DEM', async () => {
    const { folder, template } = stack();
    const hdr = join(folder, 'DEM', 'SRTM_3arcsec.hdr');
    writeFileSync(hdr, readFileSync(hdr, 'utf8').replace('lines   = 5', 'lines   = 50'));
    await expect(openAriaStack(template)).rejects.toThrow(
      /SRTM_3arcsec\.dem: raster is truncated or its header SRTM_3arcsec\.hdr is wrong: 6 × 50 × 1 Float32/,
    );
  });

  it('mismatched grids name both files', async () => {
    const { folder, template } = stack();
    const vrt = join(folder, 'incidenceAngle', '20200125_20200113.vrt');
    writeFileSync(vrt, readFileSync(vrt, 'utf8').replace('-119.8,', '-119.7,'));
    await expect(openAriaStack(template)).rejects.toThrow(
      new RegExp(`^${vrt}: grid does not match ${join(folder, 'stack', 'unwrapStack.vrt')}: geotransform \\[-119\\.7`),
    );
    const hdr = join(folder, 'mask', 'watermask.hdr');
    writeFileSync(
      hdr,
      readFileSync(hdr, 'utf8').replace('samples = 6', 'samples = 3').replace('lines   = 5', 'lines   = 10'),
    );
    writeFileSync(vrt, readFileSync(vrt, 'utf8').replace('-119.7,', '-119.8,'));
    await expect(openAriaStack(template)).rejects.toThrow(
      /watermask\.msk: grid does not match .*unwrapStack\.vrt: 3×10 px vs 6×5 px/,
    );
  });

  it('unparsable date in the VRT metadata', async () => {
    const { folder, template } = stack();
    const vrt = join(folder, 'stack', 'unwrapStack.vrt');
    writeFileSync(
      vrt,
      readFileSync(vrt, 'utf8').replace(
        '<MDI key="Dates">20200206_20200113</MDI>',
        '<MDI key="Dates">20200231_20200113</MDI>',
      ),
    );
    await expect(openAriaStack(template)).rejects.toThrow(
      `${vrt}: band 5: Dates "20200231_20200113": "20200231" is not a date (YYYYMMDD)`,
    );
  });

  it('required file missing from the template or the disk', async () => {
    const { folder, template } = stack();
    await expect(openAriaStack(template.with({ 'mintpy.load.demFile': undefined }))).rejects.toThrow(
      `${template.path}: mintpy.load.demFile is not set`,
    );
    rmSync(join(folder, 'incidenceAngle'), { recursive: true });
    await expect(openAriaStack(template)).rejects.toThrow(InputError);
    await expect(openAriaStack(template)).rejects.toThrow(
      `${join(folder, 'incidenceAngle', '*.vrt')}: no file found for mintpy.load.incAngleFile`,
    );
  });

  it('bad multilook options and bad or outside subsets are refused clearly', async () => {
    const { template } = stack();
    await expect(openAriaStack(template.with({ 'mintpy.multilook.xstep': 'two' }))).rejects.toThrow(
      `${template.path}: mintpy.multilook.xstep = two: expected an integer ≥ 1`,
    );
    await expect(openAriaStack(template.with({ 'mintpy.multilook.method': 'bilinear' }))).rejects.toThrow(
      `${template.path}: mintpy.multilook.method = bilinear: expected nearest, mean or median`,
    );
    await expect(openAriaStack(template.with({ 'mintpy.multilook.ystep': '6' }))).rejects.toThrow(
      `${template.path}: multilooking 6 × 1 leaves no pixel of the 5 × 6 px data`,
    );
    await expect(openAriaStack(template.with({ 'mintpy.subset.yx': '0:2;0:3' }))).rejects.toThrow(
      `${template.path}: mintpy.subset.yx = 0:2;0:3: expected y0:y1,x0:x1 (integers)`,
    );
    await expect(openAriaStack(template.with({ 'mintpy.subset.yx': '0:6,0:3' }))).rejects.toThrow(
      /mintpy\.subset\.yx = 0:6,0:3 is outside the 5 × 6 px data of .*unwrapStack\.vrt/,
    );
    await expect(openAriaStack(template.with({ 'mintpy.subset.lalo': '10:11,5:6' }))).rejects.toThrow(
      /mintpy\.subset\.lalo = 10:11,5:6 is outside the data of/,
    );
  });
});

describe('ARIA subset (mintpy.subset.yx / lalo, as prep_aria)', () => {
  it('yx: box, attributes (LENGTH/WIDTH, X/Y_FIRST as str(float), SUBSET_*, FILE_LENGTH kept)', async () => {
    const { template } = stack();
    const s = await openAriaStack(template.with({ 'mintpy.subset.yx': '3:1, 1:5' }));
    expect(s.box).toEqual({ x0: 1, y0: 1, x1: 5, y1: 3 });
    expect([s.length, s.width]).toEqual([2, 4]);
    expect(s.attrs).toMatchObject({
      LENGTH: '2',
      WIDTH: '4',
      YMAX: '1',
      XMAX: '3',
      SUBSET_YMIN: '1',
      SUBSET_YMAX: '3',
      SUBSET_XMIN: '1',
      SUBSET_XMAX: '5',
      FILE_LENGTH: '5',
      X_FIRST: pyFloat(-119.80125 + 0.0025),
      Y_FIRST: pyFloat(36.25125 - 0.0025),
      LAT_REF1: pyFloat(36.25125 - 0.0025 * 5),
    });
    expect(s.grid.xFirst).toBe(-119.80125 + 0.0025);
  });

  it('lalo: corners → rows/cols with the +0.01 guard on the half-pixel-shifted grid, clipped to the data', async () => {
    const { template } = stack();
    // lat 36.245 → row floor((36.245 − 36.25125)/−0.0025 + 0.01) = 2; lat 36.2495 → 0; lon −119.795 → col 2; lon −119.0 → beyond → clipped to 6
    const s = await openAriaStack(template.with({ 'mintpy.subset.lalo': '36.2495:36.245,-119.795:-119.0' }));
    expect(s.box).toEqual({ x0: 2, y0: 0, x1: 6, y1: 2 });
    expect(s.attrs.SUBSET_XMIN).toBe('2');
    // lalo wins over yx
    const t = await openAriaStack(
      template.with({ 'mintpy.subset.lalo': '36.2495:36.245,-119.795:-119.0', 'mintpy.subset.yx': '0:1,0:1' }),
    );
    expect(t.box).toEqual(s.box);
  });
});

describeParity('ARIA stack cv-tiny', () => {
  it('87 pairs, 31 dates, first/last pairs and bperp as MintPy stored them', async () => {
    const s = await openAriaStack(Template.read(fx('mintpy', 'Central_Valley.cfg')));
    expect(s.pairs.length).toBe(87);
    expect(s.dates.length).toBe(31);
    expect(s.pairs[0].dates).toEqual(['20180109', '20180121']);
    expect(Math.fround(s.pairs[0].bperp)).toBe(Math.fround(128.2037));
    expect(s.attrs.X_FIRST).toBe('-119.801250000');
  });
});
