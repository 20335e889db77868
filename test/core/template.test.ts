import { describe, expect, it } from 'vitest';
import { parseTemplateText, Template, TemplateError } from '../../src-core/node/config/template';
import { describeParity, fx } from '../helpers/fixtures';

describe('template', () => {
  it('parses key = value with comments and auto defaults', () => {
    const v = parseTemplateText('# c\nmintpy.network.startDate = 20180101 # comment\n% x = y\nmintpy.deramp = auto\n');
    expect(v).toEqual({ 'mintpy.network.startDate': '20180101', 'mintpy.deramp': 'auto' });
    const t = new Template('/p/x.cfg', { ...v, 'mintpy.foo.bar': '3' });
    expect(t.get('mintpy.deramp')).toBe('no');
    expect(t.get('mintpy.networkInversion.weightFunc')).toBe('var');
    expect(t.date('mintpy.network.startDate')).toBe('20180101');
    expect(t.num('mintpy.network.tempBaseMax')).toBeNull();
    expect(t.unknownKeys()).toEqual(['mintpy.foo.bar']);
  });
  it('names file and key on bad values', () => {
    const t = new Template('/p/x.cfg', { 'mintpy.network.startDate': '2018-13-45', 'mintpy.plot': 'maybe' });
    expect(() => t.date('mintpy.network.startDate')).toThrow(TemplateError);
    expect(() => t.date('mintpy.network.startDate')).toThrow('/p/x.cfg: mintpy.network.startDate');
    expect(() => t.bool('mintpy.plot')).toThrow('"maybe" is not yes/no');
  });
});

describeParity('template reads the notebook config', () => {
  it('resolves load paths relative to the template', () => {
    const t = Template.read(fx('mintpy', 'Central_Valley.cfg'));
    expect(t.get('mintpy.load.processor')).toBe('aria');
    expect(t.path_('mintpy.load.unwFile')).toBe(fx('aria', 'stack', 'unwrapStack.vrt'));
    expect(t.bool('mintpy.topographicResidual')).toBe(false);
  });
});

describe('MintPy steps the template turns on that InSAR Studio does not run', () => {
  it('names them (MintPy defaults: pyaps troposphere is on)', async () => {
    const { unimplementedSteps } = await import('../../src-core/node/pipeline/runner');
    const none = unimplementedSteps(new Template('/p/x.cfg', {}));
    expect(none.join('\n')).toMatch(/correct_troposphere \(mintpy.troposphericDelay.method = pyaps\)/);
    const off = unimplementedSteps(
      new Template('/p/x.cfg', { 'mintpy.troposphericDelay.method': 'no', 'mintpy.topographicResidual': 'no' }),
    );
    expect(off).toEqual([]);
    expect(
      unimplementedSteps(
        new Template('/p/x.cfg', {
          'mintpy.troposphericDelay.method': 'no',
          'mintpy.topographicResidual': 'no',
          'mintpy.deramp': 'linear',
        }),
      ),
    ).toEqual(['deramp (mintpy.deramp = linear)']);
  });
});
