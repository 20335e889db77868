/**
 * The synthetic Central-Valley-like scene: static maps (velocity bowl, seasonal amplitude, height, water,
 * lakebed, incidence/azimuth angles), per-date displacement and tropospheric delay, and per-pair
 * unwrapped phase (ARIA sign), coherence and connected components — all evaluated row by row so that
 * any image size runs in bounded memory.
 *
 * Conventions: displacement d is LOS, positive toward the satellite, 0 at the first date. MintPy's phase
 * of date1_date2 is φ_m = −4π/λ·(d2 − d1 − (T2 − T1)) (T = tropospheric delay, m, a path lengthening),
 * and ARIA's phase of the pair `<later>_<earlier>` is its negative: φ_aria = 4π/λ·(Δd − ΔT) + offset + noise.
 */
import { decimalYear, dayOfYear, parseDate } from '../time/dates';
import { demoDates, demoNetwork, type IndexPair } from './network';
import { hashSeed, Rng } from './prng';
import { SmoothField } from './smoothField';
import type { ResolvedDemoOptions } from './options';

/** An axis-aligned ellipse in pixel indices: ((row − row0)/radiusRows)² + ((col − col0)/radiusCols)² ≤ 1. */
export interface Ellipse {
  row: number;
  col: number;
  radiusRows: number;
  radiusCols: number;
}

/** A rectangle of pixel indices [row0, row1) × [col0, col1). */
export interface PixelBox {
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}

export function inEllipse(e: Ellipse, row: number, col: number): boolean {
  const y = (row - e.row) / e.radiusRows;
  const x = (col - e.col) / e.radiusCols;
  return x * x + y * y <= 1;
}

export interface DemoPair {
  /** ARIA name `<later>_<earlier>` */
  name: string;
  /** earlier date (MintPy's date1) and later date (date2) */
  date1: string;
  date2: string;
  /** indices of date1/date2 in `dates` */
  i: number;
  j: number;
  /** perpendicular baseline written to the stack metadata, m */
  bperp: number;
  /** true if an unwrapping-error island (+2π·cycles, connected component 2) was added */
  unwrapError: boolean;
  cycles: number;
  island: Ellipse | null;
  /** true if the no-data patch (phase 0, coherence 0, connected component −1) is in this pair */
  noData: boolean;
  /** the constant added to the whole ARIA phase of this pair, rad */
  offset: number;
}

// stream identifiers for hashSeed (independent random streams per component)
const S_BASE = 1;
const S_TROPO = 2;
const S_PAIRS = 3;
const S_COH_FIELD = 4;
const S_NOISE = 5;
const S_COH_NOISE = 6;

/** Looks of the multilooked interferogram, for the phase-noise standard deviation from coherence. */
const LOOKS = 12;
const GAMMA_LONG = 0.06;
const CONNCOMP_MIN_COH = 0.12;
const TROPO_SPACING_FINE = 10;

/** Static per-pixel maps of a block of rows (row-major, block rows × cols). */
export class StaticBlock {
  readonly velocity: Float64Array;
  readonly seasonalAmp: Float64Array;
  readonly height: Float64Array;
  readonly gamma0: Float64Array;
  readonly tauDays: Float64Array;
  readonly incidence: Float64Array;
  readonly azimuth: Float64Array;
  /** 1 = water */
  readonly water: Uint8Array;
  readonly lakebed: Uint8Array;
  readonly noDataArea: Uint8Array;
  readonly town: Uint8Array;
  constructor(readonly n: number) {
    this.velocity = new Float64Array(n);
    this.seasonalAmp = new Float64Array(n);
    this.height = new Float64Array(n);
    this.gamma0 = new Float64Array(n);
    this.tauDays = new Float64Array(n);
    this.incidence = new Float64Array(n);
    this.azimuth = new Float64Array(n);
    this.water = new Uint8Array(n);
    this.lakebed = new Uint8Array(n);
    this.noDataArea = new Uint8Array(n);
    this.town = new Uint8Array(n);
  }

  private readonly decayCache = new Map<number, Float64Array>();

  /** exp(−span/τ) per pixel, cached per temporal span (a network has few distinct spans). */
  decay(spanDays: number): Float64Array {
    let d = this.decayCache.get(spanDays);
    if (d) return d;
    d = new Float64Array(this.n);
    for (let k = 0; k < this.n; k++) d[k] = Math.exp(-spanDays / this.tauDays[k]);
    if (this.decayCache.size < 12) this.decayCache.set(spanDays, d);
    return d;
  }
}

export class DemoScene {
  readonly rows: number;
  readonly cols: number;
  readonly dates: string[];
  /** years since the first date (days/365.25) */
  readonly t: Float64Array;
  readonly pairs: DemoPair[];
  /** north-west corner of the grid (edge of the first pixel), degrees */
  readonly lat0: number;
  readonly lon0: number;
  readonly water: Ellipse;
  readonly lakebed: Ellipse;
  /** a small town: coherent at all time spans (where MintPy's automatic reference point lands) */
  readonly town: Ellipse;
  readonly noDataBox: PixelBox | null;
  readonly noDataDate: string | null;
  /** d_seasonal(t) = A·(cos 2π(τ − τpeak) − cos 2π(τ0 − τpeak)), τ = decimal year; peak uplift day of year */
  readonly seasonalPeakDoy = 80;
  /** seasonal basis per date (multiply by the amplitude map) */
  readonly seasonalBasis: Float64Array;
  /** least-squares slope (per MintPy decimal year) of the seasonal basis over the dates */
  readonly seasonalBasisSlope: number;
  readonly decYears: Float64Array;
  /** per-date tropospheric parameters */
  private readonly tropoScale: Float64Array;
  private readonly tropoHeightCoef: Float64Array;
  private readonly tropoFine: SmoothField[];
  private readonly tropoCoarse: SmoothField[];
  private readonly cohFields: SmoothField[];
  private readonly velField: SmoothField;
  private readonly heightField: SmoothField;
  private readonly gammaField: SmoothField;
  private readonly tauField: SmoothField;
  private readonly bg = -0.03;

  constructor(readonly o: ResolvedDemoOptions) {
    const { rows, cols, seed } = o;
    this.rows = rows;
    this.cols = cols;
    const round9 = (x: number) => Math.round(x * 1e9) / 1e9;
    this.lat0 = round9(o.centerLat + (rows * o.pixelSize) / 2);
    this.lon0 = round9(o.centerLon - (cols * o.pixelSize) / 2);
    this.dates = demoDates(o.startDate, o.numDates, o.intervalDays);
    const t0 = parseDate(this.dates[0]).getTime();
    this.t = Float64Array.from(this.dates, (d) => (parseDate(d).getTime() - t0) / 86_400_000 / 365.25);
    this.decYears = Float64Array.from(this.dates, (d) => decimalYear(d));

    // seasonal basis over decimal years
    const tau0 = (dayOfYear(parseDate(this.dates[0])) - 1) / 365.25;
    const tp = (this.seasonalPeakDoy - 1) / 365.25;
    this.seasonalBasis = Float64Array.from(this.t, (tt) =>
      o.seasonal ? Math.cos(2 * Math.PI * (tau0 + tt - tp)) - Math.cos(2 * Math.PI * (tau0 - tp)) : 0,
    );
    this.seasonalBasisSlope = lsSlope(this.decYears, this.seasonalBasis);

    // special areas (pixel indices)
    this.lakebed = { row: rows - 0.5, col: -0.5, radiusRows: 0.36 * rows, radiusCols: 0.3 * cols };
    this.water = {
      row: Math.round(0.25 * rows),
      col: Math.round(0.88 * cols),
      radiusRows: Math.max(2.5, 0.07 * rows),
      radiusCols: Math.max(2.5, 0.05 * cols),
    };
    this.town = {
      row: Math.round(0.12 * rows),
      col: Math.round(0.45 * cols),
      radiusRows: Math.max(2.5, 0.06 * rows),
      radiusCols: Math.max(2.5, 0.06 * cols),
    };
    const di = Math.min(o.numDates - 1, Math.floor(o.numDates * 0.65));
    this.noDataDate = o.noDataPatch ? this.dates[di] : null;
    this.noDataBox = o.noDataPatch
      ? { row0: 0, row1: Math.ceil(0.1 * rows), col0: 0, col1: Math.ceil(0.15 * cols) }
      : null;

    // static random fields
    const base = new Rng(hashSeed(seed, S_BASE));
    const big = Math.max(8, Math.round(Math.min(rows, cols) / 5));
    this.velField = new SmoothField(base, rows, cols, big);
    this.heightField = new SmoothField(base, rows, cols, Math.max(6, Math.round(big / 2)));
    this.gammaField = new SmoothField(base, rows, cols, Math.max(6, Math.round(big / 2)));
    this.tauField = new SmoothField(base, rows, cols, big);

    // troposphere per date: turbulence at two scales + a height-correlated (stratified) term
    const fine = Math.max(TROPO_SPACING_FINE, Math.ceil(Math.max(rows, cols) / 250));
    this.tropoScale = new Float64Array(o.numDates);
    this.tropoHeightCoef = new Float64Array(o.numDates);
    this.tropoFine = [];
    this.tropoCoarse = [];
    for (let d = 0; d < o.numDates; d++) {
      const r = new Rng(hashSeed(seed, S_TROPO, d));
      this.tropoScale[d] = o.troposphere ? 0.008 * Math.exp(0.35 * r.normal()) : 0;
      this.tropoHeightCoef[d] = o.troposphere ? 4e-5 * r.normal() : 0;
      this.tropoFine.push(new SmoothField(r, rows, cols, fine));
      this.tropoCoarse.push(new SmoothField(r, rows, cols, 4 * fine));
    }

    // network, baselines, offsets, unwrapping errors
    const net = demoNetwork(o);
    const pr = new Rng(hashSeed(seed, S_PAIRS));
    const b = new Float64Array(o.numDates);
    for (let d = 0; d < o.numDates; d++) b[d] = (d ? 0.5 * b[d - 1] : 0) + 70 * pr.normal();
    const candidates = net
      .map((p, k) => ({ p, k }))
      .filter(({ p }) => p.j - p.i <= Math.max(1, o.neighbours) && !(p.i === 0 && p.j === o.numDates - 1));
    const errors = new Map<number, { cycles: number; island: Ellipse }>();
    const nErr = Math.min(o.unwrapErrorPairs, candidates.length);
    for (let m = 0; m < nErr; m++) {
      const pick = candidates.splice(pr.int(candidates.length), 1)[0];
      const cycles = [1, 1, 1, -1, -1, -1, 2, -2][pr.int(8)];
      const island: Ellipse = {
        row: Math.round(pr.uniform(0.3, 0.55) * rows),
        col: Math.round(pr.uniform(0.3, 0.6) * cols),
        radiusRows: Math.max(2.5, 0.07 * rows),
        radiusCols: Math.max(2.5, 0.07 * cols),
      };
      errors.set(pick.k, { cycles, island });
    }
    this.pairs = net.map((p: IndexPair, k) => {
      const offset = o.phaseOffsets ? pr.uniform(-3 * Math.PI, 3 * Math.PI) : 0;
      const e = errors.get(k);
      const bperp = Number((b[p.j] - b[p.i]).toFixed(4));
      return {
        name: `${this.dates[p.j]}_${this.dates[p.i]}`,
        date1: this.dates[p.i],
        date2: this.dates[p.j],
        i: p.i,
        j: p.j,
        bperp: Object.is(bperp, -0) ? 0 : bperp,
        unwrapError: !!e,
        cycles: e ? e.cycles : 0,
        island: e ? e.island : null,
        noData: this.noDataDate !== null && (p.i === di || p.j === di),
        offset,
      };
    });

    // per-pair smooth coherence variation
    this.cohFields = this.pairs.map(
      (p) => new SmoothField(new Rng(hashSeed(seed, S_COH_FIELD, p.i, p.j)), rows, cols, big),
    );
  }

  /** Fill the static maps of rows [row0, row0 + s.n / cols). */
  fillStatic(row0: number, s: StaticBlock): void {
    const { rows, cols, o } = this;
    const nb = s.n / cols;
    const tmpV = new Float64Array(cols);
    const tmpH = new Float64Array(cols);
    const tmpG = new Float64Array(cols);
    const tmpT = new Float64Array(cols);
    const peak = o.peakVelocity - this.bg;
    for (let rr = 0; rr < nb; rr++) {
      const row = row0 + rr;
      tmpV.fill(0);
      tmpH.fill(0);
      tmpG.fill(0);
      tmpT.fill(0);
      this.velField.addRow(row, tmpV, 1);
      this.heightField.addRow(row, tmpH, 1);
      this.gammaField.addRow(row, tmpG, 1);
      this.tauField.addRow(row, tmpT, 1);
      const y = (row + 0.5) / rows;
      for (let c = 0; c < cols; c++) {
        const k = rr * cols + c;
        const x = (c + 0.5) / cols;
        const ym = (y - 0.59) / 0.3;
        const xm = (x - 0.675) / 0.33;
        const ys = (y - 0.3) / 0.1;
        const xs = (x - 0.25) / 0.08;
        const v =
          this.bg + peak * Math.exp(-0.5 * (ym * ym + xm * xm)) + 0.3 * peak * Math.exp(-0.5 * (ys * ys + xs * xs));
        s.velocity[k] = v + 0.004 * tmpV[c] * Math.sign(peak || 1);
        s.seasonalAmp[k] = o.seasonal ? 0.004 + 0.075 * Math.abs(s.velocity[k]) : 0;
        const lake = inEllipse(this.lakebed, row, c);
        const water = inEllipse(this.water, row, c);
        s.lakebed[k] = lake ? 1 : 0;
        s.water[k] = water ? 1 : 0;
        const town = !water && !lake && inEllipse(this.town, row, c);
        s.town[k] = town ? 1 : 0;
        const nb2 = this.noDataBox;
        s.noDataArea[k] = nb2 && row < nb2.row1 && c < nb2.col1 && row >= nb2.row0 && c >= nb2.col0 ? 1 : 0;
        s.height[k] = lake ? 55 + 2 * tmpH[c] : Math.max(35, 45 + 170 * x * x + 12 * tmpH[c]);
        s.gamma0[k] = town ? 0.97 : lake ? 0.5 : Math.min(0.97, Math.max(0.5, 0.84 + 0.06 * tmpG[c]));
        s.tauDays[k] = town ? 3000 : lake ? 20 : 80 * Math.max(0.4, 1 + 0.25 * tmpT[c]);
        s.incidence[k] = 30.6 + 15.4 * x - 0.07 * y;
        s.azimuth[k] = 192.2 - 0.7 * x - 0.2 * y;
      }
    }
  }

  /**
   * Displacement (m) and tropospheric delay (m) of date `d` for the rows of a static block.
   * disp/tropo are (block rows × cols).
   */
  fillDate(row0: number, d: number, s: StaticBlock, disp: Float64Array, tropo: Float64Array): void {
    const { cols } = this;
    const nb = s.n / cols;
    const t = this.t[d];
    const sb = this.seasonalBasis[d];
    for (let k = 0; k < s.n; k++) disp[k] = s.velocity[k] * t + s.seasonalAmp[k] * sb;
    tropo.fill(0, 0, s.n);
    const sc = this.tropoScale[d];
    if (sc === 0 && this.tropoHeightCoef[d] === 0) return;
    for (let rr = 0; rr < nb; rr++) {
      this.tropoFine[d].addRow(row0 + rr, tropo, sc * 0.35, rr * cols);
      this.tropoCoarse[d].addRow(row0 + rr, tropo, sc * 0.9, rr * cols);
    }
    const hc = this.tropoHeightCoef[d];
    for (let k = 0; k < s.n; k++) tropo[k] += hc * (s.height[k] - 100);
  }

  /**
   * One pair's layers for the rows of a block. `sig` holds per date 4π/λ·(d − T) for the block
   * (sig[d] of length block rows × cols).
   */
  fillPair(
    row0: number,
    pairIndex: number,
    s: StaticBlock,
    sig: readonly Float64Array[],
    phase: Float32Array,
    coh: Float32Array,
    cc: Int16Array,
  ): void {
    const { cols, o } = this;
    const p = this.pairs[pairIndex];
    const nb = s.n / cols;
    const spanDays = (this.t[p.j] - this.t[p.i]) * 365.25;
    const bperpFactor = Math.max(0, 1 - Math.abs(p.bperp) / 4000);
    const decay = s.decay(spanDays);
    const si = sig[p.i];
    const sj = sig[p.j];
    const field = new Float64Array(cols);
    const twoPiK = 2 * Math.PI * p.cycles;
    const nd = p.noData;
    const isl = p.island;
    for (let rr = 0; rr < nb; rr++) {
      const row = row0 + rr;
      field.fill(0);
      this.cohFields[pairIndex].addRow(row, field, 1);
      const noise = new Rng(hashSeed(o.seed, S_NOISE, p.i, p.j, row));
      const cnoise = new Rng(hashSeed(o.seed, S_COH_NOISE, p.i, p.j, row));
      for (let c = 0; c < cols; c++) {
        const k = rr * cols + c;
        const u = cnoise.next();
        const z = o.noise ? noise.normal() : 0;
        if (nd && s.noDataArea[k]) {
          phase[k] = 0;
          coh[k] = 0;
          cc[k] = -1;
          continue;
        }
        if (s.water[k]) {
          phase[k] = 0;
          coh[k] = 0.03 + 0.09 * u;
          cc[k] = 0;
          continue;
        }
        const g0 = s.gamma0[k];
        let g = GAMMA_LONG + (g0 - GAMMA_LONG) * decay[k] * bperpFactor * (1 + 0.1 * field[c]) + 0.03 * (u - 0.5);
        g = g < 0.02 ? 0.02 : g > 0.99 ? 0.99 : g;
        const gf = Math.fround(g);
        const sigma = Math.min(1.2, Math.sqrt((1 - gf * gf) / (2 * LOOKS * gf * gf)));
        let ph = sj[k] - si[k] + p.offset + sigma * z;
        // SNAPHU keeps coherent land in one component even in long pairs; only intrinsically poor ground
        // (the lakebed) that has decorrelated falls out of it
        let comp = g0 <= 0.5 && gf < CONNCOMP_MIN_COH ? 0 : 1;
        if (isl && inEllipse(isl, row, c)) {
          ph += twoPiK;
          comp = 2;
        }
        phase[k] = ph;
        coh[k] = gf;
        cc[k] = comp;
      }
    }
  }

  /** Least-squares linear-fit velocity of the true displacement (no troposphere) over MintPy decimal years. */
  linearFitVelocity(velocity: number, seasonalAmp: number): number {
    const vSlope = lsSlope(this.decYears, this.t);
    return velocity * vSlope + seasonalAmp * this.seasonalBasisSlope;
  }
}

/** Least-squares slope of y on x. */
export function lsSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < n; k++) {
    mx += x[k];
    my += y[k];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
  }
  return sxx > 0 ? sxy / sxx : 0;
}
