/** MintPy's step names in smallbaselineApp order: pure, shared by the core, the CLI and the renderer contract. */
export const STEP_NAMES = [
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
] as const;
export type StepName = (typeof STEP_NAMES)[number];
