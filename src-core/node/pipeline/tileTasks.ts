/**
 * The typed task map of the worker pool: each task names its input files and a row window; the worker
 * reads its own rows (h5wasm per thread) and runs a pure kernel. Executed in piscina threads or inline.
 */
import { H5Reader, type HeapBlock, type NumericArray } from '../formats/h5';
import { readBands, readBandsToHeap } from './bandReads';
import { executeStackPass, type StackPassTask } from '../masks/stackPass';
import { executePreviewTask, type PreviewTask } from '../preview/previewVelocity';
import { buildPreviewStore } from '../preview/previewStore';

export { readBands, readBandsToHeap };
import { invertTile, type MaskDatasetName } from '../../common/inversion/invertTile';
import type { WeightFunc } from '../../common/inversion/weights';
import { executeFitTask, type FitTask } from './fitTask';
import { executeDemErrTask, type DemErrTask } from '../topography/demErrTask';
import { executeDerampTask, type DerampTask } from './derampTask';
import { readRaw, type RawLocation } from '../formats/envi';
import { convertSamples, type SampleConversion } from '../../common/formats/ariaConvert';

export interface InvertTask {
  kind: 'invert';
  stackFile: string;
  obsDataset: string;
  r0: number;
  r1: number;
  width: number;
  /** indices (in the stack) of the kept pairs, ascending */
  keptIdx: number[];
  pairs: [string, string][];
  refPhase: number[];
  /** reference pixel (row, col) in the full image */
  refYX: [number, number];
  weightFunc: WeightFunc;
  numLooks: number;
  minNormVelocity: boolean;
  minRedundancy: number;
  maskDataset: MaskDatasetName | null;
  maskThreshold: number;
  wavelength: number;
  /** 2-D masks: pixels where any is 0 are not inverted */
  skipMasks: { file: string; dataset: string }[];
}

/**
 * load_data's reader: a run of raw ARIA samples read into a shared buffer and converted there
 * (no-data → 0, sign of the unwrapped phase), while the main thread writes the previous block.
 */
export interface ReadRawTask {
  kind: 'readRaw';
  loc: RawLocation;
  into: SharedArrayBuffer;
  byteOffset: number;
  sampleType: 'f32' | 'i16';
  conversion: SampleConversion;
}

/** Build the edit preview's decimated copy of the stack (a long task: the whole stack is read once). */
export interface PreviewStoreTask {
  kind: 'previewStore';
  workDir: string;
  stackFile: string;
}

export type TileTask =
  InvertTask | FitTask | DemErrTask | DerampTask | ReadRawTask | StackPassTask | PreviewTask | PreviewStoreTask;
export type { FitTask };

export interface TileTaskResult {
  arrays: Record<string, Float32Array>;
  stats?: Record<string, number>;
  /** other typed outputs (transferred, never checkpointed) */
  extra?: Record<string, Float64Array | Uint8Array>;
}

function andMask(target: Uint8Array, m: NumericArray): void {
  for (let p = 0; p < target.length; p++) if (!m[p]) target[p] = 0;
}

async function executeInvert(t: InvertTask): Promise<TileTaskResult> {
  const t0 = performance.now();
  const h5 = await H5Reader.open(t.stackFile);
  const heap: HeapBlock[] = [];
  try {
    // phase and coherence straight into h5wasm's heap (views taken after the last h5wasm call below)
    const needCoh = t.weightFunc !== 'no' || t.maskDataset === 'coherence';
    const phaseBlk = readBandsToHeap(h5, t.obsDataset, t.r0, t.r1, t.keptIdx, t.width);
    if (phaseBlk) heap.push(phaseBlk);
    const phaseArr = phaseBlk ? null : readBands(h5, t.obsDataset, t.r0, t.r1, t.keptIdx, t.width);
    const cohBlk = needCoh ? readBandsToHeap(h5, 'coherence', t.r0, t.r1, t.keptIdx, t.width) : null;
    if (cohBlk) heap.push(cohBlk);
    const cohArr = needCoh && !cohBlk ? readBands(h5, 'coherence', t.r0, t.r1, t.keptIdx, t.width) : undefined;
    const otherMask =
      t.maskDataset && t.maskDataset !== 'coherence'
        ? readBands(h5, t.maskDataset, t.r0, t.r1, t.keptIdx, t.width)
        : undefined;
    const numPixels = (t.r1 - t.r0) * t.width;
    let pixelMask: Uint8Array | undefined;
    for (const m of t.skipMasks) {
      const r = await H5Reader.open(m.file);
      try {
        pixelMask ??= new Uint8Array(numPixels).fill(1);
        andMask(pixelMask, r.readRows(m.dataset, t.r0, t.r1));
      } finally {
        r.close();
      }
    }
    // no h5wasm call from here on: the heap views stay valid
    const t1 = performance.now();
    const phase = phaseBlk ? phaseBlk.view() : phaseArr!;
    const coherence = cohBlk ? cohBlk.view() : cohArr;
    const maskData = otherMask ?? (t.maskDataset ? coherence : undefined);
    const [ry, rx] = t.refYX;
    const refPixel = ry >= t.r0 && ry < t.r1 ? (ry - t.r0) * t.width + rx : undefined;
    const out = invertTile({
      pairs: t.pairs,
      numPixels,
      phase,
      coherence,
      refPhase: t.refPhase,
      pixelMask,
      weightFunc: t.weightFunc,
      numLooks: t.numLooks,
      minNormVelocity: t.minNormVelocity,
      minRedundancy: t.minRedundancy,
      maskDataset: t.maskDataset,
      maskData,
      maskThreshold: t.maskThreshold,
      wavelength: t.wavelength,
      refPixel,
    });
    const t2 = performance.now();
    return {
      arrays: { ts: out.ts, temporalCoherence: out.temporalCoherence, numInvIfgram: out.numInvIfgram },
      // thread-seconds of this tile's phases (the step adds them up for the bench's read / solve split)
      stats: { ...out.stats, readSeconds: (t1 - t0) / 1000, solveSeconds: (t2 - t1) / 1000 },
    };
  } finally {
    for (const b of heap) b.free();
    h5.close();
  }
}

export async function executeTileTask(task: TileTask): Promise<TileTaskResult> {
  switch (task.kind) {
    case 'invert':
      return executeInvert(task);
    case 'fit':
      return executeFitTask(task);
    case 'deramp':
      return executeDerampTask(task);
    case 'stackPass':
      return executeStackPass(task);
    case 'preview':
      return executePreviewTask(task);
    case 'previewStore':
      await buildPreviewStore(task.workDir, task.stackFile);
      return { arrays: {} };
    case 'readRaw': {
      const u8 = new Uint8Array(task.into, task.byteOffset, task.loc.bytes);
      readRaw(task.loc, u8);
      const n = task.loc.bytes / (task.sampleType === 'f32' ? 4 : 2);
      convertSamples(
        task.sampleType === 'f32'
          ? new Float32Array(task.into, task.byteOffset, n)
          : new Int16Array(task.into, task.byteOffset, n),
        task.conversion,
      );
      return { arrays: {} };
    }
    case 'demErr': {
      const r = await executeDemErrTask(task);
      return { arrays: { ...r.arrays, numEstimated: Float32Array.of(r.stats.numEstimated) } };
    }
    default:
      throw new Error(`unknown tile task ${(task as { kind: string }).kind}`);
  }
}
