import { resolve } from 'node:path';
import { infoText } from '../../src-core/node/formats/info';
import { reportError } from '../report';

export async function infoCommand(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write('usage: insar-studio info <file.h5>\n');
    return 2;
  }
  try {
    process.stdout.write(await infoText(resolve(argv[0])));
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
