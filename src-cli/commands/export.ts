/**
 * `insar-studio export …` — KMZ, GeoTIFF, CSV and transect exports of MintPy HDF5 files.
 * Exit codes: 0 ok, 1 bad input (one line on stderr naming the file), 2 usage, 3 internal error.
 */
import { resolve } from 'node:path';
import { writeAscDescHorzVert } from '../../src-core/node/derived/ascDesc';
import { writeSignificanceMask, writeVerticalVelocity } from '../../src-core/node/derived/files';
import { swathProfile, transectLalo } from '../../src-core/common/derived/transect';
import { rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { transectSvg } from '../../src-core/common/export/figures';
import {
  coherenceMatrixFigure,
  mapFigure,
  networkFigure,
  pixelSeriesFigure,
  writeFigure,
} from '../../src-core/node/export/figureFiles';
import { writeFileAtomic } from '../../src-core/node/export/atomic';
import { f32, toCsv, writePointsCsv, writeVelocityCsv, type PointSpec } from '../../src-core/node/export/csv';
import { writeGeoTiff } from '../../src-core/node/export/geotiff';
import { writeKmz } from '../../src-core/node/export/kmz';
import { writeKmzTimeseries } from '../../src-core/node/export/kmzTimeseries';
import { readMap, requireGeo } from '../../src-core/node/export/source';
import { isColormapName } from '../../src-core/common/colormap';
import { InputError } from '../../src-core/common/pipeline/types';
import { reportError } from '../report';

export const EXPORT_USAGE = `usage:
  insar-studio export kmz <file.h5> [dataset] [-o out.kmz] [--vlim MIN MAX] [--cmap jet|RdBu_r|viridis|gray] [--mask FILE|no]
                          [--geom geometryRadar.h5] [--step N]   (radar-coded input: placemarks every N pixels)
  insar-studio export kmz-timeseries <timeseries.h5> [-o out.kmz] [--vlim MIN MAX] [--cmap NAME] [--steps A B C]
  insar-studio export geotiff <file.h5> [dataset|YYYYMMDD|all] [-o out.tif] [--mask FILE]
  insar-studio export csv <file.h5> --lalo LAT,LON [LAT,LON ...] [--no-ref] [-o out.csv]
  insar-studio export csv <velocity.h5> --table [--polygon LAT,LON LAT,LON LAT,LON ...] [--mask FILE|no] [-o out.csv]
  insar-studio export figure network|coherence-matrix <workdir> [-o out.png|out.svg]
  insar-studio export figure map <file.h5> [--dataset NAME] [--vlim MIN MAX] [--cmap NAME] [--mask FILE|no] [-o out.png|svg]
  insar-studio export figure timeseries <timeseries.h5> --lalo LAT,LON [-o out.png|svg]
  insar-studio export transect <file.h5> --start LAT,LON --end LAT,LON [--dataset NAME] [--width KM] [--svg out.svg|out.png] [-o out.csv]
  insar-studio export vertical <velocity.h5> --geom geometryGeo.h5 [-o velocityVertical.h5]   (vertical-only assumption)
  insar-studio export asc-desc <asc.h5> <desc.h5> [--geom g1.h5 g2.h5] [-o hz.h5 up.h5]
  insar-studio export significance <velocity.h5> [--k 2] [-o maskSignificant.h5]
`;

class UsageError extends Error {}

interface Opts {
  positional: string[];
  /** option → values (repeated options append) */
  flags: Map<string, string[]>;
}

/** Options with their number of values; `lalo` and `polygon` take every following LAT,LON token. */
const ARITY: Record<string, number> = {
  o: 1,
  output: 1,
  vlim: 2,
  cmap: 1,
  mask: 1,
  start: 1,
  end: 1,
  dataset: 1,
  steps: 3,
  width: 1,
  svg: 1,
  k: 1,
  step: 1,
};
/** options taking every following value up to the next option */
const MULTI = new Set(['geom']);
const LIST = new Set(['lalo', 'polygon']);
const BOOL = new Set(['no-ref', 'table', 'h', 'help']);

function parse(argv: string[], sub = ''): Opts {
  const arity: Record<string, number> = sub === 'asc-desc' ? { ...ARITY, o: 2, output: 2 } : ARITY;
  const out: Opts = { positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!(a.startsWith('-') && a.length > 1 && !/^-\d/.test(a))) {
      out.positional.push(a);
      continue;
    }
    const key = a.replace(/^--?/, '');
    const vals = out.flags.get(key) ?? [];
    if (LIST.has(key)) {
      while (i + 1 < argv.length && /^-?[\d.]+,-?[\d.]+$/.test(argv[i + 1])) vals.push(argv[++i]);
      if (!vals.length) throw new UsageError(`--${key} needs LAT,LON values`);
    } else if (MULTI.has(key)) {
      while (i + 1 < argv.length && !(argv[i + 1].startsWith('-') && !/^-\d/.test(argv[i + 1]))) vals.push(argv[++i]);
      if (!vals.length) throw new UsageError(`option --${key} needs a value`);
    } else if (BOOL.has(key)) {
      vals.push('true');
    } else if (key in arity) {
      for (let k = 0; k < arity[key]; k++) {
        if (i + 1 >= argv.length) throw new UsageError(`option --${key} needs ${arity[key]} value(s)`);
        vals.push(argv[++i]);
      }
    } else throw new UsageError(`unknown option ${a}`);
    out.flags.set(key, vals);
  }
  return out;
}

function lalo(s: string, what: string): [number, number] {
  const m = /^(-?[\d.]+),(-?[\d.]+)$/.exec(s);
  if (!m) throw new UsageError(`${what}: expected LAT,LON, got "${s}"`);
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new UsageError(`${what}: expected LAT,LON, got "${s}"`);
  return [lat, lon];
}

function one(o: Opts, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o.flags.get(k);
    if (v) return v[v.length - 1];
  }
  return undefined;
}

function numbers(vals: string[] | undefined, key: string): number[] | undefined {
  if (!vals) return undefined;
  const n = vals.map(Number);
  if (n.some((x) => !Number.isFinite(x))) throw new UsageError(`--${key}: expected numbers, got "${vals.join(' ')}"`);
  return n;
}

function needFile(o: Opts, sub: string, max: number): string {
  if (o.positional.length < 1) throw new UsageError(`export ${sub}: missing <file.h5>`);
  if (o.positional.length > max) throw new UsageError(`export ${sub}: unexpected argument "${o.positional[max]}"`);
  return resolve(o.positional[0]);
}

async function run(sub: string, o: Opts): Promise<string> {
  const out = one(o, 'o', 'output');
  const outPath = out ? resolve(out) : undefined;
  switch (sub) {
    case 'kmz': {
      const file = needFile(o, sub, 2);
      const cmap = one(o, 'cmap');
      if (cmap && !isColormapName(cmap)) throw new UsageError(`--cmap: unknown colormap "${cmap}"`);
      const vlim = numbers(o.flags.get('vlim'), 'vlim') as [number, number] | undefined;
      const mask = one(o, 'mask');
      const r = await writeKmz({
        file,
        dataset: o.positional[1],
        out: outPath,
        vlim,
        cmap,
        mask: mask === undefined ? undefined : mask === 'no' ? false : resolve(mask),
        geom: one(o, 'geom') ? resolve(one(o, 'geom')!) : undefined,
        step: numbers(o.flags.get('step'), 'step')?.[0],
      });
      return `wrote ${r.path} (vlim ${r.vlim.map((x) => x.toFixed(3)).join(' … ')} ${r.unit}, ${r.seconds.toFixed(2)} s)`;
    }
    case 'kmz-timeseries': {
      const file = needFile(o, sub, 1);
      const cmap = one(o, 'cmap');
      if (cmap && !isColormapName(cmap)) throw new UsageError(`--cmap: unknown colormap "${cmap}"`);
      const r = await writeKmzTimeseries({
        tsFile: file,
        out: outPath,
        vlim: numbers(o.flags.get('vlim'), 'vlim') as [number, number] | undefined,
        cmap,
        steps: numbers(o.flags.get('steps'), 'steps') as [number, number, number] | undefined,
      });
      return `wrote ${r.path} (${r.levels.map((l) => `${l.step}by${l.step}: ${l.points} points`).join(', ')})`;
    }
    case 'geotiff': {
      const file = needFile(o, sub, 2);
      const mask = one(o, 'mask');
      const r = await writeGeoTiff({
        file,
        dataset: o.positional[1],
        out: outPath,
        mask: mask ? resolve(mask) : undefined,
      });
      return `wrote ${r.path} (${r.bands} band${r.bands > 1 ? 's' : ''}, ${r.width}×${r.height}, ${r.unit})`;
    }
    case 'csv': {
      const file = needFile(o, sub, 1);
      if (o.flags.has('table')) {
        const mask = one(o, 'mask');
        const polygon = o.flags.get('polygon')?.map((s) => lalo(s, '--polygon'));
        if (polygon && polygon.length < 3) throw new UsageError('--polygon needs at least 3 LAT,LON vertices');
        const r = await writeVelocityCsv({
          file,
          out: outPath,
          polygon,
          mask: mask === undefined ? undefined : mask === 'no' ? false : resolve(mask),
        });
        return `wrote ${r.path} (${r.rows} pixels)`;
      }
      const pts = o.flags.get('lalo');
      if (!pts) throw new UsageError('export csv: give --lalo LAT,LON [...] (or --table for the velocity table)');
      const points: PointSpec[] = pts.map((s, k) => {
        const [lat, lon] = lalo(s, '--lalo');
        return { name: `P${k + 1}`, lat, lon };
      });
      const r = await writePointsCsv({
        file,
        points,
        out: outPath,
        includeRef: !o.flags.has('no-ref'),
        dataset: one(o, 'dataset'),
      });
      return `wrote ${r.path} (${r.rows} rows)`;
    }
    case 'transect': {
      const file = needFile(o, sub, 1);
      const s = one(o, 'start');
      const e = one(o, 'end');
      if (!s || !e) throw new UsageError('export transect: give --start LAT,LON and --end LAT,LON');
      const start = lalo(s, '--start');
      const end = lalo(e, '--end');
      const m = await readMap(file, one(o, 'dataset'));
      const g = requireGeo(m);
      let t;
      try {
        t = transectLalo({ data: m.data, length: m.length, width: m.width }, g, start, end, {
          interpolation: 'linear',
        });
      } catch (err) {
        if (err instanceof RangeError) throw new InputError(`${file}: ${err.message}`);
        throw err;
      }
      const rows: string[][] = [];
      for (let k = 0; k < t.value.length; k++) {
        const [lat, lon] = rowColToLatLonGeo(g, t.y[k], t.x[k]);
        rows.push([
          f32(t.distance[k]),
          String(+lat.toFixed(9)),
          String(+lon.toFixed(9)),
          f32(t.y[k]),
          f32(t.x[k]),
          f32(t.value[k]),
        ]);
      }
      const path = outPath ?? resolve(file.replace(/\.h5$/, '') + '_transect.csv');
      writeFileAtomic(
        path,
        toCsv([`distance[${t.distanceUnit}]`, 'lat', 'lon', 'row', 'col', `${m.dataset}[${m.unit}]`], rows),
      );
      let msg = `wrote ${path} (${t.value.length} of ${t.numSamples} samples)`;
      const widthKm = numbers(o.flags.get('width'), 'width')?.[0];
      let band;
      if (widthKm !== undefined) {
        if (!(widthKm > 0)) throw new UsageError('--width: expected a width in km > 0');
        const sw = swathProfile({ data: m.data, length: m.length, width: m.width }, g, start, end, widthKm);
        const swPath = path.replace(/(\.csv)?$/, '_swath.csv');
        writeFileAtomic(
          swPath,
          toCsv(
            ['distance[m]', 'count', `mean[${m.unit}]`, `std[${m.unit}]`, `min[${m.unit}]`, `max[${m.unit}]`],
            sw.bins.map((b) => [f32(b.distance), String(b.count), f32(b.mean), f32(b.std), f32(b.min), f32(b.max)]),
          ),
        );
        band = {
          distance: sw.bins.map((b) => b.distance),
          lower: sw.bins.map((b) => b.mean - b.std),
          upper: sw.bins.map((b) => b.mean + b.std),
        };
        msg += `, ${swPath} (${sw.bins.length} bins, ${widthKm} km wide)`;
      }
      const svg = one(o, 'svg');
      if (svg) {
        writeFigure(
          resolve(svg),
          transectSvg({
            distance: t.distance,
            value: t.value,
            distanceUnit: t.distanceUnit,
            ylabel: `${m.dataset} [${m.unit}]`,
            band,
          }),
        );
        msg += `, ${resolve(svg)}`;
      }
      return msg;
    }
    case 'vertical': {
      const file = needFile(o, sub, 1);
      const geom = o.flags.get('geom');
      if (!geom || geom.length !== 1) throw new UsageError('export vertical: give --geom geometryGeo.h5');
      const p = await writeVerticalVelocity({ velFile: file, geomFile: resolve(geom[0]), out: outPath });
      return `wrote ${p} (vertical-only assumption: v / cos(incidence))`;
    }
    case 'asc-desc': {
      if (o.positional.length < 2) throw new UsageError('export asc-desc: give at least two LOS files');
      const outs = o.flags.get('o') ?? o.flags.get('output');
      if (outs && outs.length !== 2) throw new UsageError('export asc-desc: -o takes two files (horizontal, vertical)');
      const r = await writeAscDescHorzVert({
        files: o.positional.map((f) => resolve(f)),
        geomFiles: o.flags.get('geom')?.map((f) => resolve(f)),
        out: outs ? [resolve(outs[0]), resolve(outs[1])] : undefined,
      });
      return `wrote ${r.horz} and ${r.vert} (${r.length}×${r.width} overlap)`;
    }
    case 'significance': {
      const file = needFile(o, sub, 1);
      const k = numbers(o.flags.get('k'), 'k')?.[0];
      const r = await writeSignificanceMask({ velFile: file, k, out: outPath });
      return `wrote ${r.path} (${r.count} significant pixels)`;
    }
    case 'figure': {
      const [kind, target] = o.positional;
      if (!kind || !target)
        throw new UsageError(
          'export figure: give a kind (network, coherence-matrix, map, timeseries) and a work folder or file',
        );
      let svg: string;
      let base: string;
      if (kind === 'network' || kind === 'coherence-matrix') {
        const wd = resolve(target);
        svg = kind === 'network' ? await networkFigure(wd) : await coherenceMatrixFigure(wd);
        base = resolve(wd, kind === 'network' ? 'network' : 'coherenceMatrix');
      } else if (kind === 'map') {
        const vl = numbers(o.flags.get('vlim'), 'vlim');
        const maskOpt = one(o, 'mask');
        svg = await mapFigure(resolve(target), one(o, 'dataset'), {
          vlim: vl as [number, number] | undefined,
          cmap: one(o, 'cmap'),
          mask: maskOpt === 'no' ? false : maskOpt ? resolve(maskOpt) : undefined,
        });
        base = resolve(target).replace(/\.h5$/, '');
      } else if (kind === 'timeseries') {
        const p = o.flags.get('lalo')?.[0];
        if (!p) throw new UsageError('export figure timeseries: give --lalo LAT,LON');
        const [lat, lon] = lalo(p, '--lalo');
        svg = await pixelSeriesFigure(resolve(target), lat, lon);
        base = resolve(target).replace(/\.h5$/, '') + `_${lat}_${lon}`;
      } else throw new UsageError(`export figure: unknown kind "${kind}" (network, coherence-matrix, map, timeseries)`);
      const path = outPath ?? `${base}.png`;
      writeFigure(path, svg);
      return `wrote ${path}`;
    }
    default:
      throw new UsageError(`export: unknown format "${sub}"`);
  }
}

export async function exportCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    (sub === undefined ? process.stderr : process.stdout).write(EXPORT_USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    const o = parse(rest, sub);
    if (o.flags.has('h') || o.flags.has('help')) {
      process.stdout.write(EXPORT_USAGE);
      return 0;
    }
    process.stdout.write(`${await run(sub, o)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`insar-studio export: ${e.message}\n${EXPORT_USAGE}`);
      return 2;
    }
    return reportError(e);
  }
}
