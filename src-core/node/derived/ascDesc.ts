/**
 * MintPy 1.5.1's asc_desc2horz_vert.py on files: the overlap of ≥ 2 geocoded LOS files (same step),
 * LOS geometry from geometry files (incidenceAngle/azimuthAngle maps, per-window medians with `step`,
 * default 20 as MintPy) or constant angles from the attributes (centre incidence from STARTING_RANGE …,
 * azimuth from HEADING), decomposition into horizontal (along α_h, default −90° = east) and vertical,
 * written as `hz.h5` / `up.h5` beside the first file (MintPy's names and attributes).
 */
import { dirname, join, resolve } from 'node:path';
import { H5Reader, writeH5File, type Attrs } from '../formats/h5';
import { gridOf, type GeoGrid } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { fourCorners } from '../export/kmz';
import { readMap } from '../export/source';
import { ascDesc2HorzVert } from '../../common/derived/vertical';

/** MintPy ut.incidence_angle(atr, dimension=0): centre incidence angle [deg] from the orbit attributes. */
export function centreIncidenceAngle(atr: Attrs, file = '?'): number {
  for (const k of ['STARTING_RANGE', 'RANGE_PIXEL_SIZE', 'EARTH_RADIUS', 'HEIGHT', 'WIDTH'])
    if (atr[k] === undefined)
      throw new InputError(`${file}: no ${k} attribute to compute the incidence angle (give a geometry file)`);
  const rn = Number(atr.STARTING_RANGE);
  const dR = Number(atr.RANGE_PIXEL_SIZE);
  const r = Number(atr.EARTH_RADIUS);
  const H = Number(atr.HEIGHT);
  const rf = rn + dR * Number(atr.WIDTH);
  const n = ((Math.PI - Math.acos((r ** 2 + rn ** 2 - (r + H) ** 2) / (2 * r * rn))) * 180.0) / Math.PI;
  const f = ((Math.PI - Math.acos((r ** 2 + rf ** 2 - (r + H) ** 2) / (2 * r * rf))) * 180.0) / Math.PI;
  return (n + f) / 2.0;
}

/** MintPy ut.heading2azimuth_angle (right-looking by default). */
export function heading2azimuth(heading: number, lookDirection: 'right' | 'left' = 'right'): number {
  let az = lookDirection === 'right' ? (heading - 90) * -1 : (heading + 90) * -1;
  az -= Math.round(az / 360) * 360;
  return az;
}

function lalo2yx(v: number, first: number, step: number): number {
  return Math.floor((v - first) / step + 0.01);
}

function cut(data: Float32Array, g: GeoGrid, x0: number, y0: number, w: number, l: number, file: string): Float32Array {
  if (x0 < 0 || y0 < 0 || x0 + w > g.width || y0 + l > g.length)
    throw new InputError(`${file}: overlap box outside the file`);
  const out = new Float32Array(w * l);
  for (let r = 0; r < l; r++) out.set(data.subarray((y0 + r) * g.width + x0, (y0 + r) * g.width + x0 + w), r * w);
  return out;
}

export interface AscDescOptions {
  /** ≥ 2 geocoded LOS files (velocity.h5, …) */
  files: string[];
  /** dataset to read (default: the file's main one) */
  dataset?: string;
  /** one geometry file per LOS file (incidenceAngle, azimuthAngle maps) */
  geomFiles?: string[];
  horzAzimuth?: number;
  /** window for per-pixel geometry (default 20, as MintPy's function default) */
  step?: number;
  /** [horizontal, vertical] outputs (default hz.h5, up.h5 beside the first file) */
  out?: [string, string];
}

export async function writeAscDescHorzVert(
  opts: AscDescOptions,
): Promise<{ horz: string; vert: string; length: number; width: number }> {
  const files = opts.files.map((f) => resolve(f));
  if (files.length < 2) throw new InputError('asc/desc decomposition needs at least 2 LOS files');
  if (opts.geomFiles && opts.geomFiles.length !== files.length)
    throw new InputError(`${opts.geomFiles[0] ?? '?'}: give one geometry file per LOS file (${files.length})`);
  const maps = await Promise.all(files.map((f) => readMap(f, opts.dataset)));
  const grids = maps.map((m) => {
    if (!m.grid) throw new InputError(`${m.file}: not geocoded (asc/desc decomposition needs geocoded files)`);
    return m.grid;
  });
  for (const [k, g] of grids.entries())
    if ((g.epsg ?? 4326) !== (grids[0].epsg ?? 4326))
      throw new InputError(
        `${files[k]}: EPSG:${g.epsg ?? 4326} differs from EPSG:${grids[0].epsg ?? 4326} of ${files[0]}; put both on one grid first`,
      );
  for (const [k, g] of grids.entries())
    if (g.xStep !== grids[0].xStep || g.yStep !== grids[0].yStep)
      throw new InputError(`${files[k]}: X/Y_STEP differ from ${files[0]}; re-geocode with the same lat/lon steps`);
  let S = -Infinity;
  let N = Infinity;
  let Wst = -Infinity;
  let E = Infinity;
  for (const g of grids) {
    const c = fourCorners(g);
    S = Math.max(S, c.south);
    N = Math.min(N, c.north);
    Wst = Math.max(Wst, c.west);
    E = Math.min(E, c.east);
  }
  const latStep = grids[0].yStep;
  const lonStep = grids[0].xStep;
  const length = Math.round((S - N) / latStep);
  const width = Math.round((E - Wst) / lonStep);
  if (!(length > 0 && width > 0)) throw new InputError(`${files[1]}: no overlap with ${files[0]}`);

  const los: Float32Array[] = [];
  const inc: (number | Float32Array)[] = [];
  const az: (number | Float32Array)[] = [];
  for (let i = 0; i < files.length; i++) {
    const g = grids[i];
    const x0 = lalo2yx(Wst, g.xFirst, g.xStep);
    const y0 = lalo2yx(N, g.yFirst, g.yStep);
    los.push(cut(maps[i].data, g, x0, y0, width, length, files[i]));
    if (opts.geomFiles) {
      const gf = resolve(opts.geomFiles[i]);
      const h = await H5Reader.open(gf);
      try {
        for (const k of ['incidenceAngle', 'azimuthAngle'])
          if (!h.has(k)) throw new InputError(`${gf}: no "${k}" dataset`);
        const gg = gridOf(h.attrs, gf) ?? g;
        if (gg.width !== g.width || gg.length !== g.length)
          throw new InputError(`${gf}: geometry size differs from ${files[i]}`);
        inc.push(cut(Float32Array.from(h.read('incidenceAngle')), g, x0, y0, width, length, gf));
        az.push(cut(Float32Array.from(h.read('azimuthAngle')), g, x0, y0, width, length, gf));
      } finally {
        h.close();
      }
    } else {
      const a = maps[i].attrs;
      if (a.HEADING === undefined) throw new InputError(`${files[i]}: no HEADING attribute (give a geometry file)`);
      inc.push(Math.fround(centreIncidenceAngle(a, files[i])));
      az.push(Math.fround(heading2azimuth(Number(a.HEADING))));
    }
  }
  const { horz, vert } = ascDesc2HorzVert({
    los,
    incidence: inc,
    azimuth: az,
    length,
    width,
    horzAzimuth: opts.horzAzimuth,
    step: opts.step,
  });

  const atr: Attrs = { ...maps[0].attrs };
  atr.WIDTH = String(width);
  atr.LENGTH = String(length);
  atr.X_STEP = String(lonStep);
  atr.Y_STEP = String(latStep);
  atr.X_FIRST = String(Wst);
  atr.Y_FIRST = String(N);
  if (atr.REF_LAT !== undefined && atr.REF_LON !== undefined) {
    atr.REF_Y = String(lalo2yx(Number(atr.REF_LAT), N, latStep));
    atr.REF_X = String(lalo2yx(Number(atr.REF_LON), Wst, lonStep));
  }
  const dsName = maps[0].fileType === 'velocity' ? 'velocity' : maps[0].dataset;
  const dir = dirname(files[0]);
  const [hz, up] = (opts.out ?? [join(dir, 'hz.h5'), join(dir, 'up.h5')]).map((p) => resolve(p));
  const shape = [length, width];
  await writeH5File(hz, atr, [{ name: dsName, data: horz, shape }]);
  await writeH5File(up, atr, [{ name: dsName, data: vert, shape }]);
  return { horz: hz, vert: up, length, width };
}
