/**
 * Minimal project detection for the app (used until/unless src-core/project/detect.ts provides more):
 * a folder with a MintPy template (.cfg), a MintPy work folder with staged inputs/ifgramStack.h5, or an
 * ARIA-tools stack folder (stack/unwrapStack.vrt). For staged and ARIA folders the app writes its own
 * template under `<folder>/.insar-studio/` — the user's files are never modified.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ProjectKind } from '../../src-shared/api';

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

export interface DetectedProject {
  folder: string;
  name: string;
  kind: ProjectKind;
  templatePath: string;
  workDir: string;
}

export const APP_DIR = '.insar-studio';

function findTemplate(folder: string): string | null {
  const cfgs = readdirSync(folder).filter((f) => f.endsWith('.cfg') && statSync(join(folder, f)).isFile());
  if (!cfgs.length) return null;
  // the user's custom template, not MintPy's expanded smallbaselineApp.cfg, when both exist
  const custom = cfgs.filter((f) => f !== 'smallbaselineApp.cfg').sort();
  return join(folder, custom[0] ?? 'smallbaselineApp.cfg');
}

function findAriaStack(folder: string): string | null {
  for (const d of [folder, join(folder, 'aria'), join(folder, 'ARIA')]) {
    if (existsSync(join(d, 'stack', 'unwrapStack.vrt'))) return d;
  }
  return null;
}

export function detectProjectFolder(folderIn: string): DetectedProject {
  const folder = resolve(folderIn);
  if (!existsSync(folder)) throw new ProjectError(`${folder}: folder not found`);
  if (!statSync(folder).isDirectory()) throw new ProjectError(`${folder}: not a folder — choose the project folder, not a file`);
  const name = basename(folder);
  const tpl = findTemplate(folder);
  if (tpl) return { folder, name, kind: 'template', templatePath: tpl, workDir: folder };
  const appDir = join(folder, APP_DIR);
  if (existsSync(join(folder, 'inputs', 'ifgramStack.h5'))) {
    mkdirSync(appDir, { recursive: true });
    const t = join(appDir, 'project.cfg');
    if (!existsSync(t)) writeFileSync(t, '# written by InSAR Studio for a MintPy folder with staged inputs/\nmintpy.load.processor = aria\n');
    return { folder, name, kind: 'mintpy-staged', templatePath: t, workDir: folder };
  }
  const aria = findAriaStack(folder);
  if (aria) {
    mkdirSync(appDir, { recursive: true });
    const t = join(appDir, 'project.cfg');
    const workDir = join(folder, 'mintpy');
    if (!existsSync(t)) {
      const s = join(aria, 'stack');
      const globFirst = (sub: string) => (existsSync(join(aria, sub)) ? `${join(aria, sub)}/*.vrt` : 'auto');
      const dem = existsSync(join(aria, 'DEM')) ? readdirSync(join(aria, 'DEM')).find((f) => f.endsWith('.dem')) : undefined;
      const wm = join(aria, 'mask', 'watermask.msk');
      writeFileSync(
        t,
        [
          '# written by InSAR Studio for an ARIA-tools stack folder',
          'mintpy.load.processor = aria',
          `mintpy.load.unwFile = ${join(s, 'unwrapStack.vrt')}`,
          `mintpy.load.corFile = ${join(s, 'cohStack.vrt')}`,
          `mintpy.load.connCompFile = ${join(s, 'connCompStack.vrt')}`,
          dem ? `mintpy.load.demFile = ${join(aria, 'DEM', dem)}` : '',
          `mintpy.load.incAngleFile = ${globFirst('incidenceAngle')}`,
          `mintpy.load.azAngleFile = ${globFirst('azimuthAngle')}`,
          existsSync(wm) ? `mintpy.load.waterMaskFile = ${wm}` : '',
          'mintpy.save.kmz = yes',
          '',
        ]
          .filter((l) => l !== '')
          .join('\n') + '\n',
      );
    }
    mkdirSync(workDir, { recursive: true });
    return { folder, name, kind: 'aria', templatePath: t, workDir };
  }
  throw new ProjectError(
    `${folder}: not an InSAR project — expected a MintPy template (*.cfg), a MintPy folder with inputs/ifgramStack.h5, or an ARIA-tools stack (stack/unwrapStack.vrt)`,
  );
}
