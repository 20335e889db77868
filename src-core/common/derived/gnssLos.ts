/**
 * GNSS station series in the radar's line of sight, for the pixel chart (what MintPy's view.py/tsview do
 * with --show-gnss / plot_gnss: the station's ENU displacement projected on the LOS unit vector at its pixel,
 * positive toward the satellite), in metres, relative to the station's epoch nearest a reference date —
 * the time series' reference date — so that both curves start from the same day. Pure.
 */
import { daysBetween } from '../time/dates';
import { enuToLos, losSigma } from '../nisar/geometry';

export interface LosOfStation {
  dates: string[];
  /** m, toward the satellite positive */
  los: Float64Array;
  /** m (NaN without σ in the file) */
  sigma: Float64Array;
}

/** d_los = û·(dE, dN, dU) and σ_los per epoch, in metres (ENU in metres). */
export function stationLos(
  s: {
    dates: string[];
    e: ArrayLike<number>;
    n: ArrayLike<number>;
    u: ArrayLike<number>;
    se: ArrayLike<number>;
    sn: ArrayLike<number>;
    su: ArrayLike<number>;
  },
  unit: readonly [number, number, number],
): LosOfStation {
  const n = s.dates.length;
  const los = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    los[i] = enuToLos(unit, s.e[i], s.n[i], s.u[i]);
    sigma[i] = losSigma(unit, s.se[i], s.sn[i], s.su[i]);
  }
  return { dates: [...s.dates], los, sigma };
}

/**
 * Index of the epoch nearest `date` within `maxDays` (ties: the earlier); null when none is that close.
 */
export function nearestEpoch(dates: readonly string[], date: string, maxDays = 15): number | null {
  let best: number | null = null;
  let bestD = Infinity;
  dates.forEach((d, i) => {
    const k = Math.abs(daysBetween(date, d));
    if (k < bestD) {
      bestD = k;
      best = i;
    }
  });
  return best !== null && bestD <= maxDays ? best : null;
}

/** `values` minus its value at the epoch nearest `date` (within `maxDays`); unchanged (and null) when there is none. */
export function relativeToEpoch(
  dates: readonly string[],
  values: ArrayLike<number>,
  date: string,
  maxDays = 15,
): { values: Float64Array; epoch: string | null } {
  const i = nearestEpoch(dates, date, maxDays);
  const out = Float64Array.from(values);
  if (i === null || !Number.isFinite(out[i])) return { values: out, epoch: null };
  const r = out[i];
  for (let k = 0; k < out.length; k++) out[k] -= r;
  return { values: out, epoch: dates[i] };
}

/** A GNSS station placed on a time series' grid with its series in the LOS (readGnssStations). */
export interface GnssStation {
  site: string;
  lat: number;
  lon: number;
  /** the pixel it falls in, or null outside the grid */
  row: number | null;
  col: number | null;
  /** degrees, at its pixel (NaN outside) */
  incidence: number;
  azimuth: number;
  /** the daily series in LOS (m, toward the satellite positive), relative to `epoch`; empty for a list-only station */
  dates: string[];
  los: Float64Array;
  sigma: Float64Array;
  /** the epoch the series is relative to (nearest the reference date, ≤ 15 days), null if none is that close */
  epoch: string | null;
  file: string;
}

export interface GnssStations {
  stations: GnssStation[];
  /** the time series' reference date the LOS series are relative to */
  refDate: string;
  files: string[];
  ignored: string[];
  notes: string[];
}
