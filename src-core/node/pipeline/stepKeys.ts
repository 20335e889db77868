/**
 * The template keys each step reads (`key` or `prefix.*`), from the step descriptors, for the checks before a
 * run: a bad value or a misspelled key of a step the run does stops it. Keys every run reads (compute, Slurm)
 * are always checked.
 */
import { stepOf, type StepName } from './registry';

/** The keys the given steps read, plus those every run reads. */
export function runKeys(steps: readonly StepName[]): string[] {
  return ['mintpy.compute.*', 'insarstudio.slurm.*', ...steps.flatMap((s) => stepOf(s).keys)];
}
