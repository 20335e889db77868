/**
 * MintPy's reference-point validity (the mean phase velocity over the kept pairs — referenced with the
 * stack's REF if any — is non-NaN and ≠ 0) at single pixels, from one row read of the kept pairs' phase
 * each, with the float32 arithmetic of the whole-image map (common/masks/stackAverages.ts
 * temporalMeanBlock on a one-pixel block): the reference point is chosen before the one pass over the
 * phase, which can then also make quick_overview's map referenced at it.
 */
import type { NumericArray } from '../formats/h5';
import type { IfgramStack } from '../formats/mintpyFiles';
import { phaseVelocityScale, temporalMeanBlock } from '../../common/masks/stackAverages';
import { temporalBaselines } from '../../common/network/pairSelection';

export class PointValidity {
  private readonly keptIdx: number[];
  private readonly refValue: number[] | null;
  private readonly scale: number[];
  private readonly rows = new Map<number, NumericArray>();

  constructor(
    private readonly stack: IfgramStack,
    keep: readonly boolean[],
    ref: { y: number; x: number } | null,
  ) {
    this.keptIdx = keep.flatMap((k, i) => (k ? [i] : []));
    const scale = phaseVelocityScale(stack.wavelength, temporalBaselines(stack.date12));
    this.scale = this.keptIdx.map((i) => scale[i]);
    this.refValue = ref ? this.column(ref.y, ref.x) : null;
  }

  /** rows of the stack read so far */
  get rowsRead(): number {
    return this.rows.size;
  }

  /** the kept pairs' phase at (y, x) */
  private column(y: number, x: number): number[] {
    const W = this.stack.width;
    const b0 = this.keptIdx[0];
    const b1 = this.keptIdx[this.keptIdx.length - 1] + 1;
    let row = this.rows.get(y);
    if (!row) {
      row = this.stack.readRows('unwrapPhase', y, y + 1, [b0, b1]);
      this.rows.set(y, row);
    }
    return this.keptIdx.map((i) => row[(i - b0) * W + x]);
  }

  at(y: number, x: number): boolean {
    if (this.keptIdx.length === 0) return false;
    const v = temporalMeanBlock(Float32Array.from(this.column(y, x)), this.keptIdx.length, 1, {
      refValue: this.refValue,
      scale: this.scale,
    })[0];
    return !Number.isNaN(v) && v !== 0;
  }

  /** A sparse validity "map" holding only (y, x), for validateReferencePoint. */
  sparse(y: number, x: number): ArrayLike<number> {
    const i = y * this.stack.width + x;
    return { length: this.stack.length * this.stack.width, [i]: this.at(y, x) ? 1 : 0 };
  }
}

/**
 * The automatic reference point of chooseReferencePoint — the highest float32 coherence ≥ minCoherence
 * among valid pixels, ties to the smallest index — found by checking `valid` on the best pixels only.
 * Null when no pixel reaches minCoherence, or after `maxChecks` invalid ones (then use the whole map).
 */
export function bestValidCandidate(
  coh: ArrayLike<number>,
  minCoherence: number,
  valid: (index: number) => boolean,
  maxChecks: number,
): number | null {
  const thr = Math.fround(minCoherence);
  const rejected = new Set<number>();
  for (let k = 0; k < maxChecks; k++) {
    let best = -1;
    let bestC = -Infinity;
    for (let i = 0; i < coh.length; i++) {
      const c = Math.fround(coh[i]);
      if (c >= thr && c > bestC && !rejected.has(i)) {
        bestC = c;
        best = i;
      }
    }
    if (best < 0) return null;
    if (valid(best)) return best;
    rejected.add(best);
  }
  return null;
}
