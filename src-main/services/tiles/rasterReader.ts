/**
 * One 2-D raster — a dataset of an HDF5 file, or one band (date, pair) of a 3-D one — read for the map by
 * HDF5 hyperslabs: the window a tile needs, every 2^k-th row and column for overview level k. A level small
 * enough (≤ WHOLE_LEVEL_BYTES) is read whole once and kept in the byte-bounded cache; a larger one is read
 * window by window. Level k keeps the pixel at offset ⌊2^k/2⌋ of each 2^k × 2^k block (the block's centre).
 */
import type { GeoGrid } from '../../../src-core/common/formats/grid';
import type { TileSampling } from '../../../src-core/common/geo/tileSampling';
import type { H5Reader } from '../../../src-core/node/formats/h5';
import { toFloat32 } from '../layerService';
import type { ByteLru } from '../../../src-core/common/util/byteLru';

/** Largest overview level read in one piece and cached (8 Mpx of float32). */
export const WHOLE_LEVEL_BYTES = 32 * 1024 * 1024;

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
    const s = 2 ** k;
    const o = Math.floor(s / 2);
    const v = toFloat32(this.h5.readWindow(this.dataset, [o, this.grid.length], [o, this.grid.width], s, this.band));
    this.cache.set(key, v);
    return v;
  }

  /** The raster at the sampled pixels of a tile, from overview level k (NaN outside the grid). */
  sample(t: TileSampling, k: number): Float32Array {
    const out = new Float32Array(t.n * t.n).fill(NaN);
    const w = t.window;
    if (!w) return out;
    const s = 2 ** k;
    const o = Math.floor(s / 2);
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
      arr = toFloat32(
        this.h5.readWindow(this.dataset, [i0 * s + o, i1 * s + o + 1], [j0 * s + o, j1 * s + o + 1], s, this.band),
      );
    }
    const { rows, cols } = t;
    for (let p = 0; p < out.length; p++) {
      const r = rows[p];
      if (r < 0) continue;
      const i = Math.min(LR - 1, Math.floor(r / s)) - i0;
      const j = Math.min(LC - 1, Math.floor(cols[p] / s)) - j0;
      out[p] = arr[i * stride + j];
    }
    return out;
  }

  /** The value of one pixel (from the cached full-resolution level when there is one). */
  value(row: number, col: number): number {
    const full = this.cache.get(`${this.key}\0L0`);
    if (full) return full[row * this.grid.width + col];
    return toFloat32(this.h5.readWindow(this.dataset, [row, row + 1], [col, col + 1], 1, this.band))[0];
  }
}
