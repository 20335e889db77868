/**
 * residual_RMS (MintPy 1.5.1 timeseries_rms.py via smallbaselineApp): deramp timeseriesResidual.h5 date by
 * date (→ timeseriesResidual_ramp.h5), RMS over maskTempCoh.h5 per date (→ rms_timeseriesResidual_ramp.txt),
 * reference_date.txt = the date of minimum RMS, exclude_date.txt = dates with RMS > cutoff·0.67449·median(RMS)
 * (1.5.1's MAD about 0; deleted when none).
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { H5Reader, H5Writer } from '../formats/h5';
import { CancelledError, InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { isRampType, type RampType } from '../../common/deramp/ramp';
import { pyFloat } from '../../common/util/pyfmt';
import { writeFileAtomic } from '../export/atomic';
import { createPool, defaultWorkers } from '../pipeline/pool';
import { cancelPoint } from '../pipeline/cancelPoint';
import type { DerampTask } from '../pipeline/derampTask';
import type { TileTaskResult } from '../pipeline/tileTasks';

/** MintPy ut.median_abs_deviation_threshold(rms, center=0, cutoff): cutoff · 0.67449 · nanmedian(|rms|). */
export function rmsThreshold(rms: readonly number[], cutoff: number): number {
  const v = rms
    .filter((x) => !Number.isNaN(x))
    .map(Math.abs)
    .sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  const mad = m * 0.67449;
  return 0 + cutoff * mad;
}

/** The analysis MintPy makes of the RMS list (values as read back from the text file: float32). */
export function analyzeRms(
  dates: readonly string[],
  rms: readonly number[],
  cutoff: number,
): { refDate: string; threshold: number; excluded: string[] } {
  let best = 0;
  for (let i = 1; i < rms.length; i++)
    if (rms[i] < rms[best] || (Number.isNaN(rms[best]) && !Number.isNaN(rms[i]))) best = i;
  const threshold = rmsThreshold(rms, cutoff);
  const excluded = dates.filter((_, i) => rms[i] > threshold);
  return { refDate: dates[best], threshold, excluded };
}

/** The text MintPy's np.savetxt writes for the RMS list. */
export function rmsText(dates: readonly string[], rms: readonly number[], tsName: string, maskName: string): string {
  const head = [
    '# Root Mean Square in space for each acquisition of time-series',
    `# Timeseries file: ${tsName}`,
    `# Mask file: ${maskName}`,
    '# Date\t\tRMS (m)',
  ];
  return [...head, ...dates.map((d, i) => `${d}\t${pyFloat(rms[i])}`)].join('\n') + '\n';
}

export async function residualRms(ctx: StepContext): Promise<StepResult> {
  const t = ctx.template;
  const resFile = join(ctx.workDir, 'timeseriesResidual.h5');
  if (!existsSync(resFile)) {
    ctx.log('residual_RMS: no timeseriesResidual.h5 (correct_topography off), skipped');
    return { outputs: [], summary: { skipped: true } };
  }
  const maskName = t.get('mintpy.residualRMS.maskFile');
  const rampType = t.get('mintpy.residualRMS.deramp').trim();
  const cutoff = Number(t.get('mintpy.residualRMS.cutoff'));
  if (!Number.isFinite(cutoff))
    throw new InputError(
      `${t.path}: mintpy.residualRMS.cutoff "${t.get('mintpy.residualRMS.cutoff')}" is not a number`,
    );
  const noRamp = ['no', 'false', 'none'].includes(rampType.toLowerCase());
  if (!noRamp && !isRampType(rampType))
    throw new InputError(
      `${t.path}: mintpy.residualRMS.deramp "${rampType}" is not one of no, linear, quadratic, linear_range, linear_azimuth, quadratic_range, quadratic_azimuth`,
    );
  const maskPath = maskName.startsWith('/') ? maskName : join(ctx.workDir, maskName);

  const ts = await H5Reader.open(resFile);
  const outputs: string[] = [];
  let dates: string[];
  const rms: number[] = [];
  let rampName = basename(resFile);
  try {
    const attrs = ts.attrs;
    dates = ts.readStrings('date');
    const [N, length, width] = ts.shape('timeseries');
    let mask: ArrayLike<number> | null = null;
    if (existsSync(maskPath)) {
      const m = await H5Reader.open(maskPath);
      try {
        const name = m.has('mask') ? 'mask' : m.keys()[0];
        const sh = m.shape(name);
        if (sh.length !== 2 || sh[0] !== length || sh[1] !== width)
          throw new InputError(`${maskPath}: "${name}" is ${sh.join('×')}, expected ${length}×${width}`);
        mask = m.read(name);
      } finally {
        m.close();
      }
    } else ctx.log(`residual_RMS: ${maskPath} not found, using the whole area`);
    const ref: [number, number] | null =
      attrs.REF_Y !== undefined && attrs.REF_X !== undefined ? [Number(attrs.REF_Y), Number(attrs.REF_X)] : null;

    let w: H5Writer | null = null;
    if (!noRamp) {
      rampName = 'timeseriesResidual_ramp.h5';
      const rampFile = join(ctx.workDir, rampName);
      w = await H5Writer.create(rampFile, attrs);
      w.write('date', dates, [N]);
      if (ts.has('bperp')) w.write('bperp', Float32Array.from(ts.read('bperp') as ArrayLike<number>), [N]);
      w.createEmpty('timeseries', { shape: [N, length, width], dtype: '<f4' });
      outputs.push(rampFile);
    }
    // dates side by side on the worker pool (each reads its band, deramps it, returns it with its RMS);
    // this thread writes them in order and hears a cancel, which aborts the dates in flight
    const shared = mask ? sharedCopy(mask) : null;
    const pool = createPool(ctx.numWorkers ?? defaultWorkers());
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    ctx.signal.addEventListener('abort', onAbort);
    const inflight = new Map<number, Promise<TileTaskResult>>();
    let next = 0;
    const submit = () => {
      if (next >= N) return;
      const task: DerampTask = {
        kind: 'deramp',
        file: resFile,
        dataset: 'timeseries',
        index: next,
        length,
        width,
        mask: shared,
        rampType: noRamp ? null : (rampType as RampType),
        ref,
      };
      const p = pool.run(task, inner.signal);
      p.catch(() => {}); // awaited in order below; a date aborted by a cancel is not an error of its own
      inflight.set(next++, p);
    };
    try {
      for (let k = 0; k <= pool.size; k++) submit();
      for (let i = 0; i < N; i++) {
        const r = await inflight.get(i)!;
        inflight.delete(i);
        submit();
        await cancelPoint(ctx.signal);
        if (!noRamp) w!.writeRows('timeseries', 0, r.arrays.out, [i, i + 1]);
        rms.push(r.stats!.rms);
        ctx.progress({ step: 'residual_RMS', done: i + 1, total: N, label: 'dates' });
      }
      w?.commit();
      w = null;
    } catch (e) {
      if (ctx.signal.aborted) throw new CancelledError();
      throw e;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      inner.abort();
      await pool.destroy();
      w?.abort();
    }
  } finally {
    ts.close();
  }

  const rmsFile = join(ctx.workDir, `rms_${rampName.replace(/\.h5$/, '')}.txt`);
  writeFileAtomic(rmsFile, rmsText(dates, rms, rampName, maskName));
  outputs.push(rmsFile);

  const { refDate, threshold, excluded } = analyzeRms(dates, rms, cutoff);
  // reference_date.txt: kept when newer than its inputs (MintPy's run_or_skip), so a user's edit survives
  const refFile = join(ctx.workDir, 'reference_date.txt');
  const newer = (p: string) => existsSync(p) && statSync(refFile).mtimeMs > statSync(p).mtimeMs;
  const keep = existsSync(refFile) && [resFile, maskPath, t.path].every((p) => !existsSync(p) || newer(p));
  if (!keep) writeFileAtomic(refFile, `${refDate}\n`);
  else ctx.log('residual_RMS: reference_date.txt is newer than its inputs, kept');
  outputs.push(refFile);
  const exFile = join(ctx.workDir, 'exclude_date.txt');
  if (excluded.length) {
    writeFileAtomic(exFile, excluded.map((d) => `${d}\n`).join(''));
    outputs.push(exFile);
  } else if (existsSync(exFile)) rmSync(exFile);
  ctx.log(`residual_RMS: min RMS at ${refDate}; ${excluded.length} date(s) with RMS > ${threshold.toFixed(4)}`);
  return { outputs, summary: { refDate, threshold, excludeDate: excluded, rms } };
}

/** A copy of a mask in shared memory (same element type): the pool's tasks read it without copies. */
function sharedCopy(a: ArrayLike<number>): ArrayLike<number> {
  const T = (ArrayBuffer.isView(a) ? a.constructor : Float64Array) as Float64ArrayConstructor;
  const c = new T(new SharedArrayBuffer(a.length * T.BYTES_PER_ELEMENT));
  c.set(a);
  return c;
}

export const residualRmsStep = defineStep({
  name: 'residual_RMS',
  description: 'RMS of the residual phase per date, the reference date and the noisy dates (mintpy.residualRMS.*)',
  run: residualRms,
  keys: ['mintpy.residualRMS.*'],
  reads: ['timeseriesResidual.h5', 'maskTempCoh.h5'],
  writes: ['timeseriesResidual_ramp.h5', 'rms_timeseriesResidual_ramp.txt', 'reference_date.txt', 'exclude_date.txt'],
});
