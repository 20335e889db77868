/** The pipeline's steps as the CLI shows them (names for the step options, the list in --help). */
import { STEP_NAMES } from '../src-core/common/pipeline/stepNames';

export const STEPS: readonly string[] = STEP_NAMES;

export function stepsHelp(): string {
  return `steps, in MintPy's order:\n  ${STEPS.join(' ')}`;
}
