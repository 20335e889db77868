/**
 * The terms of a fitted time-function model at one pixel, in velocity.h5's dataset order (MintPy's
 * timeseries2velocity.model2hdf5_dataset): intercept, velocity (acceleration, …), periodic amplitude and
 * phase, steps, exp and log terms, each with its `…Std` where velocity.h5 has one. The values are those
 * velocity.h5 holds at the pixel (the chain's own fit), never a re-fit. Printed as tsview does by
 * termLines.ts (pure, no model code: the renderer uses it).
 */
import { datasetSpecs, type TimeFuncModel, type UncertaintyMethod } from './model';
import type { ModelTerm } from './termLines';

export type { ModelTerm };

/**
 * The terms of `model` at a pixel; `read(name)` gives a dataset's value there (NaN if absent). Derived
 * datasets (residue) are not terms.
 */
export function modelTerms(
  model: TimeFuncModel,
  read: (dataset: string) => number,
  uncertainty: UncertaintyMethod | 'covariance' = 'residue',
): ModelTerm[] {
  const specs = datasetSpecs(model, uncertainty);
  const names = new Set(specs.map((s) => s.name));
  return specs
    .filter((s) => s.kind !== 'std' && s.kind !== 'residue')
    .map((s) => ({
      name: s.name,
      unit: s.unit,
      value: read(s.name),
      std: names.has(`${s.name}Std`) ? read(`${s.name}Std`) : null,
    }));
}
