/**
 * Tiny synthetic NISAR GUNW products in the real HDF5 layout (the paths prep_nisar reads), and a DEM GeoTIFF
 * in EPSG:4326 that covers them: the data the NISAR loader's own tests stand on (no fixture needed), and a
 * way to make broken inputs (a missing dataset, another frame, another polarisation, empty masks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as h5wasm from 'h5wasm/node';
import { h5ready, h5wasmDtype } from '../formats/h5';
import { encodeGeoTiff } from '../export/geotiff';
import { transformBounds, WGS84 } from '../../common/geo/crs';

export interface GunwSpec {
  epsg: number;
  /** pixel-centre coordinates of the first column / row and the spacing (dy < 0: north up) */
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  length: number;
  dates: string[];
  /** [reference, secondary] indices into dates */
  pairs: [number, number][];
  polarization: string;
  frequency: 'frequencyA' | 'frequencyB';
  direction: 'Ascending' | 'Descending';
  track: number;
  frame: number;
  /** GUNW mask byte of pixel (r, c) for pair k (11 = land, both subswaths; 111 = water; 0 = no data) */
  mask: (r: number, c: number, k: number) => number;
  /** unwrapped phase of pixel (r, c) for pair k (radians) */
  phase: (r: number, c: number, k: number) => number;
}

/** 6 dates, 9 pairs, 24 × 32 px at 100 m on UTM 11N near Corcoran; a water strip and a no-data corner. */
export function tinyGunwSpec(): GunwSpec {
  const dates = ['20260103', '20260115', '20260127', '20260208', '20260220', '20260304'];
  const pairs: [number, number][] = [];
  for (let i = 0; i < dates.length; i++) for (let j = i + 1; j <= i + 2 && j < dates.length; j++) pairs.push([i, j]);
  return {
    epsg: 32611,
    x0: 266050,
    y0: 4000350,
    dx: 100,
    dy: -100,
    width: 32,
    length: 24,
    dates,
    pairs,
    polarization: 'HH',
    frequency: 'frequencyA',
    direction: 'Ascending',
    track: 77,
    frame: 20,
    mask: (r, c) => (r < 2 && c < 3 ? 0 : c >= 28 && r >= 10 && r < 14 ? 111 : 11),
    phase: (r, c, k) => 0.05 * (k + 1) * (r - 12) + 0.02 * c,
  };
}

export function gunwFileName(s: GunwSpec, k: number): string {
  const [i, j] = s.pairs[k];
  const d1 = s.dates[i];
  const d2 = s.dates[j];
  const pad = (n: number) => String(n).padStart(3, '0');
  return `NISAR_L2_PR_GUNW_004_${pad(s.track)}_${s.direction[0]}_${pad(s.frame)}_4005_DHDH_A_${d1}T140312_${d1}T140326_${d2}T140312_${d2}T140326_X05009_N_F_J_001.h5`;
}

const iso = (d: string, t: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t}.123456000`;

/** Write product k of the spec; `omit` lists full HDF5 paths to leave out. Returns the file's path. */
export async function writeGunwProduct(dir: string, s: GunwSpec, k: number, omit: string[] = []): Promise<string> {
  await h5ready();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, gunwFileName(s, k));
  const f = new h5wasm.File(path, 'w');
  try {
    const groups = new Set<string>();
    const group = (p: string): void => {
      const parts = p.split('/').filter(Boolean);
      for (let n = 1; n <= parts.length; n++) {
        const g = parts.slice(0, n).join('/');
        if (!groups.has(g)) {
          f.create_group(g);
          groups.add(g);
        }
      }
    };
    const put = (p: string, data: unknown, shape: number[] | null, dtype: string | null, fill?: number): void => {
      if (omit.includes(p)) return;
      group(p.slice(0, p.lastIndexOf('/')));
      const ds = f.create_dataset({
        name: p,
        data: data as never,
        ...(shape ? { shape } : {}),
        ...(dtype ? { dtype: h5wasmDtype(dtype) } : {}),
      });
      if (fill !== undefined)
        ds.create_attribute(
          '_FillValue',
          fill,
          null,
          h5wasmDtype(dtype === '<u2' ? '<u2' : dtype === '|u1' ? '|u1' : '<f4'),
        );
    };
    const { width: W, length: L } = s;
    const [i, j] = s.pairs[k];
    const fq = s.frequency;
    const u = `/science/LSAR/GUNW/grids/${fq}/unwrappedInterferogram`;
    const pol = `${u}/${s.polarization}`;
    const xs = Float64Array.from({ length: W }, (_, c) => s.x0 + c * s.dx);
    const ys = Float64Array.from({ length: L }, (_, r) => s.y0 + r * s.dy);
    const mask = new Uint8Array(W * L);
    const unw = new Float32Array(W * L);
    const coh = new Float32Array(W * L);
    const cc = new Uint16Array(W * L);
    const ion = new Float32Array(W * L);
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        const n = r * W + c;
        mask[n] = s.mask(r, c, k);
        const nodata = mask[n] === 0;
        unw[n] = nodata ? NaN : s.phase(r, c, k);
        coh[n] = nodata ? NaN : 0.9 + 0.08 * Math.cos(r / 5 + c / 7 + k);
        cc[n] = nodata ? 65535 : 1;
        ion[n] = nodata ? NaN : 0.01 * (r + c) - 0.1 * k;
      }
    put(`/science/LSAR/GUNW/grids/${fq}/centerFrequency`, 1257000000, null, '<f8');
    put(`/science/LSAR/GUNW/grids/${fq}/listOfPolarizations`, [s.polarization], [1], null);
    put(`${pol}/unwrappedPhase`, unw, [L, W], '<f4', NaN);
    put(`${pol}/coherenceMagnitude`, coh, [L, W], '<f4', NaN);
    put(`${pol}/connectedComponents`, cc, [L, W], '<u2', 65535);
    put(`${pol}/ionospherePhaseScreen`, ion, [L, W], '<f4', NaN);
    put(`${pol}/xCoordinates`, xs, [W], '<f8');
    put(`${pol}/yCoordinates`, ys, [L], '<f8');
    put(`${pol}/xCoordinateSpacing`, s.dx, null, '<f8');
    put(`${pol}/yCoordinateSpacing`, s.dy, null, '<f8');
    put(`${pol}/projection`, s.epsg, null, '<u4');
    put(`${u}/mask`, mask, [L, W], '|u1', 255);
    const par = `/science/LSAR/GUNW/metadata/processingInformation/parameters/unwrappedInterferogram/${fq}`;
    put(`${par}/numberOfAzimuthLooks`, 17, null, '<u4');
    put(`${par}/numberOfRangeLooks`, 7, null, '<u4');
    // radar-grid cubes: 5 heights × 4 × 5 nodes reaching past the data grid
    const rg = '/science/LSAR/GUNW/metadata/radarGrid';
    const hs = [-500, 0, 500, 1500, 3000];
    const ry = Float64Array.from({ length: 4 }, (_, a) => s.y0 - s.dy * 2 + (a * (L + 3) * s.dy) / 3);
    const rx = Float64Array.from({ length: 5 }, (_, b) => s.x0 - s.dx * 2 + (b * (W + 3) * s.dx) / 4);
    const cube = (fn: (h: number, y: number, x: number) => number): Float64Array => {
      const v = new Float64Array(hs.length * ry.length * rx.length);
      let n = 0;
      for (const h of hs) for (const y of ry) for (const x of rx) v[n++] = fn(h, y - s.y0, x - s.x0);
      return v;
    };
    const shape = [hs.length, ry.length, rx.length];
    put(`${rg}/heightAboveEllipsoid`, Float64Array.from(hs), [hs.length], '<f8');
    put(`${rg}/yCoordinates`, ry, [ry.length], '<f8');
    put(`${rg}/xCoordinates`, rx, [rx.length], '<f8');
    put(`${rg}/projection`, s.epsg, null, '<u4');
    put(
      `${rg}/incidenceAngle`,
      cube((h, y, x) => 34 + 2e-4 * x - 1e-4 * h),
      shape,
      '<f8',
    );
    put(
      `${rg}/referenceSlantRange`,
      cube((h, y, x) => 877000 + 0.6 * x - 0.9 * h + 0.01 * y),
      shape,
      '<f8',
    );
    put(
      `${rg}/losUnitVectorX`,
      cube((h, y, x) => -0.54 + 1e-7 * x),
      shape,
      '<f8',
    );
    put(
      `${rg}/losUnitVectorY`,
      cube((_h, y) => -0.12 + 1e-7 * y),
      shape,
      '<f8',
    );
    put(
      `${rg}/perpendicularBaseline`,
      cube((h, y, x) => 40 * (j - i) - 25 * i + 1e-3 * x + 1e-4 * h),
      shape,
      '<f8',
    );
    put(
      `${rg}/wetTroposphericPhaseScreen`,
      cube((h) => 0.3 * (i - j) * Math.exp(-h / 2000)),
      shape,
      '<f8',
    );
    put(
      `${rg}/hydrostaticTroposphericPhaseScreen`,
      cube((h) => 0.1 * (j - i) * Math.exp(-h / 8000)),
      shape,
      '<f8',
    );
    put(
      `${rg}/slantRangeSolidEarthTidesPhase`,
      cube((h, y, x) => 0.02 * (i + j) + 1e-6 * x),
      shape,
      '<f8',
    );
    const id = '/science/LSAR/identification';
    put(`${id}/missionId`, 'NISAR', null, null);
    put(`${id}/orbitPassDirection`, s.direction, null, null);
    put(`${id}/productType`, 'GUNW', null, null);
    put(`${id}/trackNumber`, s.track, null, '<u4');
    put(`${id}/frameNumber`, s.frame, null, '<u2');
    put(`${id}/referenceZeroDopplerStartTime`, iso(s.dates[i], '14:03:12'), null, null);
    put(`${id}/referenceZeroDopplerEndTime`, iso(s.dates[i], '14:03:26'), null, null);
    put(`${id}/secondaryZeroDopplerStartTime`, iso(s.dates[j], '14:03:12'), null, null);
    put(`${id}/secondaryZeroDopplerEndTime`, iso(s.dates[j], '14:03:26'), null, null);
  } finally {
    f.close();
  }
  return path;
}

/** Write every product of the spec into `dir`. */
export async function writeGunwStack(dir: string, s: GunwSpec): Promise<string[]> {
  const out: string[] = [];
  for (let k = 0; k < s.pairs.length; k++) out.push(await writeGunwProduct(dir, s, k));
  return out;
}

/**
 * A 1-arc-second DEM GeoTIFF in EPSG:4326 around the spec's grid (`margin` degrees beyond its outline;
 * negative to leave part of the grid uncovered): a smooth hill, metres.
 */
export function writeDemFor(path: string, s: GunwSpec, margin = 0.01): void {
  const [w, so, e, n] = transformBounds(s.epsg, WGS84, [
    s.x0 - s.dx / 2,
    s.y0 + (s.length - 0.5) * s.dy,
    s.x0 + (s.width - 0.5) * s.dx,
    s.y0 - s.dy / 2,
  ]);
  const d = 1 / 3600;
  const xFirst = Math.floor((w - margin) / d) * d;
  const yFirst = Math.ceil((n + margin) / d) * d;
  const width = Math.max(1, Math.ceil((e + margin - xFirst) / d));
  const length = Math.max(1, Math.ceil((yFirst - (so - margin)) / d));
  const v = new Float32Array(width * length);
  for (let r = 0; r < length; r++)
    for (let c = 0; c < width; c++) {
      const lat = yFirst - (r + 0.5) * d;
      const lon = xFirst + (c + 0.5) * d;
      v[r * width + c] = 120 + 300 * Math.exp(-((lat - 36.1) ** 2 + (lon + 119.58) ** 2) / 2e-4);
    }
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, encodeGeoTiff([v], { length, width, xFirst, yFirst, xStep: d, yStep: -d }, { epsg: WGS84 }));
}
