/** The nisar-tiny fixture staged in a temp folder: GUNW/ and DEM/ linked, the template copied into mintpy/. */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nx } from './fixtures';

/**
 * Stage nisar-tiny in `dir` (products and DEM linked, NISAR_CV.cfg copied without `dropKeys`: the fixture's
 * loader ran before mintpy.reference.yx was added). Returns the template's path.
 */
export function stageNisarTiny(dir: string, dropKeys: string[] = ['mintpy.reference.yx']): string {
  mkdirSync(join(dir, 'mintpy'), { recursive: true });
  symlinkSync(nx('GUNW'), join(dir, 'GUNW'));
  symlinkSync(nx('DEM'), join(dir, 'DEM'));
  const cfg = readFileSync(nx('mintpy', 'NISAR_CV.cfg'), 'utf8')
    .split('\n')
    .filter((l) => !dropKeys.some((k) => l.startsWith(k)))
    .join('\n');
  const path = join(dir, 'mintpy', 'NISAR_CV.cfg');
  writeFileSync(path, cfg);
  return path;
}
