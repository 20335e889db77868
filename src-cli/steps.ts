/** The pipeline's steps as the CLI shows them (names for the step options, the list in --help), from the step descriptors. */
import { STEP_NAMES, stepUsageLines } from '../src-core/node/pipeline/registry';

export const STEPS: readonly string[] = STEP_NAMES;

export function stepsHelp(): string {
  return `steps, in MintPy's order:\n${stepUsageLines()}`;
}
