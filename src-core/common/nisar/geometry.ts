/**
 * LOS geometry and distances for the NISAR validation (docs/nisar-secular-validation.md §3).
 *
 * MintPy's convention: θ = incidence angle, α = azimuth angle of the LOS vector pointing from the ground
 * to the satellite, measured from north, counter-clockwise positive. The unit vector in (E, N, U) is
 * û = (−sinθ·sinα, sinθ·cosα, cosθ); positive LOS = toward the satellite (uplift).
 * Typical α: Sentinel-1 ascending +102°, descending −102°; NISAR (left-looking) −78° asc, +78° desc.
 */

const D2R = Math.PI / 180;

/** wrap degrees to (−180, 180] */
export function wrap180(deg: number): number {
  let a = deg % 360;
  if (a <= -180) a += 360;
  if (a > 180) a -= 360;
  return a;
}

/** û = (−sinθ·sinα, sinθ·cosα, cosθ) for incidence θ and LOS azimuth α (degrees). */
export function losUnitVector(incidenceDeg: number, azimuthDeg: number): [number, number, number] {
  const t = incidenceDeg * D2R;
  const a = azimuthDeg * D2R;
  return [-Math.sin(t) * Math.sin(a), Math.sin(t) * Math.cos(a), Math.cos(t)];
}

/** d_los = û·(dE, dN, dU) */
export function enuToLos(u: readonly [number, number, number], e: number, n: number, up: number): number {
  return u[0] * e + u[1] * n + u[2] * up;
}

/** σ_los = √Σ(û_k σ_k)², independent components */
export function losSigma(u: readonly [number, number, number], se: number, sn: number, su: number): number {
  return Math.sqrt((u[0] * se) ** 2 + (u[1] * sn) ** 2 + (u[2] * su) ** 2);
}

/**
 * LOS azimuth α from the platform heading h (degrees from north, clockwise):
 * right-looking α = −(h − 90), left-looking α = −(h + 90), wrapped to (−180, 180].
 */
export function azimuthFromHeading(headingDeg: number, look: 'right' | 'left' = 'right'): number {
  return wrap180(look === 'right' ? -(headingDeg - 90) : -(headingDeg + 90));
}

/** ARIA GUNW azimuthAngle (from east, counter-clockwise) → MintPy's (from north): α = a − 90. */
export function azimuthFromAria(ariaDeg: number): number {
  return wrap180(ariaDeg - 90);
}

/** ARIA metadata hard-codes this heading for descending tracks */
export const ARIA_DESCENDING_HEADING = -168;

/** Haversine great-circle distance in km; the notebooks use R = 6378 km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number, radiusKm = 6378): number {
  const p1 = lat1 * D2R;
  const p2 = lat2 * D2R;
  const dp = p2 - p1;
  const dl = (lon2 - lon1) * D2R;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return 2 * radiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** longitude normalised to (−180, 180] (UNR files may give 0–360) */
export function normLon(lon: number): number {
  return wrap180(lon);
}
