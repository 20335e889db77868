/**
 * What kind of InSAR stack a folder holds, for "open folder" in the app:
 *
 * - `template`: a folder with a MintPy `.cfg` whose mintpy.load.* keys point at an ARIA stack
 *   (a MintPy work directory, like the notebook's `mintpy/`);
 * - `mintpy`: MintPy's staged form, `inputs/ifgramStack.h5` + `inputs/geometryGeo.h5`;
 * - `aria`: an `ariaTSsetup.py` folder (stack/*.vrt, DEM/, incidenceAngle/, …), for which a default
 *   template is proposed in `<folder>/mintpy/` (written only when asked);
 * - `nisar`: a folder of NISAR GUNW products (`*GUNW*.h5` in the folder or in GUNW/, products/,
 *   interferograms/) with a DEM beside them (DEM/*.tif, dem*.tif), the same way: a template in
 *   `<folder>/mintpy/` that already loads them wins, else `mintpy.load.processor = nisar` is proposed.
 *   A template with `processor = nisar` (`template`) reads the products the same way.
 *
 * Anything else is an InputError naming the folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseTemplateText, Template } from '../config/template';
import { globLast } from '../formats/aria';
import { ARIA_LOAD_KEYS } from '../../common/formats/ariaKeys';
import { gridOf, IfgramStack, type GeoGrid } from '../formats/mintpyFiles';
import { loadAriaStack, loadProcessorOf } from '../load/loadData';
import { openNisarStack } from '../load/nisarStack';
import { InputError } from '../../common/pipeline/types';

export type ProjectKind = 'aria' | 'nisar' | 'mintpy' | 'template';

export interface ProjectInfo {
  kind: ProjectKind;
  /** the folder given (absolute) */
  folder: string;
  /** MintPy work directory: outputs go here (inputs/ holds the stack) */
  workDir: string;
  /** the template to run: an existing .cfg, or the proposed default one */
  templatePath: string;
  templateExists: boolean;
  /** content of the proposed template when it does not exist (yet) */
  templateText?: string;
  /** 'aria' / 'nisar' for the stacks we load, else the stack's processor attribute */
  processor: string;
  dates: string[];
  /** [earlier, later] per pair */
  pairs: [string, string][];
  /**
   * perpendicular baseline per pair (MintPy's sign, float32) where the stack's metadata carry it before
   * load_data (ARIA: each band's perpendicularBaseline); absent otherwise
   */
  bperp?: number[];
  length: number;
  width: number;
  grid: GeoGrid | null;
  /** inputs/ifgramStack.h5 and inputs/geometryGeo.h5 exist in workDir */
  hasStagedInputs: boolean;
}

export interface DetectOptions {
  /** write the proposed default template of an ARIA folder to disk (never overwrites) */
  writeTemplate?: boolean;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** A .cfg in `dir` with mintpy.load.* file keys set (not smallbaselineApp.cfg, MintPy's expansion); null if none. */
export function findLoadTemplate(dir: string): string | null {
  if (!isDir(dir)) return null;
  const cfgs = readdirSync(dir)
    .filter((f) => f.endsWith('.cfg') && isFile(join(dir, f)))
    .sort((a, b) => Number(a === 'smallbaselineApp.cfg') - Number(b === 'smallbaselineApp.cfg') || a.localeCompare(b));
  for (const f of cfgs) {
    const v = parseTemplateText(readFileSync(join(dir, f), 'utf8'));
    const load = Object.entries(v).filter(
      ([k, x]) => k.startsWith('mintpy.load.') && k.endsWith('File') && !/^(auto|no|none)$/i.test(x),
    );
    if (load.length) return join(dir, f);
  }
  return null;
}

function hasStaged(workDir: string): boolean {
  return isFile(join(workDir, 'inputs', 'ifgramStack.h5')) && isFile(join(workDir, 'inputs', 'geometryGeo.h5'));
}

/** ariaTSsetup layout: stack/unwrapStack.vrt (+ coherence and connected components stacks). */
export function isAriaFolder(folder: string): boolean {
  return isFile(join(folder, 'stack', 'unwrapStack.vrt'));
}

/**
 * Keys the default templates set so that no step the app does not run is on (MintPy's default for
 * mintpy.troposphericDelay.method is pyaps; the other unimplemented steps are off by default already).
 */
export const OFF_STEPS: Record<string, string> = { 'mintpy.troposphericDelay.method': 'no' };

/** The default template for an ARIA folder, relative to `<folder>/mintpy/`. */
export function defaultAriaTemplate(folder: string): Record<string, string> {
  const first = (dir: string, patterns: string[]): string | null => {
    for (const p of patterns) {
      const m = globLast(join(folder, dir, p));
      if (m.length) return `../${dir}/${basename(m[0])}`;
    }
    return null;
  };
  const v: Record<string, string> = {
    'mintpy.load.processor': ARIA_LOAD_KEYS['mintpy.load.processor'],
    'mintpy.load.unwFile': ARIA_LOAD_KEYS['mintpy.load.unwFile'],
    'mintpy.load.corFile': ARIA_LOAD_KEYS['mintpy.load.corFile'],
    'mintpy.load.connCompFile': ARIA_LOAD_KEYS['mintpy.load.connCompFile'],
  };
  const dem = first('DEM', ['*.dem', '*.vrt', '*.tif']);
  if (dem) v['mintpy.load.demFile'] = dem;
  if (globLast(join(folder, 'incidenceAngle', '*.vrt')).length)
    v['mintpy.load.incAngleFile'] = '../incidenceAngle/*.vrt';
  if (globLast(join(folder, 'azimuthAngle', '*.vrt')).length) v['mintpy.load.azAngleFile'] = '../azimuthAngle/*.vrt';
  const mask = first('mask', ['watermask.msk', '*.msk']);
  if (mask) v['mintpy.load.waterMaskFile'] = mask;
  // MintPy's default (pyaps) would turn on correct_troposphere, which InSAR Studio does not run: off, said so
  Object.assign(v, OFF_STEPS);
  return v;
}

function templateText(values: Record<string, string>, folder: string): string {
  const w = Math.max(...Object.keys(values).map((k) => k.length));
  return (
    `## MintPy template for the ARIA-tools stack in ${folder}\n## written by InSAR Studio; edit freely\n` +
    Object.entries(values)
      .map(([k, x]) => `${k.padEnd(w)} = ${x}`)
      .join('\n') +
    '\n'
  );
}

async function fromAriaTemplate(
  kind: ProjectKind,
  folder: string,
  t: Template,
  exists: boolean,
  text?: string,
): Promise<ProjectInfo> {
  const s = await loadAriaStack(t);
  return {
    kind,
    folder,
    workDir: t.dir,
    templatePath: t.path,
    templateExists: exists,
    ...(text !== undefined ? { templateText: text } : {}),
    processor: 'aria',
    dates: s.dates,
    pairs: s.pairs,
    bperp: s.bperp,
    length: s.length,
    width: s.width,
    grid: s.grid,
    hasStagedInputs: hasStaged(t.dir),
  };
}

/** Where a folder keeps NISAR GUNW products: itself or GUNW/, products/, interferograms/ (null if none). */
export function findGunwDir(folder: string): string | null {
  for (const d of [folder, ...['GUNW', 'gunw', 'products', 'interferograms'].map((s) => join(folder, s))])
    if (isDir(d) && readdirSync(d).some((f) => /GUNW.*\.h5$/i.test(f) && isFile(join(d, f)))) return d;
  return null;
}

/** The default template for a NISAR GUNW folder, relative to `<folder>/mintpy/`. */
export function defaultNisarTemplate(folder: string, gunwDir: string): Record<string, string> {
  const rel = gunwDir === folder ? '..' : `../${basename(gunwDir)}`;
  const v: Record<string, string> = {
    'mintpy.load.processor': 'nisar',
    'mintpy.load.unwFile': `${rel}/*GUNW*.h5`,
  };
  Object.assign(v, OFF_STEPS);
  for (const [dir, pat] of [
    ['DEM', /\.(tif|tiff|dem|vrt)$/i],
    ['dem', /\.(tif|tiff|dem|vrt)$/i],
    ['.', /^dem.*\.(tif|tiff)$/i],
  ] as [string, RegExp][]) {
    const d = join(folder, dir);
    const f = isDir(d)
      ? readdirSync(d)
          .filter((n) => pat.test(n) && isFile(join(d, n)))
          .sort()[0]
      : undefined;
    if (f) {
      v['mintpy.load.demFile'] = dir === '.' ? `../${f}` : `../${dir}/${f}`;
      break;
    }
  }
  return v;
}

async function fromNisarTemplate(
  kind: ProjectKind,
  folder: string,
  t: Template,
  exists: boolean,
  text?: string,
): Promise<ProjectInfo> {
  const s = await openNisarStack(t, { requireDem: false });
  return {
    kind,
    folder,
    workDir: t.dir,
    templatePath: t.path,
    templateExists: exists,
    ...(text !== undefined ? { templateText: text } : {}),
    processor: 'nisar',
    dates: s.dates,
    pairs: s.products.map((p) => [p.date1, p.date2]),
    length: s.length,
    width: s.width,
    grid: s.grid,
    hasStagedInputs: hasStaged(t.dir),
  };
}

async function fromStaged(folder: string): Promise<ProjectInfo> {
  const stack = await IfgramStack.open(join(folder, 'inputs', 'ifgramStack.h5'));
  try {
    const existing =
      findLoadTemplate(folder) ??
      (isFile(join(folder, 'smallbaselineApp.cfg')) ? join(folder, 'smallbaselineApp.cfg') : null);
    const cfgs = existsSync(folder)
      ? readdirSync(folder)
          .filter((f) => f.endsWith('.cfg'))
          .sort()
      : [];
    const templatePath = existing ?? (cfgs.length ? join(folder, cfgs[0]) : join(folder, `${basename(folder)}.cfg`));
    const exists = isFile(templatePath);
    return {
      kind: 'mintpy',
      folder,
      workDir: folder,
      templatePath,
      templateExists: exists,
      ...(exists
        ? {}
        : {
            templateText: `## MintPy template for the staged stack in ${folder}\n## written by InSAR Studio; edit freely\nmintpy.compute.numWorker = auto\n`,
          }),
      processor: stack.attrs['mintpy.load.processor'] ?? stack.attrs.PROCESSOR ?? 'mintpy',
      dates: [...new Set(stack.pairs.flat())].sort(),
      pairs: stack.pairs,
      length: stack.length,
      width: stack.width,
      grid: gridOf(stack.attrs, stack.path),
      hasStagedInputs: true,
    };
  } finally {
    stack.close();
  }
}

/** Recognise the stack in `folder` (see the module comment). */
export async function detectProject(folderIn: string, opts: DetectOptions = {}): Promise<ProjectInfo> {
  const folder = resolve(folderIn);
  if (!isDir(folder)) throw new InputError(`${folder}: not a folder`);

  // (c) a MintPy template with load keys
  const cfg = findLoadTemplate(folder);
  if (cfg) {
    const t = Template.read(cfg);
    const proc = t.get('mintpy.load.processor').toLowerCase();
    let loader: 'aria' | 'nisar' | null = null;
    try {
      loader = loadProcessorOf(t);
    } catch {
      loader = null;
    }
    if (loader) {
      try {
        return loader === 'aria'
          ? await fromAriaTemplate('template', folder, t, true)
          : await fromNisarTemplate('template', folder, t, true);
      } catch (e) {
        // MintPy's staged form often travels with its template while the source files stay behind
        if (!(e instanceof InputError) || !hasStaged(folder)) throw e;
      }
    }
    if (hasStaged(folder)) {
      const { templateText: _unused, ...staged } = await fromStaged(folder);
      void _unused;
      return { ...staged, templatePath: cfg, templateExists: true };
    }
    throw new InputError(
      `${cfg}: mintpy.load.processor = ${proc}: only ARIA-tools stacks (aria) and NISAR GUNW products (nisar) can be loaded; stage the stack with MintPy's load_data first`,
    );
  }

  // (b) MintPy's staged inputs
  if (hasStaged(folder)) return fromStaged(folder);

  // (a) an ariaTSsetup folder (an existing template in <folder>/mintpy wins over the default one)
  if (isAriaFolder(folder)) {
    const workDir = join(folder, 'mintpy');
    const existing = findLoadTemplate(workDir);
    if (existing) return fromAriaTemplate('aria', folder, Template.read(existing), true);
    const values = defaultAriaTemplate(folder);
    const path = join(workDir, `${basename(folder)}.cfg`);
    const text = templateText(values, folder);
    const info = await fromAriaTemplate('aria', folder, new Template(path, values), false, text);
    if (opts.writeTemplate && !existsSync(path)) {
      mkdirSync(workDir, { recursive: true });
      writeFileSync(path, text);
      return { ...info, templateExists: true };
    }
    return info;
  }

  // (a) a folder of NISAR GUNW products (an existing template in <folder>/mintpy that loads them wins)
  const gunwDir = findGunwDir(folder);
  if (gunwDir) {
    const workDir = join(folder, 'mintpy');
    const existing = findLoadTemplate(workDir);
    if (existing) {
      const t = Template.read(existing);
      if (loadProcessorOf(t) === 'nisar') return fromNisarTemplate('nisar', folder, t, true);
    }
    const values = defaultNisarTemplate(folder, gunwDir);
    const path = join(workDir, `${basename(folder)}.cfg`);
    const w = Math.max(...Object.keys(values).map((k) => k.length));
    const text =
      `## MintPy template for the NISAR GUNW products in ${gunwDir}\n## written by InSAR Studio; edit freely\n` +
      Object.entries(values)
        .map(([k, x]) => `${k.padEnd(w)} = ${x}`)
        .join('\n') +
      '\n' +
      (values['mintpy.load.demFile']
        ? ''
        : '## mintpy.load.demFile is required: a DEM GeoTIFF covering the products, any CRS\n');
    const info = await fromNisarTemplate('nisar', folder, new Template(path, values), false, text);
    if (opts.writeTemplate && !existsSync(path)) {
      mkdirSync(workDir, { recursive: true });
      writeFileSync(path, text);
      return { ...info, templateExists: true };
    }
    return info;
  }

  // the user picked the stack/ (or inputs/) folder itself: use its parent
  const parent = dirname(folder);
  if (basename(folder) === 'stack' && isAriaFolder(parent)) return detectProject(parent, opts);
  if (basename(folder) === 'inputs' && hasStaged(parent)) return detectProject(parent, opts);

  throw new InputError(
    `${folder}: not an InSAR stack: expected stack/*.vrt (ARIA-tools), NISAR GUNW .h5 products or inputs/ifgramStack.h5 (MintPy)`,
  );
}
