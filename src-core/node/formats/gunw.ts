/**
 * NISAR Level-2 geocoded unwrapped interferograms (GUNW, HDF5), read at the paths MintPy's prep_nisar reads
 * (MintPy ≥ 1.6.4): grids/<frequency>/unwrappedInterferogram/<pol>/{unwrappedPhase, coherenceMagnitude,
 * connectedComponents, ionospherePhaseScreen, x/yCoordinates, x/yCoordinateSpacing, projection},
 * unwrappedInterferogram/mask, the identification group, the looks, and the radar-grid metadata cubes on
 * (heightAboveEllipsoid, yCoordinates, xCoordinates).
 *
 * Every missing dataset is an InputError naming the file and the HDF5 path.
 */
import { basename } from 'node:path';
import { H5Reader, type NumericArray } from './h5';
import { InputError } from '../../common/pipeline/types';

export type Frequency = 'frequencyA' | 'frequencyB';

const IDENT = '/science/LSAR/identification';
const RADAR_GRID = '/science/LSAR/GUNW/metadata/radarGrid';
const gridRoot = (f: Frequency): string => `/science/LSAR/GUNW/grids/${f}`;
const unwRoot = (f: Frequency): string => `${gridRoot(f)}/unwrappedInterferogram`;
const paramRoot = (f: Frequency): string =>
  `/science/LSAR/GUNW/metadata/processingInformation/parameters/unwrappedInterferogram/${f}`;

/** 2-D layers per polarisation (and the shared mask). */
export type GunwLayer = 'unwrappedPhase' | 'coherenceMagnitude' | 'connectedComponents' | 'ionospherePhaseScreen';
/** Radar-grid cubes on (height, y, x). */
export type GunwCube =
  | 'incidenceAngle'
  | 'referenceSlantRange'
  | 'losUnitVectorX'
  | 'losUnitVectorY'
  | 'perpendicularBaseline'
  | 'wetTroposphericPhaseScreen'
  | 'hydrostaticTroposphericPhaseScreen'
  | 'slantRangeSolidEarthTidesPhase';

/** HDF5 paths of a product's layers for one frequency and polarisation. */
export function gunwPaths(f: Frequency, pol: string) {
  const u = unwRoot(f);
  return {
    group: u,
    centerFrequency: `${gridRoot(f)}/centerFrequency`,
    listOfPolarizations: `${gridRoot(f)}/listOfPolarizations`,
    mask: `${u}/mask`,
    layer: (l: GunwLayer) => `${u}/${pol}/${l}`,
    xCoordinates: `${u}/${pol}/xCoordinates`,
    yCoordinates: `${u}/${pol}/yCoordinates`,
    xCoordinateSpacing: `${u}/${pol}/xCoordinateSpacing`,
    yCoordinateSpacing: `${u}/${pol}/yCoordinateSpacing`,
    projection: `${u}/${pol}/projection`,
    rangeLooks: `${paramRoot(f)}/numberOfRangeLooks`,
    azimuthLooks: `${paramRoot(f)}/numberOfAzimuthLooks`,
    cube: (c: GunwCube) => `${RADAR_GRID}/${c}`,
    radarGridX: `${RADAR_GRID}/xCoordinates`,
    radarGridY: `${RADAR_GRID}/yCoordinates`,
    radarGridHeight: `${RADAR_GRID}/heightAboveEllipsoid`,
    orbitPassDirection: `${IDENT}/orbitPassDirection`,
    missionId: `${IDENT}/missionId`,
    referenceStart: `${IDENT}/referenceZeroDopplerStartTime`,
    referenceEnd: `${IDENT}/referenceZeroDopplerEndTime`,
    secondaryStart: `${IDENT}/secondaryZeroDopplerStartTime`,
    trackNumber: `${IDENT}/trackNumber`,
    frameNumber: `${IDENT}/frameNumber`,
  };
}

/** mintpy.load.frequency: auto → frequencyA (MintPy's _normalize_frequency). */
export function normalizeFrequency(v: string): Frequency | null {
  const s = v.trim();
  if (/^auto$/i.test(s) || s === 'A' || s === 'frequencyA') return 'frequencyA';
  if (s === 'B' || s === 'frequencyB') return 'frequencyB';
  return null;
}

/** Track, direction and frame from a NISAR file name (NISAR_L2_PR_GUNW_ccc_ttt_D_fff_…), if it has that form. */
export function frameOfName(path: string): { track: number; direction: string; frame: number } | null {
  const m = /^NISAR_L2_[A-Z]{2}_GUNW_\d{3}_(\d{3})_([AD])_(\d{3})_/.exec(basename(path));
  return m ? { track: Number(m[1]), direction: m[2], frame: Number(m[3]) } : null;
}

const str = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : String(v ?? '')).replace(/\0+$/, '');

/** One GUNW product opened for reading. */
export class GunwProduct {
  private constructor(
    readonly path: string,
    private readonly h5: H5Reader,
  ) {}

  static async open(path: string): Promise<GunwProduct> {
    let h5: H5Reader;
    try {
      h5 = await H5Reader.open(path);
    } catch (e) {
      throw new InputError(`${path}: not a readable HDF5 file (${(e as Error).message})`);
    }
    return new GunwProduct(path, h5);
  }

  close(): void {
    this.h5.close();
  }

  has(p: string): boolean {
    return this.h5.exists(p);
  }

  /** An InputError naming this file and the first of `paths` it lacks. */
  require(paths: string[], what = 'a required dataset'): void {
    const miss = paths.find((p) => !this.h5.exists(p));
    if (miss) throw new InputError(`${this.path}: ${what} is missing: ${miss}`);
  }

  private get(p: string): unknown {
    this.require([p]);
    return this.h5.value(p);
  }

  num(p: string): number {
    const v = this.get(p);
    const n = ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<number>)[0] : Number(v);
    if (!Number.isFinite(n)) throw new InputError(`${this.path}: ${p} is not a number`);
    return n;
  }

  text(p: string): string {
    return str(this.get(p));
  }

  strings(p: string): string[] {
    const v = this.get(p);
    return (Array.isArray(v) ? v : [v]).map(str);
  }

  f64(p: string): Float64Array {
    const v = this.get(p);
    if (!ArrayBuffer.isView(v)) throw new InputError(`${this.path}: ${p} is not numeric`);
    return Float64Array.from(v as unknown as ArrayLike<number>);
  }

  /** `_FillValue` of a dataset (undefined when absent). */
  fillValue(p: string): number | undefined {
    const v = this.h5.datasetAttr(p, '_FillValue');
    return v === undefined ? undefined : Number(v);
  }

  /** h5wasm's dtype code of a dataset ('<f' float32, '<d' float64, '<H' uint16, …). */
  dtype(p: string): string {
    this.require([p]);
    return this.h5.info(p).dtype;
  }

  /** Shape of a dataset. */
  shape(p: string): number[] {
    this.require([p]);
    return this.h5.shape(p);
  }

  /** Box [x0, y0, x1, y1) of a 2-D dataset, row-major. */
  read2d(p: string, box: [number, number, number, number]): NumericArray {
    this.require([p]);
    const [x0, y0, x1, y1] = box;
    const shape = this.h5.shape(p);
    if (shape.length !== 2) throw new InputError(`${this.path}: ${p} is ${shape.length}-D, expected 2-D`);
    const rows = this.h5.readRows(p, y0, y1);
    const W = shape[1];
    if (x0 === 0 && x1 === W) return rows;
    const w = x1 - x0;
    const out = rows.slice(0, (y1 - y0) * w) as NumericArray;
    for (let r = 0; r < y1 - y0; r++) out.set(rows.subarray(r * W + x0, r * W + x1), r * w);
    return out;
  }
}
