/**
 * One pass over the interferogram stack for everything that only averages or masks it, on the worker
 * pool: per-pair spatial coherence (modify_network), maskConnComp and avgSpatialCoh (reference_point),
 * mean phase velocity maps (the reference point's validity map and quick_overview's avgPhaseVelocity).
 * Each worker reads its row block of the datasets the request needs — once — and runs the same pure
 * reductions as before (common/masks/stackAverages.ts, common/network/spatialAverage.ts); per-pair sums
 * are added in block order, so the results are bit-identical to a serial pass.
 *
 * The steps share the maps through a small cache (stackMapCache.ts) so that modify_network →
 * reference_point → quick_overview read coherence and connected components once (modify_network, when
 * its rules do not need the data to choose the pairs) and the phase once (reference_point).
 */
import { H5Reader, type NumericArray } from '../formats/h5';
import type { IfgramStack } from '../formats/mintpyFiles';
import { createPool } from '../pipeline/pool';
import { readBandsToHeap, readBands } from '../pipeline/bandReads';
import { CancelledError } from '../../common/pipeline/types';
import { nonzeroMaskBlock, phaseVelocityScale, temporalMeanBlock } from '../../common/masks/stackAverages';
import { SpatialAverager, type PixelBox } from '../../common/network/spatialAverage';
import { temporalBaselines } from '../../common/network/pairSelection';

export interface StackPassRequest {
  keep: readonly boolean[];
  /** per-pair spatial mean coherence over all pairs (MintPy spatial_average): mask file (≠ 0 = use), AOI */
  pairCoherence?: { maskFile: string | null; box: PixelBox | null } | null;
  /** maskConnComp over the kept pairs */
  connComp?: boolean;
  /** avgSpatialCoh over the kept pairs */
  avgCoherence?: boolean;
  /** mean phase velocity over the kept pairs, one map per reference pixel (null: unreferenced) */
  phaseVelocity?: ({ y: number; x: number } | null)[];
}

export interface StackPassResult {
  pairCoherence?: Float32Array;
  pairCoherenceBox?: PixelBox;
  maskConnComp?: Uint8Array;
  connCompDataset?: string;
  avgSpatialCoh?: Float32Array;
  phaseVelocity?: Float32Array[];
  /** bytes of the stack read */
  bytesRead: number;
}

/** The worker task: one row block. */
export interface StackPassTask {
  kind: 'stackPass';
  stackFile: string;
  r0: number;
  r1: number;
  width: number;
  numPairs: number;
  keptIdx: number[];
  pairCoherence: { maskFile: string | null; box: PixelBox | null; length: number } | null;
  connCompDataset: string | null;
  avgCoherence: boolean;
  /** per reference: the kept pairs' phase at the reference pixel (null = unreferenced) */
  phaseRefs: (number[] | null)[];
  /** per kept pair: −λ/(4π)/Δt_years */
  phaseScale: number[];
}

export interface StackPassTaskResult {
  arrays: Record<string, Float32Array>;
  extra: Record<string, Float64Array | Uint8Array>;
  stats: Record<string, number>;
}

/** Rows per block: whole HDF5 chunks, one block of one dataset's pairs ≤ 64 MB, at least 2 blocks per worker. */
function passBlocks(stack: IfgramStack, numPairs: number, workers: number): [number, number][] {
  const { length: L, width: W } = stack;
  const chunk = Math.max(1, stack.chunks('unwrapPhase')?.[1] ?? 1);
  let rows = Math.max(1, Math.floor((64 * 2 ** 20) / Math.max(1, numPairs * W * 4)));
  rows = Math.min(rows, Math.max(1, Math.ceil(L / (2 * Math.max(1, workers)))));
  if (chunk > 1 && chunk < L) rows = Math.max(chunk, Math.floor(rows / chunk) * chunk);
  const out: [number, number][] = [];
  for (let r0 = 0; r0 < L; r0 += rows) out.push([r0, Math.min(L, r0 + rows)]);
  return out;
}

export async function runStackPass(
  stack: IfgramStack,
  req: StackPassRequest,
  opts: { signal?: AbortSignal; numWorkers?: number; onBlock?: (rowsDone: number, rowsTotal: number) => void } = {},
): Promise<StackPassResult> {
  const { length: L, width: W, numPairs: M } = stack;
  const keep = req.keep;
  if (keep.length !== M) throw new Error(`${stack.path}: ${M} pairs but the selection has ${keep.length}`);
  const keptIdx = keep.flatMap((k, i) => (k ? [i] : []));
  const needKept = req.connComp || req.avgCoherence || (req.phaseVelocity?.length ?? 0) > 0;
  if (needKept && keptIdx.length === 0)
    throw new Error(`${stack.path}: all interferograms are dropped, cannot average them`);
  if ((req.pairCoherence || req.avgCoherence) && !stack.has('coherence'))
    throw new Error(`${stack.path}: no "coherence" dataset`);
  const connCompDataset = req.connComp ? (stack.has('connectComponent') ? 'connectComponent' : 'unwrapPhase') : null;
  let phaseRefs: (number[] | null)[] = [];
  let phaseScale: number[] = [];
  if (req.phaseVelocity?.length) {
    const wl = stack.wavelength;
    if (!Number.isFinite(wl)) throw new Error(`${stack.path}: no WAVELENGTH attribute`);
    const scale = phaseVelocityScale(wl, temporalBaselines(stack.date12));
    phaseScale = keptIdx.map((i) => scale[i]);
    phaseRefs = req.phaseVelocity.map((ref) => {
      if (!ref) return null;
      if (ref.y < 0 || ref.y >= L || ref.x < 0 || ref.x >= W)
        throw new Error(`reference pixel (${ref.y}, ${ref.x}) is outside the ${L}×${W} grid`);
      const row = stack.readRows('unwrapPhase', ref.y, ref.y + 1);
      return keptIdx.map((i) => row[i * W + ref.x]);
    });
  }
  const workers = opts.numWorkers ?? 2;
  const blocks = passBlocks(stack, req.pairCoherence ? M : keptIdx.length, workers);
  const avg = req.pairCoherence ? new SpatialAverager(M, { length: L, width: W, box: req.pairCoherence.box }) : null;
  const out: StackPassResult = { bytesRead: 0 };
  if (req.connComp) {
    out.maskConnComp = new Uint8Array(L * W);
    out.connCompDataset = connCompDataset!;
  }
  if (req.avgCoherence) out.avgSpatialCoh = new Float32Array(L * W);
  if (phaseRefs.length) out.phaseVelocity = phaseRefs.map(() => new Float32Array(L * W));

  const pool = createPool(workers);
  const results = new Map<number, StackPassTaskResult>();
  let next = 0; // next block whose per-pair sums are added (block order)
  let rowsDone = 0;
  const absorb = () => {
    while (results.has(next)) {
      const r = results.get(next)!;
      results.delete(next);
      const [r0, r1] = blocks[next];
      const at = r0 * W;
      if (avg) avg.addSums(r.extra.cohSum as Float64Array, r.extra.cohCount as Float64Array);
      if (out.maskConnComp) out.maskConnComp.set(r.extra.maskConnComp as Uint8Array, at);
      if (out.avgSpatialCoh) out.avgSpatialCoh.set(r.arrays.avgSpatialCoh, at);
      out.phaseVelocity?.forEach((m, k) => m.set(r.arrays[`phaseVelocity${k}`], at));
      out.bytesRead += r.stats.bytesRead;
      rowsDone += r1 - r0;
      opts.onBlock?.(rowsDone, L);
      next++;
    }
  };
  try {
    let k = 0;
    let failure: unknown = null;
    const run = async () => {
      while (k < blocks.length && !failure) {
        if (opts.signal?.aborted) throw new CancelledError();
        const b = k++;
        const [r0, r1] = blocks[b];
        const task: StackPassTask = {
          kind: 'stackPass',
          stackFile: stack.path,
          r0,
          r1,
          width: W,
          numPairs: M,
          keptIdx,
          pairCoherence: req.pairCoherence ? { ...req.pairCoherence, length: L } : null,
          connCompDataset,
          avgCoherence: req.avgCoherence === true,
          phaseRefs,
          phaseScale,
        };
        results.set(b, (await pool.run(task, opts.signal)) as unknown as StackPassTaskResult);
        absorb();
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(pool.size, blocks.length)) }, () =>
        run().catch((e) => {
          failure ??= e;
        }),
      ),
    );
    if (opts.signal?.aborted) throw new CancelledError();
    if (failure) throw failure;
  } finally {
    await pool.destroy();
  }
  if (avg) {
    out.pairCoherence = avg.result();
    out.pairCoherenceBox = avg.box;
  }
  return out;
}

/** The worker side: read the block's datasets once, reduce them. */
export async function executeStackPass(t: StackPassTask): Promise<StackPassTaskResult> {
  const { r0, r1, width: W, numPairs: M, keptIdx } = t;
  const px = (r1 - r0) * W;
  const K = keptIdx.length;
  const arrays: Record<string, Float32Array> = {};
  const extra: Record<string, Float64Array | Uint8Array> = {};
  let bytesRead = 0;
  const h5 = await H5Reader.open(t.stackFile);
  try {
    if (t.pairCoherence || t.avgCoherence) {
      // all pairs for the per-pair means, the kept ones otherwise
      const bands = t.pairCoherence ? Array.from({ length: M }, (_, i) => i) : keptIdx;
      const blk = readBandsToHeap(h5, 'coherence', r0, r1, bands, W);
      const arr = blk ? null : readBands(h5, 'coherence', r0, r1, bands, W);
      let mask: NumericArray | null = null;
      if (t.pairCoherence?.maskFile) {
        const mr = await H5Reader.open(t.pairCoherence.maskFile);
        try {
          const ds = ['mask', 'waterMask'].find((d) => mr.has(d));
          if (!ds) throw new Error(`${t.pairCoherence.maskFile}: no "mask" or "waterMask" dataset`);
          mask = mr.readRows(ds, r0, r1);
        } finally {
          mr.close();
        }
      }
      try {
        const coh = blk ? blk.view() : arr!; // no h5wasm call while the heap view is in use
        bytesRead += bands.length * px * 4;
        if (t.pairCoherence) {
          const sa = new SpatialAverager(M, { length: t.pairCoherence.length, width: W, box: t.pairCoherence.box });
          const b = sa.blockSums(coh, r0, r1 - r0, mask);
          extra.cohSum = b.sum;
          extra.cohCount = b.count;
        }
        if (t.avgCoherence) {
          const keep = t.pairCoherence ? keepMask(M, keptIdx) : undefined;
          arrays.avgSpatialCoh = temporalMeanBlock(coh, bands.length, px, { keep });
        }
      } finally {
        blk?.free();
      }
    }
    if (t.connCompDataset) {
      const b0 = keptIdx[0];
      const b1 = keptIdx[K - 1] + 1;
      const block = h5.readRows(t.connCompDataset, r0, r1, [b0, b1]);
      bytesRead += block.byteLength;
      const keep = keepMask(
        b1 - b0,
        keptIdx.map((i) => i - b0),
      );
      extra.maskConnComp = nonzeroMaskBlock(block, b1 - b0, px, keep);
    }
    if (t.phaseRefs.length) {
      const blk = readBandsToHeap(h5, 'unwrapPhase', r0, r1, keptIdx, W);
      const arr = blk ? null : readBands(h5, 'unwrapPhase', r0, r1, keptIdx, W);
      try {
        const ph = blk ? blk.view() : arr!;
        bytesRead += K * px * 4;
        t.phaseRefs.forEach((ref, k) => {
          arrays[`phaseVelocity${k}`] = temporalMeanBlock(ph, K, px, { refValue: ref, scale: t.phaseScale });
        });
      } finally {
        blk?.free();
      }
    }
  } finally {
    h5.close();
  }
  return { arrays, extra, stats: { bytesRead } };
}

function keepMask(n: number, idx: number[]): boolean[] {
  const k = new Array<boolean>(n).fill(false);
  for (const i of idx) k[i] = true;
  return k;
}
