/**
 * Vertical / horizontal products from LOS:
 * - `losToVertical`: d_U = d_LOS / cos(θ) per pixel — a vertical-only ASSUMPTION (no horizontal motion);
 *   our own product, MintPy 1.5.1 has none.
 * - `ascDesc2HorzVert`: MintPy's asc_desc2horz_vert: for each pixel (or window) least squares
 *   d_LOS,i = d_H · sinθ_i · cos(α_i − α_h) + d_V · cosθ_i over ≥ 2 geometries (α_h = −90°: east positive).
 * - `significanceMask`: |v| > k · σ.
 */

const D2R = Math.PI / 180;

export const VERTICAL_ONLY_NOTE =
  'vertical-only assumption: d_U = d_LOS / cos(incidence); horizontal motion is ignored (not a MintPy product)';

/** d_LOS / cos(inc) per pixel (inc in degrees, per pixel or one value); NaN where the inputs are NaN. */
export function losToVertical(los: ArrayLike<number>, incidenceDeg: ArrayLike<number> | number): Float32Array {
  const out = new Float32Array(los.length);
  for (let i = 0; i < los.length; i++) {
    const inc = typeof incidenceDeg === 'number' ? incidenceDeg : incidenceDeg[i];
    out[i] = los[i] / Math.cos(inc * D2R);
  }
  return out;
}

/** Design-matrix row [sinθ·cos(α − α_h), cosθ] in float32 as MintPy's get_design_matrix4horz_vert. */
function gRow(incDeg: number, azDeg: number, horzAz: number): [number, number] {
  return [Math.fround(Math.sin(incDeg * D2R) * Math.cos((azDeg - horzAz) * D2R)), Math.fround(Math.cos(incDeg * D2R))];
}

/** Least-squares (pseudo-inverse) solution of G (m × 2) x = d for several right-hand sides. */
function pinv2(G: [number, number][]): [number[], number[]] {
  // (GᵀG)⁻¹Gᵀ, in float64; G has full column rank for ≥ 2 distinct geometries
  let a = 0;
  let b = 0;
  let c = 0;
  for (const [g0, g1] of G) {
    a += g0 * g0;
    b += g0 * g1;
    c += g1 * g1;
  }
  const det = a * c - b * b;
  const p0: number[] = [];
  const p1: number[] = [];
  for (const [g0, g1] of G) {
    p0.push((c * g0 - b * g1) / det);
    p1.push((-b * g0 + a * g1) / det);
  }
  return [p0, p1];
}

function nanMedian(v: number[]): number {
  const f = v.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  if (!f.length) return NaN;
  const m = f.length >> 1;
  return f.length % 2 ? f[m] : (f[m - 1] + f[m]) / 2;
}

export interface AscDescInput {
  /** LOS maps (m or m/yr), each length × width, same grid */
  los: ArrayLike<number>[];
  /** incidence angle per geometry: one value, or a per-pixel map */
  incidence: (number | ArrayLike<number>)[];
  /** LOS azimuth angle per geometry (MintPy convention), one value or a map */
  azimuth: (number | ArrayLike<number>)[];
  length: number;
  width: number;
  /** horizontal direction of interest, degrees from north anticlockwise (default −90 = east) */
  horzAzimuth?: number;
  /** window for per-pixel geometry (MintPy's --step, default 20; 1 = per pixel) */
  step?: number;
}

/** MintPy's asc_desc2horz_vert: returns the horizontal (east for α_h = −90°) and vertical maps. */
export function ascDesc2HorzVert(inp: AscDescInput): { horz: Float32Array; vert: Float32Array } {
  const { los, length: L, width: W } = inp;
  const m = los.length;
  if (m < 2) throw new RangeError('asc/desc decomposition needs at least 2 LOS geometries');
  const hz = inp.horzAzimuth ?? -90;
  const horz = new Float32Array(L * W).fill(NaN);
  const vert = new Float32Array(L * W).fill(NaN);
  const scalar = inp.incidence.every((x) => typeof x === 'number') && inp.azimuth.every((x) => typeof x === 'number');
  const solveBlock = (G: [number, number][], y0: number, y1: number, x0: number, x1: number): void => {
    const [p0, p1] = pinv2(G);
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = y * W + x;
        let h = 0;
        let v = 0;
        for (let k = 0; k < m; k++) {
          h += p0[k] * los[k][i];
          v += p1[k] * los[k][i];
        }
        horz[i] = h;
        vert[i] = v;
      }
  };
  if (scalar) {
    solveBlock(
      inp.incidence.map((inc, k) => gRow(inc as number, inp.azimuth[k] as number, hz)),
      0,
      L,
      0,
      W,
    );
    return { horz, vert };
  }
  const step = inp.step ?? 20;
  const at = (a: number | ArrayLike<number>, i: number): number => (typeof a === 'number' ? a : a[i]);
  for (let y0 = 0; y0 < L; y0 += step)
    for (let x0 = 0; x0 < W; x0 += step) {
      const y1 = Math.min(y0 + step, L);
      const x1 = Math.min(x0 + step, W);
      const G: [number, number][] = [];
      let ok = true;
      for (let k = 0; k < m; k++) {
        const incs: number[] = [];
        const azs: number[] = [];
        for (let y = y0; y < y1; y++)
          for (let x = x0; x < x1; x++) {
            incs.push(at(inp.incidence[k], y * W + x));
            azs.push(at(inp.azimuth[k], y * W + x));
          }
        const inc = Math.fround(nanMedian(incs));
        const az = Math.fround(nanMedian(azs));
        if (Number.isNaN(inc)) ok = false;
        G.push(gRow(inc, az, hz));
      }
      if (ok) solveBlock(G, y0, y1, x0, x1);
    }
  return { horz, vert };
}

/** 1 where |v| > k·σ (both finite), else 0. */
export function significanceMask(v: ArrayLike<number>, std: ArrayLike<number>, k = 2): Uint8Array {
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]) > k * std[i] ? 1 : 0;
  return out;
}
