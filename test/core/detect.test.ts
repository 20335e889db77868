import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTemplateText, Template } from '../../src-core/node/config/template';
import { unimplementedSteps } from '../../src-core/node/pipeline/runner';
import { loadData } from '../../src-core/node/load/loadData';
import { tinyAriaSpec, writeAriaStack } from '../../src-core/node/load/writeAria';
import { InputError } from '../../src-core/common/pipeline/types';
import { defaultAriaTemplate, detectProject } from '../../src-core/node/project/detect';
import { describeParity, fx } from '../helpers/fixtures';

const root = mkdtempSync(join(tmpdir(), 'detect-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DATES = ['20200101', '20200113', '20200125', '20200206'];

function ariaFolder(name: string): string {
  const f = join(root, name);
  writeAriaStack(f, tinyAriaSpec());
  return f;
}

describe('detectProject', () => {
  it('(a) an ariaTSsetup folder: proposes a default template in <folder>/mintpy without writing it', async () => {
    const f = ariaFolder('Proj1');
    const p = await detectProject(f);
    expect(p.kind).toBe('aria');
    expect(p.templatePath).toBe(join(f, 'mintpy', 'Proj1.cfg'));
    expect(p.templateExists).toBe(false);
    expect(existsSync(join(f, 'mintpy'))).toBe(false);
    expect(p.workDir).toBe(join(f, 'mintpy'));
    expect(p.dates).toEqual(DATES);
    expect(p.pairs.length).toBe(5);
    expect(p.grid?.xFirst).toBe(-119.80125);
    expect([p.width, p.length, p.processor, p.hasStagedInputs]).toEqual([6, 5, 'aria', false]);
    expect(p.templateText).toMatch(/mintpy\.load\.demFile\s+= \.\.\/DEM\/SRTM_3arcsec\.dem\n/);
    expect(p.templateText).toMatch(/mintpy\.load\.incAngleFile\s+= \.\.\/incidenceAngle\/\*\.vrt\n/);
    expect(p.templateText).toMatch(/mintpy\.load\.waterMaskFile\s+= \.\.\/mask\/watermask\.msk\n/);
    // no step the app does not run is on (MintPy's default tropospheric correction would be)
    expect(unimplementedSteps(new Template(p.templatePath, parseTemplateText(p.templateText!)))).toEqual([]);
    expect(unimplementedSteps(new Template(p.templatePath, {}))).toEqual([
      'correct_troposphere (mintpy.troposphericDelay.method = pyaps)',
    ]);
  });

  it('(a) writeTemplate writes the default template, which (c) then reads back with the same stack', async () => {
    const f = ariaFolder('Proj2');
    const p = await detectProject(f, { writeTemplate: true });
    expect(p.templateExists).toBe(true);
    const t = Template.read(p.templatePath);
    expect(t.get('mintpy.load.unwFile')).toBe('../stack/unwrapStack.vrt');
    const again = await detectProject(f);
    expect(again.templateExists).toBe(true);
    expect(again.templatePath).toBe(p.templatePath);
    const fromStack = await detectProject(join(f, 'stack'));
    expect([fromStack.kind, fromStack.folder]).toEqual(['aria', f]);
    const c = await detectProject(join(f, 'mintpy'));
    expect(c.kind).toBe('template');
    expect(c.pairs).toEqual(p.pairs);
  });

  it('(b) MintPy staged form: dates and pairs from inputs/ifgramStack.h5', async () => {
    const f = ariaFolder('Proj3');
    const wd = join(root, 'staged');
    mkdirSync(wd);
    const t = new Template(join(f, 'mintpy', 'x.cfg'), defaultAriaTemplate(f));
    await loadData({
      template: t,
      workDir: wd,
      log: () => {},
      progress: () => {},
      signal: new AbortController().signal,
    });
    const p = await detectProject(wd);
    expect(p.kind).toBe('mintpy');
    expect(p.dates).toEqual(DATES);
    expect(p.pairs[0]).toEqual(['20200101', '20200113']);
    expect(p.processor).toBe('aria');
    expect(p.templateExists).toBe(false);
    expect(p.templatePath).toBe(join(wd, `${basename(wd)}.cfg`));
    expect(p.grid?.yFirst).toBe(36.25125);

    // the staged zip travels with its template while the ARIA files stay behind: still a MintPy project
    writeFileSync(
      join(wd, 'Proj.cfg'),
      'mintpy.load.processor = aria\nmintpy.load.unwFile = ../gone/stack/unwrapStack.vrt\n',
    );
    const q = await detectProject(wd);
    expect(q.kind).toBe('mintpy');
    expect(q.templatePath).toBe(join(wd, 'Proj.cfg'));
    expect(q.templateExists).toBe(true);
  });

  it('a folder that is not a stack, and a path that is not a folder', async () => {
    const f = join(root, 'empty');
    mkdirSync(f);
    writeFileSync(join(f, 'notes.txt'), 'hello');
    await expect(detectProject(f)).rejects.toBeInstanceOf(InputError);
    await expect(detectProject(f)).rejects.toThrow(
      `${f}: not an InSAR stack: expected stack/*.vrt (ARIA-tools), NISAR GUNW .h5 products or inputs/ifgramStack.h5 (MintPy)`,
    );
    await expect(detectProject(join(f, 'notes.txt'))).rejects.toThrow(`${join(f, 'notes.txt')}: not a folder`);
  });

  it('an ARIA folder with a broken stack reports the broken file', async () => {
    const f = ariaFolder('Proj4');
    const vrt = join(f, 'stack', 'unwrapStack.vrt');
    writeFileSync(
      vrt,
      readFileSync(vrt, 'utf8').replace('<MDI key="Dates">20200113_20200101</MDI>', '<MDI key="Dates">2020-13_x</MDI>'),
    );
    await expect(detectProject(f)).rejects.toThrow(
      `${vrt}: band 2: Dates "2020-13_x": "2020-13" is not a date (YYYYMMDD)`,
    );
  });
});

describeParity('detectProject on cv-tiny', () => {
  it('aria/: ARIA folder with 31 dates and 87 pairs', async () => {
    const p = await detectProject(fx('aria'));
    expect(p.kind).toBe('aria');
    expect(p.dates.length).toBe(31);
    expect(p.pairs.length).toBe(87);
    expect(p.templateExists).toBe(false);
  });

  it('mintpy/: template kind (Central_Valley.cfg) with staged inputs', async () => {
    const p = await detectProject(fx('mintpy'));
    expect(p.kind).toBe('template');
    expect(p.templatePath).toBe(fx('mintpy', 'Central_Valley.cfg'));
    expect(p.hasStagedInputs).toBe(true);
    expect(p.pairs.length).toBe(87);
  });

  it('the staged zip alone (inputs/ + cfg, no aria/): MintPy kind', async () => {
    const wd = join(root, 'cv-staged');
    mkdirSync(wd);
    cpSync(fx('mintpy', 'inputs'), join(wd, 'inputs'), { recursive: true });
    cpSync(fx('mintpy', 'Central_Valley.cfg'), join(wd, 'Central_Valley.cfg'));
    const p = await detectProject(wd);
    expect(p.kind).toBe('mintpy');
    expect(p.templatePath).toBe(join(wd, 'Central_Valley.cfg'));
    expect(p.dates.length).toBe(31);
    expect(p.processor).toBe('aria');
  });
});
