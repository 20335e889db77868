/**
 * invert_network (MintPy ifgram_inversion.py): the kept pairs → timeseries.h5, temporalCoherence.h5,
 * numInvIfgram.h5, then maskTempCoh.h5. Row tiles run on the worker pool; finished tiles are checkpointed so
 * a killed run resumes; outputs are assembled into temp files and renamed into place at the end.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { H5Reader, type Attrs } from '../formats/h5';
import { IfgramStack } from '../formats/mintpyFiles';
import { numLooksFromAttrs, parseWeightFunc } from '../../common/inversion/weights';
import type { MaskDatasetName } from '../../common/inversion/invertTile';
import { maskTempCoh, writeMaskTempCoh } from '../masks/tempCohMask';
import { networkConnectivity, perpBaselineTimeseries, temporalCoherenceNote } from '../../common/network/networkGraph';
import { readKeptPairs } from '../network/selectionStore';
import { workFiles, workPath } from '../network/workFiles';
import { readReferencePoint } from '../reference/referenceStore';
import { referenceAttrs } from '../reference/referencePoint';
import { defaultWorkers } from '../pipeline/pool';
import { planTiles, tileBudgetBytes } from '../pipeline/tiles';
import { runTiledStep } from '../pipeline/tiledRun';
import { fileIdentity } from '../util/fileIdentity';
import { PartialH5Outputs, type PartialFileSpec } from '../pipeline/partialOutputs';
import type { InvertTask } from '../pipeline/tileTasks';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { datesOfPairs } from '../../common/time/dates';
import { pyFloat } from '../../common/util/pyfmt';

const pyBool = (b: boolean) => (b ? 'True' : 'False');

/** sha256 of a dataset's values (what a mask contributes to the inversion, whatever the file's time stamps). */
async function datasetDigest(file: string, dataset: string): Promise<string> {
  const r = await H5Reader.open(file);
  try {
    const v = r.read(dataset);
    return createHash('sha256')
      .update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
      .digest('hex');
  } finally {
    r.close();
  }
}

export interface InvertSettings {
  weightFunc: ReturnType<typeof parseWeightFunc>;
  minNormVelocity: boolean;
  maskDataset: MaskDatasetName | null;
  maskThreshold: number;
  minRedundancy: number;
  minTempCoh: number;
  minNumPixel: number;
  shadowMask: boolean;
  waterMaskFile: string | null;
}

export function invertSettings(ctx: StepContext): InvertSettings {
  const t = ctx.template;
  const md = t.get('mintpy.networkInversion.maskDataset');
  let maskDataset: MaskDatasetName | null = null;
  if (!/^(no|none|false)$/i.test(md)) {
    if (!['coherence', 'connectComponent', 'offsetSNR'].includes(md))
      throw new InputError(
        `${t.path}: mintpy.networkInversion.maskDataset: "${md}" is not coherence / connectComponent / no`,
      );
    maskDataset = md as MaskDatasetName;
  }
  const wm = workPath(ctx.workDir, t.get('mintpy.networkInversion.waterMaskFile'));
  return {
    weightFunc: parseWeightFunc(t.get('mintpy.networkInversion.weightFunc')),
    minNormVelocity: t.bool('mintpy.networkInversion.minNormVelocity'),
    maskDataset,
    maskThreshold: t.num('mintpy.networkInversion.maskThreshold') ?? 0.4,
    minRedundancy: t.num('mintpy.networkInversion.minRedundancy') ?? 1,
    minTempCoh: t.num('mintpy.networkInversion.minTempCoh') ?? 0.7,
    minNumPixel: t.num('mintpy.networkInversion.minNumPixel') ?? 100,
    shadowMask: t.bool('mintpy.networkInversion.shadowMask'),
    waterMaskFile: wm && existsSync(wm) ? wm : null,
  };
}

export async function invertNetwork(ctx: StepContext): Promise<StepResult> {
  const files = workFiles(ctx.workDir);
  const stack = await IfgramStack.open(files.stack);
  try {
    const s = invertSettings(ctx);
    const keep = readKeptPairs(ctx.workDir, stack);
    const keptIdx = keep.flatMap((k, i) => (k ? [i] : []));
    if (keptIdx.length === 0) throw new InputError(`${files.stack}: no interferogram is kept by modify_network`);
    const pairs = keptIdx.map((i) => stack.pairs[i]);
    const dates = datesOfPairs(pairs);
    const conn = networkConnectivity(stack.date12, keep);
    if (conn.numComponents > 1)
      ctx.log(
        `invert_network: warning: the kept network is split into ${conn.numComponents} parts ` +
          `(${conn.components.map((c) => `${c[0]}…${c[c.length - 1]}`).join(', ')}); ` +
          (s.minNormVelocity
            ? 'the minimum-norm velocity solution links them (MintPy behaviour), but the offsets between parts are not observed'
            : 'with minNormVelocity = no the parts are not linked: the later parts are unreliable'),
      );
    if (conn.datesWithoutPair.length)
      ctx.log(`invert_network: dates without a kept pair are left out: ${conn.datesWithoutPair.join(', ')}`);
    const tcohNote = temporalCoherenceNote(conn, keptIdx.length);
    if (tcohNote) ctx.log(`invert_network: note: ${tcohNote}`);
    const ref = readReferencePoint(ctx.workDir);
    if (!ref) throw new InputError(`${ctx.workDir}: no reference point (run the reference_point step first)`);
    const { length, width } = stack;
    if (ref.REF_Y < 0 || ref.REF_Y >= length || ref.REF_X < 0 || ref.REF_X >= width)
      throw new InputError(
        `reference point (${ref.REF_Y}, ${ref.REF_X}) is outside the ${length}×${width} grid of ${files.stack}`,
      );
    const obsDataset = 'unwrapPhase';
    const wavelength = stack.wavelength;
    if (!(wavelength > 0)) throw new InputError(`${files.stack}: WAVELENGTH attribute missing or invalid`);

    // reference phase per kept pair (one row read per pair run)
    const refRow = stack.readRows(obsDataset, ref.REF_Y, ref.REF_Y + 1) as Float32Array;
    const refPhase = keptIdx.map((i) => refRow[i * width + ref.REF_X]);

    const skipMasks: InvertTask['skipMasks'] = [];
    if (s.waterMaskFile) skipMasks.push({ file: s.waterMaskFile, dataset: await maskDatasetOf(s.waterMaskFile) });
    const avgCoh = join(ctx.workDir, 'avgSpatialCoh.h5');
    if (existsSync(avgCoh)) {
      const r = await H5Reader.open(avgCoh);
      const sh = r.shape('coherence');
      r.close();
      if (sh[0] === length && sh[1] === width) skipMasks.push({ file: avgCoh, dataset: 'coherence' });
    }

    const numWorkers = ctx.numWorkers ?? defaultWorkers();
    // a tile's phase, √w, time series and per-pixel outputs in the kernel's memory (simdKernel.ts)
    const bytesPerRow = width * 4 * (2 * stack.numPairs + dates.length + 4);
    // tiles of whole HDF5 chunks of the observations (a chunk cut by a tile boundary is read twice)
    const chunkRows = stack.chunks(obsDataset)?.[1] ?? 1;
    const tiles = planTiles(
      length,
      bytesPerRow,
      // half the budget: the kernel's memory is a second arena beside h5wasm's heap, which the steps
      // before and after grow up to the budget in the same threads (measured: a galapagos chain peaked
      // at 1.01 GB with the whole budget, the target is ≤ 1 GB)
      tileBudgetBytes(ctx, numWorkers) / 2,
      numWorkers > 1 ? numWorkers * 4 : 1,
      256,
      chunkRows,
    );
    const base: Omit<InvertTask, 'r0' | 'r1'> = {
      kind: 'invert',
      stackFile: files.stack,
      obsDataset,
      width,
      keptIdx,
      pairs,
      refPhase,
      refYX: [ref.REF_Y, ref.REF_X],
      weightFunc: s.weightFunc,
      numLooks: numLooksFromAttrs(stack.attrs),
      minNormVelocity: s.minNormVelocity,
      minRedundancy: s.minRedundancy,
      maskDataset: s.maskDataset,
      maskThreshold: s.maskThreshold,
      wavelength,
      skipMasks,
    };
    ctx.log(
      `invert_network: ${keptIdx.length} pairs, ${dates.length} dates, ${length}×${width} px, weightFunc=${s.weightFunc}, ` +
        `${tiles.length} tiles of ${tiles[0].r1 - tiles[0].r0} rows on ${numWorkers} worker(s)`,
    );

    // ---- outputs: temp files written tile by tile as the tiles arrive (renamed into place at the end)
    const { bperp } = perpBaselineTimeseries(
      pairs.map(([a, b]) => `${a}_${b}`),
      keptIdx.map((i) => stack.bperp[i]),
    );
    const refA = referenceAttrs(ref.REF_Y, ref.REF_X, stack.grid);
    const common: Attrs = {
      ...stack.attrs,
      ...derivedDates(stack),
      ...refA,
      'mintpy.networkInversion.obsDatasetName': obsDataset,
      'mintpy.networkInversion.numIfgram': String(keptIdx.length),
      'mintpy.networkInversion.weightFunc': s.weightFunc,
      'mintpy.networkInversion.maskDataset': s.maskDataset ?? 'False',
      'mintpy.networkInversion.maskThreshold': String(s.maskThreshold),
      'mintpy.networkInversion.minRedundancy': pyFloat(s.minRedundancy),
      'mintpy.networkInversion.minNormVelocity': pyBool(s.minNormVelocity),
    };
    const tsPath = join(ctx.workDir, 'timeseries.h5');
    const tcPath = join(ctx.workDir, 'temporalCoherence.h5');
    const numPath = join(ctx.workDir, 'numInvIfgram.h5');
    // output chunks of one tile's rows: each tile writes whole chunks (no read-modify-write)
    const outRows = Math.min(length, tiles[0].r1 - tiles[0].r0);
    const specs: PartialFileSpec[] = [
      {
        path: tsPath,
        rootAttrs: { ...common, FILE_TYPE: 'timeseries', UNIT: 'm', REF_DATE: dates[0] },
        dataset: {
          name: 'timeseries',
          shape: [dates.length, length, width],
          dtype: '<f4',
          chunks: [1, outRows, width],
        },
        array: 'ts',
        small: [
          { name: 'date', data: dates, shape: [dates.length] },
          { name: 'bperp', data: bperp, shape: [dates.length] },
        ],
      },
      {
        path: tcPath,
        rootAttrs: { ...common, FILE_TYPE: 'temporalCoherence', UNIT: '1' },
        dataset: { name: 'temporalCoherence', shape: [length, width], dtype: '<f4', chunks: [outRows, width] },
        array: 'temporalCoherence',
      },
      {
        path: numPath,
        rootAttrs: { ...common, FILE_TYPE: 'mask', UNIT: '1' },
        dataset: { name: 'mask', shape: [length, width], dtype: '<f4', chunks: [outRows, width] },
        array: 'numInvIfgram',
      },
    ];
    const tcoh = new Float32Array(length * width);
    const phases = { readSeconds: 0, solveSeconds: 0, writeSeconds: 0, simdPixels: 0, jsPixels: 0 };
    // the outputs are written tile by tile as the tiles arrive, into partial files in the checkpoint's
    // folder (the checkpoint's data: a killed run resumes from them), renamed into place at the end
    const opened: { outputs?: PartialH5Outputs } = {};
    let seconds: number;
    let resumed: number;
    try {
      let checkpoint;
      ({ checkpoint, resumed, seconds } = await runTiledStep(
        ctx,
        'invert_network',
        tiles,
        {
          stack: files.stack ? fileIdentity(files.stack) : null,
          keptIdx,
          ref: [ref.REF_Y, ref.REF_X],
          s,
          // the masks by their values: modify_network and reference_point rewrite the same masks when a run
          // goes through them again, and the finished tiles of a cancelled run must still count
          masks: await Promise.all(skipMasks.map((m) => datasetDigest(m.file, m.dataset))),
          version: 1,
        },
        (t) => ({ ...base, r0: t.r0, r1: t.r1 }),
        numWorkers,
        (_t, r) => {
          const st = r.stats ?? {};
          phases.readSeconds += st.readSeconds ?? 0;
          phases.solveSeconds += st.solveSeconds ?? 0;
          phases.simdPixels += st.simd ?? 0;
          phases.jsPixels += (st.inverted ?? 0) - (st.simd ?? 0);
        },
        async (cp) =>
          (opened.outputs = await PartialH5Outputs.open(cp, tiles, specs, ctx.log, (t, r) =>
            tcoh.set(r.temporalCoherence, t.r0 * width),
          )),
      ));
      const outputs = opened.outputs;
      if (!outputs) throw new Error('invert_network: the outputs were never opened');
      outputs.commit();
      phases.writeSeconds = outputs.seconds;
      checkpoint.clear();
    } catch (e) {
      // the partial outputs stay in the checkpoint's folder: the next run resumes from them
      opened.outputs?.close();
      throw e;
    }

    // ---- maskTempCoh (generate_mask.py temporalCoherence.h5 -m minTempCoh [--base shadowMask])
    let shadow: ArrayLike<number> | null = null;
    if (s.shadowMask && files.geometry) {
      const g = await H5Reader.open(files.geometry);
      if (g.has('shadowMask')) shadow = g.read('shadowMask');
      g.close();
    }
    const m = maskTempCoh(tcoh, shadow, s.minTempCoh, s.minNumPixel);
    const maskPath = join(ctx.workDir, 'maskTempCoh.h5');
    await writeMaskTempCoh(maskPath, m.mask, { ...common, FILE_TYPE: 'mask', UNIT: '1' }, s.minTempCoh, s.shadowMask);
    return {
      outputs: [tsPath, tcPath, numPath, maskPath],
      summary: {
        numPairs: keptIdx.length,
        numDates: dates.length,
        tiles: tiles.length,
        resumedTiles: resumed,
        workers: numWorkers,
        seconds,
        pixelsPerSecond: (length * width) / seconds,
        // where the time goes: thread-seconds reading the stack and solving (summed over the workers),
        // seconds writing the outputs in this thread (overlapping the workers)
        ...phases,
        bytesRead:
          keptIdx.length * length * width * 4 * (s.weightFunc === 'no' && s.maskDataset !== 'coherence' ? 1 : 2),
        reliablePixels: m.numPixel,
        weightFunc: s.weightFunc,
        networkParts: conn.numComponents,
        redundantPairs: conn.redundantPairs,
        ...(tcohNote ? { temporalCoherenceNote: tcohNote } : {}),
      },
    };
  } finally {
    stack.close();
  }
}

/** START_DATE/END_DATE over all pairs (MintPy derives them on read, dropped pairs included). */
function derivedDates(stack: IfgramStack): Attrs {
  const d = datesOfPairs(stack.pairs);
  return { START_DATE: d[0], END_DATE: d[d.length - 1] };
}

async function maskDatasetOf(file: string): Promise<string> {
  const r = await H5Reader.open(file);
  try {
    for (const c of ['waterMask', 'mask']) if (r.has(c)) return c;
    throw new InputError(`${file}: no "waterMask" or "mask" dataset`);
  } finally {
    r.close();
  }
}

export const invertNetworkStep = defineStep({
  name: 'invert_network',
  description: 'network inversion of the kept pairs to a displacement time series (mintpy.networkInversion.*)',
  run: invertNetwork,
  keys: ['mintpy.networkInversion.*'],
  reads: ['inputs/ifgramStack.h5', 'networkSelection.json', 'referencePoint.json', 'waterMask.h5'],
  writes: ['timeseries.h5', 'temporalCoherence.h5', 'numInvIfgram.h5', 'maskTempCoh.h5'],
  layers: [
    { file: 'timeseries.h5', dataset: 'timeseries', label: 'Displacement (time series)', kind: 'timeseries' },
    { file: 'temporalCoherence.h5', dataset: 'temporalCoherence', label: 'Temporal coherence', kind: 'map' },
    { file: 'numInvIfgram.h5', dataset: 'mask', label: 'Number of inverted interferograms', kind: 'map' },
    { file: 'maskTempCoh.h5', dataset: 'mask', label: 'Mask: temporal coherence', kind: 'mask' },
  ],
  tiled: 'invert',
});
