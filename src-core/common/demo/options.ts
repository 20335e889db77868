/**
 * Options of the synthetic demo stack and their defaults (the defaults reproduce the shape of the cv-tiny
 * fixture: 100 × 160 px at 1/400° around Corcoran CA, 31 dates every 12 days from 2018-01-09, a
 * nearest-3 network plus one annual pair minus one dropped pair = 87 pairs, 6 pairs with an
 * unwrapping-error island).
 */
import { InputError } from '../pipeline/types';
import { isDate } from '../time/dates';

export interface DemoOptions {
  /** PRNG seed; the same options give byte-identical files (default 144) */
  seed?: number;
  /** image size in pixels (default 100 × 160) */
  rows?: number;
  cols?: number;
  /** pixel size in degrees (default 1/400 = 0.0025°, 9″) */
  pixelSize?: number;
  /** centre of the grid (default 36.125 N, −119.6 E: the fixture's grid, corner 36.25 N −119.8 E) */
  centerLat?: number;
  centerLon?: number;
  /** first acquisition YYYYMMDD (default 20180109), number of dates (31), spacing in days (12) */
  startDate?: string;
  numDates?: number;
  intervalDays?: number;
  /** each date pairs with its next `neighbours` dates (default 3) */
  neighbours?: number;
  /** exact number of pairs wanted; chooses the neighbour count and thins its longest level (overrides neighbours) */
  numPairs?: number;
  /** add the first–last date pair (default true) */
  annualPair?: boolean;
  /** drop one short pair as the fixture does (default true; only when the network stays connected) */
  dropPair?: boolean;
  /** number of pairs with an unwrapping-error island (+2π·k, connected component 2) (default 6) */
  unwrapErrorPairs?: number;
  /** LOS velocity at the bottom of the subsidence bowl, m/yr (default −0.25) */
  peakVelocity?: number;
  /** seasonal displacement term (default true) */
  seasonal?: boolean;
  /** turbulent + height-correlated tropospheric delay (default true) */
  troposphere?: boolean;
  /** decorrelation phase noise (default true); false → phase equals the truth exactly (float32) */
  noise?: boolean;
  /** a random constant per pair, as unwrapped ARIA phases have (default true; recorded in truth.json) */
  phaseOffsets?: boolean;
  /** pairs containing one partial-coverage date have a no-data patch (0) in the NW corner (default true) */
  noDataPatch?: boolean;
  /** radar wavelength in m (default Sentinel-1: 0.05546576) */
  wavelength?: number;
  /** name of the MintPy template written to mintpy/<name>.cfg (default 'Demo') */
  name?: string;
  /** progress callback: units done out of total */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export type ResolvedDemoOptions = Required<Omit<DemoOptions, 'numPairs' | 'onProgress' | 'signal'>> & {
  numPairs: number | null;
};

export const DEFAULT_DEMO_OPTIONS: Readonly<ResolvedDemoOptions> = Object.freeze({
  seed: 144,
  rows: 100,
  cols: 160,
  pixelSize: 0.0025,
  centerLat: 36.125,
  centerLon: -119.6,
  startDate: '20180109',
  numDates: 31,
  intervalDays: 12,
  neighbours: 3,
  numPairs: null,
  annualPair: true,
  dropPair: true,
  unwrapErrorPairs: 6,
  peakVelocity: -0.25,
  seasonal: true,
  troposphere: true,
  noise: true,
  phaseOffsets: true,
  noDataPatch: true,
  wavelength: 0.05546576,
  name: 'Demo',
});

function bad(what: string): never {
  throw new InputError(`demo options: ${what}`);
}

function int(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) bad(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

function num(name: string, v: number, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    bad(`${name} must be a number in [${min}, ${max}], got ${v}`);
  return v;
}

/** Fill in defaults and validate; throws InputError naming the bad option. */
export function resolveDemoOptions(opts: DemoOptions = {}): ResolvedDemoOptions {
  const o: ResolvedDemoOptions = { ...DEFAULT_DEMO_OPTIONS };
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || k === 'onProgress' || k === 'signal') continue;
    if (!(k in o)) bad(`unknown option "${k}"`);
    (o as Record<string, unknown>)[k] = v;
  }
  int('seed', o.seed, 0, 0xffffffff);
  int('rows', o.rows, 8, 100000);
  int('cols', o.cols, 8, 100000);
  num('pixelSize', o.pixelSize, 1e-6, 1);
  num('centerLat', o.centerLat, -89, 89);
  num('centerLon', o.centerLon, -180, 180);
  if (!isDate(o.startDate) || !/^\d{8}$/.test(o.startDate)) bad(`startDate must be YYYYMMDD, got "${o.startDate}"`);
  int('numDates', o.numDates, 3, 2000);
  int('intervalDays', o.intervalDays, 1, 366);
  int('neighbours', o.neighbours, 1, o.numDates - 1);
  if (o.numPairs !== null) int('numPairs', o.numPairs, o.numDates - 1, (o.numDates * (o.numDates - 1)) / 2);
  int('unwrapErrorPairs', o.unwrapErrorPairs, 0, 100000);
  num('peakVelocity', o.peakVelocity, -10, 10);
  num('wavelength', o.wavelength, 1e-3, 10);
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(o.name))
    bad(`name must be a file stem of letters, digits, '_', '.', '-', got "${o.name}"`);
  for (const k of [
    'annualPair',
    'dropPair',
    'seasonal',
    'troposphere',
    'noise',
    'phaseOffsets',
    'noDataPatch',
  ] as const)
    if (typeof o[k] !== 'boolean') bad(`${k} must be true or false`);
  const halfLat = (o.rows * o.pixelSize) / 2;
  if (o.centerLat + halfLat > 90 || o.centerLat - halfLat < -90) bad('the grid extends beyond the poles');
  return o;
}
