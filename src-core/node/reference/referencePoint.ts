/**
 * Reference pixel rules (MintPy reference_point.py 1.5.1, mintpy-algorithms.md §4), pure:
 * - a user point must lie inside the grid, have mask ≠ 0 in the reference mask file (maskConnComp.h5 by
 *   default), not be in the water (waterMask.h5, our extra check: MintPy would accept it but then skip
 *   that pixel in the inversion) and have valid data (mean phase velocity over kept pairs non-NaN, ≠ 0);
 * - the automatic choice takes the candidates MintPy draws from (valid data and avgSpatialCoh ≥
 *   minCoherence) but, instead of MintPy's unseeded random draw, picks deterministically the candidate
 *   with the highest avgSpatialCoh (ties → smallest row, then col).
 */
import { pyFloat } from '../../common/util/pyfmt';
import type { GeoGrid } from '../formats/mintpyFiles';
import { rowColToLatLonGeo, userLatLonToRowCol } from '../../common/geo/gridCoords';

export type ReferenceRule = 'outside' | 'masked' | 'water' | 'noData';

export interface ReferenceMaps {
  length: number;
  width: number;
  /** 1 = usable (mean phase velocity non-NaN and ≠ 0) */
  validity: ArrayLike<number>;
  /** reference mask (maskConnComp.h5), 0 = masked */
  mask?: ArrayLike<number> | null;
  /** name for messages, e.g. maskConnComp.h5 */
  maskName?: string;
  /** 1 = land */
  waterMask?: ArrayLike<number> | null;
  /** geo grid for lat/lon in messages */
  grid?: GeoGrid | null;
}

export type ReferenceCheck = { ok: true; y: number; x: number } | { ok: false; rule: ReferenceRule; reason: string };

function where(y: number, x: number, grid?: GeoGrid | null): string {
  if (grid) {
    const [lat, lon] = rowColToLatLonGeo(grid, y, x);
    return `reference point (${lat.toFixed(5)}, ${lon.toFixed(5)}) [row ${y}, col ${x}]`;
  }
  return `reference point (row ${y}, col ${x})`;
}

/** Check a candidate reference pixel against MintPy's rules; the reason names the rule that failed. */
export function validateReferencePoint(y: number, x: number, maps: ReferenceMaps): ReferenceCheck {
  const { length, width, grid } = maps;
  if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || y >= length || x < 0 || x >= width)
    return {
      ok: false,
      rule: 'outside',
      reason: `${where(y, x, grid)} is outside the grid (${length} rows × ${width} cols)`,
    };
  const i = y * width + x;
  if (maps.waterMask && maps.waterMask[i] === 0)
    return { ok: false, rule: 'water', reason: `${where(y, x, grid)} is in the water (waterMask.h5)` };
  if (maps.mask && maps.mask[i] === 0)
    return {
      ok: false,
      rule: 'masked',
      reason: `${where(y, x, grid)} is masked by ${maps.maskName ?? 'the reference mask'}`,
    };
  if (!maps.validity[i])
    return {
      ok: false,
      rule: 'noData',
      reason: `${where(y, x, grid)} has no valid data (its mean phase velocity over the kept pairs is NaN or 0)`,
    };
  return { ok: true, y, x };
}

/**
 * lat/lon → row/col on a geo grid (MintPy's geo2radar for geocoded files). On a projected (UTM) grid, degrees
 * are transformed and values beyond ±90/±180 are the grid's own northing/easting (MintPy's reading).
 */
export function latLonToYX(grid: GeoGrid, lat: number, lon: number): { y: number; x: number } {
  const [y, x] = userLatLonToRowCol(grid, lat, lon);
  return { y, x };
}

/** Candidates of MintPy's automatic ("maxCoherence") method: valid data and avgSpatialCoh ≥ minCoherence. */
export function referenceCandidates(
  validity: ArrayLike<number>,
  avgSpatialCoh: ArrayLike<number>,
  minCoherence: number,
): Uint8Array {
  if (validity.length !== avgSpatialCoh.length)
    throw new Error(
      `reference candidates: validity has ${validity.length} pixels, avgSpatialCoh ${avgSpatialCoh.length}`,
    );
  // MintPy: coh[mask == 0] = 0; coh >= min_coh (float32 array vs Python float → float32 compare)
  const thr = Math.fround(minCoherence);
  const out = new Uint8Array(validity.length);
  for (let i = 0; i < out.length; i++) {
    const c = validity[i] ? Math.fround(avgSpatialCoh[i]) : 0;
    out[i] = c >= thr ? 1 : 0;
  }
  return out;
}

export interface AutoReference {
  y: number;
  x: number;
  coherence: number;
  numCandidates: number;
}

/**
 * Deterministic automatic reference: the candidate with the highest avgSpatialCoh (ties → smallest row,
 * then col). Throws (message like MintPy's) when there is no candidate.
 */
export function chooseReferencePoint(
  validity: ArrayLike<number>,
  avgSpatialCoh: ArrayLike<number>,
  width: number,
  minCoherence: number,
): AutoReference {
  const cand = referenceCandidates(validity, avgSpatialCoh, minCoherence);
  let best = -1;
  let bestC = -Infinity;
  let n = 0;
  for (let i = 0; i < cand.length; i++) {
    if (!cand[i]) continue;
    n++;
    const c = Math.fround(avgSpatialCoh[i]);
    if (c > bestC) {
      bestC = c;
      best = i;
    }
  }
  if (best < 0)
    throw new ReferenceSelectionError(
      `No pixel with average spatial coherence ≥ ${minCoherence} and valid data was found for the automatic reference point. ` +
        'Set mintpy.reference.yx / lalo, or lower mintpy.reference.minCoherence.',
    );
  return { y: Math.floor(best / width), x: best % width, coherence: bestC, numCandidates: n };
}

export class ReferenceSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceSelectionError';
  }
}

/** Python str() of a float. */
export const pyFloatStr = pyFloat;

/** REF_Y/REF_X (+ REF_LAT/REF_LON at the pixel centre for geo grids) as MintPy writes them. */
export function referenceAttrs(y: number, x: number, grid?: GeoGrid | null): Record<string, string> {
  const a: Record<string, string> = { REF_Y: String(y), REF_X: String(x) };
  if (grid) {
    // MintPy coord.yx2lalo: (y + 0.5) * step + first
    a.REF_LAT = pyFloatStr((y + 0.5) * grid.yStep + grid.yFirst);
    a.REF_LON = pyFloatStr((x + 0.5) * grid.xStep + grid.xFirst);
  }
  return a;
}
