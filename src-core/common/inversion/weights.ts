/**
 * Coherence → weight for the network inversion (mintpy-algorithms.md §5 step 4; MintPy
 * simulation/decorrelation.py coherence2weight, ifgram_inversion.calc_weight_sqrt).
 *
 * MintPy clips coherence in float32 (NaN → 0.05, < 0.05 → 0.05), computes the weight in float64, casts it
 * to float32 and takes the float32 square root; the inversion scales each row by that √w.
 */
import type { Attrs } from '../../node/formats/h5';

export type WeightFunc = 'var' | 'fim' | 'coh' | 'no';

export const WEIGHT_FUNCS: readonly WeightFunc[] = ['var', 'fim', 'coh', 'no'];

/** MintPy's epsilon for coherence, as float32 (5e-2 compared and assigned in float32). */
const EPS_COH = Math.fround(0.05);

/** Normalise MintPy's accepted spellings ('sbas', 'uniform', 'fisher', 'lin', …) to the four kinds. */
export function parseWeightFunc(s: string): WeightFunc {
  const w = s.trim().toLowerCase();
  if (w.includes('var')) return 'var';
  if (w.includes('coh') || w.includes('lin')) return 'coh';
  if (w.includes('fim') || w.includes('fisher')) return 'fim';
  if (w === 'no' || w === 'sbas' || w === 'uniform') return 'no';
  throw new Error(`un-recognized weight function: "${s}" (expected var, fim, coh or no)`);
}

/**
 * Number of independent looks as MintPy's calc_weight_sqrt: NCORRLOOKS if present, else
 * ALOOKS·RLOOKS/1.94; rounded half-to-even (np.rint), at least 1.
 */
export function numLooksFromAttrs(attrs: Attrs): number {
  let L: number;
  if (attrs.NCORRLOOKS !== undefined && attrs.NCORRLOOKS !== '') L = Number(attrs.NCORRLOOKS);
  else L = (Math.trunc(Number(attrs.ALOOKS ?? 1)) * Math.trunc(Number(attrs.RLOOKS ?? 1))) / 1.94;
  if (!Number.isFinite(L)) throw new Error(`cannot derive the number of looks from NCORRLOOKS/ALOOKS/RLOOKS`);
  return Math.max(rintHalfEven(L), 1);
}

/** numpy.rint: round half to even. */
export function rintHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** Coherence nodes of MintPy's look-up table: linspace(0.005, 1, 200) − 0.0025. */
export function coherenceLutNodes(): Float64Array {
  // numpy.linspace: start + i·step with step = (stop − start)/(num − 1), last element = stop exactly
  const num = 200;
  const start = 0.005;
  const stop = 1.0;
  const step = (stop - start) / (num - 1);
  const out = new Float64Array(num);
  for (let i = 0; i < num; i++) out[i] = (i === num - 1 ? stop : start + i * step) - 0.0025;
  return out;
}

/**
 * Phase variance of distributed scatterers (Tough et al. 1995, eq. 66) on the 200-node coherence grid,
 * for L looks (MintPy caps L at 80 before calling). σ² ≤ 0 → smallest positive entry.
 */
export function phaseVarianceLut(L: number): Float64Array {
  const Li = Math.trunc(L);
  const coh = coherenceLutNodes();
  const num = coh.length;
  // phi = linspace(−π, π, num)
  const phi = new Float64Array(num);
  const phiStep0 = (2 * Math.PI) / (num - 1);
  for (let i = 0; i < num; i++) phi[i] = i === num - 1 ? Math.PI : -Math.PI + i * phiStep0;
  const phiStep = (2 * Math.PI) / num;

  // B = Γ(2L−1)/(Γ(L)²·2^{2(L−1)}) = C(2L−2, L−1)/4^{L−1}
  let Bc = 1;
  for (let k = 1; k <= Li - 1; k++) Bc *= (Li - 1 + k) / (4 * k);
  // D_r coefficients: Γ(L−½)/Γ(L−½−r) · Γ(L−1−r)/Γ(L−1)
  const Dr: number[] = [];
  if (Li > 1) {
    let g1 = 1; // Γ(L−½)/Γ(L−½−r)
    let g2 = 1; // Γ(L−1−r)/Γ(L−1)
    for (let r = 0; r < Li - 1; r++) {
      if (r > 0) {
        g1 *= Li - 0.5 - r;
        g2 /= Li - 1 - r;
      }
      Dr.push(g1 * g2);
    }
  }
  const v = new Float64Array(num);
  for (let c = 0; c < num; c++) {
    const g = coh[c];
    const A = Math.pow(1 - g * g, Li) / (2 * Math.PI);
    let acc = 0;
    for (let i = 0; i < num; i++) {
      const beta = Math.abs(g) * Math.cos(phi[i]);
      const omb = 1 - beta * beta;
      let C = ((2 * Li - 1) * beta) / Math.pow(omb, Li + 0.5);
      C *= Math.PI / 2 + Math.asin(beta);
      C += 1 / Math.pow(omb, Li);
      let sumD = 0;
      if (Li > 1) {
        // (1−β²)^{−(r+2)} by repeated multiplication (Math.pow per term dominates the LUT cost)
        const inv = 1 / omb;
        let p = inv * inv;
        const b2 = beta * beta;
        for (let r = 0; r < Li - 1; r++) {
          sumD += Dr[r] * (1 + (2 * r + 1) * b2) * p;
          p *= inv;
        }
        sumD /= 2 * (Li - 1);
      }
      const pdf = A * (Bc * C + sumD);
      acc += phi[i] * phi[i] * pdf * phiStep;
    }
    v[c] = acc;
  }
  let minPos = Infinity;
  for (let c = 0; c < num; c++) if (v[c] > 0 && v[c] < minPos) minPos = v[c];
  for (let c = 0; c < num; c++) if (!(v[c] > 0)) v[c] = Number.isFinite(minPos) ? minPos : 2.220446049250313e-16;
  return v;
}

/**
 * The var weighting's √w by the coherence's float32 bit pattern, for the SIMD kernel: the bit pattern u
 * (NaN counted as below 0.05) is clamped to [u0, u1] — u0 the largest float32 below 0.05, u1 the
 * smallest at or above the table's last node, the ends of the clipping — and bucket (u − u0) >> shift
 * holds the one √w of every value in it, or NaN when a table node's edge falls inside the bucket (the
 * kernel then computes those values exactly). The table index trunc((c − cmin)/0.005) of the clipped
 * value never decreases as c grows (each IEEE operation is monotone), so a bucket whose first and last
 * values get the same index gets it for all of them. 2^10 values per bucket: ≈ 36,000 buckets (144 KB,
 * within a core's L2 cache), ≈ 1 % of the coherences of a typical image in an edge bucket.
 */
export interface SqrtVarBuckets {
  table: Float32Array;
  u0: number;
  u1: number;
  shift: number;
}

export function sqrtVarBuckets(sqrtWeight: (c: number) => number, cmax: number, shift = 10): SqrtVarBuckets {
  const f = new Float32Array(1);
  const u = new Int32Array(f.buffer);
  f[0] = EPS_COH;
  const u0 = u[0] - 1;
  f[0] = cmax;
  const u1 = f[0] < cmax ? u[0] + 1 : u[0];
  const at = (bits: number): number => {
    u[0] = bits;
    return sqrtWeight(f[0]);
  };
  const n = ((u1 - u0) >> shift) + 1;
  const table = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    const lo = u0 + b * 2 ** shift;
    const hi = Math.min(u1, lo + 2 ** shift - 1);
    const w = at(lo);
    table[b] = at(hi) === w ? w : NaN;
  }
  return { table, u0, u1, shift };
}

const bucketCache = new Map<number, SqrtVarBuckets>();

/** phaseVarianceLut per number of looks, computed once per thread (≈ 5–10 ms each; a pure function). */
const varianceLutCache = new Map<number, Float64Array>();
function cachedVarianceLut(L: number): Float64Array {
  let v = varianceLutCache.get(L);
  if (!v) {
    v = phaseVarianceLut(L);
    varianceLutCache.set(L, v);
  }
  return v;
}

/**
 * A ready-to-use converter coherence (float32) → √weight (float32), built once per tile.
 * For 'no' it returns 1 for every input.
 */
export class WeightTable {
  readonly L: number;
  private readonly varLut: Float64Array | null;
  private readonly cohMin: number;
  private readonly cohMax: number;
  constructor(
    readonly func: WeightFunc,
    numLooks: number,
  ) {
    this.L = Math.max(Math.trunc(numLooks), 1);
    const nodes = coherenceLutNodes();
    this.cohMin = nodes[0];
    this.cohMax = nodes[nodes.length - 1];
    this.varLut = func === 'var' ? cachedVarianceLut(Math.min(this.L, 80)) : null;
    this.sqrtVarLut = this.varLut ? this.varLut.map((v) => Math.fround(Math.sqrt(Math.fround(1 / v)))) : null;
  }
  private readonly sqrtVarLut: Float64Array | null;

  /**
   * The var table's √w (float32 values) and its clip constants, for the SIMD kernel (which computes
   * `sqrtWeightsInto`'s values itself); null for the other weight functions.
   */
  sqrtLutForKernel(): {
    lut: Float64Array;
    eps: number;
    cmin: number;
    cmax: number;
    buckets: SqrtVarBuckets;
  } | null {
    if (!this.sqrtVarLut) return null;
    let buckets = bucketCache.get(this.L);
    if (!buckets) {
      buckets = sqrtVarBuckets((c) => this.sqrtWeight(c), this.cohMax);
      bucketCache.set(this.L, buckets);
    }
    return { lut: this.sqrtVarLut, eps: EPS_COH, cmin: this.cohMin, cmax: this.cohMax, buckets };
  }

  /** Weight w (float64, before MintPy's float32 cast) for one coherence value as MintPy computes it. */
  weight(coherence: number): number {
    let g = Math.fround(coherence);
    if (Number.isNaN(g) || g < EPS_COH) g = EPS_COH;
    switch (this.func) {
      case 'var': {
        let c = g;
        if (c < this.cohMin) c = this.cohMin;
        if (c > this.cohMax) c = this.cohMax;
        const idx = Math.trunc((c - this.cohMin) / 0.005);
        return 1 / this.varLut![idx];
      }
      case 'fim': {
        const c = g > 1 - 1e-3 ? 1 - 1e-3 : g;
        return (2 * this.L * c * c) / (1 - c * c);
      }
      case 'coh':
        return g;
      case 'no':
        return 1;
    }
  }

  /** √w as MintPy feeds the solver: float32 sqrt of the float32 weight. */
  sqrtWeight(coherence: number): number {
    if (this.func === 'no') return 1;
    if (this.sqrtVarLut) {
      let c = Math.fround(coherence);
      if (!(c >= EPS_COH)) c = EPS_COH; // NaN and < 0.05
      if (c < this.cohMin) c = this.cohMin;
      if (c > this.cohMax) c = this.cohMax;
      return this.sqrtVarLut[Math.trunc((c - this.cohMin) / 0.005)];
    }
    return Math.fround(Math.sqrt(Math.fround(this.weight(coherence))));
  }

  /**
   * √w of `count` coherence values coh[base + q] into out[outOff + q·stride] (the same values as
   * `sqrtWeight`, in one tight loop).
   */
  sqrtWeightsInto(
    coh: Float32Array,
    base: number,
    count: number,
    out: Float32Array,
    outOff: number,
    stride: number,
  ): void {
    const lut = this.sqrtVarLut;
    if (!lut) {
      for (let q = 0; q < count; q++) out[outOff + q * stride] = this.sqrtWeight(coh[base + q]);
      return;
    }
    const cmin = this.cohMin;
    const cmax = this.cohMax;
    for (let q = 0; q < count; q++) {
      let c = coh[base + q]; // float32 already
      if (c !== c) c = EPS_COH; // NaN (rare)
      // < 0.05 → 0.05 (≥ cmin), > cmax → cmax; min/max instead of branches (random data mispredicts)
      c = Math.min(Math.max(c, EPS_COH), cmax);
      // index trunc((c − cmin)/0.005) as MintPy; the product with 200 differs from the quotient by a
      // few ulps at most, which only matters right at an integer
      const d = c - cmin;
      const v = d * 200;
      let k = v | 0;
      const f = v - k;
      if (f < 1e-9 || f > 1 - 1e-9) k = Math.trunc(d / 0.005);
      out[outOff + q * stride] = lut[k];
    }
  }
}
