/**
 * The step descriptors are the one description of a step: the runner's order, staleness, the app's layer
 * list, the CLI usage and ARCHITECTURE.md's table all come from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  knownLayers,
  STEP_NAMES,
  STEPS,
  stepTableMarkdown,
  stepUsageLines,
} from '../../src-core/node/pipeline/registry';
import { isOutputStale, staleFromDiff, staleOutputs, stepsReadingKey } from '../../src-core/node/pipeline/staleness';
import { selectSteps } from '../../src-core/node/pipeline/runner';
import { REPO_ROOT } from '../helpers/fixtures';

describe('step descriptors', () => {
  test("MintPy's smallbaselineApp order; --start/--end select from it", () => {
    expect(STEP_NAMES).toEqual([
      'load_data',
      'modify_network',
      'reference_point',
      'quick_overview',
      'invert_network',
      'correct_topography',
      'residual_RMS',
      'reference_date',
      'velocity',
      'google_earth',
    ]);
    expect(selectSteps({ start: 'residual_RMS', end: 'velocity' })).toEqual([
      'residual_RMS',
      'reference_date',
      'velocity',
    ]);
  });

  test('an edit re-runs exactly the steps reading the key and the later ones', () => {
    // residual_RMS's keys do not touch the inversion (they used to re-run everything from load_data)
    expect(staleFromDiff({ 'mintpy.residualRMS.cutoff': '2' }, {})).toBe('residual_RMS');
    expect(stepsReadingKey('mintpy.residualRMS.maskFile')).toEqual(['residual_RMS']);
    expect(staleFromDiff({ 'mintpy.networkInversion.weightFunc': 'no' }, {})).toBe('invert_network');
    expect(staleFromDiff({ 'mintpy.topographicResidual': 'yes' }, {})).toBe('correct_topography');
    expect(staleFromDiff({ 'mintpy.topographicResidual.polyOrder': '1' }, {})).toBe('correct_topography');
    expect(staleFromDiff({ 'mintpy.reference.date': '20180412' }, {})).toBe('reference_date');
    expect(staleFromDiff({ 'mintpy.reference.yx': '3,4' }, {})).toBe('reference_point');
    expect(staleFromDiff({ 'mintpy.network.excludeIfgIndex': '2' }, {})).toBe('modify_network');
    expect(staleFromDiff({ 'mintpy.timeFunc.periodic': '1.0' }, {})).toBe('velocity');
    expect(staleFromDiff({ 'mintpy.save.kmz': 'yes' }, {})).toBe('google_earth');
    expect(staleFromDiff({ 'mintpy.load.unwFile': 'x' }, { 'mintpy.timeFunc.periodic': '1.0' })).toBe('load_data');
    // MintPy 1.5.1 ignores mintpy.velocity.* (it reads mintpy.timeFunc.*); keys no step reads change nothing
    expect(staleFromDiff({ 'mintpy.velocity.startDate': '20180101' }, {})).toBeNull();
    expect(staleFromDiff({ 'mintpy.compute.maxMemory': '2' }, {})).toBeNull();
    expect(staleFromDiff({ a: '1' }, { a: '1' })).toBeNull();
  });

  test('a file is stale when a step from staleFrom on (re)writes it', () => {
    expect(isOutputStale('velocity.h5', 'reference_point')).toBe(true);
    expect(isOutputStale('inputs/ifgramStack.h5', 'reference_point')).toBe(false);
    expect(isOutputStale('avgSpatialCoh.h5', 'modify_network')).toBe(true);
    expect(isOutputStale('velocity.h5', null)).toBe(false);
    // reference_date re-references timeseries.h5 in place: a residual_RMS edit makes it stale, not the inversion's other files
    expect(staleOutputs('residual_RMS')).toEqual(expect.arrayContaining(['timeseries.h5', 'velocity.h5']));
    expect(isOutputStale('temporalCoherence.h5', 'residual_RMS')).toBe(false);
  });

  test("the app's layers come from the descriptors, latest step first; every layer file is one its step writes", () => {
    const layers = knownLayers();
    expect(layers[0]).toMatchObject({ file: 'velocity.h5', dataset: 'velocity' });
    expect(layers.map((l) => `${l.file}:${l.dataset}`)).toEqual(
      expect.arrayContaining(['timeseries_demErr.h5:timeseries', 'demErr.h5:dem', 'inputs/geometryGeo.h5:height']),
    );
    for (const s of STEPS) for (const l of s.layers ?? []) expect(s.writes).toContain(l.file);
  });

  test("ARCHITECTURE.md's step table and the CLI usage are the descriptors'", () => {
    const arch = readFileSync(join(REPO_ROOT, 'ARCHITECTURE.md'), 'utf8');
    expect(arch).toContain(stepTableMarkdown());
    for (const s of STEPS) expect(stepUsageLines()).toContain(`${s.name}`);
    expect(stepUsageLines().split('\n').length).toBe(STEPS.length);
    // the README's list of steps, in order
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const listed = /Steps, in\s+MintPy's order: ([^.]+)\./.exec(readme)?.[1];
    expect(listed?.match(/`(\w+)`/g)?.map((x) => x.slice(1, -1))).toEqual([...STEP_NAMES]);
  });
});
