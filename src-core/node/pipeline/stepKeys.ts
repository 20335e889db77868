/**
 * The template keys each step reads (`key` or `prefix.*`), for the checks before a run: a bad value or a
 * misspelled key of a step the run does stops it. Keys every run reads (compute, Slurm) are always checked.
 * To be replaced by the keys of the step descriptors (#9) once they land.
 */
import type { StepName } from '../../common/pipeline/types';

const STEP_KEYS: Record<StepName, readonly string[]> = {
  load_data: ['mintpy.load.*', 'mintpy.subset.*', 'mintpy.multilook.*'],
  modify_network: ['mintpy.network.*'],
  reference_point: [
    'mintpy.reference.yx',
    'mintpy.reference.lalo',
    'mintpy.reference.maskFile',
    'mintpy.reference.coherenceFile',
    'mintpy.reference.minCoherence',
  ],
  quick_overview: [],
  invert_network: ['mintpy.networkInversion.*'],
  correct_topography: ['mintpy.topographicResidual', 'mintpy.topographicResidual.*'],
  residual_RMS: ['mintpy.residualRMS.*'],
  reference_date: ['mintpy.reference.date'],
  velocity: ['mintpy.timeFunc.*'],
  google_earth: ['mintpy.save.kmz'],
};

/** The keys the given steps read, plus those every run reads. */
export function runKeys(steps: readonly StepName[]): string[] {
  return ['mintpy.compute.*', 'insarstudio.slurm.*', ...steps.flatMap((s) => STEP_KEYS[s])];
}
