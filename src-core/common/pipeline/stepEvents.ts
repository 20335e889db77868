/**
 * What the runner says about a step as it goes (typed, so nobody parses log lines): `started` before the
 * step runs; then exactly one of `finished`, `skipped` (the template turns it off, or the step found itself
 * off), `failed` or `cancelled`.
 */
export type StepEvent<StepName extends string = string> =
  | { step: StepName; status: 'started' }
  | { step: StepName; status: 'finished'; seconds: number; outputs: string[] }
  | { step: StepName; status: 'skipped'; reason: string }
  | { step: StepName; status: 'failed'; seconds: number; error: string }
  | { step: StepName; status: 'cancelled'; seconds: number };
