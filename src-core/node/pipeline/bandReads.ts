/**
 * Row-window reads of some bands (pairs) of a 3-D stack dataset, for the tile and stack-pass workers.
 */
import { closeSync, openSync } from 'node:fs';
import type { H5Reader, HeapBlock } from '../formats/h5';
import { readFully } from '../formats/envi';

/** Read rows [r0,r1) of the given bands of a 3-D dataset, reading contiguous runs of band indices. */
export function readBands(
  h5: H5Reader,
  ds: string,
  r0: number,
  r1: number,
  bands: number[],
  width: number,
): Float32Array {
  const per = (r1 - r0) * width;
  const out = new Float32Array(bands.length * per);
  for (const [i, j] of bandRuns(bands)) {
    const block = h5.readRows(ds, r0, r1, [bands[i], bands[j] + 1]);
    out.set(block as ArrayLike<number>, i * per);
  }
  return out;
}

/** Runs [i, j] of positions in `bands` whose band indices are consecutive, each at most `maxLength` long. */
function* bandRuns(bands: number[], maxLength = Infinity): Generator<[number, number]> {
  let i = 0;
  while (i < bands.length) {
    let j = i;
    while (j + 1 < bands.length && j + 1 - i < maxLength && bands[j + 1] === bands[j] + 1) j++;
    yield [i, j];
    i = j + 1;
  }
}

/**
 * Rows [r0,r1) of the given (ascending) bands of a float32 3-D dataset, read with one hyperslab straight
 * into h5wasm's heap (no copies out; dropped bands inside the span are squeezed out in place). Null when
 * the dataset is not float32 or the bands are too sparse (more than half of the span dropped): use
 * `readBands` then. The caller takes `view()` after its last h5wasm call and must `free()` the block.
 */
export function readBandsToHeap(
  h5: H5Reader,
  ds: string,
  r0: number,
  r1: number,
  bands: number[],
  width: number,
): HeapBlock | null {
  if (bands.length === 0) return null;
  const b0 = bands[0];
  const b1 = bands[bands.length - 1] + 1;
  if (b1 - b0 > 2 * bands.length) return null;
  const blk = h5.readRowsToHeap(ds, r0, r1, [b0, b1]);
  if (!blk) return null;
  const per = (r1 - r0) * width;
  if (b1 - b0 !== bands.length) {
    const v = blk.view();
    bands.forEach((b, k) => {
      if (b - b0 !== k) v.copyWithin(k * per, (b - b0) * per, (b - b0 + 1) * per);
    });
  }
  const length = bands.length * per;
  return { length, view: () => blk.view().subarray(0, length), free: () => blk.free() };
}

/** Bands per h5wasm read of `readBandsInto`: about 16 MB, so h5wasm's heap stays small. */
const BATCH_BYTES = 16 << 20;

/**
 * Rows [r0,r1) of the given (ascending) bands of a 3-D dataset into `dest`, band k's rows at
 * [k·stride, k·stride + (r1−r0)·width) (e.g. the SIMD kernel's tile area, whose rows are padded): a
 * contiguous float32 dataset (load_data's stack) straight from the file, one read per band; otherwise
 * through h5wasm's heap in runs of ≈ 16 MB, each copied once into place.
 */
export function readBandsInto(
  h5: H5Reader,
  ds: string,
  r0: number,
  r1: number,
  bands: number[],
  width: number,
  dest: Float32Array,
  stride: number,
): void {
  const per = (r1 - r0) * width;
  if (stride < per || dest.length < (bands.length - 1) * stride + per)
    throw new Error(
      `readBandsInto: ${bands.length} bands of ${per} values do not fit ${dest.length} (stride ${stride})`,
    );
  const contig = h5.contiguousFloat32(ds);
  if (contig && contig.shape.length === 3 && contig.shape[2] === width) {
    // a contiguous float32 dataset (load_data's stack): each band's rows are one run of the file
    const L = contig.shape[1];
    const fd = openSync(h5.path, 'r');
    try {
      bands.forEach((b, k) => {
        const into = new Uint8Array(dest.buffer, dest.byteOffset + k * stride * 4, per * 4);
        readFully(fd, into, contig.offset + (b * L + r0) * width * 4, h5.path);
      });
    } finally {
      closeSync(fd);
    }
    return;
  }
  const maxBands = Math.max(1, Math.floor(BATCH_BYTES / (per * 4)));
  for (const [i, j] of bandRuns(bands, maxBands)) {
    const blk = h5.readRowsToHeap(ds, r0, r1, [bands[i], bands[j] + 1]);
    try {
      // (other dtypes than float32 come back as a typed array, converted by the copy)
      const src = blk ? blk.view() : h5.readRows(ds, r0, r1, [bands[i], bands[j] + 1]);
      for (let k = i; k <= j; k++) dest.set(src.subarray((k - i) * per, (k - i + 1) * per), k * stride);
    } finally {
      blk?.free();
    }
  }
}
