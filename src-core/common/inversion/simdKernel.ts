/**
 * The WebAssembly SIMD kernel of the network inversion (source: src-wasm/invertKernel.ts, AssemblyScript;
 * binary: wasm/invertKernelWasm.ts, rebuilt by `npm run build:wasm`). It inverts four pixels per step
 * with the same arithmetic as invertTile's JavaScript fast path, so the results are bit-identical
 * (test/core/inversion.simd.test.ts); pixels the fast path does not take are flagged and the caller
 * recomputes them in JavaScript.
 *
 * One instance per thread (module-level cache); its memory holds the network's programs (built once per
 * tile from the Laplacian's Cholesky pattern) and either one block of pixels at a time, copied in by the
 * caller, or a whole tile that the caller read straight into it (`kernelTileArea`).
 */
import { CIS_COS, CIS_SIN } from '../linalg/cis';
import type { NetworkLaplacian } from './laplacian';
import type { SqrtVarBuckets } from './weights';
import { INVERT_KERNEL_WASM } from './wasm/invertKernelWasm';

/** pixels per block handed to the kernel (multiple of 4) */
export const SIMD_BLOCK = 256;
export const FLAG_PIVOT = 1;
export const FLAG_BIG = 2;

/** The part of the WebAssembly API we use (not in the ES lib typings of the Node build). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface KernelExports {
  memory: WasmMemory;
  invertGroups(
    plan: number,
    numGroups: number,
    stride: number,
    y: number,
    sw: number,
    skip: number,
    ts: number,
    tcoh: number,
    num: number,
    flags: number,
    phase2range: number,
    relTol: number,
  ): void;
  sqrtWeightsVar(plan: number, coh: number, out: number, count: number, eps: number, cmin: number, cmax: number): void;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decode base64 (no padding checks; the input is our own constant). */
export function decodeBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | B64.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let cached: KernelExports | null | undefined;

/** The kernel's exports, or null where WebAssembly SIMD is unavailable (then the JavaScript path runs). */
function kernelExports(): KernelExports | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return null;
    const mod = new wa.Module(decodeBase64(INVERT_KERNEL_WASM));
    cached = new wa.Instance(mod, {}).exports as KernelExports;
  } catch {
    cached = null;
  }
  return cached;
}

/** Whether this runtime can run the SIMD kernel. */
export function simdAvailable(): boolean {
  return kernelExports() !== null;
}

/** Header word offsets (bytes) — keep in step with src-wasm/invertKernel.ts. */
const H = {
  M: 0,
  N: 4,
  NPOS: 8,
  NSLOT: 12,
  ASM: 16,
  FAC: 20,
  FWD: 24,
  BWD: 28,
  DATEPOS: 32,
  IDX: 36,
  L: 40,
  X: 44,
  PHI: 48,
  REF: 52,
  CIS: 56,
  NFAC: 64,
  NROW: 68,
  LUT: 72,
  VTAB: 76,
  VU0: 80,
  VU1: 84,
  VSHIFT: 88,
} as const;

/** Start of the tile area in the kernel's memory (after the plan header). */
const TILE_BASE = 128;

/**
 * Pixels between two pairs' rows in the tile area: the tile's pixels rounded up to whole groups of four
 * and then to ≡ 16 (mod 1024) floats, so that consecutive rows fall in different cache sets (rows a
 * multiple of 4 KB apart would all compete for the same few).
 */
export function tileStride(numPixels: number): number {
  const p4 = Math.ceil(Math.max(1, numPixels) / 4) * 4;
  return p4 < 4096 ? p4 : Math.ceil((p4 - 16) / 1024) * 1024 + 16;
}

/** Byte offsets of the tile area's arrays (16-byte aligned), for `numPairs` × `stride` inputs. */
function tileLayout(M: number, N: number, stride: number) {
  const row = stride * 4;
  const y = TILE_BASE;
  const sw = y + M * row;
  const ts = sw + M * row;
  const tcoh = ts + N * row;
  const num = tcoh + row;
  const flags = num + row;
  const skip = flags + row;
  const end = skip + Math.ceil(stride / 4 / 16) * 16;
  return { y, sw, ts, tcoh, num, flags, skip, end };
}

/**
 * A tile's phase and coherence placed in the kernel's memory, where invertTile (given this area) inverts
 * them in place: no copy into pixel blocks. Pair-major with `stride` pixels per pair (≥ numPixels; the
 * padding is ignored). The views are valid until the next call into the kernel or invertTile.
 */
export interface KernelTileArea {
  readonly numPairs: number;
  readonly numDates: number;
  readonly numPixels: number;
  readonly stride: number;
  /** phase of pair i at [i·stride, i·stride + numPixels) */
  readonly phase: Float32Array;
  /** coherence of pair i at [i·stride, i·stride + numPixels) */
  readonly coherence: Float32Array;
}

/**
 * The tile area for `numPairs` pairs, `numDates` dates and `numPixels` pixels (the memory grows to hold
 * it; its contents are undefined), or null where WebAssembly SIMD is unavailable.
 */
export function kernelTileArea(numPairs: number, numDates: number, numPixels: number): KernelTileArea | null {
  const k = kernelExports();
  if (!k) return null;
  const stride = tileStride(numPixels);
  const lay = tileLayout(numPairs, numDates, stride);
  growTo(k, lay.end);
  return {
    numPairs,
    numDates,
    numPixels,
    stride,
    phase: new Float32Array(k.memory.buffer, lay.y, numPairs * stride),
    coherence: new Float32Array(k.memory.buffer, lay.sw, numPairs * stride),
  };
}

function growTo(k: KernelExports, bytes: number): void {
  const need = bytes - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
}

/**
 * The programs of one network and its pixel buffers, laid out in the kernel's memory: blocks of
 * SIMD_BLOCK pixels after the programs, or (with `tile`) the tile area before them, which the caller has
 * filled through `kernelTileArea`.
 */
export class SimdNetworkKernel {
  private readonly k: KernelExports;
  private readonly plan = 0;
  private readonly M: number;
  private readonly N: number;
  private readonly offY: number;
  private readonly offSW: number;
  private readonly offSkip: number;
  private readonly offTs: number;
  private readonly offTcoh: number;
  private readonly offNum: number;
  private readonly offFlags: number;
  private readonly lutVar: { eps: number; cmin: number; cmax: number } | null;
  /** pixels between two pairs' rows of the buffers (SIMD_BLOCK, or the tile's stride) */
  readonly stride: number;
  /** pixels the buffers hold (SIMD_BLOCK, or the tile's pixels) */
  readonly capacity: number;

  /**
   * `sqrtVarLut`: √w of the var table (float32 values), with MintPy's clip constants, to compute the
   * weights in the kernel; null for the other weight functions (the caller fills √w).
   */
  constructor(
    lap: NetworkLaplacian,
    idx1: Int32Array,
    idx2: Int32Array,
    refPhase: Float64Array,
    sqrtVarLut: {
      lut: ArrayLike<number>;
      eps: number;
      cmin: number;
      cmax: number;
      buckets: SqrtVarBuckets;
    } | null,
    tile: KernelTileArea | null = null,
  ) {
    const k = kernelExports();
    if (!k) throw new Error('WebAssembly SIMD kernel unavailable');
    this.k = k;
    const pat = lap.pattern;
    const M = (this.M = idx1.length);
    const N = (this.N = lap.datePos.length);
    const n = pat.n;
    const S = 32; // bytes per value (4 f64 lanes)
    // programs
    const fac: number[] = [];
    const isDiag = new Uint8Array(pat.nnz);
    for (let j = 0; j < n; j++) isDiag[pat.rowPtr[j + 1] - 1] = 1;
    for (let e = 0; e < pat.nnz; e++) {
      fac.push(pat.opPtr[e + 1] - pat.opPtr[e]);
      for (let q = pat.opPtr[e]; q < pat.opPtr[e + 1]; q++) fac.push(pat.opA[q] * S, pat.opB[q] * S);
      fac.push(isDiag[e] ? -1 : pat.divSlot[e] * S);
    }
    const fwd: number[] = [];
    for (let j = 0; j < n; j++) {
      const last = pat.rowPtr[j + 1] - 1;
      fwd.push(last - pat.rowPtr[j]);
      for (let e = pat.rowPtr[j]; e < last; e++) fwd.push(e * S, pat.col[e] * S);
      fwd.push(last * S);
    }
    const bwd: number[] = [];
    for (let j = n - 1; j >= 0; j--) {
      const last = pat.rowPtr[j + 1] - 1;
      bwd.push(last - pat.rowPtr[j], last * S);
      for (let e = pat.rowPtr[j]; e < last; e++) bwd.push(e * S, pat.col[e] * S);
    }
    const asm = Int32Array.from(lap.asm, (v) => v * S);
    const datePos = Int32Array.from(lap.datePos, (v) => (v < 0 ? -1 : v * S));
    const idx = new Int32Array(2 * M);
    for (let i = 0; i < M; i++) {
      idx[2 * i] = idx1[i] * S;
      idx[2 * i + 1] = idx2[i] * S;
    }
    if (tile && (tile.numPairs !== M || tile.numDates !== N))
      throw new Error(`tile area of ${tile.numPairs} pairs × ${tile.numDates} dates, network ${M} × ${N}`);
    const tileLay = tile ? tileLayout(M, N, tile.stride) : null;
    // layout (16-byte aligned sections): [header][tile area]?[programs][blocks]?
    let off = tileLay ? tileLay.end : TILE_BASE;
    const take = (bytes: number) => {
      const o = off;
      off += Math.ceil(bytes / 16) * 16;
      return o;
    };
    const oAsm = take(asm.length * 4);
    const oFac = take(fac.length * 4);
    const oFwd = take(fwd.length * 4);
    const oBwd = take(bwd.length * 4);
    const oDate = take(N * 4);
    const oIdx = take(2 * M * 4);
    const oRef = take(M * 4);
    const oCis = take(2 * 256 * 8);
    const oLut = take(200 * 4);
    const oVtab = sqrtVarLut ? take(sqrtVarLut.buckets.table.length * 4) : 0;
    const oL = take((pat.nnz + 1) * S);
    const oX = take((n + 1) * S);
    const oPhi = take(N * S);
    if (tileLay) {
      this.stride = tile!.stride;
      this.capacity = tile!.numPixels;
      this.offY = tileLay.y;
      this.offSW = tileLay.sw;
      this.offSkip = tileLay.skip;
      this.offTs = tileLay.ts;
      this.offTcoh = tileLay.tcoh;
      this.offNum = tileLay.num;
      this.offFlags = tileLay.flags;
    } else {
      const B = (this.stride = this.capacity = SIMD_BLOCK);
      this.offY = take(M * B * 4);
      this.offSW = take(M * B * 4);
      this.offSkip = take(B / 4);
      this.offTs = take(N * B * 4);
      this.offTcoh = take(B * 4);
      this.offNum = take(B * 4);
      this.offFlags = take(B * 4);
    }
    growTo(k, off);
    const buf = k.memory.buffer;
    const hdr = new Int32Array(buf, 0, 32);
    hdr[H.M / 4] = M;
    hdr[H.N / 4] = N;
    hdr[H.NPOS / 4] = n + 1;
    hdr[H.NSLOT / 4] = pat.nnz + 1;
    hdr[H.ASM / 4] = oAsm;
    hdr[H.FAC / 4] = oFac;
    hdr[H.FWD / 4] = oFwd;
    hdr[H.BWD / 4] = oBwd;
    hdr[H.DATEPOS / 4] = oDate;
    hdr[H.IDX / 4] = oIdx;
    hdr[H.L / 4] = oL;
    hdr[H.X / 4] = oX;
    hdr[H.PHI / 4] = oPhi;
    hdr[H.REF / 4] = oRef;
    hdr[H.CIS / 4] = oCis;
    hdr[H.NFAC / 4] = pat.nnz;
    hdr[H.NROW / 4] = n;
    hdr[H.LUT / 4] = oLut;
    new Int32Array(buf, oAsm, asm.length).set(asm);
    new Int32Array(buf, oFac, fac.length).set(fac);
    new Int32Array(buf, oFwd, fwd.length).set(fwd);
    new Int32Array(buf, oBwd, bwd.length).set(bwd);
    new Int32Array(buf, oDate, N).set(datePos);
    new Int32Array(buf, oIdx, 2 * M).set(idx);
    new Float32Array(buf, oRef, M).set(refPhase);
    const cis = new Float64Array(buf, oCis, 512);
    for (let k = 0; k < 256; k++) {
      cis[2 * k] = CIS_SIN[k];
      cis[2 * k + 1] = CIS_COS[k];
    }
    this.lutVar = null;
    if (sqrtVarLut) {
      new Float32Array(buf, oLut, 200).set(sqrtVarLut.lut);
      const bk = sqrtVarLut.buckets;
      new Float32Array(buf, oVtab, bk.table.length).set(bk.table);
      hdr[H.VTAB / 4] = oVtab;
      hdr[H.VU0 / 4] = bk.u0;
      hdr[H.VU1 / 4] = bk.u1;
      hdr[H.VSHIFT / 4] = bk.shift;
      this.lutVar = { eps: sqrtVarLut.eps, cmin: sqrtVarLut.cmin, cmax: sqrtVarLut.cmax };
    }
  }

  /**
   * Views of the buffers (recreated each call: the memory may have grown): y, sw (pair-major) and ts
   * (date-major) with `stride` pixels per row, per pixel tcoh, num, flags, and a skip byte per group of 4.
   */
  views() {
    const buf = this.k.memory.buffer;
    const S = this.stride;
    return {
      y: new Float32Array(buf, this.offY, this.M * S),
      sw: new Float32Array(buf, this.offSW, this.M * S),
      skip: new Uint8Array(buf, this.offSkip, S / 4),
      ts: new Float32Array(buf, this.offTs, this.N * S),
      tcoh: new Float32Array(buf, this.offTcoh, S),
      num: new Float32Array(buf, this.offNum, S),
      flags: new Int32Array(buf, this.offFlags, S),
    };
  }

  /** √w of the var table for the coherence in the `sw` buffer (in place). */
  sqrtWeightsVarInPlace(): void {
    const v = this.lutVar;
    if (!v) throw new Error('no var table in this kernel');
    this.k.sqrtWeightsVar(this.plan, this.offSW, this.offSW, this.M * this.stride, v.eps, v.cmin, v.cmax);
  }

  /** Invert the first `numPixels` pixels of the buffers. */
  run(numPixels: number, phase2range: number, relTol: number): void {
    if (numPixels > this.capacity) throw new Error(`${numPixels} pixels, the buffers hold ${this.capacity}`);
    this.k.invertGroups(
      this.plan,
      Math.ceil(numPixels / 4),
      this.stride,
      this.offY,
      this.offSW,
      this.offSkip,
      this.offTs,
      this.offTcoh,
      this.offNum,
      this.offFlags,
      phase2range,
      relTol,
    );
  }
}
