import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { H5Reader, H5Writer, h5ready, type NumericArray } from '../../src-core/node/formats/h5';
import { lookup3 } from '../../src-core/node/formats/h5bool';
import { IfgramStack } from '../../src-core/node/formats/mintpyFiles';
import { loadAriaStack, loadData, multilookRows, pairwiseSumF32 } from '../../src-core/node/load/loadData';
import { pyFloat } from '../../src-core/common/util/pyfmt';
import { tinyAriaSpec, writeAriaStack } from '../../src-core/node/load/writeAria';
import { CancelledError, InputError, type Progress, type StepContext } from '../../src-core/common/pipeline/types';
import { describeParity, fx } from '../helpers/fixtures';
import { ARIA_LOAD_KEYS } from '../../src-core/common/formats/ariaKeys';

const root = mkdtempSync(join(tmpdir(), 'load-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEMPLATE = {
  ...ARIA_LOAD_KEYS,
  'mintpy.network.startDate': '20200101',
  'mintpy.plot': 'off',
};

function ctxFor(
  template: Template,
  workDir: string,
  signal = new AbortController().signal,
): StepContext & { progressLog: Progress[] } {
  const progressLog: Progress[] = [];
  return { template, workDir, log: () => {}, progress: (p) => progressLog.push(p), signal, progressLog };
}

/** HDF5 datatype metadata of a dataset, straight from h5wasm (to check h5py's bool enum). */
async function enumOf(path: string, name: string): Promise<Record<string, number> | undefined> {
  await h5ready();
  const f = new h5wasm.File(path, 'r');
  try {
    return ((f.get(name) as h5wasm.Dataset).metadata.enum_type as { members: Record<string, number> } | undefined)
      ?.members;
  } finally {
    f.close();
  }
}

describe('load_data on a synthetic ARIA stack', () => {
  const spec = tinyAriaSpec();
  const folder = join(root, 'aria');
  const workDir = join(folder, 'mintpy');
  let progress: Progress[] = [];
  let outputs: string[] = [];
  const W = spec.width;
  beforeAll(async () => {
    writeAriaStack(folder, spec);
    mkdirSync(workDir);
    const ctx = ctxFor(new Template(join(workDir, 't.cfg'), TEMPLATE), workDir);
    outputs = (await loadData(ctx)).outputs;
    progress = ctx.progressLog;
  });

  it('writes inputs/ifgramStack.h5 and inputs/geometryGeo.h5 (no temp files left), with progress per pair', () => {
    expect(outputs).toEqual([join(workDir, 'inputs', 'ifgramStack.h5'), join(workDir, 'inputs', 'geometryGeo.h5')]);
    expect(readdirSync(join(workDir, 'inputs')).sort()).toEqual(['geometryGeo.h5', 'ifgramStack.h5']);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress[0].label).toBe('20200101_20200113 1/5');
  });

  it('stack: sorted pairs, bperp sign, dropIfgram as h5py bool, dtypes', async () => {
    const s = await IfgramStack.open(outputs[0]);
    try {
      expect(s.date12).toEqual([
        '20200101_20200113',
        '20200101_20200125',
        '20200113_20200125',
        '20200113_20200206',
        '20200125_20200206',
      ]);
      expect(Array.from(s.bperp)).toEqual([-1, -22, 9.5, -32.5, -11.5]);
      expect(s.dropIfgram).toEqual([true, true, true, true, true]);
      expect(s.attrs.FILE_TYPE).toBe('ifgramStack');
      expect(s.attrs['mintpy.plot']).toBe('no');
      expect(s.attrs['mintpy.network.startDate']).toBe('20200101');
      expect(s.h5.info('unwrapPhase').dtype).toBe('<f');
      expect(s.h5.info('connectComponent').dtype).toBe('<h');
      expect(s.h5.info('unwrapPhase').attrs.MODIFICATION_TIME).toMatch(/^\d{10}\.\d+$/);
    } finally {
      s.close();
    }
    expect(await enumOf(outputs[0], 'dropIfgram')).toEqual({ FALSE: 0, TRUE: 1 });
  });

  it('phase: sign flipped (date2_date1 → date1_date2), no-data → −0', async () => {
    const r = await H5Reader.open(outputs[0]);
    try {
      // sorted pair 0 = (0,1) = band k=1 in the spec
      const ph = r.readBand('unwrapPhase', 0) as Float32Array;
      const src = spec.pairs[1].unwrappedPhase;
      for (let i = 1; i < src.length; i++) expect(ph[i]).toBe(-src[i]);
      expect(Object.is(ph[0], -0)).toBe(true);
      const coh = r.readBand('coherence', 2) as Float32Array;
      expect(Array.from(coh)).toEqual(Array.from(spec.pairs[0].coherence));
      const cc = r.readBand('connectComponent', 2) as NumericArray;
      expect(cc).toBeInstanceOf(Int16Array);
      expect(cc[2 * W + 3]).toBe(0); // −1 no-data → 0
      expect(cc[3 * W + 1]).toBe(2);
      expect(cc[0]).toBe(1);
    } finally {
      r.close();
    }
  });

  it('geometry: height/incidence no-data → NaN, azimuth − 90, slantRange = STARTING_RANGE, waterMask bool', async () => {
    const r = await H5Reader.open(outputs[1]);
    try {
      expect(r.attrs.FILE_TYPE).toBe('geometry');
      expect(r.attrs.X_FIRST).toBe('-119.801250000');
      const h = r.read('height') as Float32Array;
      expect(h[0]).toBe(100);
      expect(h[4 * W + 5]).toBeNaN();
      const inc = r.read('incidenceAngle') as Float32Array;
      expect(inc[1 * W + 1]).toBeNaN();
      expect(inc[2]).toBe(Math.fround(30.2));
      const az = r.read('azimuthAngle') as Float32Array;
      expect(az[3]).toBe(Math.fround(Math.fround(-98.5) - 90));
      expect(Array.from(r.read('slantRangeDistance') as Float32Array).every((v) => v === 799000)).toBe(true);
      const wm = Array.from(r.read('waterMask'));
      expect(wm.filter((v) => v === 0).length).toBe(W + 1); // row 4 + the incidence no-data pixel
      expect(wm[1 * W + 1]).toBe(0);
      expect(wm[0]).toBe(1);
    } finally {
      r.close();
    }
    expect(await enumOf(outputs[1], 'waterMask')).toEqual({ FALSE: 0, TRUE: 1 });
  });

  it('loadAriaStack describes the stack without writing', async () => {
    const s = await loadAriaStack(
      new Template(join(root, 'elsewhere', 'x.cfg'), {
        ...TEMPLATE,
        'mintpy.load.unwFile': join(folder, 'stack', 'unwrapStack.vrt'),
        'mintpy.load.demFile': join(folder, 'DEM', 'SRTM_3arcsec.dem'),
        'mintpy.load.incAngleFile': join(folder, 'incidenceAngle', '*.vrt'),
        'mintpy.load.azAngleFile': 'no',
        'mintpy.load.waterMaskFile': 'no',
      }),
    );
    expect(s.dates).toEqual(['20200101', '20200113', '20200125', '20200206']);
    expect(s.pairs[4]).toEqual(['20200125', '20200206']);
    expect(s.inputs.azAngleFile).toBeNull();
    expect([s.width, s.length]).toEqual([6, 5]);
    expect(existsSync(join(root, 'elsewhere'))).toBe(false);
  });

  it('update mode (default yes) skips complete outputs like prep_aria; updateMode = no rewrites them', async () => {
    const ino = outputs.map((p) => statSync(p).ino);
    const t = new Template(join(workDir, 't.cfg'), TEMPLATE);
    const again = await loadData(ctxFor(t, workDir));
    expect(again.summary.skipped).toEqual(outputs);
    expect(outputs.map((p) => statSync(p).ino)).toEqual(ino);
    const forced = await loadData(ctxFor(t.with({ 'mintpy.load.updateMode': 'no' }), workDir));
    expect(forced.summary.skipped).toEqual([]);
    expect(outputs.map((p) => statSync(p).ino)).not.toEqual(ino);
  });

  it('subset yx: the loaded datasets are the crop of the full load', async () => {
    const wd = join(root, 'subset');
    const t = new Template(join(workDir, 't.cfg'), { ...TEMPLATE, 'mintpy.subset.yx': '1:4,2:5' });
    const [stackPath, geomPath] = (await loadData(ctxFor(t, wd))).outputs;
    const full = await H5Reader.open(outputs[0]);
    const sub = await H5Reader.open(stackPath);
    const gfull = await H5Reader.open(outputs[1]);
    const gsub = await H5Reader.open(geomPath);
    try {
      expect(sub.shape('unwrapPhase')).toEqual([5, 3, 3]);
      const crop = (a: NumericArray, band: number, w: number, l: number) =>
        [1, 2, 3].flatMap((r) => Array.from(a.subarray(band * w * l + r * w + 2, band * w * l + r * w + 5)));
      for (const ds of ['unwrapPhase', 'coherence', 'connectComponent'])
        expect(Array.from(sub.read(ds))).toEqual(
          [0, 1, 2, 3, 4].flatMap((b) => crop(full.read(ds), b, W, spec.length)),
        );
      for (const ds of ['height', 'incidenceAngle', 'azimuthAngle', 'waterMask'])
        expect(Array.from(gsub.read(ds))).toEqual(crop(gfull.read(ds), 0, W, spec.length));
      expect(sub.attrs.X_FIRST).toBe('-119.79625');
      expect(sub.attrs['mintpy.subset.yx']).toBe('1:4,2:5');
    } finally {
      for (const r of [full, sub, gfull, gsub]) r.close();
    }
  });

  it('a processor other than aria is refused, naming the template', async () => {
    const t = new Template(join(workDir, 't.cfg'), { ...TEMPLATE, 'mintpy.load.processor': 'isce' });
    await expect(loadData(ctxFor(t, join(root, 'never')))).rejects.toBeInstanceOf(InputError);
    await expect(loadAriaStack(t)).rejects.toThrow(
      `${join(workDir, 't.cfg')}: mintpy.load.processor = isce: only ARIA-tools stacks (aria)`,
    );
    expect(existsSync(join(root, 'never'))).toBe(false);
  });

  it('cancelled: throws CancelledError and leaves no output or temp file', async () => {
    const wd = join(root, 'cancel');
    mkdirSync(wd);
    const ac = new AbortController();
    ac.abort();
    await expect(
      loadData(ctxFor(new Template(join(folder, 'mintpy', 't.cfg'), TEMPLATE), wd, ac.signal)),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(readdirSync(join(wd, 'inputs'))).toEqual([]);
  });
});

describe('h5py bool datasets written through h5wasm', () => {
  it('lookup3 (HDF5 metadata checksum) matches Bob Jenkins test vectors', () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode('Four score and seven years ago'))).toBe(0x17770551);
    expect(lookup3(new TextEncoder().encode('Four score and seven years ago'), 1)).toBe(0xcd628161);
  });

  it('a chunked 2-D bool written by row blocks reads back with the enum type and the values', async () => {
    const p = join(root, 'mask.h5');
    const w = await H5Writer.create(p, { FILE_TYPE: 'mask' });
    w.createEmpty('mask', { shape: [200, 3], dtype: 'bool' });
    w.writeRows('mask', 100, Uint8Array.from([1, 0, 1, 0, 0, 1]));
    w.write('flags', [false, true, true], [3], undefined, 'bool');
    w.commit();
    expect(await enumOf(p, 'mask')).toEqual({ FALSE: 0, TRUE: 1 });
    expect(await enumOf(p, 'flags')).toEqual({ FALSE: 0, TRUE: 1 });
    const r = await H5Reader.open(p);
    try {
      expect(Array.from(r.readRows('mask', 99, 102))).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 1]);
      expect(Array.from(r.read('flags'))).toEqual([0, 1, 1]);
      expect(r.attrs.FILE_TYPE).toBe('mask');
    } finally {
      r.close();
    }
  });
});

describeParity('load_data cv-tiny vs MintPy inputs/', () => {
  const out = join(root, 'cv');
  const ours = (f: string) => join(out, 'inputs', f);
  const ref = (f: string) => fx('mintpy', 'inputs', f);
  beforeAll(async () => {
    mkdirSync(out);
    // the template stays where it is (its ../aria paths resolve against its folder); outputs go to `out`
    await loadData(ctxFor(Template.read(fx('mintpy', 'Central_Valley.cfg')), out));
  });

  async function both<T>(file: string, fn: (r: H5Reader) => T): Promise<[T, T]> {
    const a = await H5Reader.open(ours(file));
    const b = await H5Reader.open(ref(file));
    try {
      return [fn(a), fn(b)];
    } finally {
      a.close();
      b.close();
    }
  }

  /** number of elements whose bits differ (NaN == NaN, −0 ≠ +0) */
  function bitDiff(a: NumericArray, b: NumericArray): number {
    expect(a.length).toBe(b.length);
    const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    const k = a.BYTES_PER_ELEMENT;
    let n = 0;
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < k; j++)
        if (ua[i * k + j] !== ub[i * k + j]) {
          n++;
          break;
        }
    }
    return n;
  }

  for (const ds of ['unwrapPhase', 'coherence', 'connectComponent']) {
    it(`ifgramStack ${ds}: 87×100×160, bit-identical (0 differing values)`, async () => {
      const [[sa, a], [sb, b]] = await both('ifgramStack.h5', (r) => [r.shape(ds), r.read(ds)] as const);
      expect(sa).toEqual([87, 100, 160]);
      expect(sb).toEqual(sa);
      expect(a.constructor).toBe(b.constructor);
      expect(bitDiff(a, b)).toBe(0);
    });
  }

  it('ifgramStack date, bperp, dropIfgram: equal (87 pairs), dropIfgram an h5py bool', async () => {
    const [a, b] = await both('ifgramStack.h5', (r) => ({
      date: r.readStrings('date'),
      bperp: Array.from(r.read('bperp')),
      drop: Array.from(r.read('dropIfgram')),
    }));
    expect(a.date).toEqual(b.date);
    expect(a.date.length).toBe(174);
    expect(a.bperp).toEqual(b.bperp);
    expect(a.drop).toEqual(b.drop);
    expect(await enumOf(ours('ifgramStack.h5'), 'dropIfgram')).toEqual(
      await enumOf(ref('ifgramStack.h5'), 'dropIfgram'),
    );
  });

  for (const ds of ['height', 'incidenceAngle', 'azimuthAngle', 'slantRangeDistance']) {
    it(`geometryGeo ${ds}: float32, bit-identical (0 differing values, NaN where MintPy has NaN)`, async () => {
      const [a, b] = await both('geometryGeo.h5', (r) => r.read(ds));
      expect(a).toBeInstanceOf(Float32Array);
      expect(bitDiff(a, b)).toBe(0);
    });
  }

  it('geometryGeo waterMask: equal, an h5py bool', async () => {
    const [a, b] = await both('geometryGeo.h5', (r) => Array.from(r.read('waterMask')));
    expect(a).toEqual(b);
    expect(await enumOf(ours('geometryGeo.h5'), 'waterMask')).toEqual({ FALSE: 0, TRUE: 1 });
  });

  for (const f of ['ifgramStack.h5', 'geometryGeo.h5']) {
    it(`${f}: every root attribute equal as a string (same key set)`, async () => {
      const [a, b] = await both(f, (r) => r.attrs);
      expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
      expect(a).toEqual(b);
    });
  }
});

describe('multilook while loading (MintPy multilook_data)', () => {
  // reference values printed by numpy / mintpy.multilook.multilook_data for the same inputs
  it('pairwise float32 summation as numpy (2^24 + eight 1s = 16777224, not 16777216)', () => {
    expect(pairwiseSumF32(Float32Array.from([2 ** 24, 1, 1, 1, 1, 1, 1, 1, 1]), 0, 9)).toBe(16777224);
    expect(pairwiseSumF32(Float32Array.from([2 ** 24, ...new Array<number>(200).fill(1)]), 0, 201)).toBe(16777404);
  });

  it('mean (nanmean), median (nanmedian) and nearest of a 4 × 6 block with a NaN', () => {
    const d = Float32Array.from({ length: 24 }, (_, i) => i);
    d[0] = NaN;
    expect(Array.from(multilookRows(d, 6, 2, 3, 'mean'))).toEqual([4.8, 7, 16, 19].map(Math.fround));
    expect(Array.from(multilookRows(d, 6, 2, 2, 'median'))).toEqual([6, 5.5, 7.5, 15.5, 17.5, 19.5]);
    const near = multilookRows(d, 6, 3, 2, 'nearest');
    expect(near).toBeInstanceOf(Float32Array);
    expect(Array.from(near)).toEqual([7, 9, 11]);
    expect(Array.from(multilookRows(Int16Array.from(d), 6, 2, 2, 'nearest'))).toEqual([7, 9, 11, 19, 21, 23]);
  });

  it('load with 2 × 3 looks: sizes, looks and steps in the attributes, geometry by nearest', async () => {
    const folder = join(root, 'ml');
    writeAriaStack(folder, tinyAriaSpec());
    const t = new Template(join(folder, 'mintpy', 't.cfg'), {
      ...TEMPLATE,
      'mintpy.multilook.ystep': '2',
      'mintpy.multilook.xstep': '3',
      'mintpy.multilook.method': 'mean',
    });
    const [stackPath, geomPath] = (await loadData(ctxFor(t, join(folder, 'mintpy')))).outputs;
    const r = await H5Reader.open(stackPath);
    const g = await H5Reader.open(geomPath);
    try {
      expect(r.shape('unwrapPhase')).toEqual([5, 2, 2]);
      expect(r.attrs).toMatchObject({
        LENGTH: '2',
        WIDTH: '2',
        ALOOKS: '14',
        RLOOKS: '57',
        Y_STEP: '-0.005',
        X_STEP: '0.0075',
      });
      expect(r.attrs.X_FIRST).toBe('-119.801250000');
      expect(r.attrs.RANGE_PIXEL_SIZE).toBe(pyFloat(3 * 44.261678));
      // height by nearest: input pixel (1, 1) of each 2 × 3 block
      const h = Array.from(g.read('height'));
      expect(h).toEqual([100 + 7, 100 + 10, 100 + 19, 100 + 22]);
    } finally {
      r.close();
      g.close();
    }
  });
});
