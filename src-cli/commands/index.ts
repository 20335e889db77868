/** Every command of `insar-studio`, in the order --help and the README list them: adding one is one line here. */
import type { Command } from '../command';
import { demoCmd } from './demo';
import { exportCmd } from './export';
import { infoCmd } from './info';
import { nisarCmd } from './nisar';
import { runCmd } from './run';
import { slurmTaskCmd } from './slurmTask';

export const COMMANDS: Command[] = [runCmd, infoCmd, demoCmd, exportCmd, nisarCmd, slurmTaskCmd];

export const PROGRAM: Command = {
  name: 'insar-studio',
  summary: 'InSAR small-baseline time series, with numbers that agree with MintPy 1.5.1',
  synopsis: COMMANDS.filter((c) => !c.hidden).flatMap((c) => c.synopsis),
  subcommands: COMMANDS,
  epilog: () =>
    'insar-studio <command> --help for its options; --version prints the version.\n' +
    'Paths are relative to the folder you are in. Exit codes: 0 ok, 1 bad input (one line naming the file\n' +
    'and the problem), 2 usage, 3 internal error, 130 cancelled. Progress goes to stderr.',
};
