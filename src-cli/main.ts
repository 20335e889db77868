/**
 * `insar-studio` — the headless CLI, modelled on MintPy's: it only parses arguments and calls the
 * science core. Exit codes: 0 ok, 1 bad input (one line naming the file and the problem), 2 usage,
 * 3 internal error, 130 cancelled.
 */
import { runCommand } from './commands/run';
import { infoCommand } from './commands/info';
import { demoCommand } from './commands/demo';
import { exportCommand } from './commands/export';
import { nisarCommand } from './commands/nisar';
import { slurmTaskCommand } from './commands/slurmTask';

const USAGE = `insar-studio — InSAR small-baseline time series (MintPy-compatible)

usage:
  insar-studio run <template.cfg> [--dostep STEP | --start STEP --end STEP] [--workers N] [--workdir DIR]
                   [--cluster slurm|local]   tiled steps as Slurm job arrays (docs/slurm.md)
  insar-studio info <file.h5>
  insar-studio demo <dir> [--rows N --cols N --dates N --seed N] [--run]
  insar-studio export kmz|kmz-timeseries|geotiff|csv|transect|vertical|asc-desc|significance <file.h5> ...
                                                          (insar-studio export --help)
  insar-studio nisar method1|method2 <velocity.h5> ...   NISAR secular-requirement validation report

steps: load_data modify_network reference_point quick_overview invert_network correct_topography residual_RMS
       reference_date velocity google_earth
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return runCommand(rest);
    case 'info':
      return infoCommand(rest);
    case 'demo':
      return demoCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'nisar':
      return nisarCommand(rest);
    case 'slurm-task':
      return slurmTaskCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`insar-studio: unknown command "${cmd}"\n${USAGE}`);
      return 2;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
