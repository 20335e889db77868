/**
 * Figures as files for reports: build the figure data from a MintPy work directory (what MintPy's
 * plot_network, plot_coherence_matrix, view and tsview show) and write SVG, or PNG rasterised with resvg.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { H5Reader } from '../formats/h5';
import { IfgramStack, gridOf } from '../formats/mintpyFiles';
import { userLatLonToRowCol } from '../../common/geo/gridCoords';
import { perpBaselineTimeseries } from '../../common/network/networkGraph';
import { readKeptPairs } from '../network/selectionStore';
import { pairCoherenceFromTxt } from '../network/pairCoherence';
import { InputError } from '../../common/pipeline/types';
import { writeFileAtomic } from '../util/atomicFile';
import { coherenceMatrixSvg, mapSvg, networkSvg, timeSeriesSvg } from '../../common/export/figures';
import { defaultMaskFile, displayUnit, maskAndScale, nanMinMax, readMap, readMask } from './source';
import { readPixelSeries, type PixelSeriesData } from '../derived/pixelSeries';
import { pixelSeriesRelativeTo } from '../../common/derived/pixelSeriesRelative';

/** Write an SVG figure to `path`: `.png` is rasterised (scale × the SVG's size, white background), else SVG text. */
export function writeFigure(path: string, svg: string, scale = 2): void {
  if (/\.png$/i.test(path)) {
    const r = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    });
    writeFileAtomic(path, r.render().asPng());
  } else writeFileAtomic(path, svg);
}

interface NetworkData {
  dates: string[];
  pairs: [number, number][];
  bperp: Float32Array;
  coherence?: number[];
  kept: boolean[];
}

async function networkData(workDir: string): Promise<NetworkData> {
  const stackFile = join(workDir, 'inputs', 'ifgramStack.h5');
  if (!existsSync(stackFile)) throw new InputError(`${stackFile}: not found (run load_data first)`);
  const stack = await IfgramStack.open(stackFile);
  try {
    const kept = readKeptPairs(workDir, stack);
    // MintPy's plot_network: per-date bperp from all pairs
    const { dates, bperp } = perpBaselineTimeseries(stack.date12, stack.bperp);
    const idx = new Map(dates.map((d, i) => [d, i]));
    const pairs = stack.pairs.map(([a, b]) => [idx.get(a) as number, idx.get(b) as number] as [number, number]);
    // MintPy's plot_network colours pairs by coherenceSpatialAvg.txt (src-core pairCoherenceFromTxt)
    const coherence = pairCoherenceFromTxt(workDir, stack.date12) ?? undefined;
    return { dates, pairs, bperp, coherence, kept };
  } finally {
    stack.close();
  }
}

/** The network plot (date vs perpendicular baseline, pairs coloured by average coherence, dropped dashed). */
export async function networkFigure(workDir: string): Promise<string> {
  const n = await networkData(workDir);
  return networkSvg({ ...n, title: `Network: ${n.kept.filter(Boolean).length} of ${n.kept.length} pairs kept` });
}

/** The coherence matrix (upper triangle kept pairs, lower all). */
export async function coherenceMatrixFigure(workDir: string): Promise<string> {
  const n = await networkData(workDir);
  if (!n.coherence)
    throw new InputError(`${join(workDir, 'coherenceSpatialAvg.txt')}: not found (run modify_network first)`);
  return coherenceMatrixSvg({
    dates: n.dates,
    pairs: n.pairs,
    coherence: n.coherence,
    kept: n.kept,
    title: 'Coherence matrix',
  });
}

/** A map of a 2-D dataset with its colour bar (velocity in cm/year, masked by maskTempCoh.h5 by default). */
export async function mapFigure(
  file: string,
  dataset?: string,
  opts: { vlim?: [number, number]; cmap?: string; mask?: string | false } = {},
): Promise<string> {
  const m = await readMap(file, dataset);
  const maskFile = opts.mask === false ? null : (opts.mask ?? defaultMaskFile(m.file, m.fileType));
  const mask = maskFile && existsSync(maskFile) ? await readMask(maskFile, m.length, m.width) : null;
  const du = displayUnit(m.unit, m.fileType);
  const data = maskAndScale(m.data, mask, du.scale);
  let vlim = opts.vlim;
  if (!vlim) {
    const mm = nanMinMax(data);
    if (!mm) throw new InputError(`${file}: no valid pixel to draw`);
    const a = Math.max(Math.abs(mm[0]), Math.abs(mm[1]));
    vlim = m.fileType === 'velocity' || m.fileType === 'timeseries' ? [-a, a] : mm;
  }
  const g = gridOf(m.attrs, file);
  const ref = m.attrs.REF_Y !== undefined ? ([Number(m.attrs.REF_Y), Number(m.attrs.REF_X)] as [number, number]) : null;
  return mapSvg({
    data,
    length: m.length,
    width: m.width,
    vlim,
    cmap: opts.cmap ?? (m.fileType === 'velocity' ? 'RdBu_r' : 'viridis'),
    title: m.dataset,
    label: `${m.dataset} [${du.unit}]`,
    extent: g ? [g.xFirst, g.xFirst + g.width * g.xStep, g.yFirst + g.length * g.yStep, g.yFirst] : undefined,
    ref,
  });
}

/**
 * One pixel's displacement time series (cm) with the fit from velocity.h5 when present; with `refDate`,
 * relative to the pixel's value on that date (tsview --ref-date).
 */
export async function pixelSeriesFigure(tsFile: string, lat: number, lon: number, refDate?: string): Promise<string> {
  const h5 = await H5Reader.open(tsFile);
  let row: number, col: number;
  try {
    const g = gridOf(h5.attrs, tsFile);
    if (!g) throw new InputError(`${tsFile}: not geocoded (no X_FIRST/Y_FIRST): give row/col instead`);
    [row, col] = userLatLonToRowCol(g, lat, lon);
    if (row < 0 || row >= g.length || col < 0 || col >= g.width)
      throw new InputError(`${tsFile}: (${lat}, ${lon}) is outside the grid`);
  } finally {
    h5.close();
  }
  return pixelSeriesSvg(pixelSeriesRelativeTo(await readPixelSeries(tsFile, row, col), refDate));
}

/** The figure of a pixel series (src-core readPixelSeries): values and the fitted model ± residual RMS, in cm. */
export function pixelSeriesSvg(p: PixelSeriesData): string {
  const du = displayUnit(p.unit, 'timeseries');
  const scaled = (a: ArrayLike<number>) => Array.from(a, (x) => x * du.scale);
  return timeSeriesSvg({
    dates: p.dates,
    values: scaled(p.values),
    ylabel: `LOS displacement [${du.unit}]`,
    title: `Pixel ${p.lat.toFixed(4)}, ${p.lon.toFixed(4)} (row ${p.row}, col ${p.col}), relative to ${p.referenceDate}`,
    ...(p.model.length ? { model: scaled(p.model), band: p.residualStd * du.scale } : {}),
  });
}
