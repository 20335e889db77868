/**
 * `insar-studio nisar method1|method2 …` — the NISAR secular-requirement validation of a MintPy velocity
 * (docs/nisar-secular-validation.md). Writes report.html (+ .json, .csv). Exit codes: 0 ok, 1 bad input
 * (one line naming the file), 2 usage, 3 internal error.
 */
import { resolve } from 'node:path';
import type { ValidateOptions } from '../../src-core/node/nisar/validate';
import { execute, UsageError, type Command, type OptionSpec, type ParsedArgs } from '../command';

const file = (value: string, help: string): OptionSpec => ({ type: 'string', value, help });
const num = (value: string, help: string): OptionSpec => ({ type: 'string', value, numeric: 'number', help });

/** Options both methods take. */
const COMMON: Record<string, OptionSpec> = {
  o: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    help: 'the report (default nisar_<method>_report.html; .json and .csv beside it)',
  },
  mask: file('FILE|no', 'mask of the velocity (default: maskTempCoh.h5 beside it)'),
  bins: { type: 'string', value: 'linear|log', kind: 'binning', choices: ['linear', 'log'], help: 'distance bins' },
  site: file('NAME', 'site name for the report'),
  timeseries: file('FILE', 'refit offset + velocity + seasonal terms from this time series (§2)'),
  start: file('YYYYMMDD', 'first date of the refit'),
  end: file('YYYYMMDD', 'last date of the refit'),
  sensor: file('NAME', 'sensor name for the report (default: from the file)'),
  'empty-bins': {
    type: 'string',
    value: 'ignore|fail|pass',
    kind: 'policy',
    choices: ['ignore', 'fail', 'pass'],
    help: 'what an empty distance bin counts as',
  },
};

const COMMON_SYNOPSIS =
  'nisar method1|method2 ... [--timeseries timeseries.h5 --start YYYYMMDD --end YYYYMMDD] [--sensor NAME] [--empty-bins ignore|fail|pass]';

const method2: Command = {
  name: 'method2',
  summary: 'Method 2: velocity differences between pairs of stable pixels, binned by distance',
  synopsis: [
    'nisar method2 <velocity.h5> [--mask maskTempCoh.h5|no] [--stable-polygon "lat,lon;lat,lon;..."] [--stable-mask FILE] [--bins linear|log] [--samples N] [--seed N] [--deramp] [--profiles N] [--site NAME] [-o report.html]',
    COMMON_SYNOPSIS,
  ],
  positionals: { min: 1, max: 1, name: 'one <velocity.h5>' },
  options: {
    ...COMMON,
    'stable-polygon': file('"lat,lon;lat,lon;..."', 'only pixels inside this polygon are stable'),
    'stable-mask': file('FILE', 'mask of the stable pixels'),
    samples: num('N', 'pixels drawn'),
    seed: num('N', 'random seed of the draw'),
    deramp: { type: 'boolean', help: 'remove a plane first' },
    profiles: num('N', 'sample along N profiles instead of at random'),
  },
  run: (a) => report('method2', a),
};

const method1: Command = {
  name: 'method1',
  summary: 'Method 1: InSAR against GNSS station velocities, pair by pair',
  synopsis: [
    'nisar method1 <velocity.h5> --gnss <dir-or-files...> [--ref-station NAME] [--geom geometryGeo.h5] [--exclude A,B] [--radius 5] [--mask FILE|no] [--bins linear|log] [--site NAME] [-o report.html]',
    COMMON_SYNOPSIS,
  ],
  positionals: { min: 1, max: 1, name: 'one <velocity.h5>' },
  options: {
    ...COMMON,
    gnss: {
      type: 'string',
      value: 'DIR|FILE ...',
      count: 'list',
      help: 'GNSS time series (folders or files; required)',
    },
    'ref-station': file('NAME', 'reference station (default: the one nearest the InSAR reference)'),
    geom: file('FILE|no', 'geometry for the LOS projection (default: inputs/geometryGeo.h5)'),
    exclude: file('A,B', 'stations to leave out'),
    radius: num('PX', 'window radius around each station, pixels (default 5)'),
  },
  run: (a) => report('method1', a),
};

async function report(method: 'method1' | 'method2', a: ParsedArgs): Promise<number> {
  const get = (k: string) => a.str(k);
  const mask = get('mask');
  const ts = get('timeseries');
  const opts: ValidateOptions = {
    method,
    velocityFile: resolve(a.positionals[0]),
    maskFile: mask === undefined ? undefined : mask === 'no' ? null : resolve(mask),
    timeseriesFile: ts ? resolve(ts) : undefined,
    binning: get('bins') as 'linear' | 'log' | undefined,
    emptyBins: get('empty-bins') as ValidateOptions['emptyBins'],
    site: get('site'),
    sensor: get('sensor'),
    startDate: get('start'),
    endDate: get('end'),
  };
  if (method === 'method1') {
    const g = a.all('gnss');
    if (!g?.length) throw new UsageError('nisar method1 needs --gnss <dir-or-files>');
    const geom = get('geom');
    opts.gnssPaths = g.map((x) => resolve(x));
    opts.refStation = get('ref-station');
    opts.geometryFile = geom === undefined ? undefined : geom === 'no' ? null : resolve(geom);
    opts.excludeStations = get('exclude')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    opts.windowRadius = a.num('radius');
  } else {
    opts.stablePolygon = get('stable-polygon');
    const sm = get('stable-mask');
    opts.stableMaskFile = sm ? resolve(sm) : undefined;
    opts.numSamples = a.num('samples');
    opts.seed = a.num('seed');
    opts.deramp = a.has('deramp');
    if (a.has('profiles')) {
      opts.sampling = 'profiles';
      opts.numProfiles = a.num('profiles');
    }
  }
  const output = resolve(get('o') ?? `nisar_${method}_report.html`);
  const { validateSecular } = await import('../../src-core/node/nisar/validate');
  const { writeValidationReport } = await import('../../src-core/node/nisar/report');
  const r = await validateSecular(opts);
  const paths = writeValidationReport(r, output);
  const v = r.table.verdicts;
  process.stdout.write(
    `${v.pooled.pass ? 'PASSED' : 'FAILED'} (notebook verdict, pooled Total row): ${r.table.total.passed}/${r.table.total.total} pairs < ${r.table.requirement} mm/yr\n` +
      `  all bins: ${v.allBins.pass ? 'PASSED' : 'FAILED'}; mean of bin fractions: ${v.meanOfBins.pass ? 'PASSED' : 'FAILED'}\n` +
      `wrote ${paths.html}, ${paths.json}, ${paths.csv}\n`,
  );
  return 0;
}

export const nisarCmd: Command = {
  name: 'nisar',
  summary: 'NISAR secular-requirement validation report of a velocity (docs/nisar-secular-validation.md)',
  synopsis: ['nisar method1|method2 <velocity.h5> ...'],
  subcommandNoun: 'nisar command',
  subcommands: [method1, method2],
};

/** `insar-studio nisar …` with its own argv (the tests call it directly). */
export function nisarCommand(argv: string[]): Promise<number> {
  return execute(nisarCmd, argv, ['nisar']);
}
