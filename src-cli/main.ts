/**
 * `insar-studio` — the headless CLI, modelled on MintPy's: it parses arguments and calls the science core.
 * Exit codes: 0 ok, 1 bad input (one line naming the file and the problem), 2 usage, 3 internal error,
 * 130 cancelled.
 */
import { execute } from './command';
import { PROGRAM } from './commands';
import { version } from '../package.json';
import { fileURLToPath } from 'node:url';

/**
 * Paths on the command line are the caller's: `npm run cli -- …` runs in the repository (npm's own working
 * folder) but remembers the caller's in INIT_CWD. Only then: a process that merely inherited npm's variables
 * (a Slurm array task, a child of a child) keeps the folder it was started in.
 */
export function callerCwd(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const repo = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
  return env.npm_lifecycle_event === 'cli' && env.INIT_CWD && cwd === repo ? env.INIT_CWD : null;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`insar-studio ${version}\n`);
    return 0;
  }
  return execute(PROGRAM, argv);
}

const cwd = callerCwd();
if (cwd) process.chdir(cwd);
process.exitCode = await main(process.argv.slice(2));
