/**
 * The typed task map of the worker pool: each task names its input files and a row window; the worker
 * reads its own rows (h5wasm per thread) and runs a pure kernel. Executed in piscina threads or inline.
 */
import { H5Reader, type HeapBlock, type NumericArray } from '../formats/h5';
import { readBands, readBandsInto, readBandsToHeap } from './bandReads';
import { executeStackPass, type StackPassTask } from '../masks/stackPass';
import { executePreviewTask, type PreviewTask } from '../preview/previewVelocity';
import { buildPreviewStore } from '../preview/previewStore';

export { readBands, readBandsToHeap };
import { invertTile, type MaskDatasetName } from '../../common/inversion/invertTile';
import { kernelTileArea } from '../../common/inversion/simdKernel';
import type { WeightFunc } from '../../common/inversion/weights';
import { executeFitTask, type FitTask } from './fitTask';
import { executeDemErrTask, type DemErrTask } from '../topography/demErrTask';
import { executeDerampTask, type DerampTask } from './derampTask';
import { closeSync, openSync } from 'node:fs';
import { readRaw, writeFully, type RawLocation } from '../formats/envi';
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
 * load_data's reader-writer: a run of raw ARIA samples read, converted (no-data → 0, sign of the
 * unwrapped phase) and written at its offset in the stack file (a contiguous dataset, h5contig.ts).
 */
export interface CopyRawTask {
  kind: 'copyRaw';
  loc: RawLocation;
  sampleType: 'f32' | 'i16';
  conversion: SampleConversion;
  out: { path: string; offset: number };
}

/** Build the edit preview's decimated copy of the stack (a long task: the whole stack is read once). */
export interface PreviewStoreTask {
  kind: 'previewStore';
  workDir: string;
  stackFile: string;
}

export type TileTask =
  InvertTask | FitTask | DemErrTask | DerampTask | CopyRawTask | StackPassTask | PreviewTask | PreviewStoreTask;
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
    const needCoh = t.weightFunc !== 'no' || t.maskDataset === 'coherence';
    const numPixels = (t.r1 - t.r0) * t.width;
    // phase and coherence straight into the SIMD kernel's memory, where it inverts them in place; without
    // WebAssembly SIMD into h5wasm's heap (views taken after the last h5wasm call below)
    const numDates = new Set(t.pairs.flat()).size;
    const tile = kernelTileArea(t.keptIdx.length, numDates, numPixels);
    let phase: Float32Array | null = null;
    let coherence: Float32Array | undefined;
    let phaseBlk: HeapBlock | null = null;
    let cohBlk: HeapBlock | null = null;
    if (tile) {
      readBandsInto(h5, t.obsDataset, t.r0, t.r1, t.keptIdx, t.width, tile.phase, tile.stride);
      if (needCoh) readBandsInto(h5, 'coherence', t.r0, t.r1, t.keptIdx, t.width, tile.coherence, tile.stride);
      phase = tile.phase;
      coherence = needCoh ? tile.coherence : undefined;
    } else {
      phaseBlk = readBandsToHeap(h5, t.obsDataset, t.r0, t.r1, t.keptIdx, t.width);
      if (phaseBlk) heap.push(phaseBlk);
      else phase = readBands(h5, t.obsDataset, t.r0, t.r1, t.keptIdx, t.width);
      cohBlk = needCoh ? readBandsToHeap(h5, 'coherence', t.r0, t.r1, t.keptIdx, t.width) : null;
      if (cohBlk) heap.push(cohBlk);
      else if (needCoh) coherence = readBands(h5, 'coherence', t.r0, t.r1, t.keptIdx, t.width);
    }
    const otherMask =
      t.maskDataset && t.maskDataset !== 'coherence'
        ? readBands(h5, t.maskDataset, t.r0, t.r1, t.keptIdx, t.width)
        : undefined;
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
    if (phaseBlk) phase = phaseBlk.view();
    if (cohBlk) coherence = cohBlk.view();
    const maskData = otherMask ?? (t.maskDataset ? coherence : undefined);
    const [ry, rx] = t.refYX;
    const refPixel = ry >= t.r0 && ry < t.r1 ? (ry - t.r0) * t.width + rx : undefined;
    const out = invertTile({
      pairs: t.pairs,
      numPixels,
      phase: phase!,
      coherence,
      tile: tile ?? undefined,
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

/** The thread's buffer for copyRaw (kept: fresh pages for every block would be faulted in each time). */
let copyBuf: ArrayBuffer | null = null;

function copyRaw(t: CopyRawTask): void {
  if (!copyBuf || copyBuf.byteLength < t.loc.bytes) copyBuf = new ArrayBuffer(t.loc.bytes);
  const u8 = new Uint8Array(copyBuf, 0, t.loc.bytes);
  readRaw(t.loc, u8);
  const n = t.loc.bytes / (t.sampleType === 'f32' ? 4 : 2);
  convertSamples(
    t.sampleType === 'f32' ? new Float32Array(copyBuf, 0, n) : new Int16Array(copyBuf, 0, n),
    t.conversion,
  );
  const fd = openSync(t.out.path, 'r+');
  try {
    writeFully(fd, u8, t.out.offset);
  } finally {
    closeSync(fd);
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
    case 'copyRaw':
      copyRaw(task);
      return { arrays: {} };
    case 'demErr': {
      const r = await executeDemErrTask(task);
      return { arrays: { ...r.arrays, numEstimated: Float32Array.of(r.stats.numEstimated) } };
    }
    default:
      throw new Error(`unknown tile task ${(task as { kind: string }).kind}`);
  }
}
