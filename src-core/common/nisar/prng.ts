/**
 * A small seeded generator for the validation's random draws (Method 2 sampling, variogram subsets).
 *
 * The notebooks use numpy's legacy global generator with seed 1 (`np.random.seed(1);
 * np.random.choice(n, k, replace=False)`), i.e. a Mersenne-Twister permutation: those exact draws cannot
 * be reproduced here (and are not meant to be). What is reproduced is the statistic: k distinct pixels
 * drawn uniformly without replacement, the same ones for the same seed on every run and platform.
 *
 * Generator: PCG32 (XSH-RR, 64-bit LCG state in two 32-bit halves, BigInt-free).
 */
export class SeededRandom {
  private hi = 0;
  private lo = 0;
  constructor(seed: number) {
    // state = 0; step; state += seed; step  (PCG reference seeding with inc = 1442695040888963407)
    this.step();
    const s = Math.trunc(seed);
    this.add(Math.floor(s / 0x100000000) >>> 0, s >>> 0);
    this.step();
  }

  private add(h: number, l: number): void {
    const sum = this.lo + l;
    this.lo = sum >>> 0;
    this.hi = (this.hi + h + (sum > 0xffffffff ? 1 : 0)) >>> 0;
  }

  /** state = state · 6364136223846793005 + 1442695040888963407 (mod 2^64) */
  private step(): void {
    const mHi = 0x5851f42d;
    const mLo = 0x4c957f2d;
    const aLo = this.lo;
    const aHi = this.hi;
    // 64-bit product of (aHi,aLo)·(mHi,mLo) mod 2^64, via 16-bit limbs for the low word
    const a0 = aLo & 0xffff;
    const a1 = aLo >>> 16;
    const m0 = mLo & 0xffff;
    const m1 = mLo >>> 16;
    const p00 = a0 * m0;
    const p01 = a0 * m1;
    const p10 = a1 * m0;
    const p11 = a1 * m1;
    const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    const lo = ((mid & 0xffff) << 16) | (p00 & 0xffff);
    const carry = (mid >>> 16) + (p01 >>> 16) + (p10 >>> 16) + p11;
    const hi = (carry + Math.imul(aHi, mLo) + Math.imul(aLo, mHi)) >>> 0;
    this.lo = lo >>> 0;
    this.hi = hi;
    this.add(0x14057b7e, 0xf767814f);
  }

  /** next uniform 32-bit unsigned integer */
  nextU32(): number {
    const oldHi = this.hi;
    const oldLo = this.lo;
    this.step();
    // xorshifted = ((old >> 18) ^ old) >> 27, as uint32; rot = old >> 59
    const xHi = (oldHi ^ (oldHi >>> 18)) >>> 0;
    const xLo = (oldLo ^ ((oldLo >>> 18) | (oldHi << 14))) >>> 0;
    const xs = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = oldHi >>> 27;
    return ((xs >>> rot) | (xs << ((32 - rot) & 31))) >>> 0;
  }

  /** uniform float in [0, 1) with 53 random bits */
  next(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** uniform integer in [0, n), n ≤ 2^32, without modulo bias */
  int(n: number): number {
    if (!(n >= 1 && n <= 0x100000000)) throw new Error(`SeededRandom.int: n = ${n} out of range`);
    const lim = Math.floor(0x100000000 / n) * n;
    let v: number;
    do v = this.nextU32();
    while (v >= lim);
    return v % n;
  }

  /** standard normal (Box–Muller), for synthetic tests */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/**
 * k distinct indices of [0, n) in draw order (partial Fisher–Yates); all n (shuffled) when k ≥ n.
 * Dense for n ≤ 2^24, otherwise a sparse swap map so memory stays O(k).
 */
export function sampleWithoutReplacement(n: number, k: number, rng: SeededRandom): Int32Array {
  const m = Math.min(n, k);
  const out = new Int32Array(m);
  if (n <= 1 << 24) {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(n - i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
      out[i] = a[i];
    }
  } else {
    const swapped = new Map<number, number>();
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(n - i);
      const vi = swapped.get(i) ?? i;
      const vj = swapped.get(j) ?? j;
      swapped.set(j, vi);
      out[i] = vj;
    }
  }
  return out;
}
