/**
 * Smooth random fields in O(pixels): independent normals on a coarse grid (one node every `spacing`
 * pixels), bilinearly interpolated to the pixel grid and scaled to unit standard deviation. Evaluated
 * one row at a time so a field never needs the full image in memory.
 */
import { Rng } from './prng';

/** 1/sqrt(E[Σw²]) for bilinear weights of iid nodes: (2/3)² per 2-D cell → scale by 1.5. */
const UNIT_SCALE = 1.5;

export class SmoothField {
  readonly nr: number;
  readonly nc: number;
  private readonly nodes: Float64Array;

  /**
   * @param rng source of the node values (consumes nr·nc normals)
   * @param rows image rows; @param cols image columns
   * @param spacing node spacing in pixels (the correlation length)
   */
  constructor(
    rng: Rng,
    readonly rows: number,
    readonly cols: number,
    readonly spacing: number,
  ) {
    this.nr = Math.ceil((rows - 1) / spacing) + 2;
    this.nc = Math.ceil((cols - 1) / spacing) + 2;
    this.nodes = new Float64Array(this.nr * this.nc);
    for (let i = 0; i < this.nodes.length; i++) this.nodes[i] = rng.normal() * UNIT_SCALE;
  }

  /** out[c] += scale · field(row, c) for c in [0, cols). */
  addRow(row: number, out: Float64Array, scale: number, offset = 0): void {
    const s = this.spacing;
    const y = row / s;
    const i0 = Math.floor(y);
    const fy = y - i0;
    const r0 = i0 * this.nc;
    const r1 = r0 + this.nc;
    const n = this.nodes;
    for (let c = 0; c < this.cols; c++) {
      const x = c / s;
      const j0 = Math.floor(x);
      const fx = x - j0;
      const top = n[r0 + j0] + (n[r0 + j0 + 1] - n[r0 + j0]) * fx;
      const bot = n[r1 + j0] + (n[r1 + j0 + 1] - n[r1 + j0]) * fx;
      out[offset + c] += scale * (top + (bot - top) * fy);
    }
  }

  /** The value at one pixel. */
  at(row: number, col: number): number {
    const s = this.spacing;
    const i0 = Math.floor(row / s);
    const fy = row / s - i0;
    const j0 = Math.floor(col / s);
    const fx = col / s - j0;
    const n = this.nodes;
    const a = i0 * this.nc + j0;
    const b = a + this.nc;
    const top = n[a] + (n[a + 1] - n[a]) * fx;
    const bot = n[b] + (n[b + 1] - n[b]) * fx;
    return top + (bot - top) * fy;
  }
}
