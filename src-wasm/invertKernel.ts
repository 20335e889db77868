/**
 * WebAssembly SIMD kernel of the network inversion (AssemblyScript; built by `npm run build:wasm` into
 * src-core/common/inversion/wasm/invertKernelWasm.ts). It does, four pixels at a time (two f64x2 per
 * value), exactly the arithmetic of the JavaScript kernel's fast path (src-core/common/inversion/
 * invertTile.ts → invertBlock): referencing in float32, the weighted graph Laplacian assembled pair by
 * pair in pair order, the sparse Cholesky factorisation and solves in the order of the generated
 * programs (linalg/sparseCholesky.ts), the time series, and the temporal coherence with the table
 * sin/cos of linalg/cis.ts. IEEE-754 double operations give the same bits in both engines (no fused
 * multiply–add is used), so the results are bit-identical to the JavaScript path; the tests check it.
 *
 * Invalid observations (phase 0 or NaN after referencing) get √w = 0, so they add exact zeros to the
 * Laplacian and to the coherence sums — the same sums as skipping them. Pixels the fast path cannot
 * take (no valid pair, too few valid pairs for the redundancy / connectivity shortcuts, a failed pivot,
 * a huge residual) are flagged; the caller recomputes those with the JavaScript kernel.
 *
 * Memory is laid out by the caller (invertWasm.ts); every pointer is a byte offset. Programs hold byte
 * offsets into the scratch arrays, whose values are 32 bytes wide (four f64 lanes).
 */

// ---- plan header (i32 words at `plan`)
const P_M = 0;
const P_N = 4;
const P_NPOS = 8; // n + 1 (solution positions incl. the dummy)
const P_NSLOT = 12; // nnz + 1 (factor slots incl. the dummy)
const P_ASM = 16; // i32[5M]: slot offsets (diag 1, diag 2, off-diagonal) and position offsets (1, 2)
const P_FAC = 20; // factor program
const P_FWD = 24; // forward solve program
const P_BWD = 28; // backward solve program
const P_DATEPOS = 32; // i32[N]: offset of each date's position in X, −1 = reference date (φ = 0)
const P_IDX = 36; // i32[2M]: offsets of each pair's dates in PHI
const P_L = 40; // scratch: factor values, NSLOT × 32 bytes
const P_X = 44; // scratch: right-hand side / solution, NPOS × 32
const P_PHI = 48; // scratch: φ per date, N × 32
const P_REF = 52; // f32[M]: reference phase
const P_CIS = 56; // f64[2·256]: sin, cos of each table angle, interleaved (one v128 per angle)
const P_NFAC = 64; // number of factor slots in the program (nnz)
const P_NROW = 68; // n (rows of the factor)
const P_LUT = 72; // f32[200]: √w of MintPy's var look-up table (0 = no table)
const P_VTAB = 76; // f32[]: √w per bucket of coherence bit patterns (NaN: compute exactly)
const P_VU0 = 80; // i32: bit pattern of the first bucket's first value (the largest float32 below 0.05)
const P_VU1 = 84; // i32: the last bit pattern before the clipping at the table's last node
const P_VSHIFT = 88; // i32: log2 of the values per bucket

// ---- flags per pixel (i32)
export const FLAG_PIVOT: i32 = 1;
export const FLAG_BIG: i32 = 2;

// cis.ts constants
const CIS_INV_STEP: f64 = 256.0 / (2.0 * Math.PI);
const CIS_STEP: f64 = (2.0 * Math.PI) / 256.0;
const S3: f64 = 1.0 / 6.0;
const S5: f64 = 1.0 / 120.0;
const C4: f64 = 1.0 / 24.0;
const C6: f64 = 1.0 / 720.0;
const CIS_BIG: f64 = 1e4;

function hdr(plan: usize, field: usize): i32 {
  return load<i32>(plan + field);
}

/** √w of the var weighting of one coherence value, as WeightTable.sqrtWeightsInto computes it. */
function sqrtWeightVarExact(c0: f64, lut: usize, epsCoh: f64, cmin: f64, cmax: f64): f32 {
  let c = c0;
  if (c != c) c = epsCoh;
  c = Math.min(Math.max(c, epsCoh), cmax);
  const d = c - cmin;
  const v = d * 200.0;
  let k = <i32>v;
  const f = v - <f64>k;
  if (f < 1e-9 || f > 1.0 - 1e-9) k = <i32>Math.trunc(d / 0.005);
  return load<f32>(lut + ((<usize>k) << 2));
}

/**
 * √w of MintPy's var weighting for `count` float32 coherences at `coh` into `out` (float32; may be the
 * same place), exactly as WeightTable.sqrtWeightsInto: NaN → 0.05, clip to [0.05, cmax], index
 * trunc((c − cmin)/0.005). Four at a time from the bucket table (weights.ts sqrtVarBuckets): the bit
 * pattern, clamped, picks the bucket; a lane whose bucket straddles a node's edge is computed exactly.
 */
export function sqrtWeightsVar(
  plan: usize,
  coh: usize,
  out: usize,
  count: i32,
  epsCoh: f64,
  cmin: f64,
  cmax: f64,
): void {
  const lut = <usize>hdr(plan, P_LUT);
  const tab = <usize>hdr(plan, P_VTAB);
  const U0 = i32x4.splat(hdr(plan, P_VU0));
  const U1 = i32x4.splat(hdr(plan, P_VU1));
  const INF = i32x4.splat(0x7f800000);
  const sh = hdr(plan, P_VSHIFT);
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const p = coh + ((<usize>q) << 2);
    let u = v128.load(p);
    u = v128.bitselect(U0, u, i32x4.gt_s(u, INF)); // NaN: as below 0.05 (negative values are)
    u = i32x4.min_s(i32x4.max_s(u, U0), U1);
    const b = i32x4.shl(i32x4.shr_u(i32x4.sub(u, U0), sh), 2);
    let r = v128.load32_zero(tab + <usize>i32x4.extract_lane(b, 0));
    r = v128.load32_lane(tab + <usize>i32x4.extract_lane(b, 1), r, 1);
    r = v128.load32_lane(tab + <usize>i32x4.extract_lane(b, 2), r, 2);
    r = v128.load32_lane(tab + <usize>i32x4.extract_lane(b, 3), r, 3);
    const edge = f32x4.ne(r, r);
    if (v128.any_true(edge)) {
      if (i32x4.extract_lane(edge, 0) != 0)
        r = f32x4.replace_lane(r, 0, sqrtWeightVarExact(<f64>load<f32>(p), lut, epsCoh, cmin, cmax));
      if (i32x4.extract_lane(edge, 1) != 0)
        r = f32x4.replace_lane(r, 1, sqrtWeightVarExact(<f64>load<f32>(p, 4), lut, epsCoh, cmin, cmax));
      if (i32x4.extract_lane(edge, 2) != 0)
        r = f32x4.replace_lane(r, 2, sqrtWeightVarExact(<f64>load<f32>(p, 8), lut, epsCoh, cmin, cmax));
      if (i32x4.extract_lane(edge, 3) != 0)
        r = f32x4.replace_lane(r, 3, sqrtWeightVarExact(<f64>load<f32>(p, 12), lut, epsCoh, cmin, cmax));
    }
    v128.store(out + ((<usize>q) << 2), r);
  }
  for (; q < count; q++)
    store<f32>(
      out + ((<usize>q) << 2),
      sqrtWeightVarExact(<f64>load<f32>(coh + ((<usize>q) << 2)), lut, epsCoh, cmin, cmax),
    );
}

/**
 * Invert `numGroups` groups of four pixels. `y` and `sw` are float32, pair-major with a row stride of
 * `stride` pixels (y: raw phase, NaN where a mask removed the observation; sw: √w); both are only
 * read, so they may be a whole tile in place (stride = the tile's padded row length). `skip` holds one byte per group (1 = all four pixels
 * are masked out). Outputs: `ts` float32, date-major with the same stride (date 0 is written 0),
 * `tcoh`, `num` float32 and `flags` i32 per pixel.
 */
export function invertGroups(
  plan: usize,
  numGroups: i32,
  stride: i32,
  y: usize,
  sw: usize,
  skip: usize,
  ts: usize,
  tcoh: usize,
  num: usize,
  flags: usize,
  phase2range: f64,
  relTol: f64,
): void {
  const M = hdr(plan, P_M);
  const N = hdr(plan, P_N);
  const nslot = hdr(plan, P_NSLOT);
  const npos = hdr(plan, P_NPOS);
  const asm = <usize>hdr(plan, P_ASM);
  const L = <usize>hdr(plan, P_L);
  const X = <usize>hdr(plan, P_X);
  const PHI = <usize>hdr(plan, P_PHI);
  const ref = <usize>hdr(plan, P_REF);
  const rowBytes = (<usize>stride) << 2;

  for (let g = 0; g < numGroups; g++) {
    const lane = (<usize>g) << 4; // 4 float32 lanes
    if (load<u8>(skip + <usize>g) != 0) {
      for (let d = 0; d < N; d++) v128.store(ts + <usize>d * rowBytes + lane, f32x4.splat(0));
      v128.store(tcoh + lane, f32x4.splat(0));
      v128.store(num + lane, f32x4.splat(0));
      v128.store(flags + lane, i32x4.splat(0));
      continue;
    }
    memory.fill(L, 0, (<usize>nslot) << 5);
    memory.fill(X, 0, (<usize>npos) << 5);

    // 1. referencing (float32), validity, √w masked; Laplacian and right-hand side, pair by pair
    let mpv = i32x4.splat(0);
    let yp = y + lane;
    let sp = sw + lane;
    let ap = asm;
    for (let i = 0; i < M; i++) {
      const v = v128.load(yp);
      const r = f32x4.splat(load<f32>(ref + ((<usize>i) << 2)));
      let yv = v128.bitselect(f32x4.sub(v, r), v, f32x4.ne(v, f32x4.splat(0)));
      const valid = v128.and(f32x4.eq(yv, yv), f32x4.ne(yv, f32x4.splat(0)));
      yv = v128.and(yv, valid);
      const s = v128.and(v128.load(sp), valid);
      mpv = i32x4.sub(mpv, valid);
      const ys = f32x4.mul(yv, s);
      const sHi4 = i32x4.shuffle(s, s, 2, 3, 2, 3);
      const ysHi4 = i32x4.shuffle(ys, ys, 2, 3, 2, 3);
      const sLo = f64x2.promote_low_f32x4(s);
      const sHi = f64x2.promote_low_f32x4(sHi4);
      const wLo = f64x2.mul(sLo, sLo);
      const wHi = f64x2.mul(sHi, sHi);
      const syLo = f64x2.mul(sLo, f64x2.promote_low_f32x4(ys));
      const syHi = f64x2.mul(sHi, f64x2.promote_low_f32x4(ysHi4));
      const o1 = L + <usize>load<i32>(ap);
      const o2 = L + <usize>load<i32>(ap, 4);
      const o3 = L + <usize>load<i32>(ap, 8);
      const p1 = X + <usize>load<i32>(ap, 12);
      const p2 = X + <usize>load<i32>(ap, 16);
      v128.store(o1, f64x2.add(v128.load(o1), wLo));
      v128.store(o1, f64x2.add(v128.load(o1, 16), wHi), 16);
      v128.store(o2, f64x2.add(v128.load(o2), wLo));
      v128.store(o2, f64x2.add(v128.load(o2, 16), wHi), 16);
      v128.store(o3, f64x2.sub(v128.load(o3), wLo));
      v128.store(o3, f64x2.sub(v128.load(o3, 16), wHi), 16);
      v128.store(p1, f64x2.sub(v128.load(p1), syLo));
      v128.store(p1, f64x2.sub(v128.load(p1, 16), syHi), 16);
      v128.store(p2, f64x2.add(v128.load(p2), syLo));
      v128.store(p2, f64x2.add(v128.load(p2, 16), syHi), 16);
      yp += rowBytes;
      sp += rowBytes;
      ap += 20;
    }

    // 2. factorisation: per slot [count, (a, b) × count, divisor offset or −1 for a diagonal]
    let failLo = v128.splat<i64>(0);
    let failHi = v128.splat<i64>(0);
    const relT = f64x2.splat(relTol);
    const zero = f64x2.splat(0);
    const one = f64x2.splat(1);
    let fp = <usize>hdr(plan, P_FAC);
    const nfac = hdr(plan, P_NFAC);
    let e = L;
    for (let k = 0; k < nfac; k++) {
      const cnt = load<i32>(fp);
      fp += 4;
      const d0 = v128.load(e);
      const d1 = v128.load(e, 16);
      let s0 = d0;
      let s1 = d1;
      for (let c = 0; c < cnt; c++) {
        const a = L + <usize>load<i32>(fp);
        const b = L + <usize>load<i32>(fp, 4);
        s0 = f64x2.sub(s0, f64x2.mul(v128.load(a), v128.load(b)));
        s1 = f64x2.sub(s1, f64x2.mul(v128.load(a, 16), v128.load(b, 16)));
        fp += 8;
      }
      const div = load<i32>(fp);
      fp += 4;
      if (div >= 0) {
        const dv = L + <usize>div;
        v128.store(e, f64x2.mul(s0, v128.load(dv)));
        v128.store(e, f64x2.mul(s1, v128.load(dv, 16)), 16);
      } else {
        // !(s > relTol·d) || !(s > 0)
        const ok0 = v128.and(f64x2.gt(s0, f64x2.mul(relT, d0)), f64x2.gt(s0, zero));
        const ok1 = v128.and(f64x2.gt(s1, f64x2.mul(relT, d1)), f64x2.gt(s1, zero));
        failLo = v128.or(failLo, v128.not(ok0));
        failHi = v128.or(failHi, v128.not(ok1));
        v128.store(e, f64x2.div(one, f64x2.sqrt(s0)));
        v128.store(e, f64x2.div(one, f64x2.sqrt(s1)), 16);
      }
      e += 32;
    }

    // 3. forward solve: per row [count, (l, b) × count, diagonal]; row j's value lives at X + 32·j
    let pp = <usize>hdr(plan, P_FWD);
    const nrow = hdr(plan, P_NROW);
    let xj = X;
    for (let j = 0; j < nrow; j++) {
      const cnt = load<i32>(pp);
      pp += 4;
      let s0 = v128.load(xj);
      let s1 = v128.load(xj, 16);
      for (let c = 0; c < cnt; c++) {
        const l = L + <usize>load<i32>(pp);
        const b = X + <usize>load<i32>(pp, 4);
        s0 = f64x2.sub(s0, f64x2.mul(v128.load(l), v128.load(b)));
        s1 = f64x2.sub(s1, f64x2.mul(v128.load(l, 16), v128.load(b, 16)));
        pp += 8;
      }
      const dg = L + <usize>load<i32>(pp);
      pp += 4;
      v128.store(xj, f64x2.mul(s0, v128.load(dg)));
      v128.store(xj, f64x2.mul(s1, v128.load(dg, 16)), 16);
      xj += 32;
    }
    // backward: rows n−1 … 0: [count, diagonal, (l, b) × count]
    pp = <usize>hdr(plan, P_BWD);
    xj = X + ((<usize>(nrow - 1)) << 5);
    for (let j = nrow - 1; j >= 0; j--) {
      const cnt = load<i32>(pp);
      const dg = L + <usize>load<i32>(pp, 4);
      pp += 8;
      const x0 = f64x2.mul(v128.load(xj), v128.load(dg));
      const x1 = f64x2.mul(v128.load(xj, 16), v128.load(dg, 16));
      v128.store(xj, x0);
      v128.store(xj, x1, 16);
      for (let c = 0; c < cnt; c++) {
        const l = L + <usize>load<i32>(pp);
        const b = X + <usize>load<i32>(pp, 4);
        v128.store(b, f64x2.sub(v128.load(b), f64x2.mul(v128.load(l), x0)));
        v128.store(b, f64x2.sub(v128.load(b, 16), f64x2.mul(v128.load(l, 16), x1)), 16);
        pp += 8;
      }
      xj -= 32;
    }

    // 4. φ per date (the reference date is the first date: φ = 0 there), time series in metres
    const dpos = <usize>hdr(plan, P_DATEPOS);
    const p2r = f64x2.splat(phase2range);
    for (let d = 0; d < N; d++) {
      const off = load<i32>(dpos + ((<usize>d) << 2));
      const ph = PHI + ((<usize>d) << 5);
      let v0 = zero;
      let v1 = zero;
      if (off >= 0) {
        v0 = v128.load(X + <usize>off);
        v1 = v128.load(X + <usize>off, 16);
      }
      v128.store(ph, v0);
      v128.store(ph, v1, 16);
      if (d == 0) v128.store(ts + lane, f32x4.splat(0));
      else {
        const t0 = f32x4.demote_f64x2_zero(f64x2.mul(v0, p2r));
        const t1 = f32x4.demote_f64x2_zero(f64x2.mul(v1, p2r));
        v128.store(ts + <usize>d * rowBytes + lane, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      }
    }

    // 5. temporal coherence |Σ exp(j·e)| / M_p over the valid pairs (table sin/cos of cis.ts)
    const cisT = <usize>hdr(plan, P_CIS);
    const idx = <usize>hdr(plan, P_IDX);
    let re0 = zero;
    let re1 = zero;
    let im0 = zero;
    let im1 = zero;
    let bigLo = v128.splat<i64>(0);
    let bigHi = v128.splat<i64>(0);
    const invStep = f64x2.splat(CIS_INV_STEP);
    const step = f64x2.splat(CIS_STEP);
    const half = f64x2.splat(1048576.5);
    const shift = f64x2.splat(1048576.0);
    const big = f64x2.splat(CIS_BIG);
    const s3 = f64x2.splat(S3);
    const s5 = f64x2.splat(S5);
    const c4 = f64x2.splat(C4);
    const c6 = f64x2.splat(C6);
    const hf = f64x2.splat(0.5);
    // the referenced observations and their validity again, as in 1 (the inputs are left as they were)
    yp = y + lane;
    let ip = idx;
    for (let i = 0; i < M; i++) {
      const v = v128.load(yp);
      const r = f32x4.splat(load<f32>(ref + ((<usize>i) << 2)));
      const yv = v128.bitselect(f32x4.sub(v, r), v, f32x4.ne(v, f32x4.splat(0)));
      const valid4 = v128.and(f32x4.eq(yv, yv), f32x4.ne(yv, f32x4.splat(0)));
      const yHi4 = i32x4.shuffle(yv, yv, 2, 3, 2, 3);
      const ph1 = PHI + <usize>load<i32>(ip);
      const ph2 = PHI + <usize>load<i32>(ip, 4);
      for (let h = 0; h < 2; h++) {
        // invalid lanes (NaN or 0) give a term that the mask below turns into +0, as before
        const yy = f64x2.promote_low_f32x4(h == 0 ? yv : yHi4);
        const valid = h == 0 ? i64x2.extend_low_i32x4_s(valid4) : i64x2.extend_high_i32x4_s(valid4);
        const e =
          h == 0
            ? f64x2.sub(yy, f64x2.sub(v128.load(ph2), v128.load(ph1)))
            : f64x2.sub(yy, f64x2.sub(v128.load(ph2, 16), v128.load(ph1, 16)));
        const isBig = v128.and(valid, v128.not(f64x2.le(f64x2.abs(e), big)));
        const kk = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(e, invStep), half));
        const b = f64x2.sub(e, f64x2.mul(f64x2.sub(f64x2.convert_low_i32x4_s(kk), shift), step));
        const b2 = f64x2.mul(b, b);
        const sb = f64x2.mul(b, f64x2.sub(one, f64x2.mul(b2, f64x2.sub(s3, f64x2.mul(b2, s5)))));
        const cb = f64x2.sub(one, f64x2.mul(b2, f64x2.sub(hf, f64x2.mul(b2, f64x2.sub(c4, f64x2.mul(b2, c6))))));
        // [sin, cos] of each lane's table angle: one load per lane, then the lanes regrouped
        const c0 = v128.load(cisT + ((<usize>(i32x4.extract_lane(kk, 0) & 255)) << 4));
        const c1 = v128.load(cisT + ((<usize>(i32x4.extract_lane(kk, 1) & 255)) << 4));
        const st = i64x2.shuffle(c0, c1, 0, 2);
        const ct = i64x2.shuffle(c0, c1, 1, 3);
        const tIm = v128.and(f64x2.add(f64x2.mul(st, cb), f64x2.mul(ct, sb)), valid);
        const tRe = v128.and(f64x2.sub(f64x2.mul(ct, cb), f64x2.mul(st, sb)), valid);
        if (h == 0) {
          im0 = f64x2.add(im0, tIm);
          re0 = f64x2.add(re0, tRe);
          bigLo = v128.or(bigLo, isBig);
        } else {
          im1 = f64x2.add(im1, tIm);
          re1 = f64x2.add(re1, tRe);
          bigHi = v128.or(bigHi, isBig);
        }
      }
      yp += rowBytes;
      ip += 8;
    }
    const mp0 = f64x2.convert_low_i32x4_s(mpv);
    const mp1 = f64x2.convert_low_i32x4_s(i32x4.shuffle(mpv, mpv, 2, 3, 2, 3));
    const tc0 = f64x2.div(f64x2.sqrt(f64x2.add(f64x2.mul(re0, re0), f64x2.mul(im0, im0))), mp0);
    const tc1 = f64x2.div(f64x2.sqrt(f64x2.add(f64x2.mul(re1, re1), f64x2.mul(im1, im1))), mp1);
    v128.store(tcoh + lane, i32x4.shuffle(f32x4.demote_f64x2_zero(tc0), f32x4.demote_f64x2_zero(tc1), 0, 1, 4, 5));
    v128.store(num + lane, f32x4.convert_i32x4_s(mpv));
    // flags: 64-bit lane masks → 32-bit lanes (take the low word of each)
    const pivot = i32x4.shuffle(failLo, failHi, 0, 2, 4, 6);
    const bigm = i32x4.shuffle(bigLo, bigHi, 0, 2, 4, 6);
    v128.store(flags + lane, v128.or(v128.and(pivot, i32x4.splat(FLAG_PIVOT)), v128.and(bigm, i32x4.splat(FLAG_BIG))));
  }
}
