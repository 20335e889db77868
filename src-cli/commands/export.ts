/**
 * `insar-studio export …` — KMZ, GeoTIFF, CSV, transect, derived products and figures of MintPy HDF5 files.
 * One `Command` per format: its synopsis, options and run. Exit codes: 0 ok, 1 bad input (one line naming
 * the file), 2 usage, 3 internal error.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { COLORMAP_NAMES } from '../../src-core/common/colormap';
import { InputError } from '../../src-core/common/pipeline/types';
import type { PointSpec } from '../../src-core/node/export/csv';
import { execute, UsageError, type Command, type OptionSpec, type ParsedArgs } from '../command';

const out = (what: string): OptionSpec => ({ type: 'string', short: 'o', value: 'FILE', help: `output ${what}` });
const VLIM: OptionSpec = { type: 'string', value: 'MIN MAX', count: 2, help: 'colour limits (default: automatic)' };
const CMAP: OptionSpec = { type: 'string', value: 'NAME', kind: 'colormap', choices: COLORMAP_NAMES, help: 'colormap' };
const MASK: OptionSpec = {
  type: 'string',
  value: 'FILE|no',
  help: "mask file (mask = 0 → transparent / NaN), or no (default: the file's usual mask beside it)",
};
const DATASET: OptionSpec = { type: 'string', value: 'NAME', help: 'dataset (default: the file type’s main one)' };
/** An export format: like a Command, but its run returns the line saying what it wrote. */
type Format = Omit<Command, 'run' | 'subcommands'> & { run: (a: ParsedArgs) => Promise<string> };

const REF_DATE = {
  type: 'string',
  value: 'YYYYMMDD',
  help: 'a time series relative to this date: each pixel minus its own value on it (MintPy tsview --ref-date)',
} as const;

/** --ref-date, checked (a date YYYYMMDD) */
function refDateOpt(a: ParsedArgs): string | undefined {
  const refDate = a.str('ref-date');
  if (refDate !== undefined && !/^\d{8}$/.test(refDate))
    throw new UsageError(`--ref-date: expected a date YYYYMMDD, got "${refDate}"`);
  return refDate;
}

const LALO_RE = /^(-?[\d.]+),(-?[\d.]+)$/;

function lalo(s: string, what: string): [number, number] {
  const m = LALO_RE.exec(s);
  const lat = Number(m?.[1]);
  const lon = Number(m?.[2]);
  if (!m || !Number.isFinite(lat) || !Number.isFinite(lon))
    throw new UsageError(`${what}: expected LAT,LON, got "${s}"`);
  return [lat, lon];
}

function numbers(a: ParsedArgs, key: string): number[] | undefined {
  const vals = a.all(key);
  if (!vals) return undefined;
  const n = vals.map(Number);
  if (n.some((x, i) => vals[i].trim() === '' || !Number.isFinite(x)))
    throw new UsageError(`--${key}: expected numbers, got "${vals.join(' ')}"`);
  return n;
}

const outPath = (a: ParsedArgs): string | undefined => (a.str('o') ? resolve(a.str('o')!) : undefined);
const maskOpt = (a: ParsedArgs): string | false | undefined => {
  const m = a.str('mask');
  return m === undefined ? undefined : m === 'no' ? false : resolve(m);
};

/** MintPy's work folder from a folder, or from a file in it (inputs/ifgramStack.h5, timeseries.h5, …). */
function workDirOf(target: string): string {
  const p = resolve(target);
  if (!existsSync(p)) throw new InputError(`${p}: not found`);
  if (statSync(p).isDirectory()) return p;
  const dir = dirname(p);
  return basename(dir) === 'inputs' ? dirname(dir) : dir;
}

const kmz: Format = {
  name: 'kmz',
  summary: 'a map as a KMZ ground overlay with its colour bar (save_kmz.py)',
  synopsis: [
    'export kmz <file.h5> [dataset] [-o out.kmz] [--vlim MIN MAX] [--cmap NAME] [--mask FILE|no] [--geom geometryRadar.h5 --step N]',
  ],
  positionals: { min: 1, max: 2, name: '<file.h5>' },
  options: {
    o: out('.kmz'),
    vlim: VLIM,
    cmap: CMAP,
    mask: MASK,
    geom: { type: 'string', value: 'FILE', help: 'geometry of a radar-coded input: placemarks instead of an overlay' },
    step: { type: 'string', value: 'N', numeric: 'int', help: 'radar-coded input: a placemark every N pixels' },
  },
  async run(a) {
    const { writeKmz } = await import('../../src-core/node/export/kmz');
    const r = await writeKmz({
      file: resolve(a.positionals[0]),
      dataset: a.positionals[1],
      out: outPath(a),
      vlim: numbers(a, 'vlim') as [number, number] | undefined,
      cmap: a.str('cmap'),
      mask: maskOpt(a),
      geom: a.str('geom') ? resolve(a.str('geom')!) : undefined,
      step: a.num('step'),
    });
    return `wrote ${r.path} (vlim ${r.vlim.map((x) => x.toFixed(3)).join(' … ')} ${r.unit}, ${r.seconds.toFixed(2)} s)`;
  },
};

const kmzTimeseries: Format = {
  name: 'kmz-timeseries',
  summary: 'a time series as KMZ placemarks with their plots, by level of detail (save_kmz_timeseries.py)',
  synopsis: ['export kmz-timeseries <timeseries.h5> [-o out.kmz] [--vlim MIN MAX] [--cmap NAME] [--steps A B C]'],
  positionals: { min: 1, max: 1, name: '<timeseries.h5>' },
  options: {
    o: out('.kmz'),
    vlim: VLIM,
    cmap: CMAP,
    steps: { type: 'string', value: 'A B C', count: 3, help: 'placemark spacing in pixels per level (default 20 5 2)' },
  },
  async run(a) {
    const { writeKmzTimeseries } = await import('../../src-core/node/export/kmzTimeseries');
    const r = await writeKmzTimeseries({
      tsFile: resolve(a.positionals[0]),
      out: outPath(a),
      vlim: numbers(a, 'vlim') as [number, number] | undefined,
      cmap: a.str('cmap'),
      steps: numbers(a, 'steps') as [number, number, number] | undefined,
    });
    return `wrote ${r.path} (${r.levels.map((l) => `${l.step}by${l.step}: ${l.points} points`).join(', ')})`;
  },
};

const geotiff: Format = {
  name: 'geotiff',
  summary: 'a float32 GeoTIFF of a dataset, of one date or of all dates (one band per date) (save_gdal.py)',
  synopsis: ['export geotiff <file.h5> [dataset|YYYYMMDD|all] [-o out.tif] [--mask FILE]'],
  positionals: { min: 1, max: 2, name: '<file.h5>' },
  options: {
    o: out('.tif'),
    mask: { type: 'string', value: 'FILE', help: 'masked pixels (mask = 0) are written as NaN (default: no mask)' },
  },
  async run(a) {
    const { writeGeoTiff } = await import('../../src-core/node/export/geotiff');
    const r = await writeGeoTiff({
      file: resolve(a.positionals[0]),
      dataset: a.positionals[1],
      out: outPath(a),
      mask: a.str('mask') ? resolve(a.str('mask')!) : undefined,
    });
    return `wrote ${r.path} (${r.bands} band${r.bands > 1 ? 's' : ''}, ${r.width}×${r.height}, ${r.unit})`;
  },
};

const csv: Format = {
  name: 'csv',
  summary: 'values at points (a time series per point), or the velocity table of every pixel',
  synopsis: [
    'export csv <file.h5> --lalo LAT,LON [LAT,LON ...] [--dataset NAME] [--ref-date YYYYMMDD] [--no-ref] [-o out.csv]',
    'export csv <file.h5> --table [--dataset NAME|YYYYMMDD] [--ref-date YYYYMMDD] [--polygon LAT,LON LAT,LON LAT,LON ...] [--mask FILE|no] [-o out.csv]',
  ],
  positionals: { min: 1, max: 1, name: '<file.h5>' },
  options: {
    o: out('.csv'),
    lalo: { type: 'string', value: 'LAT,LON ...', count: 'list', help: 'points' },
    dataset: DATASET,
    'no-ref': { type: 'boolean', help: 'leave out the reference point’s row' },
    'ref-date': REF_DATE,
    table: { type: 'boolean', help: 'one row per pixel: lat, lon, velocity, velocityStd, …' },
    polygon: { type: 'string', value: 'LAT,LON ...', count: 'list', help: '--table: only pixels inside this polygon' },
    mask: MASK,
  },
  async run(a) {
    const file = resolve(a.positionals[0]);
    const refDate = refDateOpt(a);
    const { writePointsCsv, writeTableCsv } = await import('../../src-core/node/export/csv');
    if (a.has('table')) {
      const polygon = a.all('polygon')?.map((s) => lalo(s, '--polygon'));
      if (polygon && polygon.length < 3) throw new UsageError('--polygon needs at least 3 LAT,LON vertices');
      const r = await writeTableCsv({
        file,
        dataset: a.str('dataset'),
        out: outPath(a),
        polygon,
        mask: maskOpt(a),
        refDate,
      });
      return `wrote ${r.path} (${r.rows} pixels)`;
    }
    const pts = a.all('lalo');
    if (!pts) throw new UsageError('give --lalo LAT,LON [...] (or --table for the velocity table)');
    const points: PointSpec[] = pts.map((s, k) => {
      const [lat, lon] = lalo(s, '--lalo');
      return { name: `P${k + 1}`, lat, lon };
    });
    const r = await writePointsCsv({
      file,
      points,
      out: outPath(a),
      includeRef: !a.has('no-ref'),
      dataset: a.str('dataset'),
      refDate,
    });
    return `wrote ${r.path} (${r.rows} rows)`;
  },
};

const transect: Format = {
  name: 'transect',
  summary: 'values along a line (ut.transect_lalo), optionally a swath profile and a figure',
  synopsis: [
    'export transect <file.h5> --start LAT,LON --end LAT,LON [--dataset NAME] [--width KM] [--svg out.svg|out.png] [-o out.csv]',
  ],
  positionals: { min: 1, max: 1, name: '<file.h5>' },
  options: {
    o: out('.csv'),
    start: { type: 'string', value: 'LAT,LON', help: 'start of the line' },
    end: { type: 'string', value: 'LAT,LON', help: 'end of the line' },
    dataset: DATASET,
    width: { type: 'string', value: 'KM', numeric: 'number', help: 'also a swath profile this wide (_swath.csv)' },
    svg: { type: 'string', value: 'FILE', help: 'also the profile as a figure (.svg or .png)' },
  },
  async run(a) {
    const file = resolve(a.positionals[0]);
    const s = a.str('start');
    const e = a.str('end');
    if (!s || !e) throw new UsageError('give --start LAT,LON and --end LAT,LON');
    const start = lalo(s, '--start');
    const end = lalo(e, '--end');
    const widthKm = a.num('width');
    if (widthKm !== undefined && !(widthKm > 0)) throw new UsageError('--width: expected a width in km > 0');
    const { writeTransectFiles } = await import('../../src-core/node/derived/transectFile');
    const svg = a.str('svg');
    const r = await writeTransectFiles({
      file,
      dataset: a.str('dataset'),
      start,
      end,
      widthKm,
      out: outPath(a),
      figure: svg ? resolve(svg) : undefined,
    });
    const t = r.result.transect;
    let msg = `wrote ${r.path} (${t.value.length} of ${t.numSamples} samples)`;
    if (r.swathPath) msg += `, ${r.swathPath} (${r.result.swath!.bins.length} bins, ${widthKm} km wide)`;
    if (r.figurePath) msg += `, ${r.figurePath}`;
    return msg;
  },
};

const vertical: Format = {
  name: 'vertical',
  summary: 'LOS velocity to vertical, assuming no horizontal motion: v / cos(incidence)',
  synopsis: ['export vertical <velocity.h5> --geom geometryGeo.h5 [-o velocityVertical.h5]'],
  positionals: { min: 1, max: 1, name: '<velocity.h5>' },
  options: {
    o: out('.h5'),
    geom: { type: 'string', value: 'FILE', help: 'geometry with incidenceAngle (required)' },
  },
  async run(a) {
    const geom = a.str('geom');
    if (!geom) throw new UsageError('give --geom geometryGeo.h5');
    const { writeVerticalVelocity } = await import('../../src-core/node/derived/files');
    const p = await writeVerticalVelocity({
      velFile: resolve(a.positionals[0]),
      geomFile: resolve(geom),
      out: outPath(a),
    });
    return `wrote ${p} (vertical-only assumption: v / cos(incidence))`;
  },
};

const ascDesc: Format = {
  name: 'asc-desc',
  summary: 'ascending + descending LOS velocities to horizontal (east-west) and vertical (asc_desc2horz_vert.py)',
  synopsis: ['export asc-desc <asc.h5> <desc.h5> [--geom g1.h5 g2.h5] [-o hz.h5 up.h5]'],
  positionals: { min: 2, max: 10, name: 'two LOS files <asc.h5> <desc.h5>' },
  options: {
    o: { type: 'string', short: 'o', value: 'HZ UP', count: 2, help: 'output files: horizontal, vertical' },
    geom: { type: 'string', value: 'FILE ...', count: 'list', help: 'geometry files, one per LOS file' },
  },
  async run(a) {
    const outs = a.all('o');
    const { writeAscDescHorzVert } = await import('../../src-core/node/derived/ascDesc');
    const r = await writeAscDescHorzVert({
      files: a.positionals.map((f) => resolve(f)),
      geomFiles: a.all('geom')?.map((f) => resolve(f)),
      out: outs ? [resolve(outs[0]), resolve(outs[1])] : undefined,
    });
    return `wrote ${r.horz} and ${r.vert} (${r.length}×${r.width} overlap)`;
  },
};

const significance: Format = {
  name: 'significance',
  summary: 'mask of the pixels whose |velocity| > k · velocityStd',
  synopsis: ['export significance <velocity.h5> [--k 2] [-o maskSignificant.h5]'],
  positionals: { min: 1, max: 1, name: '<velocity.h5>' },
  options: {
    o: out('.h5'),
    k: { type: 'string', value: 'K', numeric: 'number', help: 'threshold in standard deviations (default 2)' },
  },
  async run(a) {
    const { writeSignificanceMask } = await import('../../src-core/node/derived/files');
    const r = await writeSignificanceMask({ velFile: resolve(a.positionals[0]), k: a.num('k'), out: outPath(a) });
    return `wrote ${r.path} (${r.count} significant pixels)`;
  },
};

const FIGURES = ['network', 'coherence-matrix', 'map', 'timeseries'] as const;
const figure: Format = {
  name: 'figure',
  summary: 'figures as PNG or SVG: the network, the coherence matrix, a map, a pixel’s time series',
  synopsis: [
    'export figure network|coherence-matrix <workdir|file.h5> [-o out.png|out.svg]',
    'export figure map <file.h5> [--dataset NAME] [--vlim MIN MAX] [--cmap NAME] [--mask FILE|no] [-o out.png|svg]',
    'export figure timeseries <timeseries.h5> --lalo LAT,LON [--ref-date YYYYMMDD] [-o out.png|svg]',
  ],
  positionals: { min: 2, max: 2, name: 'a kind (network, coherence-matrix, map, timeseries) and a folder or file' },
  options: {
    o: out('.png or .svg'),
    dataset: DATASET,
    vlim: VLIM,
    cmap: CMAP,
    mask: MASK,
    lalo: { type: 'string', value: 'LAT,LON', help: 'timeseries: the pixel' },
    'ref-date': REF_DATE,
  },
  async run(a) {
    const [kind, target] = a.positionals;
    if (!(FIGURES as readonly string[]).includes(kind))
      throw new UsageError(`unknown figure "${kind}"; one of: ${FIGURES.join(', ')}`);
    const fig = await import('../../src-core/node/export/figureFiles');
    let svg: string;
    let base: string;
    if (kind === 'network' || kind === 'coherence-matrix') {
      const wd = workDirOf(target);
      svg = kind === 'network' ? await fig.networkFigure(wd) : await fig.coherenceMatrixFigure(wd);
      base = resolve(wd, kind === 'network' ? 'network' : 'coherenceMatrix');
    } else if (kind === 'map') {
      svg = await fig.mapFigure(resolve(target), a.str('dataset'), {
        vlim: numbers(a, 'vlim') as [number, number] | undefined,
        cmap: a.str('cmap'),
        mask: maskOpt(a),
      });
      base = resolve(target).replace(/\.h5$/, '');
    } else {
      const p = a.str('lalo');
      if (!p) throw new UsageError('figure timeseries: give --lalo LAT,LON');
      const [lat, lon] = lalo(p, '--lalo');
      const refDate = refDateOpt(a);
      const { refDateSuffix } = await import('../../src-core/node/export/csv');
      svg = await fig.pixelSeriesFigure(resolve(target), lat, lon, refDate);
      base = resolve(target).replace(/\.h5$/, '') + `_${lat}_${lon}${refDateSuffix(refDate)}`;
    }
    const path = outPath(a) ?? `${base}.png`;
    fig.writeFigure(path, svg);
    return `wrote ${path}`;
  },
};

/** A format's command: its run's line (what it wrote) goes to stdout. */
function printing(f: Format): Command {
  return {
    ...f,
    run: async (a) => {
      process.stdout.write(`${await f.run(a)}\n`);
      return 0;
    },
  };
}

export const exportCmd: Command = {
  name: 'export',
  summary: 'KMZ, GeoTIFF, CSV, transects, derived products and figures of MintPy files',
  synopsis: [
    'export kmz|kmz-timeseries|geotiff|csv|transect|vertical|asc-desc|significance <file.h5> ... [-o OUT]',
    'export figure network|coherence-matrix|map|timeseries <folder|file.h5> [-o out.png|out.svg]',
  ],
  subcommandNoun: 'format',
  subcommands: [kmz, kmzTimeseries, geotiff, csv, transect, vertical, ascDesc, significance, figure].map(printing),
};

/** `insar-studio export …` with its own argv (the tests call it directly). */
export function exportCommand(argv: string[]): Promise<number> {
  return execute(exportCmd, argv, ['export']);
}
