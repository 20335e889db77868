/**
 * correct_topography → residual_RMS → reference_date against MintPy 1.5.1 on the cv-tiny fixture
 * (fixture timeseries.h5 / temporalCoherence.h5 / maskTempCoh.h5 / inputs/geometryGeo.h5 as inputs).
 * Expected values: test/core/__data__/topography-mintpy.json, made by topography-mintpy.py beside it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { H5Reader } from '../../src-core/node/formats/h5';
import { correctTopography } from '../../src-core/node/steps/correctTopography';
import { residualRms } from '../../src-core/node/steps/residualRms';
import { referenceDate } from '../../src-core/node/steps/referenceDate';
import type { StepContext } from '../../src-core/common/pipeline/types';
import { describeParity, fx } from '../helpers/fixtures';

interface Case {
  demErr: { numNonzero: number; mean: number; std: number; min: number; max: number; pixels: number[] };
  tsDemErr: number[][];
  tsResidual: number[][];
  tsDemErrRefDate: string;
  rms: [string, number][];
  referenceDate: string;
  excludeDate: string[] | null;
}
type CaseName = 'yes' | 'no' | 'pv';
const CASES: CaseName[] = ['yes', 'no', 'pv'];
const EXP = JSON.parse(readFileSync(join(__dirname, '__data__', 'topography-mintpy.json'), 'utf8')) as {
  pixels: [number, number][];
  cases: Record<CaseName, { cfg: string[]; excludeIn: string[] | null }>;
} & Record<CaseName, Case>;
/** measured max |Δ| of demErr over the full maps (see the report of the commit) */
const DEM_MEASURED: Record<CaseName, string> = { yes: '1.1e-4', no: '5.2e-5', pv: '1.6e-5' };

interface Ours {
  dem: Float32Array;
  tsCor: Float32Array;
  tsRes: Float32Array;
  refDate: string;
  rmsText: string;
  refTxt: string;
  exclude: boolean;
  excludeTxt: string | null;
  L: number;
  W: number;
  N: number;
}

const dirs: string[] = [];
const ours: Record<string, Ours> = {};

async function run(name: CaseName): Promise<Ours> {
  const d = mkdtempSync(join(tmpdir(), 'topo-parity-'));
  dirs.push(d);
  cpSync(fx('mintpy', 'inputs'), join(d, 'inputs'), { recursive: true });
  for (const f of ['timeseries.h5', 'temporalCoherence.h5', 'maskTempCoh.h5']) cpSync(fx('mintpy', f), join(d, f));
  const c = EXP.cases[name];
  // without input dates an empty exclude_date.txt: no date excluded, and it must be deleted when no date exceeds the threshold
  writeFileSync(join(d, 'exclude_date.txt'), (c.excludeIn ?? []).map((x) => `${x}\n`).join(''));
  const over: Record<string, string> = { 'mintpy.topographicResidual': 'yes' };
  for (const line of c.cfg) {
    const [k, v] = line.split('=').map((x) => x.trim());
    over[k] = v;
  }
  const t = Template.read(fx('mintpy', 'Central_Valley.cfg')).with(over);
  const ctx: StepContext = {
    template: t,
    workDir: d,
    log: () => {},
    progress: () => {},
    signal: new AbortController().signal,
  };
  await correctTopography(ctx);
  await residualRms(ctx);
  await referenceDate(ctx);
  const read = async (f: string, ds: string) => {
    const h = await H5Reader.open(join(d, f));
    try {
      return { data: Float32Array.from(h.read(ds) as ArrayLike<number>), attrs: h.attrs, shape: h.shape(ds) };
    } finally {
      h.close();
    }
  };
  const dem = await read('demErr.h5', 'dem');
  const cor = await read('timeseries_demErr.h5', 'timeseries');
  const res = await read('timeseriesResidual.h5', 'timeseries');
  const [N, L, W] = cor.shape;
  return {
    dem: dem.data,
    tsCor: cor.data,
    tsRes: res.data,
    refDate: cor.attrs.REF_DATE,
    rmsText: readFileSync(join(d, 'rms_timeseriesResidual_ramp.txt'), 'utf8'),
    refTxt: readFileSync(join(d, 'reference_date.txt'), 'utf8'),
    exclude: existsSync(join(d, 'exclude_date.txt')),
    excludeTxt: existsSync(join(d, 'exclude_date.txt')) ? readFileSync(join(d, 'exclude_date.txt'), 'utf8') : null,
    N,
    L,
    W,
  };
}

describeParity('correct_topography / residual_RMS / reference_date vs MintPy 1.5.1 (cv-tiny)', () => {
  beforeAll(async () => {
    for (const c of CASES) ours[c] = await run(c);
  }, 120_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const pw of CASES) {
    const demBar = 3 * Number(DEM_MEASURED[pw]);
    it(`case ${pw}: demErr within ${demBar.toExponential(1)} m of MintPy at the pixels (measured max |Δ| = ${DEM_MEASURED[pw]} m on the full map)`, () => {
      const o = ours[pw];
      const e = EXP[pw].demErr;
      let nz = 0;
      let s = 0;
      let s2 = 0;
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of o.dem) {
        if (v !== 0) nz++;
        s += v;
        s2 += v * v;
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
      }
      const n = o.dem.length;
      const mean = s / n;
      const std = Math.sqrt(s2 / n - mean * mean);
      expect(nz).toBe(e.numNonzero);
      expect(Math.abs(mean - e.mean)).toBeLessThan(1e-4);
      expect(Math.abs(std - e.std)).toBeLessThan(1e-4);
      expect(Math.abs(mn - e.min)).toBeLessThan(1e-3);
      expect(Math.abs(mx - e.max)).toBeLessThan(1e-3);
      EXP.pixels.forEach(([y, x], k) => expect(Math.abs(o.dem[y * o.W + x] - e.pixels[k])).toBeLessThan(demBar));
    });

    it(`case ${pw}: timeseries_demErr and timeseriesResidual within 2.1e-7 m (measured ≤ 7e-8 m on the full maps)`, () => {
      const o = ours[pw];
      const n = o.L * o.W;
      let worst = 0;
      EXP.pixels.forEach(([y, x], k) => {
        for (let i = 0; i < o.N; i++) {
          worst = Math.max(worst, Math.abs(o.tsCor[i * n + y * o.W + x] - EXP[pw].tsDemErr[k][i]));
          worst = Math.max(worst, Math.abs(o.tsRes[i * n + y * o.W + x] - EXP[pw].tsResidual[k][i]));
        }
      });
      expect(worst).toBeLessThan(2.1e-7);
      // not a trivial pass: the series are tens of mm
      expect(Math.max(...EXP[pw].tsDemErr[1].map(Math.abs))).toBeGreaterThan(0.05);
      expect(o.refDate).toBe(EXP[pw].tsDemErrRefDate);
    });

    it(`case ${pw}: RMS list within 1e-6 relative (measured ≤ 6e-7 over all dates), reference_date.txt and exclude_date.txt equal`, () => {
      const o = ours[pw];
      const lines = o.rmsText.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(
        o.rmsText.startsWith(
          '# Root Mean Square in space for each acquisition of time-series\n# Timeseries file: timeseriesResidual_ramp.h5\n# Mask file: maskTempCoh.h5\n# Date\t\tRMS (m)\n',
        ),
      ).toBe(true);
      expect(lines.length).toBe(EXP[pw].rms.length);
      lines.forEach((l, i) => {
        const [d, v] = l.split('\t');
        expect(d).toBe(EXP[pw].rms[i][0]);
        const e = EXP[pw].rms[i][1];
        if (e === 0)
          expect(Number(v)).toBe(0); // the reference date of an all-zero residual
        else expect(Math.abs(Number(v) / e - 1)).toBeLessThan(1e-6);
      });
      expect(o.refTxt).toBe(`${EXP[pw].referenceDate}\n`);
      expect(o.exclude).toBe(EXP[pw].excludeDate !== null);
      if (EXP[pw].excludeDate) expect(o.excludeTxt).toBe(EXP[pw].excludeDate!.map((x) => `${x}\n`).join(''));
    });
  }
});
