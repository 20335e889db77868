/**
 * Template checks before a run: accepted values (declared once beside the defaults), unknown keys with the
 * nearest known key, and errors only for the keys of the steps the run does.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptsValue, checkTemplateKeys, describeSpec, keyMatches } from '../../src-core/common/config/check';
import { MINTPY_DEFAULTS, MINTPY_VALUES } from '../../src-core/common/config/defaults';
import { closest, editDistance } from '../../src-core/common/util/closest';
import { Template, TemplateError } from '../../src-core/node/config/template';
import { runKeys } from '../../src-core/node/pipeline/stepKeys';
import { STEP_NAMES } from '../../src-core/node/pipeline/registry';
import { describeParity, fx } from '../helpers/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'template-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('closest: did you mean', () => {
  it('typos, transpositions, case and unique prefixes; nothing for unrelated words', () => {
    expect(editDistance('weigthFunc', 'weightFunc')).toBe(1);
    expect(closest('do-step', ['dostep', 'start', 'end'])).toBe('dostep');
    expect(closest('colums', ['rows', 'cols', 'dates'])).toBe('cols');
    expect(closest('invert', STEP_NAMES)).toBe('invert_network');
    expect(closest('Velocity', STEP_NAMES)).toBe('velocity');
    expect(closest('mintpy.refernce.lalo', Object.keys(MINTPY_DEFAULTS))).toBe('mintpy.reference.lalo');
    expect(closest('frobnicate', ['run', 'info', 'demo', 'export', 'nisar'])).toBeNull();
    expect(closest('mintpy.load.frequncy', ['mintpy.load.frequency', ...Object.keys(MINTPY_DEFAULTS)])).toBe(
      'mintpy.load.frequency',
    );
  });
});

describe('accepted values, declared once beside the defaults', () => {
  it('every MintPy default is accepted by its own declaration', () => {
    for (const [k, spec] of Object.entries(MINTPY_VALUES)) {
      expect(MINTPY_DEFAULTS[k], `${k} has a default`).toBeDefined();
      expect(acceptsValue(spec, MINTPY_DEFAULTS[k]), `${k} = ${MINTPY_DEFAULTS[k]}`).toBe(true);
      expect(acceptsValue(spec, 'auto')).toBe(true);
    }
  });
  it('weightFunc takes MintPy’s spellings, not "vra"; numbers, dates, pairs and yes/no', () => {
    const wf = MINTPY_VALUES['mintpy.networkInversion.weightFunc'];
    for (const v of ['var', 'fim', 'coh', 'no', 'sbas', 'uniform', 'fisher', 'linear'])
      expect(acceptsValue(wf, v), v).toBe(true);
    expect(acceptsValue(wf, 'vra')).toBe(false);
    expect(describeSpec(wf)).toBe('one of var, fim, coh, no');
    const minCoh = MINTPY_VALUES['mintpy.network.minCoherence'];
    expect([acceptsValue(minCoh, '0.7'), acceptsValue(minCoh, '1.5'), acceptsValue(minCoh, 'high')]).toEqual([
      true,
      false,
      false,
    ]);
    expect(acceptsValue(MINTPY_VALUES['mintpy.network.startDate'], '20181301')).toBe(false);
    expect(acceptsValue(MINTPY_VALUES['mintpy.network.startDate'], 'no')).toBe(true);
    expect(acceptsValue(MINTPY_VALUES['mintpy.reference.yx'], '12, 67')).toBe(true);
    expect(acceptsValue(MINTPY_VALUES['mintpy.reference.yx'], '12.5,67')).toBe(false);
    expect(acceptsValue(MINTPY_VALUES['mintpy.reference.lalo'], '[36.1, -119.6]')).toBe(true);
    expect(acceptsValue(MINTPY_VALUES['mintpy.save.kmz'], 'True')).toBe(true);
    expect(acceptsValue(MINTPY_VALUES['mintpy.save.kmz'], 'maybe')).toBe(false);
  });
});

describe('checkTemplateKeys', () => {
  it('a misspelled key of a step the run does is an error; of another step a warning; foreign keys are left alone', () => {
    const values = { 'mintpy.refernce.lalo': '36.1,-119.6', 'mintpy.velocity.startDate': '20180101', 'isce.foo': '1' };
    const asked = checkTemplateKeys(values, runKeys(['reference_point']));
    expect(asked).toEqual([
      {
        key: 'mintpy.refernce.lalo',
        level: 'error',
        message: 'mintpy.refernce.lalo: unknown key (did you mean mintpy.reference.lalo?)',
      },
    ]);
    const other = checkTemplateKeys(values, runKeys(['velocity']));
    expect(other.map((p) => p.level)).toEqual(['warning']);
    expect(checkTemplateKeys({ 'mintpy.foo.bar': '3' }, runKeys([...STEP_NAMES]))).toEqual([
      {
        key: 'mintpy.foo.bar',
        level: 'warning',
        message: 'mintpy.foo.bar: not a MintPy 1.5.1 key InSAR Studio uses, ignored',
      },
    ]);
  });
  it('a bad value of a key the run reads is an error naming the key and what it accepts', () => {
    const bad = { 'mintpy.networkInversion.weightFunc': 'vra' };
    expect(checkTemplateKeys(bad, runKeys(['invert_network']))[0]).toMatchObject({
      level: 'error',
      message: 'mintpy.networkInversion.weightFunc = vra: expected one of var, fim, coh, no',
    });
    expect(checkTemplateKeys(bad, runKeys(['velocity']))[0].level).toBe('warning');
    expect(keyMatches('mintpy.topographicResidual', ['mintpy.topographicResidual.*'])).toBe(true);
    expect(keyMatches('mintpy.compute.maxMemory', runKeys([]))).toBe(true);
  });
  it('Template.check throws a TemplateError naming the file; read() refuses folders and non-templates in one line', () => {
    const cfg = join(tmp, 'x.cfg');
    writeFileSync(cfg, 'mintpy.networkInversion.weightFunc = vra\n');
    const t = Template.read(cfg);
    expect(() => t.check(runKeys(['invert_network']))).toThrow(TemplateError);
    expect(() => t.check(runKeys(['invert_network']))).toThrow(
      `${cfg}: mintpy.networkInversion.weightFunc = vra: expected one of var, fim, coh, no`,
    );
    expect(t.check(runKeys(['load_data']))).toEqual([
      `warning: ${cfg}: mintpy.networkInversion.weightFunc = vra: expected one of var, fim, coh, no`,
    ]);
    mkdirSync(join(tmp, 'proj', 'mintpy'), { recursive: true });
    writeFileSync(join(tmp, 'proj', 'mintpy', 'Site.cfg'), 'mintpy.load.processor = aria\n');
    expect(() => Template.read(join(tmp, 'proj'))).toThrow(
      /proj: is a folder, not a template; did you mean .*Site\.cfg\?$/,
    );
    writeFileSync(join(tmp, 'v.h5'), Buffer.from([0x89, 0x48, 0x44, 0x46, 0, 1, 2]));
    expect(() => Template.read(join(tmp, 'v.h5'))).toThrow(`${join(tmp, 'v.h5')}: not a MintPy template`);
  });
});

describeParity('the fixtures’ templates pass the checks of a whole run', () => {
  it('cv-tiny and nisar-tiny: no error, no warning (mintpy.load.frequency is a NISAR loader key)', () => {
    const all = runKeys([...STEP_NAMES]);
    expect(Template.read(fx('mintpy', 'Central_Valley.cfg')).check(all)).toEqual([]);
    expect(Template.read(fx('mintpy', 'smallbaselineApp.cfg')).check(all)).toEqual([]);
    expect(Template.read(join(fx(), '..', 'nisar-tiny', 'mintpy', 'NISAR_CV.cfg')).check(all)).toEqual([]);
  });
});

describe('keys of our own (insarstudio.slurm.*)', () => {
  it('are known; a misspelled one gets the nearest and stops the run (they are read whatever the steps)', () => {
    const slurm = ['insarstudio.slurm.partition', 'insarstudio.slurm.account'];
    expect(checkTemplateKeys({ 'insarstudio.slurm.partition': 'debug' }, runKeys(['velocity']), slurm)).toEqual([]);
    expect(checkTemplateKeys({ 'insarstudio.slurm.partiton': 'debug' }, runKeys(['velocity']), slurm)).toEqual([
      {
        key: 'insarstudio.slurm.partiton',
        level: 'error',
        message: 'insarstudio.slurm.partiton: unknown key (did you mean insarstudio.slurm.partition?)',
      },
    ]);
  });
});
