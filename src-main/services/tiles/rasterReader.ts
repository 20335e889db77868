/**
 * One 2-D raster — a dataset of an HDF5 file, or one band (date, pair) of a 3-D one — read for the map by
 * HDF5 hyperslabs: the window a tile needs, every 2^k-th row and column for overview level k. A level small
 * enough (≤ WHOLE_LEVEL_BYTES) is read whole once and kept in the byte-bounded cache; a larger one is read
 * window by window. Level k keeps the pixel at offset ⌊2^k/2⌋ of each 2^k × 2^k block (the block's centre).
 *
 * Reads are runs of whole rows, columns picked here: HDF5 strides and one-row reads cost about 1 ms per row
 * in h5wasm (measured on a 1176 × 3060 map: level 1 by strided hyperslab 550–630 ms, row by row 560–1700 ms,
 * every row in one read 55–67 ms).
 */
import type { GeoGrid } from '../../../src-core/common/formats/grid';
import type { TileSampling } from '../../../src-core/common/geo/tileSampling';
import type { H5Reader } from '../../../src-core/node/formats/h5';
import type { ByteLru } from '../../../src-core/common/util/byteLru';

/** Largest overview level read in one piece and cached (8 Mpx of float32). */
export const WHOLE_LEVEL_BYTES = 32 * 1024 * 1024;
/** one HDF5 read of consecutive rows is at most this big */
const READ_BYTES = 16 * 1024 * 1024;
/** above this subsampling, the kept rows are read one by one rather than every row of the window */
const SINGLE_ROWS_FROM = 8;

export class RasterReader {
  constructor(
    private readonly h5: H5Reader,
    readonly dataset: string,
    readonly band: number | undefined,
    readonly grid: GeoGrid,
    /** identifies file version, dataset and band in the shared cache */
    readonly key: string,
    private readonly cache: ByteLru<Float32Array>,
    private readonly wholeLevelBytes = WHOLE_LEVEL_BYTES,
  ) {}

  /** The finest level whose stride still fits the grid (a 2^k block needs k ≤ log2(min side)). */
  clampLevel(k: number): number {
    return Math.max(0, Math.min(k, Math.floor(Math.log2(Math.min(this.grid.length, this.grid.width)))));
  }

  /** Rows and columns of level k. */
  levelShape(k: number): [number, number] {
    const s = 2 ** k;
    const o = Math.floor(s / 2);
    return [Math.ceil((this.grid.length - o) / s), Math.ceil((this.grid.width - o) / s)];
  }

  /** Level k whole (cached). */
  level(k: number): Float32Array {
    const key = `${this.key}\0L${k}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const [LR, LC] = this.levelShape(k);
    let v: Float32Array;
    if (k > 0 && this.grid.length * this.grid.width * 4 <= this.wholeLevelBytes) {
      // the full raster is small enough to keep: every level is a subsample of it (one read serves all zooms)
      const full = this.level(0);
      const s = 2 ** k;
      const o = Math.floor(s / 2);
      const W = this.grid.width;
      v = new Float32Array(LR * LC);
      for (let i = 0; i < LR; i++) {
        const src = (i * s + o) * W + o;
        for (let j = 0; j < LC; j++) v[i * LC + j] = full[src + j * s];
      }
    } else v = this.readLevelWindow(k, 0, LR - 1, 0, LC - 1);
    this.cache.set(key, v);
    return v;
  }

  /** Rows i0…i1 and columns j0…j1 (inclusive) of level k, read as runs of grid rows. */
  private readLevelWindow(k: number, i0: number, i1: number, j0: number, j1: number): Float32Array {
    const s = 2 ** k;
    const o = Math.floor(s / 2);
    const c0 = j0 * s + o;
    const c1 = j1 * s + o + 1;
    const nc = j1 - j0 + 1;
    const out = new Float32Array((i1 - i0 + 1) * nc);
    const width = c1 - c0;
    const put = (i: number, v: ArrayLike<number>, at: number) => {
      const dst = (i - i0) * nc;
      for (let j = 0; j < nc; j++) out[dst + j] = v[at + j * s];
    };
    if (s > SINGLE_ROWS_FROM) {
      // a few rows out of many: one read per row the level keeps
      for (let i = i0; i <= i1; i++)
        put(i, this.h5.readWindow(this.dataset, [i * s + o, i * s + o + 1], [c0, c1], 1, this.band), 0);
      return out;
    }
    // every row of the window in blocks of ≤ READ_BYTES (HDF5 per-call costs dominate small reads)
    const g0 = i0 * s + o;
    const g1 = i1 * s + o + 1;
    const block = Math.max(s, Math.floor(READ_BYTES / (4 * width) / s) * s);
    for (let r = g0; r < g1; r += block) {
      const r1 = Math.min(g1, r + block);
      const v = this.h5.readWindow(this.dataset, [r, r1], [c0, c1], 1, this.band);
      if (s === 1)
        out.set(v, (r - g0) * nc); // typed-array copy with conversion, native speed
      else for (let gr = r; gr < r1; gr += s) put((gr - o) / s, v, (gr - r) * width);
    }
    return out;
  }

  /** The raster at the sampled pixels of a tile, from overview level k (NaN outside the grid). */
  sample(t: TileSampling, k: number): Float32Array {
    const out = new Float32Array(t.n * t.n).fill(NaN);
    const w = t.window;
    if (!w) return out;
    const s = 2 ** k;
    const [LR, LC] = this.levelShape(k);
    let arr: Float32Array;
    let i0 = 0;
    let j0 = 0;
    let stride = LC;
    if (LR * LC * 4 <= this.wholeLevelBytes) arr = this.level(k);
    else {
      i0 = Math.min(LR - 1, Math.floor(w.r0 / s));
      const i1 = Math.min(LR - 1, Math.floor(w.r1 / s));
      j0 = Math.min(LC - 1, Math.floor(w.c0 / s));
      const j1 = Math.min(LC - 1, Math.floor(w.c1 / s));
      stride = j1 - j0 + 1;
      arr = this.readLevelWindow(k, i0, i1, j0, j1);
    }
    const n = t.n;
    const ci = (c: number) => Math.min(LC - 1, Math.floor(c / s)) - j0;
    const ri = (r: number) => (Math.min(LR - 1, Math.floor(r / s)) - i0) * stride;
    if (t.separable) {
      // offsets per sample row and column once, then one addition per pixel
      const ro = Int32Array.from(t.rows, (r) => (r < 0 ? -1 : ri(r)));
      const co = Int32Array.from(t.cols, (c) => (c < 0 ? -1 : ci(c)));
      for (let i = 0; i < n; i++) {
        const a = ro[i];
        if (a < 0) continue;
        const p = i * n;
        for (let j = 0; j < n; j++) if (co[j] >= 0) out[p + j] = arr[a + co[j]];
      }
    } else
      for (let p = 0; p < out.length; p++) {
        const r = t.rows[p];
        if (r >= 0) out[p] = arr[ri(r) + ci(t.cols[p])];
      }
    return out;
  }

  /** The value of one pixel (from the cached full-resolution level when there is one). */
  value(row: number, col: number): number {
    const full = this.cache.get(`${this.key}\0L0`);
    if (full) return full[row * this.grid.width + col];
    return Number(this.h5.readWindow(this.dataset, [row, row + 1], [col, col + 1], 1, this.band)[0]);
  }
}
