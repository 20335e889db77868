/**
 * SBAS network inversion of one tile of pixels (mintpy-algorithms.md §5 steps 2–6; MintPy 1.5.1
 * ifgram_inversion.run_ifgram_inversion_patch / estimate_timeseries). Pure: typed arrays in, typed
 * arrays out, no I/O, no module state; every pixel is solved independently, so the result does not
 * depend on how the image is cut into tiles.
 *
 * Per pixel, as MintPy:
 *  - y_i = φ_i − r_i where φ_i ≠ 0 (float32), then y == 0 → no-data, NaN → no-data, optional maskDataset;
 *  - pixels with pixelMask == 0 (water, avgSpatialCoh == 0) or no valid pair are not inverted (all outputs 0);
 *  - redundancy: min over A's columns of the number of valid pairs < minRedundancy → ts = tcoh = num = 0;
 *  - x = lstsq(√w·G, √w·y, cond=1e-5) with G = B (minNormVelocity) or A; the products √w·G, √w·y are
 *    rounded to float32 as MintPy forms them;
 *  - tcoh = |Σ exp(j·(y − G·x))| / M_p (unweighted residual), numInvIfgram = M_p;
 *  - ts = −λ/(4π)·φ, first date 0.
 *
 * Solver: MintPy calls LAPACK gelsd (SVD, minimum norm) per pixel. Here, when the pixel's valid pairs
 * connect all dates, A and B have full column rank, no singular value is anywhere near the 1e-5 cut-off
 * and the least-squares solution is unique; B = A·C with C invertible (φ = cumsum(v·Δt)), so the
 * minimum-norm-velocity solution and the phase solution are the same time series. It is computed from
 * the weighted graph Laplacian (AᵀWA)·φ = AᵀWy (laplacian.ts: O(1) per pair to assemble) with a sparse
 * Cholesky whose minimum-degree order, fill and straight-line code are generated once per network
 * (linalg/sparseCholesky.ts): a long (annual) pair adds O(1) fill instead of making B's normal matrix
 * dense, and a pixel with invalid pairs uses a subset of the same pattern, so it costs the same as a
 * complete one. Pixels whose valid pairs split the dates (minimum norm via the exact null space), pivot
 * failures and the `solver: 'svd'` reference path go to generalSolver.ts (banded / null-space Cholesky on
 * G, Jacobi SVD with the gelsd cut-off). The tile is processed in blocks of pixels transposed from
 * pair-major to pixel-major. The temporal coherence uses a table sin/cos (error < 1e-12 per term).
 *
 * Cost: O(M + fill) per pixel. Where WebAssembly SIMD runs, the SIMD kernel (simdKernel.ts, source
 * src-wasm/invertKernel.ts) does the same arithmetic four pixels per step, straight from the pair-major
 * input (no transposition), bit-identical to the code below, which then only recomputes the pixels the
 * kernel flags (disconnected, failed pivot, huge residual): the whole tile in place when the caller read
 * it into the kernel's memory (`tile`, the invert task), else blocks of 256 pixels copied there. Measured single
 * thread (CPU time, shared machine): 86 pairs / 31 dates 713k px/s SIMD, 257k px/s JavaScript;
 * MintPy 1.5.1: ≈ 6k px/s.
 *
 * The reference pixel (whose referenced phase is all zero, hence all no-data) gets tcoh = 1 and
 * num = M when `refPixel` (its index within the tile) is given; otherwise the caller must set these.
 */
import {
  choleskyFactor,
  choleskySolvePermuted,
  compileCholesky,
  type CompiledCholesky,
} from '../linalg/sparseCholesky';
import { C4, C6, CIS_BIG, CIS_COS, CIS_INV_STEP, CIS_N, CIS_SIN, CIS_STEP, S3, S5 } from '../linalg/cis';
import { networkDesign } from './design';
import { GeneralSolver, UnionFind } from './generalSolver';
import { NetworkLaplacian, edgeConnectivity } from './laplacian';
import { SIMD_BLOCK, SimdNetworkKernel, simdAvailable, type KernelTileArea } from './simdKernel';
import { WeightTable, type WeightFunc } from './weights';

export type MaskDatasetName = 'coherence' | 'connectComponent' | 'offsetSNR';

export interface InvertTileInput {
  /** kept pairs only, [earlier, later] (or 'YYYYMMDD_YYYYMMDD'), in the order of the phase bands */
  pairs: readonly (readonly [string, string] | string)[];
  /** pixels in the tile */
  numPixels: number;
  /**
   * unwrapped phase of the kept pairs, pair-major (M × numPixels, or M × tile.stride with `tile`),
   * radians, float32
   */
  phase: Float32Array;
  /** coherence of the kept pairs (laid out as `phase`); required when weightFunc ≠ 'no' */
  coherence?: Float32Array;
  /**
   * The phase and coherence are this area's views (simdKernel.ts kernelTileArea: the caller read them
   * straight into the kernel's memory), pair-major with tile.stride pixels per pair: the SIMD kernel
   * inverts the whole tile in place. Both arrays are used as scratch (masks, weights).
   */
  tile?: KernelTileArea;
  /** phase at the reference pixel for each kept pair (M) */
  refPhase: ArrayLike<number>;
  /** per pixel, 0 = skip (water mask == 0, avgSpatialCoh == 0, …); absent = invert all */
  pixelMask?: ArrayLike<number>;
  weightFunc: WeightFunc;
  /** number of looks L (numLooksFromAttrs); used by var and fim */
  numLooks: number;
  minNormVelocity: boolean;
  minRedundancy: number;
  /** optional pixel-wise pair masking (MintPy mintpy.networkInversion.maskDataset) */
  maskDataset?: MaskDatasetName | null;
  /**
   * the mask dataset values (M × numPixels); for 'coherence' the coherence array may be passed again
   * (then laid out as the coherence)
   */
  maskData?: Float32Array | Int16Array | Int32Array | Uint8Array | Int8Array;
  maskThreshold?: number;
  /** radar wavelength in metres */
  wavelength: number;
  /** index of the reference pixel inside this tile, if it is in the tile */
  refPixel?: number;
  /** gelsd relative cut-off (MintPy: 1e-5) */
  rcond?: number;
  /** 'svd' forces the Jacobi-SVD solve for every pixel (reference path for tests; slow) */
  solver?: 'auto' | 'svd';
  /**
   * 'simd' (the default where WebAssembly SIMD runs, 'auto'): the SIMD kernel; 'js': the JavaScript
   * kernel only. Both give the same bits.
   */
  kernel?: 'auto' | 'simd' | 'js';
}

export interface InvertTileOutput {
  /** dates of the time series (N) */
  dates: string[];
  /** displacement (N × numPixels), metres, date-major, first date 0 */
  ts: Float32Array;
  temporalCoherence: Float32Array;
  numInvIfgram: Float32Array;
  /** pixels that went through the solver (diagnostics) */
  stats: {
    inverted: number;
    svdFallback: number;
    sharedFactor: number;
    nullSpace: number;
    laplacian: number;
    /** pixels solved by the SIMD kernel (the others by the JavaScript kernel) */
    simd?: number;
  };
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`invertTile: ${msg}`);
}

const TWO_PI = 2 * Math.PI;
/** pixels per block transposed from pair-major to pixel-major */
const BLOCK = 128;

/** Everything the per-block loop needs, resolved once per tile. */
interface TileState {
  M: number;
  N: number;
  n: number;
  P: number;
  useB: boolean;
  hasWeights: boolean;
  forceSvd: boolean;
  minRed: number;
  fullMinCount: number;
  /** edge connectivity of the network: fewer invalid pairs than this cannot disconnect a pixel */
  lambda: number;
  refDateIdx: number;
  phase2range: number;
  idx1: Int32Array;
  idx2: Int32Array;
  colA1: Int32Array;
  colA2: Int32Array;
  tbaseDiff: Float32Array;
  lap: NetworkLaplacian;
  /** straight-line factor/solve for the network's pattern (null: interpreted) */
  compiled: CompiledCholesky | null;
  /** block scratch: referenced phase (NaN = no-data) and √w, pixel-major (BLOCK × M); ts (BLOCK × N) */
  yT: Float32Array;
  swT: Float32Array;
  tsT: Float64Array;
  /** per-pixel scratch */
  rows: Int32Array;
  colCount: Int32Array;
  lval: Float64Array;
  lshared: Float64Array;
  shared: { ready: boolean; ok: boolean };
  xp: Float64Array;
  phi: Float64Array;
  x: Float64Array;
  y: Float64Array;
  sw: Float64Array;
  uf: UnionFind;
  general: GeneralSolver;
  pixelMask: Uint8Array | null;
  ts: Float32Array;
  tcohOut: Float32Array;
  numOut: Float32Array;
  stats: InvertTileOutput['stats'];
}

/** What depends on the network only: built once per network and thread, reused by every tile. */
interface NetworkPlan {
  design: ReturnType<typeof networkDesign>;
  lap: NetworkLaplacian;
  compiled: CompiledCholesky | null;
  lambda: number;
}

const plans = new Map<string, NetworkPlan>();

/**
 * The design, the Laplacian's Cholesky pattern (minimum-degree order, fill, straight-line code) and the
 * edge connectivity of a network, cached per thread (the last few networks): a worker inverting many
 * tiles of one network, or previews after edits, analyse it once — and the generated code stays
 * optimised by the JIT instead of being compiled anew for every tile.
 */
function networkPlan(pairs: InvertTileInput['pairs']): NetworkPlan {
  const key = pairs.map((p) => (typeof p === 'string' ? p : `${p[0]}_${p[1]}`)).join(',');
  let plan = plans.get(key);
  if (plan) {
    plans.delete(key); // most recently used last
    plans.set(key, plan);
    return plan;
  }
  const design = networkDesign(pairs);
  const lap = new NetworkLaplacian(design);
  plan = {
    design,
    lap,
    compiled: compileCholesky(lap.pattern),
    lambda: edgeConnectivity(design.numDates, design.idx1, design.idx2),
  };
  plans.set(key, plan);
  if (plans.size > 8) plans.delete(plans.keys().next().value!);
  return plan;
}

export function invertTile(input: InvertTileInput): InvertTileOutput {
  const plan = networkPlan(input.pairs);
  const design = plan.design;
  const M = design.numPairs;
  const N = design.numDates;
  const n = N - 1;
  const P = input.numPixels;
  const { phase, coherence, refPhase, pixelMask, weightFunc, maskDataset, maskData, tile } = input;
  check(Number.isInteger(P) && P >= 0, `numPixels ${P} is not a count`);
  // pixels between two pairs' rows of phase and coherence
  const S = tile ? tile.stride : P;
  if (tile)
    check(
      tile.numPixels === P &&
        tile.numPairs === M &&
        phase === tile.phase &&
        (!coherence || coherence === tile.coherence),
      `the tile area (${tile.numPairs} pairs × ${tile.numPixels} px) is not this tile's phase and coherence`,
    );
  check(phase.length === M * S, `phase has ${phase.length} values, expected ${M} pairs × ${S} pixels`);
  check(refPhase.length === M, `refPhase has ${refPhase.length} values, expected ${M}`);
  if (weightFunc !== 'no')
    check(!!coherence && coherence.length === M * S, `weightFunc ${weightFunc} needs coherence (${M} × ${P})`);
  if (pixelMask) check(pixelMask.length === P, `pixelMask has ${pixelMask.length} values, expected ${P}`);
  const maskStride = maskData !== undefined && maskData === coherence ? S : P;
  if (maskDataset)
    check(!!maskData && maskData.length === M * maskStride, `maskDataset ${maskDataset} needs maskData (${M} × ${P})`);
  check(Number.isFinite(input.wavelength) && input.wavelength > 0, `wavelength ${input.wavelength} is not positive`);

  const useB = input.minNormVelocity;
  const nn = Math.max(n, 1);
  const idx1 = design.idx1;
  const idx2 = design.idx2;
  const refDateIdx = design.refDateIndex;
  const table = new WeightTable(weightFunc, input.numLooks);
  const maskThr = Math.fround(input.maskThreshold ?? 0.4);
  const refR = Float64Array.from(refPhase, (v) => Math.fround(v));

  // A's column of each pair's dates (the reference date maps to the dummy slot n), for the redundancy count
  const colOf = (d: number) => (d === refDateIdx ? n : d < refDateIdx ? d : d - 1);
  const colA1 = Int32Array.from(idx1, colOf);
  const colA2 = Int32Array.from(idx2, colOf);

  const uf = new UnionFind(N);
  // redundancy of a pixel with every pair valid
  const colCount = new Int32Array(n + 1);
  for (let i = 0; i < M; i++) {
    colCount[colA1[i]]++;
    colCount[colA2[i]]++;
  }
  let fullMinCount = Infinity;
  for (let c = 0; c < n; c++) if (colCount[c] < fullMinCount) fullMinCount = colCount[c];

  const lap = plan.lap;
  const st: TileState = {
    M,
    N,
    n,
    P,
    useB,
    hasWeights: weightFunc !== 'no',
    forceSvd: input.solver === 'svd',
    minRed: input.minRedundancy,
    fullMinCount,
    lambda: plan.lambda,
    refDateIdx,
    phase2range: (-1 * input.wavelength) / (4 * Math.PI),
    idx1,
    idx2,
    colA1,
    colA2,
    tbaseDiff: design.tbaseDiff,
    lap,
    compiled: plan.compiled,
    yT: new Float32Array(BLOCK * M),
    swT: new Float32Array(BLOCK * M).fill(1),
    tsT: new Float64Array(BLOCK * N),
    rows: new Int32Array(M),
    colCount,
    lval: new Float64Array(lap.pattern.nnz + 1),
    lshared: new Float64Array(lap.pattern.nnz + 1),
    shared: { ready: false, ok: false },
    xp: new Float64Array(n + 1),
    phi: new Float64Array(N),
    x: new Float64Array(nn),
    y: new Float64Array(M),
    sw: new Float64Array(M),
    uf,
    general: new GeneralSolver(design, useB, input.rcond ?? 1e-5),
    pixelMask: pixelMask ? zeroOne(pixelMask) : null,
    ts: new Float32Array(N * P),
    tcohOut: new Float32Array(P),
    numOut: new Float32Array(P),
    stats: { inverted: 0, svdFallback: 0, sharedFactor: 0, nullSpace: 0, laplacian: 0, simd: 0 },
  };

  const prep: BlockPrep = {
    phase,
    coherence,
    sqrtW: null,
    stride: S,
    maskDataset: maskDataset ?? null,
    maskData,
    maskStride,
    maskThr,
    refR,
    table,
  };
  const simd =
    input.kernel !== 'js' && !st.forceSvd && refDateIdx === 0 && (input.kernel === 'simd' || simdAvailable());
  if (simd && tile) invertTileInPlace(st, prep, tile);
  else if (simd) invertTileSimd(st, prep);
  else
    for (let p0 = 0; p0 < P; p0 += BLOCK) {
      const nb = Math.min(BLOCK, P - p0);
      fillBlock(st, prep, p0, nb);
      invertBlock(st, p0, nb);
    }

  const { ts, tcohOut, numOut } = st;
  if (input.refPixel !== undefined && input.refPixel >= 0 && input.refPixel < P) {
    tcohOut[input.refPixel] = 1;
    numOut[input.refPixel] = M;
  }
  return { dates: design.dates, ts, temporalCoherence: tcohOut, numInvIfgram: numOut, stats: st.stats };
}

/** 1 where v ≠ 0 (a loop: TypedArray.from with a mapping function costs ≈ 80 ns per value). */
function zeroOne(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(v.length);
  for (let i = 0; i < out.length; i++) out[i] = v[i] ? 1 : 0;
  return out;
}

/** What fillBlock needs besides the tile state. */
interface BlockPrep {
  phase: Float32Array;
  coherence?: Float32Array;
  /** √w already computed (laid out as the phase), instead of the coherence */
  sqrtW: Float32Array | null;
  /** pixels between two pairs' rows of phase, coherence and sqrtW */
  stride: number;
  maskDataset: MaskDatasetName | null;
  maskData?: InvertTileInput['maskData'];
  /** pixels between two pairs' rows of maskData */
  maskStride: number;
  maskThr: number;
  refR: Float64Array;
  table: WeightTable;
}

/**
 * Referenced observations (y = φ − r where φ ≠ 0; 0 and NaN → no-data; maskDataset) and √w of pixels
 * p0 … p0+nb−1, transposed to pixel-major into st.yT / st.swT.
 */
function fillBlock(st: TileState, prep: BlockPrep, p0: number, nb: number): void {
  const { M, yT, swT } = st;
  const { phase, coherence, sqrtW, stride, maskDataset, maskData, maskStride, maskThr, refR, table } = prep;
  for (let i = 0; i < M; i++) {
    const base = i * stride + p0;
    const ri = refR[i];
    if (maskDataset) {
      const cc = maskDataset === 'connectComponent';
      const mbase = i * maskStride + p0;
      for (let q = 0; q < nb; q++) {
        let v = phase[base + q];
        if (v !== 0) v = Math.fround(v - ri);
        let ok = v === v && v !== 0;
        if (ok) {
          const mv = maskData![mbase + q];
          ok = cc ? mv === mv && mv !== 0 : mv === mv && Math.fround(mv) >= maskThr;
        }
        yT[q * M + i] = ok ? v : NaN;
      }
    } else {
      for (let q = 0; q < nb; q++) {
        let v = phase[base + q];
        if (v !== 0) v = Math.fround(v - ri);
        yT[q * M + i] = v === v && v !== 0 ? v : NaN;
      }
    }
    if (sqrtW) for (let q = 0; q < nb; q++) swT[q * M + i] = sqrtW[base + q];
    else if (st.hasWeights) table.sqrtWeightsInto(coherence!, base, nb, swT, i, M);
  }
}

/** The kernel's buffers (SimdNetworkKernel.views). */
type KernelViews = ReturnType<SimdNetworkKernel['views']>;

/**
 * The tile through the WebAssembly SIMD kernel (simdKernel.ts), block by block: the observations are
 * copied pair-major into its memory (maskDataset applied as NaN), √w computed there (var) or here, and
 * the pixels the kernel flags — no valid pair, masked, too many invalid pairs for the redundancy /
 * connectivity shortcuts, a failed pivot, a huge residual — recomputed with the JavaScript path, so the
 * result is the JavaScript kernel's, bit for bit.
 */
function invertTileSimd(st: TileState, prep: BlockPrep): void {
  const { M, P, hasWeights, pixelMask } = st;
  const { phase, coherence, stride, maskDataset, maskData, maskStride, maskThr, table, refR } = prep;
  const varLut = hasWeights ? table.sqrtLutForKernel() : null;
  const kernel = new SimdNetworkKernel(st.lap, st.idx1, st.idx2, refR, varLut);
  const B = SIMD_BLOCK;
  const cc = maskDataset === 'connectComponent';
  for (let p0 = 0; p0 < P; p0 += B) {
    const nb = Math.min(B, P - p0);
    const nb4 = Math.ceil(nb / 4) * 4;
    const v = kernel.views();
    for (let i = 0; i < M; i++) {
      const base = i * stride + p0;
      v.y.set(phase.subarray(base, base + nb), i * B);
      if (nb4 > nb) v.y.fill(0, i * B + nb, i * B + nb4);
      if (maskDataset) {
        const md = maskData!;
        const mbase = i * maskStride + p0;
        for (let q = 0; q < nb; q++) {
          const mv = md[mbase + q];
          const ok = cc ? mv === mv && mv !== 0 : mv === mv && Math.fround(mv) >= maskThr;
          if (!ok) v.y[i * B + q] = NaN;
        }
      }
      if (varLut) v.sw.set(coherence!.subarray(base, base + nb), i * B);
      else if (hasWeights) table.sqrtWeightsInto(coherence!, base, nb, v.sw, i * B, 1);
    }
    if (varLut) kernel.sqrtWeightsVarInPlace();
    else if (!hasWeights) v.sw.fill(1);
    setSkip(v.skip, pixelMask, p0, nb);
    kernel.run(nb, st.phase2range, 1e-12);
    takeKernelResults(st, prep, v, B, p0, nb);
  }
}

/**
 * The whole tile in the kernel's memory (the caller read it there, `tile`): masks applied to the phase
 * and √w computed in place, one kernel call over every pixel, no copy into blocks. The pixels the
 * kernel flags are recomputed in JavaScript from the same (masked) phase and √w.
 */
function invertTileInPlace(st: TileState, prep: BlockPrep, tile: KernelTileArea): void {
  const { M, P, hasWeights, pixelMask } = st;
  const { maskDataset, maskData, maskThr, table, refR } = prep;
  const maskIsCoh = maskData !== undefined && maskData === prep.coherence;
  const varLut = hasWeights ? table.sqrtLutForKernel() : null;
  // may grow the memory: the caller's views are stale from here on, the kernel's views are current
  const kernel = new SimdNetworkKernel(st.lap, st.idx1, st.idx2, refR, varLut, tile);
  const S = kernel.stride;
  const v = kernel.views();
  const P4 = Math.ceil(P / 4) * 4;
  for (let i = 0; i < M; i++) {
    const base = i * S;
    if (P4 > P) v.y.fill(0, base + P, base + P4);
    if (maskDataset) {
      const md = maskIsCoh ? v.sw : maskData!;
      const mbase = maskIsCoh ? base : i * P;
      const cc = maskDataset === 'connectComponent';
      for (let q = 0; q < P; q++) {
        const mv = md[mbase + q];
        const ok = cc ? mv === mv && mv !== 0 : mv === mv && Math.fround(mv) >= maskThr;
        if (!ok) v.y[base + q] = NaN;
      }
    }
    if (hasWeights && !varLut) table.sqrtWeightsInto(v.sw, base, P, v.sw, base, 1);
  }
  if (varLut) kernel.sqrtWeightsVarInPlace();
  else if (!hasWeights) v.sw.fill(1);
  setSkip(v.skip, pixelMask, 0, P);
  kernel.run(P, st.phase2range, 1e-12);
  // the JavaScript path of a flagged pixel reads the masked phase and the √w
  const inPlace: BlockPrep = { ...prep, phase: v.y, coherence: undefined, sqrtW: v.sw, stride: S, maskDataset: null };
  takeKernelResults(st, inPlace, v, S, 0, P);
}

/** One byte per group of four pixels p0 … p0+nb−1: 1 when all four are masked out (or past the end). */
function setSkip(skip: Uint8Array, pixelMask: Uint8Array | null, p0: number, nb: number): void {
  const groups = Math.ceil(nb / 4);
  for (let g = 0; g < groups; g++) {
    let all = 1;
    for (let q = 4 * g; q < 4 * g + 4; q++) if (q < nb && (pixelMask === null || pixelMask[p0 + q] !== 0)) all = 0;
    skip[g] = all;
  }
}

/**
 * The kernel's results for pixels p0 … p0+nb−1 (its buffers hold them from lane 0, `stride` pixels per
 * row) into the tile's outputs, and the pixels it flags recomputed in JavaScript.
 */
function takeKernelResults(
  st: TileState,
  prep: BlockPrep,
  v: KernelViews,
  stride: number,
  p0: number,
  nb: number,
): void {
  const { M, N, P, lambda, fullMinCount, minRed, pixelMask, ts, tcohOut, numOut, stats } = st;
  const shareCount = !st.hasWeights;
  for (let d = 1; d < N; d++) ts.set(v.ts.subarray(d * stride, d * stride + nb), d * P + p0);
  tcohOut.set(v.tcoh.subarray(0, nb), p0);
  numOut.set(v.num.subarray(0, nb), p0);
  for (let q = 0; q < nb; q++) {
    const p = p0 + q;
    const mp = v.num[q];
    const missing = M - mp;
    if ((pixelMask !== null && pixelMask[p] === 0) || mp === 0) {
      // not inverted: every output 0 (as invertBlock leaves it)
      for (let d = 1; d < N; d++) ts[d * P + p] = 0;
      tcohOut[p] = 0;
      numOut[p] = 0;
      continue;
    }
    let redo = v.flags[q] !== 0;
    if (missing >= lambda || fullMinCount - missing < minRed) {
      // the shortcuts do not vouch for this pixel: check redundancy and connectivity as invertBlock
      // does; the kernel's result stands when the pixel passes both (invertBlock would take the same
      // Laplacian path). Too little redundancy: not inverted, as invertBlock leaves it
      const check = pixelChecks(st, v.y, prep.refR, stride, q, missing);
      if (check === 'redundancy') {
        for (let d = 1; d < N; d++) ts[d * P + p] = 0;
        tcohOut[p] = 0;
        numOut[p] = 0;
        continue;
      }
      if (check === 'split') redo = true;
    }
    if (redo) {
      // the JavaScript path for this pixel (it writes every output of the pixel but these two)
      tcohOut[p] = 0;
      numOut[p] = 0;
      fillBlock(st, prep, p, 1);
      invertBlock(st, p, 1);
      continue;
    }
    stats.inverted++;
    stats.laplacian++;
    stats.simd!++;
    if (shareCount && missing === 0) stats.sharedFactor++;
  }
}

/**
 * invertBlock's redundancy and connectivity checks, in its order, for lane q of the kernel's input `y`
 * (raw phase, NaN where masked; pair i at i·stride): 'redundancy' (not inverted), 'split' (the valid
 * pairs do not connect the dates: the minimum-norm path) or 'ok' (the Laplacian path, the kernel's).
 * A pair is valid where its referenced phase is neither 0 nor NaN, as in the kernel.
 */
function pixelChecks(
  st: TileState,
  y: Float32Array,
  refR: Float64Array,
  stride: number,
  q: number,
  missing: number,
): 'ok' | 'redundancy' | 'split' {
  const { M, N, n, minRed, fullMinCount, lambda, colA1, colA2, idx1, idx2, colCount, uf } = st;
  const valid = (i: number): boolean => {
    const v = y[i * stride + q];
    const r = v !== 0 ? Math.fround(v - refR[i]) : v;
    return r === r && r !== 0;
  };
  if (fullMinCount - missing < minRed) {
    colCount.fill(0);
    for (let i = 0; i < M; i++)
      if (valid(i)) {
        colCount[colA1[i]]++;
        colCount[colA2[i]]++;
      }
    let minCount = Infinity;
    for (let c = 0; c < n; c++) if (colCount[c] < minCount) minCount = colCount[c];
    if (minCount < minRed) return 'redundancy';
  }
  if (missing >= lambda) {
    uf.reset();
    let comps = N;
    for (let i = 0; i < M; i++) if (valid(i) && uf.union(idx1[i], idx2[i])) comps--;
    if (comps !== 1) return 'split';
  }
  return 'ok';
}

/** Invert the pixels p0 … p0+nb−1 whose observations are in st.yT / st.swT (pixel-major). */
function invertBlock(st: TileState, p0: number, nb: number): void {
  const { M, N, n, P, useB, hasWeights, forceSvd, minRed, fullMinCount, lambda, refDateIdx, phase2range } = st;
  const { idx1, idx2, colA1, colA2, tbaseDiff, yT, swT, tsT, rows, colCount, lval, lshared, xp, phi, x, y, sw, uf } =
    st;
  const { pixelMask, ts, tcohOut, numOut, stats } = st;
  const { pattern: pat, asm, datePos } = st.lap;
  const compiled = st.compiled;
  // module constants as locals (cheaper in the hot loop)
  const sinT = CIS_SIN;
  const cosT = CIS_COS;
  const invStep = CIS_INV_STEP;
  const step = CIS_STEP;
  const mask = CIS_N - 1;
  const s3 = S3;
  const s5 = S5;
  const c4 = C4;
  const c6 = C6;
  tsT.fill(0, 0, nb * N);

  for (let q = 0; q < nb; q++) {
    const p = p0 + q;
    if (pixelMask !== null && pixelMask[p] === 0) continue;
    const yo = q * M;
    // valid rows; the weighted Laplacian (AᵀWA) and AᵀWy are assembled on the way, with the float32
    // products √w·y of MintPy (√w·(±1) = ±√w exactly)
    let mp = 0;
    lval.fill(0);
    xp.fill(0);
    for (let i = 0; i < M; i++) {
      const v = yT[yo + i];
      if (v !== v) continue;
      rows[mp++] = i;
      const s = swT[yo + i];
      const w = s * s;
      const sy = s * Math.fround(v * s);
      const o = 5 * i;
      lval[asm[o]] += w;
      lval[asm[o + 1]] += w;
      lval[asm[o + 2]] -= w;
      xp[asm[o + 3]] -= sy;
      xp[asm[o + 4]] += sy;
    }
    if (mp === 0) continue;
    const allValid = mp === M;

    // redundancy check on A's columns (the dummy slot n holds the reference date and is ignored);
    // pixels with every pair valid share the network's count, and k invalid pairs lower it by ≤ k
    const missing = M - mp;
    if (fullMinCount - missing < minRed) {
      colCount.fill(0);
      for (let r = 0; r < mp; r++) {
        colCount[colA1[rows[r]]]++;
        colCount[colA2[rows[r]]]++;
      }
      let minCount = Infinity;
      for (let c = 0; c < n; c++) if (colCount[c] < minCount) minCount = colCount[c];
      if (minCount < minRed) continue;
    }

    // connectivity of the valid pairs (fewer invalid pairs than the edge connectivity: still connected)
    let comps = 1;
    if (missing >= lambda) {
      uf.reset();
      comps = N;
      for (let r = 0; r < mp; r++) if (uf.union(idx1[rows[r]], idx2[rows[r]])) comps--;
    }

    let solved = false;
    if (!forceSvd && comps === 1) {
      // connected: sparse Cholesky of the Laplacian; φ directly (B = A·C, so this is also the
      // minimum-norm-velocity solution)
      let lf = lval;
      let ok: boolean;
      if (!hasWeights && allValid) {
        // weightFunc 'no': one factorisation for every complete pixel
        if (!st.shared.ready) {
          st.shared.ready = true;
          lshared.set(lval);
          st.shared.ok = compiled ? compiled.factor(lshared, 1e-12) : choleskyFactor(pat, lshared);
        }
        ok = st.shared.ok;
        lf = lshared;
        if (ok) stats.sharedFactor++;
      } else ok = compiled ? compiled.factor(lval, 1e-12) : choleskyFactor(pat, lval);
      if (ok) {
        if (compiled) compiled.solve(lf, xp);
        else choleskySolvePermuted(pat, lf, xp);
        for (let d = 0; d < N; d++) phi[d] = datePos[d] < 0 ? 0 : xp[datePos[d]];
        if (useB) {
          const f = phi[0];
          if (f !== 0) for (let d = 0; d < N; d++) phi[d] -= f; // time series relative to the first date
        } else for (let k = 0; k < n; k++) x[k] = phi[k < refDateIdx ? k : k + 1];
        solved = true;
        stats.laplacian++;
      }
    }
    if (!solved) {
      // disconnected (minimum norm), pivot failure or the SVD reference path
      for (let r = 0; r < mp; r++) {
        const i = rows[r];
        y[i] = yT[yo + i];
        sw[i] = swT[yo + i];
      }
      st.general.solve(rows, mp, y, sw, comps, uf, forceSvd, x, stats);
      // φ = cumsum(x·Δt) (B) or x with 0 at the reference date (A)
      if (useB) {
        let acc = 0;
        phi[0] = 0;
        for (let k = 0; k < n; k++) {
          acc += x[k] * tbaseDiff[k];
          phi[k + 1] = acc;
        }
      } else for (let d = 0; d < N; d++) phi[d] = d === refDateIdx ? 0 : x[d < refDateIdx ? d : d - 1];
    }
    stats.inverted++;

    // MintPy writes the phase (B: relative to the first date) or x (A: whichever date was the
    // reference, the first date in practice) into ts[1:]
    const to = q * N;
    if (useB) for (let k = 1; k < N; k++) tsT[to + k] = phi[k] * phase2range;
    else for (let k = 0; k < n; k++) tsT[to + k + 1] = x[k] * phase2range;
    // temporal coherence |Σ exp(j·e)|/M_p of the unweighted residuals e = y − (φ[date2] − φ[date1])
    // (table sin/cos, see linalg/cis.ts)
    let re = 0;
    let im = 0;
    for (let r = 0; r < mp; r++) {
      const i = rows[r];
      let e = yT[yo + i] - (phi[idx2[i]] - phi[idx1[i]]);
      if (!(Math.abs(e) <= CIS_BIG)) e -= TWO_PI * Math.round(e / TWO_PI);
      // k = round(e/δ) + 2^20 ≥ 0 (|e| ≤ CIS_BIG keeps it in int32); the table index is k mod CIS_N
      const k = (e * invStep + 1048576.5) | 0;
      const b = e - (k - 1048576) * step;
      const b2 = b * b;
      const sb = b * (1 - b2 * (s3 - b2 * s5));
      const cb = 1 - b2 * (0.5 - b2 * (c4 - b2 * c6));
      const t = k & mask;
      const st0 = sinT[t];
      const ct0 = cosT[t];
      im += st0 * cb + ct0 * sb;
      re += ct0 * cb - st0 * sb;
    }
    tcohOut[p] = Math.sqrt(re * re + im * im) / mp;
    numOut[p] = mp;
  }
  // the block's time series into the date-major output
  for (let d = 1; d < N; d++) {
    const o = d * P + p0;
    for (let q = 0; q < nb; q++) ts[o + q] = tsT[q * N + d];
  }
}
