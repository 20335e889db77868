/**
 * validateSecular: the NISAR secular-requirement validation of a MintPy velocity, Method 1 (GNSS double
 * differences) or Method 2 (noise over a stable area), producing the requirement table, the three
 * verdicts, the pairs, the station table and the semivariogram diagnostic.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultMaskFile, readMask } from '../export/source';
import { InputError } from '../../common/pipeline/types';
import { loadGnssInputs } from './gnssFiles';
import { NISAR_SITES } from '../../common/nisar/sites';
import { runMethod1, type PairSet, type StationRecord } from './method1';
import { flattenValid, localKmAxes, parsePolygon, polygonMask, profilePairs, samplePairs } from './method2';
import {
  evaluateRequirement,
  HEAD_LOG_BINNING,
  LINEAR_BINNING,
  type BinningSpec,
  type EmptyBinRule,
  type RequirementTable,
} from '../../common/nisar/requirement';
import {
  empiricalVariogram,
  fitExponentialVariogram,
  type ExponentialFit,
  type Variogram,
} from '../../common/nisar/variogram';
import { loadGeometry, loadVelocityField, velocityFromTimeseries, type VelocityField } from './velocityField';

export interface ValidateOptions {
  method: 'method1' | 'method2';
  /** velocity.h5 (or timeseries.h5 with `refit`) */
  velocityFile: string;
  /** mask (mask == 0 → NaN): a path, null for none, undefined = maskTempCoh.h5 beside the velocity if present */
  maskFile?: string | null;
  /** refit the §2 model (offset, velocity, annual, semi-annual) from this timeseries.h5 instead of velocity.h5 */
  timeseriesFile?: string;
  /** geometryGeo.h5 (default: inputs/geometryGeo.h5 beside the velocity, if present) */
  geometryFile?: string | null;
  /** 'linear' (0.1–50 km, 10 bins; default), 'log' (HEAD's display bins) or a full spec */
  binning?: 'linear' | 'log' | BinningSpec;
  emptyBins?: EmptyBinRule;
  site?: string;
  sensor?: string;
  startDate?: string;
  endDate?: string;
  // Method 1
  gnssPaths?: string[];
  refStation?: string;
  excludeStations?: string[];
  windowRadius?: number;
  // Method 2
  /** stable area: polygon "lat,lon;lat,lon;…" or vertices, and/or a mask file (non-zero = stable) */
  stablePolygon?: string | [number, number][];
  stableMaskFile?: string;
  numSamples?: number;
  seed?: number;
  deramp?: boolean;
  /** 'points' (default: disjoint random pixel pairs) or 'profiles' (line fits along random transects, slow) */
  sampling?: 'points' | 'profiles';
  /** profile pairs drawn for 'profiles' (20,000) */
  numProfiles?: number;
  /** variogram: points in the all-pairs subset (2000), bins (20); false to skip */
  variogram?: false | { maxPoints?: number; nBins?: number };
}

export interface ValidationResult {
  method: 'method1' | 'method2';
  site: string;
  sensor: string;
  startDate: string;
  endDate: string;
  velocityFile: string;
  maskFile: string | null;
  field: VelocityField;
  table: RequirementTable;
  /** signed values; the test uses |value| */
  pairs: PairSet;
  pairsSummary: { count: number; minKm: number; maxKm: number; medianAbs: number };
  stations?: StationRecord[];
  refStation?: string;
  /** Method 2: pixels available / drawn, plane removed, stable-area pixels */
  sampling?: {
    mode: 'points' | 'profiles';
    available: number;
    drawn: number;
    plane: [number, number, number] | null;
    stablePixels: number | null;
    seed: number;
  };
  variogram?: Variogram & { fit: ExponentialFit };
  /** Method 2: the stable-area polygon ([lat, lon] vertices), if one was given */
  stablePolygon?: [number, number][];
  notes: string[];
}

/** PLATFORM attribute → sensor label ('Sen'/'S1'/'Sentinel-1A' → 'Sentinel-1'; default Sentinel-1) */
export function sensorName(platform: string | undefined): string {
  if (!platform) return 'Sentinel-1';
  if (/^(sen|s1)/i.test(platform)) return 'Sentinel-1';
  return platform;
}

export function resolveBinning(b: ValidateOptions['binning']): BinningSpec {
  if (b === undefined || b === 'linear') return LINEAR_BINNING;
  if (b === 'log') return HEAD_LOG_BINNING;
  return b;
}

function summary(p: PairSet): ValidationResult['pairsSummary'] {
  const n = p.value.length;
  let lo = Infinity;
  let hi = -Infinity;
  const abs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    lo = Math.min(lo, p.distanceKm[k]);
    hi = Math.max(hi, p.distanceKm[k]);
    abs[k] = Math.abs(p.value[k]);
  }
  abs.sort();
  const med = n ? (n % 2 ? abs[n >> 1] : (abs[(n >> 1) - 1] + abs[n >> 1]) / 2) : NaN;
  return { count: n, minKm: n ? lo : NaN, maxKm: n ? hi : NaN, medianAbs: med };
}

export async function validateSecular(opts: ValidateOptions): Promise<ValidationResult> {
  const notes: string[] = [];
  const maskFile = opts.maskFile === undefined ? defaultMaskFile(opts.velocityFile, 'velocity') : opts.maskFile;
  if (maskFile && !existsSync(maskFile)) throw new InputError(`${maskFile}: mask file not found`);
  const field = opts.timeseriesFile
    ? await velocityFromTimeseries(opts.timeseriesFile, { maskFile, startDate: opts.startDate, endDate: opts.endDate })
    : await loadVelocityField(opts.velocityFile, maskFile);
  notes.push(...field.warnings);
  if (field.source === 'timeseries-fit')
    notes.push(
      `velocity refitted from ${opts.timeseriesFile} with offset + velocity${field.seasonal ? ' + annual + semi-annual' : ''} (§2)`,
    );
  notes.push(maskFile ? `mask: ${maskFile} (mask == 0 → NaN); exact zeros → NaN` : 'no mask file; exact zeros → NaN');
  const startDate = opts.startDate ?? field.startDate;
  const endDate = opts.endDate ?? field.endDate;
  const binning = resolveBinning(opts.binning);
  const base = {
    site: opts.site ?? field.attrs.PROJECT_NAME ?? '',
    sensor: opts.sensor ?? sensorName(field.attrs.PLATFORM),
    startDate,
    endDate,
    velocityFile: opts.timeseriesFile ?? opts.velocityFile,
    maskFile,
    field,
  };
  if (opts.method === 'method1') {
    if (!opts.gnssPaths?.length) throw new InputError('Method 1 needs GNSS files (--gnss DIR or files)');
    const gnss = loadGnssInputs(opts.gnssPaths);
    let geomFile = opts.geometryFile;
    if (geomFile === undefined) {
      const g = join(dirname(opts.velocityFile), 'inputs', 'geometryGeo.h5');
      geomFile = existsSync(g) ? g : null;
    }
    const geom = geomFile ? await loadGeometry(geomFile, field.length, field.width) : null;
    notes.push(
      geomFile
        ? `LOS geometry per station from ${geomFile}`
        : 'LOS geometry from the INCIDENCE_ANGLE/HEADING attributes (no geometry file)',
    );
    // a known site preset names the notebook's GNSS reference (e.g. CAWO, P619)
    const preset = opts.site ? NISAR_SITES.find((s) => s.name.toLowerCase() === opts.site!.toLowerCase()) : undefined;
    const m1 = runMethod1(field, geom, gnss, {
      startDate,
      endDate,
      refStation: opts.refStation ?? preset?.gnssRefSite,
      refStationFallback: opts.refStation === undefined,
      excludeStations: opts.excludeStations,
      windowRadius: opts.windowRadius,
    });
    notes.push(...m1.notes);
    const abs = Float64Array.from(m1.pairs.value, Math.abs);
    return {
      ...base,
      method: 'method1',
      table: evaluateRequirement(m1.pairs.distanceKm, abs, { binning, emptyBins: opts.emptyBins }),
      pairs: m1.pairs,
      pairsSummary: summary(m1.pairs),
      stations: m1.stations,
      refStation: m1.refStation,
      notes,
    };
  }
  // Method 2
  let keep: Uint8Array | null = null;
  let poly: [number, number][] | undefined;
  if (opts.stablePolygon) {
    try {
      poly = typeof opts.stablePolygon === 'string' ? parsePolygon(opts.stablePolygon) : opts.stablePolygon;
    } catch (e) {
      throw new InputError(`--stable-polygon: ${(e as Error).message}`);
    }
    keep = polygonMask(field.grid, poly);
    notes.push(`stable area: polygon of ${poly.length} vertices`);
  }
  if (opts.stableMaskFile) {
    const m = await readMask(opts.stableMaskFile, field.length, field.width);
    keep = keep ? keep.map((v, i) => v & m[i]) : m;
    notes.push(`stable area: mask ${opts.stableMaskFile}`);
  }
  if (!keep)
    notes.push('no stable area given: the whole masked velocity map is sampled (valid only if nothing deforms)');
  const pts = flattenValid(field.data, field.grid, keep);
  if (pts.v.length < 2)
    throw new InputError(`${opts.velocityFile}: fewer than 2 valid pixels${keep ? ' inside the stable area' : ''}`);
  const seed = opts.seed ?? 1;
  const mode = opts.sampling ?? 'points';
  const s = samplePairs(pts, { numSamples: mode === 'points' ? opts.numSamples : 0, seed, deramp: opts.deramp });
  let pairs = s.pairs;
  let drawn = s.drawn;
  if (mode === 'profiles') {
    let data: ArrayLike<number> = field.data;
    if (s.plane) {
      const [a, b, c] = s.plane;
      const { x, y } = localKmAxes(field.grid);
      const W = field.width;
      data = Float32Array.from(field.data, (v, p) => v - (a * x[p % W] + b * y[Math.floor(p / W)] + c));
    }
    const pp = profilePairs(data, field.grid, keep, { numProfiles: opts.numProfiles, seed });
    pairs = pp;
    drawn = pp.drawn;
    notes.push(
      `profile sampling: ${pp.value.length} transects of 0.1–50 km from ${pp.drawn / 2} random pixel pairs (seed ${seed}); value = line fit difference between the ends`,
    );
  } else {
    if (s.drawn < (opts.numSamples ?? 1_000_000))
      notes.push(`all ${s.available} valid pixels used (fewer than ${opts.numSamples ?? 1_000_000} requested)`);
    notes.push(
      `${s.pairs.value.length} disjoint pairs from ${s.drawn} pixels drawn without replacement (seed ${seed}; numpy's seed-1 draws are not reproduced)`,
    );
  }
  const abs = Float64Array.from(pairs.value, Math.abs);
  let variogram: ValidationResult['variogram'];
  if (opts.variogram !== false) {
    const vo = opts.variogram || {};
    // the structure function always works on de-ramped data
    const vp = opts.deramp ? s.points : samplePairs(pts, { numSamples: 0, deramp: true }).points;
    const vg = empiricalVariogram(vp.x, vp.y, vp.v, {
      maxPoints: vo.maxPoints ?? 2000,
      nBins: vo.nBins ?? 20,
      seed: seed + 1,
    });
    variogram = { ...vg, fit: fitExponentialVariogram(vg.lag, vg.gamma) };
  }
  return {
    ...base,
    method: 'method2',
    table: evaluateRequirement(pairs.distanceKm, abs, { binning, emptyBins: opts.emptyBins }),
    pairs,
    pairsSummary: summary(pairs),
    sampling: {
      mode,
      available: s.available,
      drawn,
      plane: s.plane,
      stablePixels: keep ? keep.reduce((a, b) => a + b, 0) : null,
      seed,
    },
    variogram,
    stablePolygon: poly,
    notes,
  };
}
