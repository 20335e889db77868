/**
 * The figures README.md's parity table prints, declared once: each parity test asserts its measurement
 * within BAR_FACTOR × the figure (test/core/readmeFigures.test.ts checks the README still prints them), so a
 * README figure is a figure some test holds, not 30× below its bar.
 */

/** A test's bar is this many times the figure the README prints. */
export const BAR_FACTOR = 3;

export const bar = (figure: number): number => BAR_FACTOR * figure;

/** README row (its first cell, as printed) → the figures quoted in it. */
export const README_FIGURES = {
  'timeseries.h5, weightFunc var / no / fim / coh / min-norm phase': {
    var: 3.0e-7,
    no: 1.3e-7,
    fim: 2.5e-7,
    coh: 2.4e-7,
    minNormPhase: 4.4e-7,
  },
  'temporalCoherence.h5 (same variants)': { tcoh: 1.3e-6 },
  'velocity.h5: linear / annual+semi-annual+step / quadratic': { linear: 4.5e-8, periodicStep: 1.0e-7, poly2: 1.9e-7 },
  'DEM-error chain (topographicResidual = yes): demErr / timeseries_demErr / velocity after reference_date': {
    demErr: 1.5e-4,
    tsDemErr: 4.8e-7,
    velocity: 3.9e-7,
  },
  'the whole chain `run` on the ARIA stack and on the staged inputs': { ts: 3.0e-7, tcoh: 1.3e-6, velocity: 4.1e-7 },
  'asc/desc → horizontal + vertical': { ascDesc: 3.7e-9 },
  'the app (browser host API, ARIA folder, DEM-error chain): pixel series / model / velocity ± std / transect': {
    series: 4.1e-8,
    model: 4.5e-8,
    velocity: 6.0e-8,
    transect: 1.5e-7,
  },
} as const;

/** Kernels on hand-made hard cases (the sentence under the table). */
export const HARD_CASES = { ts: 1.6e-8, tcoh: 2.4e-7 } as const;

export const F = README_FIGURES;
