import { resolve } from 'node:path';
import { parseArgs } from '../args';
import { reportError, progressPrinter } from '../report';
import { runPipeline } from '../../src-core/node/pipeline/runner';
import type { StepName } from '../../src-core/common/pipeline/types';

export async function runCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, { dostep: 1, start: 1, end: 1, workers: 1, workdir: 1, cluster: 1 });
  } catch (e) {
    process.stderr.write(`insar-studio run: ${(e as Error).message}\n`);
    return 2;
  }
  const [template] = args.positional;
  if (!template) {
    process.stderr.write(
      'usage: insar-studio run <template.cfg> [--dostep STEP | --start STEP --end STEP] [--cluster slurm|local]\n',
    );
    return 2;
  }
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  try {
    const record = await runPipeline({
      templatePath: resolve(template),
      workDir: args.flags.workdir ? resolve(args.flags.workdir[0]) : undefined,
      dostep: args.flags.dostep?.[0] as StepName | undefined,
      start: args.flags.start?.[0] as StepName | undefined,
      end: args.flags.end?.[0] as StepName | undefined,
      numWorkers: args.flags.workers ? Number(args.flags.workers[0]) : undefined,
      cluster: args.flags.cluster?.[0],
      signal: ac.signal,
      onProgress: progressPrinter(),
      onLog: (m) => process.stderr.write(`${m}\n`),
    });
    for (const s of record.steps)
      process.stdout.write(
        `${s.name.padEnd(18)} ${s.status.padEnd(8)} ${s.seconds.toFixed(2).padStart(7)} s  ${s.outputs.map((o) => o.replace(`${record.workDir}/`, '')).join(' ')}\n`,
      );
    process.stdout.write(`outputs in ${record.workDir}\n`);
    return 0;
  } catch (e) {
    return reportError(e);
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
}
