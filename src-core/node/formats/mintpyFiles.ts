/**
 * Typed readers for MintPy's own files on top of the h5 layer: the interferogram stack, geometry and
 * time series, with the attributes MintPy derives on read (geo grid, wavelength, dates).
 */
import { H5Reader, H5Error, type Attrs, type NumericArray } from './h5';
import type { GeoGrid } from '../../common/formats/grid';
import { epsgOfAttrs, isSupportedEpsg, WGS84 } from '../../common/geo/crs';

export type { GeoGrid };

/** The attributes `gridOf` reads (for H5Reader.attrsNamed). */
export const GRID_ATTRS = ['LENGTH', 'WIDTH', 'X_FIRST', 'Y_FIRST', 'X_STEP', 'Y_STEP', 'EPSG', 'UTM_ZONE'] as const;

export function gridOf(attrs: Attrs, file = '?'): GeoGrid | null {
  if (attrs.LENGTH === undefined || attrs.WIDTH === undefined) throw new H5Error(file, 'no LENGTH/WIDTH attributes');
  if (attrs.X_FIRST === undefined || attrs.Y_FIRST === undefined) return null;
  const g: GeoGrid = {
    length: Number(attrs.LENGTH),
    width: Number(attrs.WIDTH),
    xFirst: Number(attrs.X_FIRST),
    yFirst: Number(attrs.Y_FIRST),
    xStep: Number(attrs.X_STEP),
    yStep: Number(attrs.Y_STEP),
  };
  let epsg: number;
  try {
    epsg = epsgOfAttrs(attrs);
  } catch (e) {
    throw new H5Error(file, (e as Error).message);
  }
  if (epsg !== WGS84) {
    if (!isSupportedEpsg(epsg))
      throw new H5Error(file, `EPSG = ${epsg}: only WGS 84 lat/lon and UTM grids are supported`);
    g.epsg = epsg;
  }
  return g;
}

/**
 * Native y/x (MintPy's "lat/lon": degrees on a 4326 grid, UTM northing/easting on a projected one) → row/col
 * with MintPy's +0.01 rounding guard (coordinate.geo2radar for geo files). WGS 84 degrees on any grid:
 * common/geo/gridCoords latLonToRowColGeo.
 */
export function latLonToRowCol(g: GeoGrid, lat: number, lon: number): [number, number] {
  return [Math.floor((lat - g.yFirst) / g.yStep + 0.01), Math.floor((lon - g.xFirst) / g.xStep + 0.01)];
}

/** Pixel centre of row/col in native coordinates [y, x] (see latLonToRowCol). */
export function rowColToLatLon(g: GeoGrid, row: number, col: number): [number, number] {
  return [g.yFirst + (row + 0.5) * g.yStep, g.xFirst + (col + 0.5) * g.xStep];
}

/** inputs/ifgramStack.h5 */
export class IfgramStack {
  readonly attrs: Attrs;
  readonly length: number;
  readonly width: number;
  /** [earlier, later] per pair, YYYYMMDD */
  readonly pairs: [string, string][];
  readonly bperp: Float32Array;
  /** dropIfgram as stored: true = KEEP (MintPy convention) */
  readonly dropIfgram: boolean[];

  private constructor(readonly h5: H5Reader) {
    this.attrs = h5.attrs;
    for (const k of ['unwrapPhase', 'date', 'bperp'])
      if (!h5.has(k)) throw new H5Error(h5.path, `not an ifgramStack file: no "${k}" dataset`);
    const shape = h5.shape('unwrapPhase');
    if (shape.length !== 3)
      throw new H5Error(h5.path, `unwrapPhase is ${shape.length}-D, expected (pairs, rows, cols)`);
    [, this.length, this.width] = shape;
    const d = h5.readStrings('date');
    this.pairs = [];
    for (let i = 0; i < d.length; i += 2) this.pairs.push([d[i], d[i + 1]]);
    if (this.pairs.length !== shape[0])
      throw new H5Error(h5.path, `date has ${this.pairs.length} pairs but unwrapPhase has ${shape[0]}`);
    this.bperp = Float32Array.from(h5.read('bperp'));
    this.dropIfgram = h5.has('dropIfgram')
      ? Array.from(h5.read('dropIfgram'), (v) => v !== 0)
      : this.pairs.map(() => true);
  }

  static async open(path: string): Promise<IfgramStack> {
    return new IfgramStack(await H5Reader.open(path));
  }

  get path(): string {
    return this.h5.path;
  }
  get numPairs(): number {
    return this.pairs.length;
  }
  get grid(): GeoGrid | null {
    return gridOf(this.attrs, this.h5.path);
  }
  get wavelength(): number {
    return Number(this.attrs.WAVELENGTH);
  }
  /** 'YYYYMMDD_YYYYMMDD' per pair */
  get date12(): string[] {
    return this.pairs.map(([a, b]) => `${a}_${b}`);
  }
  has(ds: string): boolean {
    return this.h5.has(ds);
  }

  /** HDF5 chunk shape of a dataset (null: contiguous). */
  chunks(ds: string): number[] | null {
    return this.h5.chunks(ds);
  }
  /** rows [r0,r1) of all (or some) pairs of a 3-D dataset, pair-major */
  readRows(ds: string, r0: number, r1: number, pairs?: [number, number]): NumericArray {
    return this.h5.readRows(ds, r0, r1, pairs);
  }
  readPair(ds: string, i: number): NumericArray {
    return this.h5.readBand(ds, i);
  }
  close(): void {
    this.h5.close();
  }
}
