/**
 * `insar-studio nisar method1|method2 …` — the NISAR secular-requirement validation of a MintPy velocity
 * (docs/nisar-secular-validation.md). Writes report.html (+ .json, .csv). Exit codes: 0 ok, 1 bad input
 * (one line naming the file), 2 usage, 3 internal error.
 */
import { resolve } from 'node:path';
import { validateSecular, type ValidateOptions } from '../../src-core/node/nisar/validate';
import { writeValidationReport } from '../../src-core/node/nisar/report';
import { reportError } from '../report';

export const NISAR_USAGE = `usage:
  insar-studio nisar method2 <velocity.h5> [--mask maskTempCoh.h5|no] [--stable-polygon "lat,lon;lat,lon;..."]
        [--stable-mask FILE] [--bins linear|log] [--samples N] [--seed N] [--deramp] [--profiles N] [--site NAME] [-o report.html]
  insar-studio nisar method1 <velocity.h5> --gnss <dir-or-files...> [--ref-station NAME] [--geom geometryGeo.h5]
        [--exclude A,B] [--radius 5] [--mask FILE|no] [--bins linear|log] [--site NAME] [-o report.html]
  common: [--timeseries timeseries.h5] (refit offset+velocity+seasonal, §2) [--start YYYYMMDD --end YYYYMMDD]
          [--sensor NAME] [--empty-bins ignore|fail|pass]
`;

class UsageError extends Error {}

const ONE = new Set([
  'o',
  'output',
  'mask',
  'stable-polygon',
  'stable-mask',
  'bins',
  'samples',
  'seed',
  'profiles',
  'site',
  'ref-station',
  'geom',
  'exclude',
  'radius',
  'timeseries',
  'start',
  'end',
  'sensor',
  'empty-bins',
]);
const BOOL = new Set(['deramp', 'h', 'help']);
const MULTI = new Set(['gnss']);

function parse(argv: string[]): { positional: string[]; flags: Map<string, string[]> } {
  const out = { positional: [] as string[], flags: new Map<string, string[]>() };
  const isOpt = (a: string) => a.startsWith('-') && a.length > 1 && !/^-\d/.test(a);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!isOpt(a)) {
      out.positional.push(a);
      continue;
    }
    let key = a.replace(/^--?/, '');
    let inline: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) [key, inline] = [key.slice(0, eq), key.slice(eq + 1)];
    const vals = out.flags.get(key) ?? [];
    if (BOOL.has(key)) vals.push('true');
    else if (ONE.has(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option --${key} needs a value`);
      vals.push(v);
    } else if (MULTI.has(key)) {
      if (inline !== undefined) vals.push(inline);
      while (i + 1 < argv.length && !isOpt(argv[i + 1])) vals.push(argv[++i]);
      if (!vals.length) throw new UsageError(`option --${key} needs a value`);
    } else throw new UsageError(`unknown option --${key}`);
    out.flags.set(key, vals);
  }
  return out;
}

export async function nisarCommand(argv: string[]): Promise<number> {
  let opts: ValidateOptions;
  let output: string;
  try {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
      process.stdout.write(NISAR_USAGE);
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'method1' && sub !== 'method2')
      throw new UsageError(`unknown nisar command "${sub}" (method1 or method2)`);
    const p = parse(rest);
    if (p.flags.has('h') || p.flags.has('help')) {
      process.stdout.write(NISAR_USAGE);
      return 0;
    }
    const get = (k: string) => p.flags.get(k)?.[0];
    if (p.positional.length !== 1) throw new UsageError(`nisar ${sub} needs exactly one velocity file`);
    const velocityFile = resolve(p.positional[0]);
    const numOpt = (k: string) => {
      const v = get(k);
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!Number.isFinite(x)) throw new UsageError(`--${k} "${v}" is not a number`);
      return x;
    };
    const bins = get('bins');
    if (bins !== undefined && bins !== 'linear' && bins !== 'log')
      throw new UsageError(`--bins must be linear or log (got "${bins}")`);
    const eb = get('empty-bins');
    if (eb !== undefined && !['ignore', 'fail', 'pass'].includes(eb))
      throw new UsageError(`--empty-bins must be ignore, fail or pass`);
    const mask = get('mask');
    const geom = get('geom');
    const ts = get('timeseries');
    opts = {
      method: sub,
      velocityFile,
      maskFile: mask === undefined ? undefined : mask === 'no' ? null : resolve(mask),
      timeseriesFile: ts ? resolve(ts) : undefined,
      binning: bins as 'linear' | 'log' | undefined,
      emptyBins: eb as ValidateOptions['emptyBins'],
      site: get('site'),
      sensor: get('sensor'),
      startDate: get('start'),
      endDate: get('end'),
    };
    if (sub === 'method1') {
      const g = p.flags.get('gnss');
      if (!g?.length) throw new UsageError('nisar method1 needs --gnss <dir-or-files>');
      opts.gnssPaths = g.map((x) => resolve(x));
      opts.refStation = get('ref-station');
      opts.geometryFile = geom === undefined ? undefined : geom === 'no' ? null : resolve(geom);
      opts.excludeStations = get('exclude')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      opts.windowRadius = numOpt('radius');
    } else {
      opts.stablePolygon = get('stable-polygon');
      const sm = get('stable-mask');
      opts.stableMaskFile = sm ? resolve(sm) : undefined;
      opts.numSamples = numOpt('samples');
      opts.seed = numOpt('seed');
      opts.deramp = p.flags.has('deramp');
      if (p.flags.has('profiles')) {
        opts.sampling = 'profiles';
        opts.numProfiles = numOpt('profiles');
      }
    }
    output = resolve(get('o') ?? get('output') ?? `nisar_${sub}_report.html`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`insar-studio nisar: ${e.message}\n${NISAR_USAGE}`);
      return 2;
    }
    return reportError(e);
  }
  try {
    const r = await validateSecular(opts);
    const paths = writeValidationReport(r, output);
    const v = r.table.verdicts;
    process.stdout.write(
      `${v.pooled.pass ? 'PASSED' : 'FAILED'} (notebook verdict, pooled Total row): ${r.table.total.passed}/${r.table.total.total} pairs < ${r.table.requirement} mm/yr\n` +
        `  all bins: ${v.allBins.pass ? 'PASSED' : 'FAILED'}; mean of bin fractions: ${v.meanOfBins.pass ? 'PASSED' : 'FAILED'}\n` +
        `wrote ${paths.html}, ${paths.json}, ${paths.csv}\n`,
    );
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
