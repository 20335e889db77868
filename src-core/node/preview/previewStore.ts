/**
 * The edit preview's copy of the stack: for each decimation level s (common/preview/previewGrid.ts) the
 * phase and coherence of every pair at the pixels whose row and column are multiples of s, pair-major,
 * float32, in `<workDir>/.insar-studio/preview/s<s>.bin` (a 4 KB JSON header, then phase M × rows × cols,
 * then coherence). A view's pixels are then a few contiguous reads per pair instead of the stack's whole
 * chunks. Built once per stack by one read of it (≈ 1/3 of the phase + coherence bytes written) and keyed
 * by the stack file's identity: a changed stack is never previewed from a stale copy.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { H5Reader } from '../formats/h5';
import { fileIdentity } from '../util/fileIdentity';
import { removeDeadWriterTemps } from '../util/atomicFile';
import { PREVIEW_LEVELS, levelSize, type LevelWindow } from '../../common/preview/previewGrid';
import { CancelledError } from '../../common/pipeline/types';

const HEADER_BYTES = 4096;
const MANIFEST = 'store.json';

export interface PreviewLevelInfo {
  step: number;
  rows: number;
  cols: number;
  file: string;
}

export interface PreviewStoreInfo {
  format: 'insar-studio-preview-store';
  version: 1;
  stack: string | null;
  numPairs: number;
  length: number;
  width: number;
  levels: PreviewLevelInfo[];
}

export function previewStoreDir(workDir: string): string {
  return join(workDir, '.insar-studio', 'preview');
}

/** The store of this stack if it is complete and up to date, else null. */
export function openPreviewStore(workDir: string, stackFile: string): PreviewStoreInfo | null {
  const m = join(previewStoreDir(workDir), MANIFEST);
  if (!existsSync(m)) return null;
  try {
    const info = JSON.parse(readFileSync(m, 'utf8')) as PreviewStoreInfo;
    if (info.format !== 'insar-studio-preview-store' || info.stack !== fileIdentity(stackFile)) return null;
    if (!info.levels.every((l) => existsSync(l.file))) return null;
    return info;
  } catch {
    return null;
  }
}

/**
 * Build the store from the stack (phase and coherence of every pair), by row blocks of all pairs
 * (≤ 64 MB each, whole multiples of the coarsest level). Replaces any previous store.
 */
export async function buildPreviewStore(
  workDir: string,
  stackFile: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<PreviewStoreInfo> {
  const dir = previewStoreDir(workDir);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, MANIFEST), { force: true });
  // temp files of a build whose process is gone (an app killed while it built the store)
  removeDeadWriterTemps(dir, (f) => Number(/\.tmp-(\d+)$/.exec(f)?.[1]) || null);
  const h5 = await H5Reader.open(stackFile);
  const tmp = `.tmp-${process.pid}`;
  const fds: number[] = [];
  try {
    const [M, L, W] = h5.shape('unwrapPhase');
    if (!h5.has('coherence')) throw new Error(`${stackFile}: no "coherence" dataset`);
    const levels: PreviewLevelInfo[] = PREVIEW_LEVELS.filter((s) => s < Math.max(L, W)).map((s) => ({
      step: s,
      ...levelSize(L, W, s),
      file: join(dir, `s${s}.bin`),
    }));
    for (const l of levels) {
      const fd = openSync(l.file + tmp, 'w');
      fds.push(fd);
      const hdr = Buffer.alloc(HEADER_BYTES);
      hdr.write(JSON.stringify({ step: l.step, rows: l.rows, cols: l.cols, numPairs: M }));
      writeSync(fd, hdr, 0, HEADER_BYTES, 0);
    }
    const top = PREVIEW_LEVELS[PREVIEW_LEVELS.length - 1];
    const rows = Math.max(top, Math.floor((64 * 2 ** 20) / (M * W * 4) / top) * top);
    let done = 0;
    for (let r0 = 0; r0 < L; r0 += rows) {
      const r1 = Math.min(L, r0 + rows);
      for (const [k, ds] of (['unwrapPhase', 'coherence'] as const).entries()) {
        if (opts.signal?.aborted) throw new CancelledError();
        const block = Float32Array.from(h5.readRows(ds, r0, r1) as ArrayLike<number>);
        const per = (r1 - r0) * W;
        levels.forEach((l, li) => {
          const a = Math.ceil(r0 / l.step);
          const b = Math.ceil(r1 / l.step);
          if (b <= a) return;
          const out = new Float32Array((b - a) * l.cols);
          for (let i = 0; i < M; i++) {
            for (let r = a; r < b; r++) {
              const src = i * per + (r * l.step - r0) * W;
              const dst = (r - a) * l.cols;
              for (let c = 0; c < l.cols; c++) out[dst + c] = block[src + c * l.step];
            }
            const pos = HEADER_BYTES + ((k * M + i) * l.rows + a) * l.cols * 4;
            writeSync(fds[li], new Uint8Array(out.buffer, 0, out.byteLength), 0, out.byteLength, pos);
          }
        });
      }
      done = r1;
      opts.onProgress?.(done, L);
    }
    for (const fd of fds.splice(0)) closeSync(fd);
    for (const l of levels) renameSync(l.file + tmp, l.file);
    const info: PreviewStoreInfo = {
      format: 'insar-studio-preview-store',
      version: 1,
      stack: fileIdentity(stackFile),
      numPairs: M,
      length: L,
      width: W,
      levels,
    };
    writeFileSync(join(dir, MANIFEST + tmp), JSON.stringify(info));
    renameSync(join(dir, MANIFEST + tmp), join(dir, MANIFEST));
    return info;
  } finally {
    for (const fd of fds) closeSync(fd);
    h5.close();
    for (const l of PREVIEW_LEVELS) rmSync(join(dir, `s${l}.bin${tmp}`), { force: true });
  }
}

/**
 * The phase and coherence of the given pairs in a level window, pair-major (pairs × window pixels):
 * per pair, one read of the window's rows at full level width, then the columns cut out. `into` (at
 * least 2 × pairs × pixels float32) is used instead of new arrays: a worker reuses it from one preview
 * to the next, so 150 MB of fresh pages are not faulted in and zeroed each time.
 */
export function readPreviewWindow(
  store: PreviewStoreInfo,
  w: LevelWindow,
  pairs: readonly number[],
  into?: ArrayBuffer,
): { phase: Float32Array; coherence: Float32Array } {
  const l = store.levels.find((x) => x.step === w.step);
  if (!l) throw new Error(`preview store has no level ${w.step}`);
  const M = store.numPairs;
  const nr = w.r1 - w.r0;
  const nc = w.c1 - w.c0;
  const px = nr * nc;
  const n = pairs.length * px;
  if (into && into.byteLength < 2 * n * 4) throw new Error(`readPreviewWindow: buffer of ${into.byteLength} bytes`);
  const phase = into ? new Float32Array(into, 0, n) : new Float32Array(n);
  const coherence = into ? new Float32Array(into, n * 4, n) : new Float32Array(n);
  // a window of whole level rows is read straight into its place (no copy); else through a row buffer
  const whole = w.c0 === 0 && w.c1 === l.cols;
  const rowBuf = whole ? null : new Float32Array(nr * l.cols);
  const fd = openSync(l.file, 'r');
  try {
    for (const [k, out] of [phase, coherence].entries())
      pairs.forEach((i, j) => {
        const pos = HEADER_BYTES + ((k * M + i) * l.rows + w.r0) * l.cols * 4;
        const bytes = rowBuf
          ? new Uint8Array(rowBuf.buffer)
          : new Uint8Array(out.buffer, out.byteOffset + j * px * 4, px * 4);
        let got = 0;
        while (got < bytes.length) {
          const k = readSync(fd, bytes, got, bytes.length - got, pos + got);
          if (k <= 0) throw new Error(`${l.file}: unexpected end of file`);
          got += k;
        }
        if (rowBuf)
          for (let r = 0; r < nr; r++) out.set(rowBuf.subarray(r * l.cols + w.c0, r * l.cols + w.c1), j * px + r * nc);
      });
  } finally {
    closeSync(fd);
  }
  return { phase, coherence };
}
