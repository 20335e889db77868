/**
 * Google Earth KMZ of a geocoded map, as MintPy 1.5.1's save_kmz makes it for geo input:
 * `<base>.kml` with a GroundOverlay (clampToGround, LatLonBox from X/Y_FIRST/STEP) of `<base>.png`
 * (RGBA; masked / no-data transparent; reference point as a black square) and a ScreenOverlay colour bar
 * `<base>_cbar.png`, zipped (paths relative inside the archive).
 *
 * Differences from MintPy, on purpose: a projected (UTM) grid — NISAR GUNW — is resampled by nearest
 * neighbour onto a lat/lon grid first (common/geo/lonLatGrid), so the LatLonBox holds degrees (MintPy 1.5.1
 * writes the UTM metres there, which Google Earth cannot place); the PNG has an integer number of pixels per grid cell and is
 * registered exactly on the LatLonBox (MintPy's matplotlib figure is shifted by half a cell: its axes span
 * [0, W] with pixel centres at integers); the colour bar is drawn with a built-in bitmap font.
 */
import { strToU8 } from 'fflate';
import { zipFrom } from './zip';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { applyColormap, colorIndex, getColormap, resampleColormap, type Colormap } from '../../common/colormap';
import type { GeoGrid } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { writeFileAtomic, xmlEscape } from './atomic';
import { Raster, TEXT_HEIGHT, textWidth } from '../../common/export/raster';
import { H5Reader, type Attrs } from '../formats/h5';
import { dotIcon, starIcon } from './icons';
import { defaultMaskFile, displayUnit, maskAndScale, readMap, readMask, requireGeo } from './source';
import { niceTicks } from '../../common/export/ticks';
import { toLonLatGrid } from '../../common/geo/lonLatGrid';
import { cancelPoint } from '../pipeline/cancelPoint';

/** MintPy's four_corners: [south, north, west, east] in the same float operations. */
export function fourCorners(g: GeoGrid): { south: number; north: number; west: number; east: number } {
  return {
    south: g.yFirst + g.yStep * g.length,
    north: g.yFirst,
    west: g.xFirst,
    east: g.xFirst + g.xStep * g.width,
  };
}

/**
 * MintPy's auto_adjust_colormap_lut_and_disp_limit: a discrete LUT of k entries when the data hold
 * ≤ 20 evenly spaced distinct values (vlim widened by half a step), else 256 entries and [nanmin, nanmax].
 */
export function autoLutAndVlim(data: ArrayLike<number>): { lut: number; vlim: [number, number] } | null {
  const uniq = new Set<number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (uniq.size <= 20) uniq.add(v);
  }
  if (!(lo <= hi)) return null;
  if (lo === hi) return { lut: 256, vlim: [lo, hi] };
  if (uniq.size <= 20) {
    const u = [...uniq].sort((a, b) => a - b);
    let vstep = Infinity;
    for (let i = 1; i < u.length; i++) vstep = Math.min(vstep, u[i] - u[i - 1]);
    const minNumStep = Math.floor((hi - lo) / vstep + 1);
    if (minNumStep <= 20) return { lut: minNumStep, vlim: [lo - vstep / 2, hi + vstep / 2] };
  }
  return { lut: 256, vlim: [lo, hi] };
}

/** Pixels per grid cell for the overlay PNG: about 2000 px on the long side, 1–12 px per cell. */
export function overlayScale(length: number, width: number): number {
  return Math.max(1, Math.min(12, Math.floor(2048 / Math.max(length, width))));
}

/**
 * The overlay image: `scale` × `scale` PNG pixels per cell, row 0 at the top (north), NaN transparent,
 * and the reference pixel (if given) as a black square of ≈ 0.6 cell (at least 3 px) on its centre.
 */
export function renderOverlay(
  data: ArrayLike<number>,
  length: number,
  width: number,
  cm: Colormap,
  vlim: [number, number],
  opts: { scale?: number; ref?: [number, number] | null } = {},
): Raster {
  const s = opts.scale ?? overlayScale(length, width);
  const W = width * s;
  const img = new Raster(W, length * s);
  const rowRgba = new Uint8Array(width * 4);
  const line = new Uint8Array(W * 4);
  const rowVals = new Float32Array(width);
  for (let r = 0; r < length; r++) {
    for (let c = 0; c < width; c++) rowVals[c] = data[r * width + c];
    applyColormap(rowVals, cm, vlim[0], vlim[1], rowRgba);
    if (s === 1) line.set(rowRgba);
    else
      for (let c = 0; c < width; c++) {
        const px = rowRgba.subarray(4 * c, 4 * c + 4);
        for (let k = 0; k < s; k++) line.set(px, 4 * (c * s + k));
      }
    for (let k = 0; k < s; k++) img.data.set(line, 4 * (r * s + k) * W);
  }
  if (opts.ref) {
    const [ry, rx] = opts.ref;
    const side = Math.max(3, Math.round(0.6 * s));
    const cx = (rx + 0.5) * s;
    const cy = (ry + 0.5) * s;
    img.fillRect(Math.round(cx - side / 2), Math.round(cy - side / 2), side, side, [0, 0, 0, 255]);
  }
  return img;
}

/**
 * A vertical colour bar (vmax at the top) with tick labels and a rotated label, on white at alpha 0.7
 * like MintPy's `<base>_cbar.png`.
 */
export function renderColorbar(cm: Colormap, vlim: [number, number], label: string, barHeight = 280): Raster {
  const ticks = niceTicks(vlim[0], vlim[1], 6);
  const inRange = ticks.values.filter((v) => v >= Math.min(...vlim) - 1e-12 && v <= Math.max(...vlim) + 1e-12);
  const labels = inRange.map(ticks.label);
  const maxLabel = Math.max(0, ...labels.map(textWidth));
  const pad = Math.ceil(TEXT_HEIGHT / 2) + 2;
  const barX = 8;
  const barW = 20;
  const tickX = barX + barW;
  const labelX = tickX + 6;
  const titleX = labelX + maxLabel + 6;
  const titleW = textWidth(label);
  const H = Math.max(barHeight + 2 * pad, titleW + 2 * pad);
  const barY = Math.round((H - barHeight) / 2);
  const W = titleX + TEXT_HEIGHT + 6;
  const img = new Raster(W, H);
  img.fillRect(0, 0, W, H, [255, 255, 255, 178]);
  const span = vlim[1] - vlim[0];
  for (let j = 0; j < barHeight; j++) {
    const f = 1 - (j + 0.5) / barHeight;
    const i = Math.min(cm.n - 1, Math.max(0, Math.floor(f * cm.n)));
    img.fillRect(barX, barY + j, barW, 1, [cm.lut[3 * i], cm.lut[3 * i + 1], cm.lut[3 * i + 2], 255]);
  }
  // frame
  img.fillRect(barX - 1, barY - 1, barW + 2, 1, [0, 0, 0, 255]);
  img.fillRect(barX - 1, barY + barHeight, barW + 2, 1, [0, 0, 0, 255]);
  img.fillRect(barX - 1, barY - 1, 1, barHeight + 2, [0, 0, 0, 255]);
  img.fillRect(barX + barW, barY - 1, 1, barHeight + 2, [0, 0, 0, 255]);
  inRange.forEach((v, k) => {
    const y = span === 0 ? barY + barHeight / 2 : barY + (1 - (v - vlim[0]) / span) * barHeight;
    img.fillRect(tickX, Math.round(y), 4, 1, [0, 0, 0, 255]);
    img.drawText(labels[k], labelX, Math.round(y - TEXT_HEIGHT / 2));
  });
  img.drawText(label, titleX, Math.round((H - titleW) / 2), [0, 0, 0], true);
  return img;
}

/** KML text of the overlay document (same elements and numbers as MintPy's). */
export function overlayKml(name: string, pngName: string, cbarName: string, g: GeoGrid): string {
  const { south, north, west, east } = fourCorners(g);
  const e = xmlEscape;
  return `<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:gx="http://www.google.com/kml/ext/2.2">
  <Document>
    <GroundOverlay>
      <name>${e(name)}</name>
      <Icon>
        <href>${e(pngName)}</href>
      </Icon>
      <altitudeMode>clampToGround</altitudeMode>
      <LatLonBox>
        <north>${String(north)}</north>
        <east>${String(east)}</east>
        <south>${String(south)}</south>
        <west>${String(west)}</west>
      </LatLonBox>
    </GroundOverlay>
    <ScreenOverlay>
      <name>colorbar</name>
      <Icon>
        <href>${e(cbarName)}</href>
        <viewBoundScale>0.75</viewBoundScale>
      </Icon>
      <overlayXY x="0" y="0" xunits="fraction" yunits="fraction"/>
      <screenXY x="0" y="0" xunits="fraction" yunits="fraction"/>
      <size x="0" y="250" xunits="pixel" yunits="pixel"/>
      <rotation>0</rotation>
      <visibility>1</visibility>
      <open>0</open>
    </ScreenOverlay>
  </Document>
</kml>
`;
}

export interface KmzOptions {
  /** source HDF5 file (geocoded) */
  file: string;
  /** dataset (default: the file's main one; for a time series a date YYYYMMDD or REF_DATE) */
  dataset?: string;
  /** output path (default: `<dir of file>/<file base>[_<dataset>].kmz`) */
  out?: string;
  /** display limits in display units (cm/year for velocity); default [nanmin, nanmax] of the masked data */
  vlim?: [number, number];
  /** colour map name (default jet) */
  cmap?: string;
  /** mask file; default MintPy's (maskTempCoh.h5 beside the file); `false` = no mask */
  mask?: string | false;
  /** colour-bar label (default 'Mean LOS velocity' for velocity as MintPy; 'LOS displacement' for a time series; else the dataset) */
  label?: string;
  /** PNG pixels per grid cell (default: `overlayScale`) */
  scale?: number;
  /** draw the reference point (default true when REF_Y/REF_X exist) */
  showRef?: boolean;
  /** radar-coded input: geometry file with latitude/longitude (default geometryRadar.h5 beside or in inputs/) */
  geom?: string;
  /** radar-coded input: one placemark per `step` pixels (default 5, as MintPy) */
  step?: number;
  /** a run's cancel (google_earth): heard between the phases (read, colours, PNG, zip) */
  signal?: AbortSignal;
}

export interface KmzResult {
  path: string;
  vlim: [number, number];
  unit: string;
  maskFile: string | null;
  png: { width: number; height: number; scale: number };
  /** names of the entries in the archive */
  entries: string[];
  /** placemarks written (radar-coded input) */
  points?: number;
  seconds: number;
}

/** Write a KMZ (atomically) for a 2-D geocoded dataset, as MintPy's save_kmz. */
export async function writeKmz(opts: KmzOptions): Promise<KmzResult> {
  const t0 = performance.now();
  const m = await readMap(opts.file, opts.dataset);
  let maskFile = opts.mask === false ? null : (opts.mask ?? defaultMaskFile(m.file, m.fileType));
  // MintPy ignores a default mask of another size ("Continue without mask"); a mask the user gave must fit
  if (maskFile && opts.mask === undefined && !(await sameSize(maskFile, m.length, m.width))) maskFile = null;
  const mask = maskFile ? await readMask(maskFile, m.length, m.width) : null;
  await cancelPoint(opts.signal);
  const du = displayUnit(m.unit, m.fileType);
  const data = maskAndScale(m.data, mask, du.scale);

  let cm = getColormap(opts.cmap ?? 'jet');
  let vlim = opts.vlim;
  if (!vlim) {
    const auto = autoLutAndVlim(data);
    if (!auto)
      throw new InputError(`${m.file}: no valid pixel left after masking${maskFile ? ` with ${maskFile}` : ''}`);
    vlim = auto.vlim;
    if (auto.lut !== 256) cm = resampleColormap(cm, auto.lut);
  }

  const fbase = basename(m.file, extname(m.file));
  const isDefault = opts.dataset === undefined || opts.dataset === defaultName(m.fileType);
  const out = resolve(opts.out ?? join(dirname(m.file), `${isDefault ? fbase : `${fbase}_${m.dataset}`}.kmz`));
  const base = basename(out, extname(out));

  if (!m.grid) {
    const label =
      opts.label ?? (m.fileType === 'velocity' && m.dataset === 'velocity' ? 'Mean LOS velocity' : m.dataset);
    const res = await writePlacemarkKmz(m.file, m.attrs, data, m.length, m.width, cm, vlim, du.unit, label, out, opts);
    return { ...res, maskFile, seconds: (performance.now() - t0) / 1000 };
  }
  const ll = toLonLatGrid(data, requireGeo(m));
  const grid = ll.grid;
  const showRef = opts.showRef ?? true;
  let ref =
    showRef && m.attrs.REF_Y !== undefined && m.attrs.REF_X !== undefined
      ? ([Number(m.attrs.REF_Y), Number(m.attrs.REF_X)] as [number, number])
      : null;
  if (ref && ll.source) {
    // the middle one of the lat/lon cells that sample the reference pixel
    const k = ref[0] * m.width + ref[1];
    const src = ll.source;
    const cells = [...src.keys()].filter((i) => src[i] === k);
    const i = cells[Math.floor(cells.length / 2)];
    ref = i === undefined ? null : [Math.floor(i / grid.width), i % grid.width];
  }
  const scale = opts.scale ?? overlayScale(grid.length, grid.width);
  await cancelPoint(opts.signal);
  const img = renderOverlay(ll.data, grid.length, grid.width, cm, vlim, { scale, ref });
  await cancelPoint(opts.signal);
  const label =
    opts.label ??
    (m.fileType === 'timeseries'
      ? 'LOS displacement'
      : m.fileType === 'velocity' && m.dataset === 'velocity'
        ? 'Mean LOS velocity'
        : m.dataset);
  const cbar = renderColorbar(cm, vlim, `${label} [${du.unit}]`);

  const pngName = `${base}.png`;
  const cbarName = `${base}_cbar.png`;
  const kml = overlayKml(base, pngName, cbarName, grid);
  const png = img.toPng();
  await cancelPoint(opts.signal);
  const files: Record<string, Uint8Array> = {
    [`${base}.kml`]: strToU8(kml),
    [pngName]: png,
    [cbarName]: cbar.toPng(),
  };
  // PNGs are already deflated: store them; entries stamped with the input's time (reproducible bytes)
  const zip = zipFrom(m.file, files);
  writeFileAtomic(out, zip);
  return {
    path: out,
    vlim,
    unit: du.unit,
    maskFile,
    png: { width: img.width, height: img.height, scale },
    entries: Object.keys(files),
    seconds: (performance.now() - t0) / 1000,
  };
}

function defaultName(fileType: string): string | undefined {
  return { velocity: 'velocity', temporalCoherence: 'temporalCoherence', mask: 'mask' }[fileType];
}

/** MintPy's default geometry file for radar-coded data: geometryRadar.h5 beside the file or in inputs/. */
function defaultGeometryFile(file: string): string | null {
  for (const p of [join(dirname(file), 'geometryRadar.h5'), join(dirname(file), 'inputs', 'geometryRadar.h5')])
    if (existsSync(p)) return p;
  return null;
}

/**
 * Radar-coded input, as MintPy's write_kmz_placemark: one Placemark per `step` pixels (NaN skipped) with
 * the icon tinted by the value's colour (to_hex rounding), ExtendedData Latitude/Longitude/Row/Column/Value,
 * a "ReferencePoint" star, and the colour bar.
 */
async function writePlacemarkKmz(
  file: string,
  attrs: Attrs,
  data: Float32Array,
  length: number,
  width: number,
  cm: Colormap,
  vlim: [number, number],
  unit: string,
  label: string,
  out: string,
  opts: KmzOptions,
): Promise<Omit<KmzResult, 'maskFile' | 'seconds'>> {
  const geom = opts.geom ? resolve(opts.geom) : defaultGeometryFile(file);
  if (!geom)
    throw new InputError(`${file}: not geocoded and no geometry file with latitude/longitude (give one with --geom)`);
  const g = await H5Reader.open(geom);
  let lats: Float32Array;
  let lons: Float32Array;
  try {
    if (!g.has('latitude') || !g.has('longitude')) throw new InputError(`${geom}: no latitude/longitude datasets`);
    lats = Float32Array.from(g.read('latitude'));
    lons = Float32Array.from(g.read('longitude'));
  } finally {
    g.close();
  }
  if (lats.length !== length * width) throw new InputError(`${geom}: size differs from ${file}`);
  const icm = getColormap(cm.name.replace(/_\d+$/, ''), undefined, 'round');
  const iconCm = cm.n === icm.n ? icm : resampleColormap(icm, cm.n);
  const color = (v: number): string => {
    const i = colorIndexOf(iconCm, v, vlim);
    const l = iconCm.lut;
    return `ff${[l[3 * i + 2], l[3 * i + 1], l[3 * i]].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
  };
  const e = xmlEscape;
  const placemark = (
    lat: number,
    lon: number,
    row: number,
    col: number,
    v: number,
    icon: string,
    scale: string,
    name?: string,
  ): string =>
    `    <Placemark>${name ? `<name>${e(name)}</name>` : ''}<Style><IconStyle><color>${color(v)}</color><scale>${scale}</scale><Icon><href>${icon}</href></Icon></IconStyle></Style>
      <ExtendedData><Data name="Latitude"><value>${lat.toFixed(6)}˚</value></Data><Data name="Longitude"><value>${lon.toFixed(6)}˚</value></Data><Data name="Row"><value>${row.toFixed(0)}</value></Data><Data name="Column"><value>${col.toFixed(0)}</value></Data><Data name="Value"><value>${v.toFixed(2)} ${e(unit)}</value></Data></ExtendedData>
      <Point><coordinates>${lon},${lat}</coordinates></Point></Placemark>\n`;
  const base = basename(out, extname(out));
  const cbarName = `${base}_cbar.png`;
  let kml = `<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:gx="http://www.google.com/kml/ext/2.2">
  <Document>
    <ScreenOverlay><name>colorbar</name><Icon><href>${e(cbarName)}</href><viewBoundScale>0.75</viewBoundScale></Icon>
      <overlayXY x="0" y="0" xunits="fraction" yunits="fraction"/><screenXY x="0" y="0" xunits="fraction" yunits="fraction"/>
      <size x="0" y="250" xunits="pixel" yunits="pixel"/><rotation>0</rotation><visibility>1</visibility><open>0</open></ScreenOverlay>\n`;
  const v = Float32Array.from(data);
  if (attrs.REF_Y !== undefined && attrs.REF_X !== undefined) {
    const ry = Number(attrs.REF_Y);
    const rx = Number(attrs.REF_X);
    const i = ry * width + rx;
    kml += placemark(lats[i], lons[i], ry, rx, 0.0, 'star.png', '1.0', 'ReferencePoint');
    v[i] = NaN;
  }
  const step = opts.step ?? 5;
  let n = 0;
  kml += '    <Folder><name>Data</name>\n';
  for (let y = 0; y < length; y += step)
    for (let x = 0; x < width; x += step) {
      const i = y * width + x;
      if (Number.isNaN(v[i])) continue;
      kml += placemark(lats[i], lons[i], y, x, v[i], 'shaded_dot.png', '0.5');
      n++;
    }
  kml += '    </Folder>\n  </Document>\n</kml>\n';
  const cbar = renderColorbar(cm, vlim, `${label} [${unit}]`);
  const files: Record<string, Uint8Array> = {
    [`${base}.kml`]: strToU8(kml),
    [cbarName]: cbar.toPng(),
    'shaded_dot.png': dotIcon(),
    'star.png': starIcon(),
  };
  const zip = zipFrom(file, files);
  writeFileAtomic(out, zip);
  return { path: out, vlim, unit, png: { width: 0, height: 0, scale: 0 }, entries: Object.keys(files), points: n };
}

function colorIndexOf(cm: Colormap, v: number, vlim: [number, number]): number {
  return Math.max(0, colorIndex(cm, v, vlim[0], vlim[1]));
}

async function sameSize(file: string, length: number, width: number): Promise<boolean> {
  const h = await H5Reader.open(file);
  try {
    return Number(h.attrs.LENGTH) === length && Number(h.attrs.WIDTH) === width;
  } finally {
    h.close();
  }
}
