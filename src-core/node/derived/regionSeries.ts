/**
 * The mean time series of a polygon with its spread, from a MintPy time-series file: the pixels whose centre
 * lies inside (src-core/common/derived/regionSeries), minus those a mask file sets to 0 (maskTempCoh.h5 by
 * default, as tsview's display mask) and those whose series sums to exactly 0 or is all NaN (tsview's rule
 * for pixels never inverted); optionally every pixel relative to its own value on a reference date (as
 * tsview --ref-date). Rows are read in blocks of ≤ 32 MB.
 */
import { existsSync } from 'node:fs';
import { H5Reader } from '../formats/h5';
import { gridOf } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { polygonPixels, regionStats, type RegionStats } from '../../common/derived/regionSeries';
import { refDateIndex } from '../../common/derived/displayReference';

export interface RegionSeriesData extends RegionStats {
  file: string;
  dates: string[];
  /** the file's own reference date (REF_DATE, else the first date) */
  fileRefDate: string;
  /** the date every pixel was referenced to (null: as stored) */
  refDate: string | null;
  unit: string;
  /** pixels with their centre inside the polygon */
  inside: number;
  /** of those, dropped by the mask or as never inverted (all-zero / all-NaN series) */
  masked: number;
}

const BLOCK_BYTES = 32 * 1024 * 1024;

export async function readRegionSeries(
  tsFile: string,
  polygon: readonly (readonly [number, number])[],
  opts: { refDate?: string | null; maskFile?: string | null } = {},
): Promise<RegionSeriesData> {
  const r = await H5Reader.open(tsFile);
  try {
    if (!r.has('timeseries') || !r.has('date')) throw new InputError(`${tsFile}: not a time-series file`);
    const attrs = r.attrs;
    const grid = gridOf(attrs, tsFile);
    if (!grid) throw new InputError(`${tsFile}: no geographic grid (X_FIRST/Y_FIRST)`);
    const dates = r.readStrings('date');
    let iref: number | null;
    try {
      iref = refDateIndex(dates, opts.refDate);
    } catch (e) {
      throw new InputError(`${tsFile}: ${(e as Error).message}`);
    }
    let pix: Int32Array;
    try {
      pix = polygonPixels(grid, polygon);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    if (!pix.length) throw new InputError('the polygon holds no pixel centre of the grid: draw it over the data');
    let mask: ArrayLike<number> | null = null;
    if (opts.maskFile && existsSync(opts.maskFile)) {
      const m = await H5Reader.open(opts.maskFile);
      try {
        const name = m.has('mask') ? 'mask' : m.keys()[0];
        mask = m.read(name) as ArrayLike<number>;
        if (mask.length !== grid.length * grid.width)
          throw new InputError(`${opts.maskFile}: ${mask.length} pixels, ${tsFile} has ${grid.length * grid.width}`);
      } finally {
        m.close();
      }
    }
    const nd = dates.length;
    const w = grid.width;
    const r0 = Math.floor(pix[0] / w);
    const r1 = Math.floor(pix[pix.length - 1] / w) + 1;
    const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (4 * nd * w)));
    // values[k * nd + d] of the k-th pixel inside
    const vals = new Float32Array(pix.length * nd);
    let k = 0;
    for (let a = r0; a < r1; a += rowsPerBlock) {
      const b = Math.min(r1, a + rowsPerBlock);
      const block = r.readRows('timeseries', a, b);
      const rows = b - a;
      while (k < pix.length && pix[k] < b * w) {
        const local = pix[k] - a * w;
        for (let d = 0; d < nd; d++) vals[k * nd + d] = block[d * rows * w + local];
        k++;
      }
    }
    const keep: number[] = [];
    for (let k2 = 0; k2 < pix.length; k2++) {
      if (mask && !mask[pix[k2]]) continue;
      let sum = 0;
      let finite = 0;
      for (let d = 0; d < nd; d++) {
        const v = vals[k2 * nd + d];
        if (Number.isFinite(v)) {
          sum += v;
          finite++;
        }
      }
      if (finite && sum !== 0) keep.push(k2);
    }
    const perDate: Float32Array[] = Array.from({ length: nd }, () => new Float32Array(keep.length));
    keep.forEach((k2, j) => {
      const ref = iref === null ? 0 : vals[k2 * nd + iref];
      for (let d = 0; d < nd; d++) perDate[d][j] = iref === null ? vals[k2 * nd + d] : vals[k2 * nd + d] - ref;
    });
    return {
      file: tsFile,
      dates,
      fileRefDate: attrs.REF_DATE ?? dates[0],
      refDate: iref === null ? null : dates[iref],
      unit: attrs.UNIT ?? 'm',
      inside: pix.length,
      masked: pix.length - keep.length,
      ...regionStats(perDate),
    };
  } finally {
    r.close();
  }
}
