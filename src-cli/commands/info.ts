import { resolve } from 'node:path';
import type { Command } from '../command';

export const infoCmd: Command = {
  name: 'info',
  summary: "print an HDF5 file's datasets, attributes and dates (MintPy's info.py)",
  synopsis: ['info <file.h5>'],
  positionals: { min: 1, max: 1, name: '<file.h5>' },
  async run(a) {
    const { infoText } = await import('../../src-core/node/formats/info');
    process.stdout.write(await infoText(resolve(a.positionals[0])));
    return 0;
  },
};
