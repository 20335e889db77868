/**
 * Instant feedback after an edit: the velocity of the pixels in view, re-inverted from the decimated
 * preview store (previewStore.ts) with the same kernels and settings as the full run — the kept pairs as
 * modify_network would choose them with the edits (template + overrides), the reference pixel, the
 * inversion (invertTile, the SIMD kernel) and the time-function fit of the velocity step (fitTile) — so a
 * preview pixel holds the full run's number for that pixel, bit for bit. What the preview cannot know
 * without reading the whole stack is said in `notes`: with the automatic reference point it keeps the
 * last run's point; the DEM-error chain (correct_topography …) is not applied.
 */
import { existsSync } from 'node:fs';
import { Template } from '../config/template';
import { H5Reader } from '../formats/h5';
import { IfgramStack } from '../formats/mintpyFiles';
import { readReferencePoint } from '../reference/referenceStore';
import { networkSettingsFromTemplate } from '../steps/modifyNetwork';
import { invertSettings } from '../steps/invertNetwork';
import { stackReference, userReferencePoint } from '../steps/referencePoint';
import { timeFuncSettings } from '../steps/velocity';
import { workFiles } from '../network/workFiles';
import { loadStackMaps } from '../masks/stackMapCache';
import { pairCoherenceKey } from '../masks/stackMapKeys';
import { createPool, type TilePool } from '../pipeline/pool';
import { openPreviewStore, readPreviewWindow, type PreviewStoreInfo } from './previewStore';
import { invertTile } from '../../common/inversion/invertTile';
import { networkDesign } from '../../common/inversion/design';
import { numLooksFromAttrs, type WeightFunc } from '../../common/inversion/weights';
import { nonZeroMeanMask } from '../../common/masks/stackAverages';
import { selectNetwork } from '../../common/network/pairSelection';
import { fitTile } from '../../common/timefunc/fitTile';
import { validateModel, type TimeFuncModel, type UncertaintyMethod } from '../../common/timefunc/model';
import { selectDates } from '../../common/timefunc/design';
import { InputError, type StepContext } from '../../common/pipeline/types';
import {
  choosePreviewLevel,
  clipWindow,
  previewPixelBudget,
  type LevelWindow,
  type PixelWindow,
} from '../../common/preview/previewGrid';

/** One worker's share of a preview: level rows of the window. */
export interface PreviewTask {
  kind: 'preview';
  store: PreviewStoreInfo;
  window: LevelWindow;
  keptIdx: number[];
  pairs: [string, string][];
  refPhase: number[];
  /** the reference pixel's index in this window, if it is one of its pixels */
  refPixel?: number;
  /** 1 = land, per window pixel (null: no water mask) */
  waterMask: Uint8Array | null;
  weightFunc: WeightFunc;
  numLooks: number;
  minNormVelocity: boolean;
  minRedundancy: number;
  maskCoherence: boolean;
  maskThreshold: number;
  wavelength: number;
  fit: {
    model: TimeFuncModel;
    startDate?: string;
    endDate?: string;
    excludeDate: string[];
    centerLineUtc: number;
    uncertainty: UncertaintyMethod;
    bootstrapCount: number;
  };
}

/** this thread's buffer for the preview's phase and coherence, kept from one preview to the next */
let scratch: ArrayBuffer | null = null;

export async function executePreviewTask(
  t: PreviewTask,
): Promise<{ arrays: Record<string, Float32Array>; stats: Record<string, number> }> {
  const P = (t.window.r1 - t.window.r0) * (t.window.c1 - t.window.c0);
  const bytes = 2 * t.keptIdx.length * P * 4;
  if (!scratch || scratch.byteLength < bytes || scratch.byteLength > 4 * bytes) scratch = new ArrayBuffer(bytes);
  const { phase, coherence } = readPreviewWindow(t.store, t.window, t.keptIdx, scratch);
  // invert_network's pixel mask: water, and avgSpatialCoh over the kept pairs == 0 (reference_point makes
  // it before the inversion; here from the same coherence values)
  const pixelMask = nonZeroMeanMask(coherence, t.keptIdx.length, P);
  if (t.waterMask) for (let p = 0; p < P; p++) if (!t.waterMask[p]) pixelMask[p] = 0;
  const inv = invertTile({
    pairs: t.pairs,
    numPixels: P,
    phase,
    coherence,
    refPhase: t.refPhase,
    pixelMask,
    weightFunc: t.weightFunc,
    numLooks: t.numLooks,
    minNormVelocity: t.minNormVelocity,
    minRedundancy: t.minRedundancy,
    maskDataset: t.maskCoherence ? 'coherence' : null,
    maskData: t.maskCoherence ? coherence : undefined,
    maskThreshold: t.maskThreshold,
    wavelength: t.wavelength,
    refPixel: t.refPixel,
  });
  // the velocity step's fit, by blocks of pixels (each pixel's fit is its own: same numbers, and the
  // date-major block stays in the cache)
  const N = inv.dates.length;
  const velocity = new Float32Array(P);
  const BLK = 4096;
  const tsBlk = new Float32Array(N * BLK);
  for (let p0 = 0; p0 < P; p0 += BLK) {
    const nb = Math.min(BLK, P - p0);
    const ts = nb === BLK ? tsBlk : new Float32Array(N * nb);
    for (let d = 0; d < N; d++) ts.set(inv.ts.subarray(d * P + p0, d * P + p0 + nb), d * nb);
    const ref = t.refPixel !== undefined && t.refPixel >= p0 && t.refPixel < p0 + nb ? t.refPixel - p0 : undefined;
    const fit = fitTile({
      dates: inv.dates,
      ts,
      numPixels: nb,
      model: t.fit.model,
      startDate: t.fit.startDate,
      endDate: t.fit.endDate,
      excludeDate: t.fit.excludeDate,
      centerLineUtc: t.fit.centerLineUtc,
      uncertainty: t.fit.uncertainty,
      bootstrapCount: t.fit.bootstrapCount,
      seed: 0,
      refPixel: ref,
      valuesOnly: true,
    });
    velocity.set(fit.datasets.velocity, p0);
  }
  return { arrays: { velocity, temporalCoherence: inv.temporalCoherence }, stats: inv.stats as Record<string, number> };
}

export interface PreviewRequest {
  workDir: string;
  templatePath: string;
  /** the app's edits as template overrides (excluded pairs, reference point, settings) */
  overrides?: Record<string, string | undefined>;
  /** the view, in full-resolution stack rows/columns (end-exclusive) */
  view: PixelWindow;
  /** pixels the preview may compute (≈ the screen's pixels in the view) */
  maxPixels: number;
  signal?: AbortSignal;
}

export interface PreviewResult {
  /** the level window computed: pixel (r, c) of `velocity` is stack pixel ((window.r0 + r)·step, (window.c0 + c)·step) */
  window: LevelWindow;
  rows: number;
  cols: number;
  /** m/year, NaN where the full run writes 0 (not inverted) */
  velocity: Float32Array;
  keptPairs: number;
  reference: { row: number; col: number; source: string };
  seconds: number;
  notes: string[];
}

/**
 * Compute a preview. `pool` (default: a fresh one, destroyed afterwards) runs one task per worker; the app
 * keeps one pool alive so that a preview does not pay the threads' start.
 */
export async function previewVelocity(req: PreviewRequest, pool?: TilePool): Promise<PreviewResult> {
  const t0 = performance.now();
  const base = Template.read(req.templatePath);
  const template = req.overrides ? base.with(req.overrides) : base;
  const files = workFiles(req.workDir);
  const ctx: StepContext = {
    template,
    workDir: req.workDir,
    log: () => {},
    progress: () => {},
    signal: req.signal ?? new AbortController().signal,
  };
  const notes: string[] = [];
  const stack = await IfgramStack.open(files.stack);
  try {
    const store = openPreviewStore(req.workDir, files.stack);
    if (!store) throw new InputError(`${req.workDir}: the preview data are not ready (buildPreviewStore)`);
    const { length: L, width: W } = stack;
    const view = clipWindow(req.view, L, W);
    if (!view) throw new InputError(`preview: the view (${JSON.stringify(req.view)}) is outside the ${L}×${W} grid`);

    // the kept pairs as modify_network will choose them
    const ns = await networkSettingsFromTemplate(template, stack, req.workDir);
    let coherence: ArrayLike<number> | undefined;
    let areaRatio: ArrayLike<number> | undefined;
    if (ns.rules.coherenceBased || ns.rules.areaRatioBased) {
      const c = loadStackMaps(req.workDir, 'pairCoherence', pairCoherenceKey(files.stack, ns.maskFile, ns.aoi));
      if (!c) throw new InputError('preview: the coherence-based network rules need a run of modify_network first');
      coherence = c.coherence;
      areaRatio = c.areaRatio;
    }
    const keep = selectNetwork({ date12: stack.date12, bperp: stack.bperp, coherence, areaRatio }, ns.rules).keep;
    const keptIdx = keep.flatMap((k, i) => (k ? [i] : []));
    if (!keptIdx.length) throw new InputError('preview: every pair is excluded');
    const pairs = keptIdx.map((i) => stack.pairs[i]);

    // the level: the screen's pixels in view, fewer for a large network (its pixels cost more)
    const levels = store.levels.map((l) => l.step);
    const budget = previewPixelBudget(req.maxPixels, keptIdx.length);
    const lw = choosePreviewLevel(view, budget, levels);
    if (lw.step > choosePreviewLevel(view, Math.max(1, req.maxPixels), levels).step)
      notes.push(
        `${keptIdx.length} pairs: 1 in ${lw.step} rows and columns (at most ${budget} pixels), to answer in about a second`,
      );

    // the reference pixel: the user's, the stack's, else the last run's automatic choice
    const user = userReferencePoint(ctx, stack);
    const stored = readReferencePoint(req.workDir);
    const sref = stackReference(stack);
    let ref: { y: number; x: number; source: string };
    if (user) ref = { ...user, source: `set by mintpy.reference.${user.method}` };
    else if (sref) ref = { ...sref, source: 'REF_Y/REF_X of the stack' };
    else if (stored) {
      ref = { y: stored.REF_Y, x: stored.REF_X, source: "the last run's automatic choice" };
      notes.push(
        "automatic reference point: the preview keeps the last run's; the full run picks again among the pixels valid in the kept pairs",
      );
    } else throw new InputError('preview: no reference point yet (run reference_point, or pick one on the map)');
    if (ref.y < 0 || ref.y >= L || ref.x < 0 || ref.x >= W)
      throw new InputError(`preview: reference point (${ref.y}, ${ref.x}) is outside the grid`);
    const refRow = stack.readRows('unwrapPhase', ref.y, ref.y + 1, [keptIdx[0], keptIdx[keptIdx.length - 1] + 1]);
    const refPhase = keptIdx.map((i) => refRow[(i - keptIdx[0]) * W + ref.x]);

    const s = invertSettings(ctx);
    if (s.maskDataset && s.maskDataset !== 'coherence')
      throw new InputError(`preview: mintpy.networkInversion.maskDataset = ${s.maskDataset} is not supported`);
    if (template.bool('mintpy.topographicResidual'))
      notes.push('the DEM-error correction (correct_topography) is not applied to the preview');
    const { opts, excludeDate } = timeFuncSettings(template, req.workDir);
    const dates = networkDesign(pairs).dates;
    const sel = selectDates(dates, { startDate: opts.startDate, endDate: opts.endDate, excludeDate });
    const model = validateModel(opts.model, sel.used);
    const numCols = lw.c1 - lw.c0;
    const water = s.waterMaskFile ? await windowMask(s.waterMaskFile, lw) : null;

    // one task per worker: bands of level rows
    const own = pool ? null : createPool(2);
    const p = pool ?? own!;
    try {
      const parts = Math.max(1, Math.min(p.size, lw.r1 - lw.r0));
      const bounds = Array.from({ length: parts + 1 }, (_, k) => lw.r0 + Math.round(((lw.r1 - lw.r0) * k) / parts));
      const results = await Promise.all(
        Array.from({ length: parts }, (_, k) => {
          const w: LevelWindow = { ...lw, r0: bounds[k], r1: bounds[k + 1] };
          const ry = ref.y / lw.step - w.r0;
          const rx = ref.x / lw.step - w.c0;
          const inWindow =
            Number.isInteger(ry) && Number.isInteger(rx) && ry >= 0 && ry < w.r1 - w.r0 && rx >= 0 && rx < numCols;
          const task: PreviewTask = {
            kind: 'preview',
            store,
            window: w,
            keptIdx,
            pairs,
            refPhase,
            refPixel: inWindow ? ry * numCols + rx : undefined,
            waterMask: water ? water.subarray((w.r0 - lw.r0) * numCols, (w.r1 - lw.r0) * numCols) : null,
            weightFunc: s.weightFunc,
            numLooks: numLooksFromAttrs(stack.attrs),
            minNormVelocity: s.minNormVelocity,
            minRedundancy: s.minRedundancy,
            maskCoherence: s.maskDataset === 'coherence',
            maskThreshold: s.maskThreshold,
            wavelength: stack.wavelength,
            fit: {
              model,
              startDate: opts.startDate,
              endDate: opts.endDate,
              excludeDate,
              centerLineUtc: Number(stack.attrs.CENTER_LINE_UTC ?? 0) || 0,
              uncertainty: opts.uncertainty,
              bootstrapCount: opts.bootstrapCount,
            },
          };
          return p.run(task, req.signal);
        }),
      );
      const rows = lw.r1 - lw.r0;
      const velocity = new Float32Array(rows * numCols);
      results.forEach((r, k) => {
        const v = r.arrays.velocity;
        const tc = r.arrays.temporalCoherence;
        const at = (bounds[k] - lw.r0) * numCols;
        // not inverted (the full run writes 0 there) → NaN, drawn transparent
        for (let i = 0; i < v.length; i++) velocity[at + i] = tc[i] === 0 && v[i] === 0 ? NaN : v[i];
      });
      return {
        window: lw,
        rows,
        cols: numCols,
        velocity,
        keptPairs: keptIdx.length,
        reference: { row: ref.y, col: ref.x, source: ref.source },
        seconds: (performance.now() - t0) / 1000,
        notes,
      };
    } finally {
      await own?.destroy();
    }
  } finally {
    stack.close();
  }
}

/** A 2-D mask file's values at the window's pixels (1 = keep). */
async function windowMask(file: string, w: LevelWindow): Promise<Uint8Array | null> {
  if (!existsSync(file)) return null;
  const r = await H5Reader.open(file);
  try {
    const ds = ['waterMask', 'mask'].find((d) => r.has(d));
    if (!ds) return null;
    const W = r.shape(ds)[1];
    const all = r.read(ds);
    const nr = w.r1 - w.r0;
    const nc = w.c1 - w.c0;
    const out = new Uint8Array(nr * nc);
    for (let i = 0; i < nr; i++)
      for (let j = 0; j < nc; j++) out[i * nc + j] = all[(w.r0 + i) * w.step * W + (w.c0 + j) * w.step] ? 1 : 0;
    return out;
  } finally {
    r.close();
  }
}
