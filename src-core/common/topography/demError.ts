/**
 * DEM error (topographic residual) estimation, MintPy 1.5.1 dem_error.py (Fattahi & Amelung 2013), one tile
 * of pixels at a time. Pure: arrays in, arrays out.
 *
 * Per pixel, G = [g, G_defo] with g_i = Bperp_i / (r · sin θ) and G_defo = [1, τ, τ²/2, …, cos, sin per period]
 * (decimal-year τ, MintPy's time-function axis). x = lstsq(G[kept dates], ts[kept dates], cond=1e-8);
 * Δz = x₀, ts_cor = ts − g·Δz, ts_res = ts − G·x (all dates). Pixels not estimated get 0 everywhere.
 *
 * The geometry column differs between pixels only by the factor s = 1/(r·sin θ) (for a per-date Bperp),
 * and scaling one column of G scales the matching unknown inversely, so the pseudo-inverse of the
 * design built with g = Bperp is computed once and Δz = x₀ / s (identical in exact arithmetic, also
 * under the rank cut-off, which is relative to the largest singular value of the same scaled design
 * only when s is uniform; per-pixel 3-D Bperp falls back to one solve per pixel).
 */
import { pinv, lstsqMinNorm, SvdWorkspace } from '../linalg/svd';
import { timeFuncDesign } from '../timefunc/design';
import type { TimeFuncModel } from '../timefunc/model';

/** MintPy's lstsq cut-off for the DEM-error fit. */
export const DEM_ERROR_COND = 1e-8;

export interface DemErrorModel {
  polyOrder: number;
  /** periods in years (dem_error.py --periodic; not settable from the template in 1.5.1) */
  periodic: number[];
  phaseVelocity: boolean;
}

/**
 * The deformation part of the design, G_defo (N × P row-major, float32-rounded like MintPy's), from the
 * dates and CENTER_LINE_UTC. The step-function dates are ignored as in 1.5.1 (its bug: stored under the
 * wrong model key).
 */
export function demErrorDefoDesign(
  dates: readonly string[],
  model: DemErrorModel,
  centerLineUtc: number,
): { G: Float64Array; P: number } {
  const tf: TimeFuncModel = { polynomial: model.polyOrder, periodic: model.periodic, stepDate: [], exp: [], log: [] };
  const G = timeFuncDesign(dates, tf, centerLineUtc);
  return { G, P: model.polyOrder + 1 + 2 * model.periodic.length };
}

/** MintPy's `tbase` for phaseVelocity: float32(days since the first date) / 365.25, float32. */
export function demErrorTbase(dates: readonly string[]): Float64Array {
  const t0 = Date.UTC(+dates[0].slice(0, 4), +dates[0].slice(4, 6) - 1, +dates[0].slice(6, 8));
  return Float64Array.from(dates, (d) => {
    const days = Math.round((Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) - t0) / 86400000);
    return Math.fround(Math.fround(days) / 365.25);
  });
}

export interface DemErrorTileInput {
  /** number of dates */
  N: number;
  /** number of pixels in the tile */
  n: number;
  /** time series, date-major (N × n), metres */
  ts: ArrayLike<number>;
  /** perpendicular baseline per date (N) relative to the reference date, or per date and pixel (N × n) */
  pbase: ArrayLike<number>;
  /** slant range distance [m]: one scene value or per pixel (n) */
  rangeDist: number | ArrayLike<number>;
  /** incidence angle [deg]: one scene value or per pixel (n) */
  incAngle: number | ArrayLike<number>;
  /** temporal coherence per pixel (n), or null when temporalCoherence.h5 is absent */
  tcoh: ArrayLike<number> | null;
  /** dates used in the fit (N) */
  dateFlag: ArrayLike<boolean>;
  /** G_defo, N × P row-major */
  Gdefo: Float64Array;
  P: number;
  phaseVelocity: boolean;
  /** demErrorTbase(dates), needed for phaseVelocity */
  tbase: ArrayLike<number>;
}

export interface DemErrorTileOutput {
  demErr: Float32Array;
  tsCor: Float32Array;
  tsRes: Float32Array;
  /** 1 where the pixel was estimated */
  estimated: Uint8Array;
  numEstimated: number;
}

const f32 = Math.fround;

/** sin(θ) the way MintPy computes it from a float32 (pixelwise) or float64 (scene) angle. */
function sinInc(inc: number, float32: boolean): number {
  if (!float32) return Math.sin((inc * Math.PI) / 180);
  return f32(Math.sin(f32(f32(inc * Math.PI) / 180)));
}

/** Pixels MintPy estimates: nanmean ≠ 0, no NaN, tcoh ≠ 0, and (pixelwise geometry) geometry ≠ 0 / non-NaN. */
export function demErrorPixelMask(inp: DemErrorTileInput): Uint8Array {
  const { N, n, ts, tcoh } = inp;
  const m = new Uint8Array(n);
  const pixRange = typeof inp.rangeDist !== 'number' ? inp.rangeDist : null;
  const pixInc = typeof inp.incAngle !== 'number' ? inp.incAngle : null;
  for (let p = 0; p < n; p++) {
    let sum = 0;
    let cnt = 0;
    let nan = false;
    for (let i = 0; i < N; i++) {
      const v = ts[i * n + p];
      if (Number.isNaN(v)) nan = true;
      else {
        sum += v;
        cnt++;
      }
    }
    let ok = !nan && cnt > 0 && sum / cnt !== 0;
    if (ok && tcoh && tcoh[p] === 0) ok = false;
    if (ok && pixRange && pixInc) {
      const r = pixRange[p];
      const s = sinInc(pixInc[p], true);
      if (r === 0 || Number.isNaN(r) || s === 0 || Number.isNaN(s)) ok = false;
    }
    m[p] = ok ? 1 : 0;
  }
  return m;
}

/** The fit's design rows (kept dates; differenced for phaseVelocity) and the full G0 columns used. */
function fitDesign(
  G0: Float64Array,
  N: number,
  K: number,
  flag: ArrayLike<boolean>,
  phaseVelocity: boolean,
  tbase: ArrayLike<number>,
) {
  const kept: number[] = [];
  for (let i = 0; i < N; i++) if (flag[i]) kept.push(i);
  if (!phaseVelocity) {
    const G = new Float64Array(kept.length * K);
    kept.forEach((i, r) => G.set(G0.subarray(i * K, (i + 1) * K), r * K));
    return { G, rows: kept.length, cols: Array.from({ length: K }, (_, j) => j), kept };
  }
  // differences of consecutive kept dates divided by Δτ, constant column (index 1) dropped
  const cols = [0, ...Array.from({ length: K - 2 }, (_, j) => j + 2)];
  const rows = kept.length - 1;
  const G = new Float64Array(rows * cols.length);
  for (let r = 0; r < rows; r++) {
    const a = kept[r];
    const b = kept[r + 1];
    const dt = f32(tbase[b] - tbase[a]);
    cols.forEach((c, j) => (G[r * cols.length + j] = f32(f32(G0[b * K + c] - G0[a * K + c]) / dt)));
  }
  return { G, rows, cols, kept };
}

/** Estimate the DEM error for one tile (see the file comment). */
export function demErrorTile(inp: DemErrorTileInput): DemErrorTileOutput {
  const { N, n, ts, Gdefo, P, phaseVelocity, tbase, dateFlag } = inp;
  const K = P + 1;
  const estimated = demErrorPixelMask(inp);
  const demErr = new Float32Array(n);
  const tsCor = new Float32Array(N * n);
  const tsRes = new Float32Array(N * n);
  const pix3d = inp.pbase.length === N * n && n > 1;
  const pixGeom = typeof inp.rangeDist !== 'number';

  // unit-geometry design: column 0 = Bperp (scene) — scaled per pixel below
  const G0u = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    G0u[i * K] = pix3d ? 0 : inp.pbase[i];
    for (let j = 0; j < P; j++) G0u[i * K + 1 + j] = Gdefo[i * P + j];
  }
  const scale = (p: number): number => {
    const r = pixGeom ? (inp.rangeDist as ArrayLike<number>)[p] : (inp.rangeDist as number);
    const inc = pixGeom ? (inp.incAngle as ArrayLike<number>)[p] : (inp.incAngle as number);
    const rs = pixGeom ? f32(r * sinInc(inc, true)) : r * sinInc(inc, false);
    return rs; // g = f32(Bperp / rs)
  };

  let design = fitDesign(G0u, N, K, dateFlag, phaseVelocity, tbase);
  let pv = pix3d ? null : pinv(design.G, design.rows, design.cols.length, DEM_ERROR_COND).p;
  const C = design.cols.length;
  const y = new Float64Array(design.rows);
  const x = new Float64Array(C);
  const g = new Float64Array(N);
  const ws = pix3d ? new SvdWorkspace(design.rows, C) : null;
  let numEstimated = 0;

  for (let p = 0; p < n; p++) {
    if (!estimated[p]) continue;
    numEstimated++;
    const rs = scale(p);
    for (let i = 0; i < N; i++) g[i] = f32((pix3d ? inp.pbase[i * n + p] : inp.pbase[i]) / rs);
    // observations of the fit
    const { kept } = design;
    if (!phaseVelocity) for (let r = 0; r < kept.length; r++) y[r] = ts[kept[r] * n + p];
    else
      for (let r = 0; r < kept.length - 1; r++) {
        const a = kept[r];
        const b = kept[r + 1];
        y[r] = f32(f32(ts[b * n + p] - ts[a * n + p]) / f32(tbase[b] - tbase[a]));
      }
    if (pix3d) {
      // per-pixel design with its own geometry column
      for (let i = 0; i < N; i++) G0u[i * K] = g[i];
      design = fitDesign(G0u, N, K, dateFlag, phaseVelocity, tbase);
      lstsqMinNorm(design.G, design.rows, C, y, x, DEM_ERROR_COND, ws!);
    } else {
      for (let j = 0; j < C; j++) {
        let s = 0;
        const o = j * design.rows;
        for (let r = 0; r < design.rows; r++) s += pv![o + r] * y[r];
        x[j] = s;
      }
      // unknown of the column g = Bperp/rs is x₀·rs (x₀ solved against Bperp)
      x[0] *= rs;
    }
    const dz = f32(x[0]);
    demErr[p] = dz;
    for (let i = 0; i < N; i++) {
      const v = ts[i * n + p];
      tsCor[i * n + p] = f32(v - g[i] * dz);
      let model = g[i] * x[0];
      for (let c = 1; c < C; c++) model += Gdefo[i * P + design.cols[c] - 1] * x[c];
      tsRes[i * n + p] = f32(v - model);
    }
  }
  pv = null;
  return { demErr, tsCor, tsRes, estimated, numEstimated };
}
