/**
 * The per-pixel maps MintPy derives from the interferogram stack before the inversion, computed in one
 * pass over row blocks (all pairs of a few rows at a time) and written as MintPy files:
 * maskConnComp.h5 (`mask`), avgSpatialCoh.h5 (`coherence`), avgPhaseVelocity.h5 (`velocity`), and the
 * reference-point validity map (non-NaN, non-zero mean phase velocity).
 */
import { writeH5File, type Attrs } from '../formats/h5';
import type { IfgramStack } from '../formats/mintpyFiles';
import { CancelledError } from '../../common/pipeline/types';
import { temporalBaselines } from '../../common/network/pairSelection';
import { nonzeroMaskBlock, phaseVelocityScale, temporalMeanBlock } from '../../common/masks/stackAverages';

export interface StackMapsRequest {
  /** maskConnComp: non-zero connectComponent (or unwrapPhase without it) in every kept pair */
  connComp?: boolean;
  /** avgSpatialCoh: nanmean of coherence over kept pairs */
  avgCoherence?: boolean;
  /** avgPhaseVelocity: referenced (if ref given) nanmean of phase velocity over kept pairs */
  phaseVelocity?: { ref: { y: number; x: number } | null } | null;
}

export interface StackMaps {
  maskConnComp?: Uint8Array;
  avgSpatialCoh?: Float32Array;
  avgPhaseVelocity?: Float32Array;
  /** dataset used for maskConnComp */
  connCompDataset?: string;
}

export interface BlockOptions {
  /** bytes of one block of all pairs (default 256 MiB) */
  maxBlockBytes?: number;
  signal?: AbortSignal;
  onBlock?: (rowsDone: number, rowsTotal: number) => void;
}

/** Row blocks [r0, r1) so that one block of all pairs fits `maxBytes` (64 MB: h5wasm's heap never shrinks, so the largest read sets the memory). */
export function rowBlocks(
  length: number,
  numPairs: number,
  width: number,
  maxBytes = 64 * 2 ** 20,
): [number, number][] {
  const rows = Math.max(1, Math.min(length, Math.floor(maxBytes / Math.max(1, numPairs * width * 4))));
  const out: [number, number][] = [];
  for (let r0 = 0; r0 < length; r0 += rows) out.push([r0, Math.min(length, r0 + rows)]);
  return out;
}

/** Compute the requested maps over the kept pairs of `stack`. */
export function computeStackMaps(
  stack: IfgramStack,
  keep: readonly boolean[],
  req: StackMapsRequest,
  opts: BlockOptions = {},
): StackMaps {
  const m = stack.numPairs;
  if (keep.length !== m) throw new Error(`${stack.path}: ${m} pairs but the selection has ${keep.length}`);
  if (!keep.some(Boolean)) throw new Error(`${stack.path}: all interferograms are dropped, cannot average them`);
  const { length: L, width: W } = stack;
  const out: StackMaps = {};
  const ccDs = stack.has('connectComponent') ? 'connectComponent' : 'unwrapPhase';
  if (req.connComp) {
    out.maskConnComp = new Uint8Array(L * W);
    out.connCompDataset = ccDs;
  }
  if (req.avgCoherence) {
    if (!stack.has('coherence')) throw new Error(`${stack.path}: no "coherence" dataset`);
    out.avgSpatialCoh = new Float32Array(L * W);
  }
  let scale: Float64Array | null = null;
  let refValue: Float32Array | null = null;
  if (req.phaseVelocity) {
    out.avgPhaseVelocity = new Float32Array(L * W);
    const wl = stack.wavelength;
    if (!Number.isFinite(wl)) throw new Error(`${stack.path}: no WAVELENGTH attribute`);
    scale = phaseVelocityScale(wl, temporalBaselines(stack.date12));
    // MintPy 1.5.1 only references when `0 <= REF_Y <= WIDTH and 0 <= REF_X <= LENGTH` (rows/cols swapped in
    // its check), so a reference column beyond LENGTH leaves its map unreferenced; we always reference.
    const ref = req.phaseVelocity.ref;
    if (ref) {
      if (ref.y < 0 || ref.y >= L || ref.x < 0 || ref.x >= W)
        throw new Error(`reference pixel (${ref.y}, ${ref.x}) is outside the ${L}×${W} grid`);
      const row = stack.readRows('unwrapPhase', ref.y, ref.y + 1);
      refValue = Float32Array.from({ length: m }, (_, p) => row[p * W + ref.x]);
    }
  }
  const blocks = rowBlocks(L, m, W, opts.maxBlockBytes);
  for (const [r0, r1] of blocks) {
    if (opts.signal?.aborted) throw new CancelledError();
    const px = (r1 - r0) * W;
    if (out.maskConnComp) {
      const b = stack.readRows(ccDs, r0, r1);
      out.maskConnComp.set(nonzeroMaskBlock(b, m, px, keep), r0 * W);
    }
    if (out.avgSpatialCoh) {
      const b = stack.readRows('coherence', r0, r1);
      out.avgSpatialCoh.set(temporalMeanBlock(b, m, px, { keep }), r0 * W);
    }
    if (out.avgPhaseVelocity) {
      const b = stack.readRows('unwrapPhase', r0, r1);
      out.avgPhaseVelocity.set(temporalMeanBlock(b, m, px, { keep, refValue, scale }), r0 * W);
    }
    opts.onBlock?.(r1, L);
  }
  return out;
}

/**
 * avgPhaseVelocity at one pixel, with the same arithmetic as computeStackMaps (kept pairs, referenced to
 * `ref` when given): what MintPy's reference_point checks a user's pixel against. Reads two rows at most.
 */
export function phaseVelocityAt(
  stack: IfgramStack,
  keep: boolean[],
  ref: { y: number; x: number } | null,
  y: number,
  x: number,
): number {
  const m = stack.numPairs;
  const W = stack.width;
  if (keep.length !== m) throw new Error(`${stack.path}: ${m} pairs but the selection has ${keep.length}`);
  const wl = stack.wavelength;
  if (!Number.isFinite(wl)) throw new Error(`${stack.path}: no WAVELENGTH attribute`);
  const scale = phaseVelocityScale(wl, temporalBaselines(stack.date12));
  const column = (row: number, col: number): Float32Array => {
    const r = stack.readRows('unwrapPhase', row, row + 1);
    return Float32Array.from({ length: m }, (_, p) => r[p * W + col]);
  };
  const refValue = ref ? column(ref.y, ref.x) : null;
  return temporalMeanBlock(column(y, x), m, 1, { keep, refValue, scale })[0];
}

/** Write a 2-D MintPy map file with the stack's attributes and the given overrides. */
export async function write2D(
  path: string,
  name: string,
  data: Float32Array | Int8Array,
  baseAttrs: Attrs,
  overrides: Attrs,
  dtype?: 'bool',
): Promise<void> {
  const length = Number(baseAttrs.LENGTH);
  const width = Number(baseAttrs.WIDTH);
  if (data.length !== length * width)
    throw new Error(`${path}: ${data.length} pixels, LENGTH×WIDTH = ${length * width}`);
  const attrs: Attrs = { ...baseAttrs, ...overrides };
  await writeH5File(path, attrs, [{ name, data, shape: [length, width], dtype }]);
}

/** Stack attributes as MintPy copies them into derived 2-D files (FILE_TYPE etc. are overridden). */
export function derivedAttrs(stack: IfgramStack): Attrs {
  return { ...stack.attrs };
}

export async function writeMaskConnComp(path: string, mask: Uint8Array, stack: IfgramStack): Promise<void> {
  await write2D(path, 'mask', Int8Array.from(mask), derivedAttrs(stack), { FILE_TYPE: 'mask', UNIT: '1' }, 'bool');
}

export async function writeAvgSpatialCoh(path: string, coh: Float32Array, stack: IfgramStack): Promise<void> {
  await write2D(path, 'coherence', coh, derivedAttrs(stack), { FILE_TYPE: 'coherence', UNIT: '1' });
}

export async function writeAvgPhaseVelocity(
  path: string,
  vel: Float32Array,
  stack: IfgramStack,
  refAttrs: Attrs = {},
): Promise<void> {
  await write2D(path, 'velocity', vel, derivedAttrs(stack), { FILE_TYPE: 'velocity', UNIT: 'm/year', ...refAttrs });
}

/** Reference-point validity map: 1 where the mean phase velocity is non-NaN and non-zero. */
export function validityFromPhaseVelocity(vel: Float32Array): Uint8Array {
  const out = new Uint8Array(vel.length);
  for (let i = 0; i < vel.length; i++) out[i] = !Number.isNaN(vel[i]) && vel[i] !== 0 ? 1 : 0;
  return out;
}
