/** The three steps end to end on a small synthetic work directory (no fixtures needed). */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { H5Reader, H5Writer } from '../../src-core/node/formats/h5';
import { InputError, type StepContext } from '../../src-core/common/pipeline/types';
import { correctTopography, sceneGeometry, timeseriesChainFiles } from '../../src-core/node/steps/correctTopography';
import { residualRms } from '../../src-core/node/steps/residualRms';
import { changeRefDate, readRefDate, referenceDate } from '../../src-core/node/steps/referenceDate';

const N = 10;
const L = 6;
const W = 7;
const dates = Array.from({ length: N }, (_, i) => {
  const d = new Date(Date.UTC(2018, 0, 9 + 12 * i));
  return d.toISOString().slice(0, 10).replace(/-/g, '');
});
const ATTRS = {
  FILE_TYPE: 'timeseries',
  LENGTH: String(L),
  WIDTH: String(W),
  REF_Y: '2',
  REF_X: '3',
  REF_DATE: dates[0],
  STARTING_RANGE: '799000.0',
  RANGE_PIXEL_SIZE: '22.0',
  EARTH_RADIUS: '6337286.638938101',
  HEIGHT: '693000.0',
  CENTER_LINE_UTC: '49956.0',
  UNIT: 'm',
};
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function workDir(): Promise<string> {
  const d = mkdtempSync(join(tmpdir(), 'topo-steps-'));
  dirs.push(d);
  const bperp = Float32Array.from({ length: N }, (_, i) => (i === 0 ? 0 : 1200 * Math.cos(2.1 * i)));
  const { incAngle, rangeDist } = sceneGeometry(ATTRS, 'x');
  const s = 1 / (rangeDist * Math.sin((incAngle * Math.PI) / 180));
  const ts = new Float32Array(N * L * W);
  for (let i = 0; i < N; i++)
    for (let p = 0; p < L * W; p++) {
      if (p === 2 * W + 3) continue; // reference pixel: 0
      const noise = 0.001 * Math.sin(7.3 * p + 3.1 * i * i) * (i === 6 ? 4 : 1); // date 6 is noisy
      ts[i * L * W + p] = i === 0 ? 3 * noise : bperp[i] * s * (p % 5) * 10 + 0.03 * (i / 30) + noise;
    }
  const w = await H5Writer.create(join(d, 'timeseries.h5'), ATTRS);
  w.write('date', dates, [N]);
  w.write('bperp', bperp, [N]);
  w.write('timeseries', ts, [N, L, W], { MODIFICATION_TIME: '1700000000.0' });
  w.commit();
  const c = await H5Writer.create(join(d, 'temporalCoherence.h5'), { ...ATTRS, FILE_TYPE: 'temporalCoherence' });
  c.write('temporalCoherence', new Float32Array(L * W).fill(0.9), [L, W]);
  c.commit();
  const m = await H5Writer.create(join(d, 'maskTempCoh.h5'), { ...ATTRS, FILE_TYPE: 'mask' });
  m.write('mask', new Array<boolean>(L * W).fill(true), [L, W], undefined, 'bool');
  m.commit();
  return d;
}

function ctxOf(d: string, over: Record<string, string> = {}): StepContext {
  const cfg = join(d, 'test.cfg');
  writeFileSync(cfg, '');
  const t = Template.read(cfg).with({ 'mintpy.topographicResidual.pixelwiseGeometry': 'no', ...over });
  return { template: t, workDir: d, log: () => {}, progress: () => {}, signal: new AbortController().signal };
}

async function readTs(f: string) {
  const h = await H5Reader.open(f);
  try {
    return {
      ts: Float32Array.from(h.read('timeseries') as ArrayLike<number>),
      attrs: h.attrs,
      dates: h.readStrings('date'),
    };
  } finally {
    h.close();
  }
}

describe('correct_topography → residual_RMS → reference_date', () => {
  it('writes MintPy-named outputs, datasets and attributes', async () => {
    const d = await workDir();
    const ctx = ctxOf(d, { 'mintpy.residualRMS.cutoff': '1' });
    const r = await correctTopography(ctx);
    expect(r.outputs.map((p) => p.slice(d.length + 1))).toEqual([
      'demErr.h5',
      'timeseries_demErr.h5',
      'timeseriesResidual.h5',
    ]);
    const dem = await H5Reader.open(join(d, 'demErr.h5'));
    const z = dem.read('dem');
    expect(dem.attrs.FILE_TYPE).toBe('dem');
    expect(dem.attrs.UNIT).toBe('m');
    expect(dem.attrs['mintpy.topographicResidual.polyOrder']).toBe('2');
    expect(dem.attrs['mintpy.topographicResidual.phaseVelocity']).toBe('False');
    expect(dem.attrs['mintpy.topographicResidual.excludeDate']).toBe("['exclude_date.txt']");
    expect(dem.attrs['mintpy.topographicResidual.stepFuncDate']).toBe('[]');
    dem.close();
    // DEM error ≈ 10·(p mod 5), reference pixel not estimated
    expect(z[2 * W + 3]).toBe(0);
    expect(Math.abs(z[4] - 40)).toBeLessThan(1);
    expect(Math.abs(z[5] - 0)).toBeLessThan(1);
    expect(r.summary.numEstimated).toBe(L * W - 1);

    const rr = await residualRms(ctx);
    expect(existsSync(join(d, 'timeseriesResidual_ramp.h5'))).toBe(true);
    const rms = rr.summary.rms as number[];
    expect(rms.length).toBe(N);
    // the noisy date has the largest RMS and is excluded with cutoff = 1
    expect(rms.indexOf(Math.max(...rms))).toBe(6);
    expect(readFileSync(join(d, 'exclude_date.txt'), 'utf8').split('\n')).toContain(dates[6]);
    const ref = readFileSync(join(d, 'reference_date.txt'), 'utf8').trim();
    expect(ref).not.toBe(dates[0]); // else reference_date would have nothing to do
    expect(ref).toBe(dates[rms.indexOf(Math.min(...rms))]);

    const before = await readTs(join(d, 'timeseries_demErr.h5'));
    // a previous run's velocity.h5 relative to the first date: the change of reference date is logged
    const vw = await H5Writer.create(join(d, 'velocity.h5'), { FILE_TYPE: 'velocity', REF_DATE: dates[0] });
    vw.write('velocity', new Float32Array(L * W), [L, W]);
    vw.commit();
    const logs: string[] = [];
    const out = await referenceDate({ ...ctx, log: (m) => logs.push(m) });
    expect(logs).toContain(
      `reference_date: the reference date changed from ${dates[0]} (previous run) to ${ref} (reference_date.txt: the date of least residual RMS among the dates not in exclude_date.txt, as MintPy picks it); the time series and velocity are now relative to ${ref}`,
    );
    rmSync(join(d, 'velocity.h5'));
    expect(out.outputs.length).toBe(2);
    const after = await readTs(join(d, 'timeseries_demErr.h5'));
    expect(after.attrs.REF_DATE).toBe(ref);
    expect(after.dates).toEqual(dates);
    const k = dates.indexOf(ref);
    const n = L * W;
    for (let i = 0; i < N; i++)
      for (const p of [0, 9, 40])
        expect(after.ts[i * n + p]).toBe(Math.fround(before.ts[i * n + p] - before.ts[k * n + p]));
    expect((await readTs(join(d, 'timeseries.h5'))).attrs.REF_DATE).toBe(ref);
    const h = await H5Reader.open(join(d, 'timeseries.h5'));
    expect(h.info('timeseries').attrs.MODIFICATION_TIME).toBe('1700000000.0'); // dataset attributes kept
    expect(h.read('bperp').length).toBe(N);
    h.close();
    // a second run changes nothing
    expect((await referenceDate(ctx)).outputs).toEqual([]);

    // a cutoff no date exceeds deletes exclude_date.txt
    await residualRms(ctxOf(d, { 'mintpy.residualRMS.cutoff': '100' }));
    expect(existsSync(join(d, 'exclude_date.txt'))).toBe(false);
  });

  it('row blocks: a tiny memory budget (one row per block) gives the same files', async () => {
    const d = await workDir();
    await correctTopography(ctxOf(d));
    const whole = await readTs(join(d, 'timeseries_demErr.h5'));
    const d2 = await workDir();
    await correctTopography(ctxOf(d2, { 'mintpy.compute.maxMemory': '1e-9' }));
    const rows = await readTs(join(d2, 'timeseries_demErr.h5'));
    expect(Array.from(rows.ts)).toEqual(Array.from(whole.ts));
    expect(whole.ts.some((v) => v !== 0)).toBe(true);
  });

  it('exclude_date.txt dates leave the DEM-error fit', async () => {
    const d = await workDir();
    writeFileSync(join(d, 'exclude_date.txt'), `${dates[6]}\n`);
    const r = await correctTopography(ctxOf(d));
    expect(r.summary.excludeDate).toEqual([dates[6]]);
  });

  it('topographicResidual = no: the step and the RMS step do nothing, the chain stops at timeseries.h5', async () => {
    const d = await workDir();
    const ctx = ctxOf(d, { 'mintpy.topographicResidual': 'no' });
    expect((await correctTopography(ctx)).outputs).toEqual([]);
    expect((await residualRms(ctx)).outputs).toEqual([]);
    expect(timeseriesChainFiles(d, ctx.template).map((p) => p.slice(d.length + 1))).toEqual(['timeseries.h5']);
  });

  it('bad input: clear errors naming the file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'topo-steps-'));
    dirs.push(d);
    await expect(correctTopography(ctxOf(d))).rejects.toThrow(/timeseries\.h5: not found/);
    const d2 = await workDir();
    // scene geometry needs the range attributes
    const w = await H5Writer.create(join(d2, 'timeseries.h5'), { ...ATTRS, STARTING_RANGE: '' });
    w.write('date', dates, [N]);
    w.write('bperp', new Float32Array(N), [N]);
    w.write('timeseries', new Float32Array(N * L * W), [N, L, W]);
    w.commit();
    await expect(correctTopography(ctxOf(d2))).rejects.toThrow(InputError);
    await expect(correctTopography(ctxOf(d2))).rejects.toThrow(/timeseries\.h5: attribute STARTING_RANGE/);
    await expect(correctTopography(ctxOf(d2, { 'mintpy.topographicResidual.polyOrder': '1.5' }))).rejects.toThrow(
      /polyOrder/,
    );
    const d3 = await workDir();
    await expect(changeRefDate(join(d3, 'timeseries.h5'), '20990101')).rejects.toThrow(
      /timeseries\.h5: reference date 20990101 is not found/,
    );
  });

  it('readRefDate: date, text file (earliest), .h5 REF_DATE, no / missing file → null', async () => {
    const d = await workDir();
    expect(await readRefDate('20180121', d)).toBe('20180121');
    expect(await readRefDate('180121', d)).toBe('20180121');
    expect(await readRefDate('no', d)).toBeNull();
    expect(await readRefDate('reference_date.txt', d)).toBeNull();
    writeFileSync(join(d, 'reference_date.txt'), '20180302\n20180121\n\n');
    expect(await readRefDate('reference_date.txt', d)).toBe('20180121');
    expect(await readRefDate('timeseries.h5', d)).toBe(dates[0]);
  });
});
