/** Opening a folder of NISAR GUNW products: project detection proposes (or finds) the NISAR template. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { detectProject } from '../../src-core/node/project/detect';
import { tinyGunwSpec, writeDemFor, writeGunwStack } from '../../src-core/node/load/writeGunw';
import { describeNisarParity, NISAR_TINY } from '../helpers/fixtures';

const root = mkdtempSync(join(tmpdir(), 'nisar-detect-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('detectProject on NISAR GUNW folders', () => {
  it('GUNW/ + DEM/: kind nisar, a proposed template (processor, glob, DEM), the UTM grid and the pairs', async () => {
    const f = join(root, 'Corcoran');
    const spec = tinyGunwSpec();
    await writeGunwStack(join(f, 'GUNW'), spec);
    writeDemFor(join(f, 'DEM', 'copernicus.tif'), spec);
    const p = await detectProject(f);
    expect(p.kind).toBe('nisar');
    expect(p.processor).toBe('nisar');
    expect(p.workDir).toBe(join(f, 'mintpy'));
    expect(p.templatePath).toBe(join(f, 'mintpy', 'Corcoran.cfg'));
    expect(p.templateExists).toBe(false);
    expect(p.templateText).toMatch(/mintpy\.load\.processor\s+= nisar\n/);
    expect(p.templateText).toMatch(/mintpy\.load\.unwFile\s+= \.\.\/GUNW\/\*GUNW\*\.h5\n/);
    expect(p.templateText).toMatch(/mintpy\.load\.demFile\s+= \.\.\/DEM\/copernicus\.tif\n/);
    expect(p.grid).toEqual({
      length: 24,
      width: 32,
      xFirst: 266000,
      yFirst: 4000400,
      xStep: 100,
      yStep: -100,
      epsg: 32611,
    });
    expect(p.dates).toEqual(spec.dates);
    expect(p.pairs.length).toBe(spec.pairs.length);
    expect(existsSync(join(f, 'mintpy'))).toBe(false);

    const w = await detectProject(f, { writeTemplate: true });
    expect(w.templateExists).toBe(true);
    expect(Template.read(w.templatePath).get('mintpy.load.processor')).toBe('nisar');
    const again = await detectProject(join(f, 'mintpy'));
    expect(again.kind).toBe('template');
    expect(again.pairs).toEqual(p.pairs);
  });

  it('products without a DEM still open; the proposed template says the DEM is required', async () => {
    const f = join(root, 'NoDem');
    await writeGunwStack(f, tinyGunwSpec());
    const p = await detectProject(f);
    expect(p.kind).toBe('nisar');
    expect(p.templateText).toMatch(/mintpy\.load\.unwFile\s+= \.\.\/\*GUNW\*\.h5\n/);
    expect(p.templateText).toMatch(/## mintpy\.load\.demFile is required/);
  });
});

describeNisarParity('detectProject on the nisar-tiny folder', () => {
  it('finds its mintpy/NISAR_CV.cfg and MintPy’s staged inputs', async () => {
    const p = await detectProject(NISAR_TINY);
    expect(p.kind).toBe('nisar');
    expect(p.templatePath).toBe(join(NISAR_TINY, 'mintpy', 'NISAR_CV.cfg'));
    expect(p.templateExists).toBe(true);
    expect(p.hasStagedInputs).toBe(true);
    expect(p.dates.length).toBe(16);
    expect(p.pairs.length).toBe(42);
    expect(p.grid).toEqual({
      length: 60,
      width: 80,
      xFirst: 265960,
      yFirst: 4000440,
      xStep: 80,
      yStep: -80,
      epsg: 32611,
    });
  });
});
