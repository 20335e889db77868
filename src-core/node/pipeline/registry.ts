/**
 * The steps, in MintPy's smallbaselineApp order: one line per step. Each step describes itself in its own
 * file (`defineStep`: name, run, when it applies, template keys, files written, layers, tiled task); the
 * runner, staleness, the app's layer list and step list, the CLI usage and ARCHITECTURE's table derive
 * from these descriptors.
 */
import { loadDataStep } from '../load/loadData';
import { modifyNetworkStep } from '../steps/modifyNetwork';
import { referencePointStep } from '../steps/referencePoint';
import { quickOverviewStep } from '../steps/quickOverview';
import { invertNetworkStep } from '../steps/invertNetwork';
import { correctTopographyStep } from '../steps/correctTopography';
import { residualRmsStep } from '../steps/residualRms';
import { referenceDateStep } from '../steps/referenceDate';
import { velocityStep } from '../steps/velocity';
import { googleEarthStep } from '../steps/googleEarth';
import type { LayerSpec, StepDescriptor, StepInfo } from '../../common/pipeline/types';

export const STEPS = [
  loadDataStep,
  modifyNetworkStep,
  referencePointStep,
  quickOverviewStep,
  invertNetworkStep,
  correctTopographyStep,
  residualRmsStep,
  referenceDateStep,
  velocityStep,
  googleEarthStep,
] as const;

export type StepName = (typeof STEPS)[number]['name'];

/** The step names in MintPy's order. */
export const STEP_NAMES: readonly StepName[] = STEPS.map((s) => s.name);

export function isStepName(s: unknown): s is StepName {
  return typeof s === 'string' && (STEP_NAMES as readonly string[]).includes(s);
}

export function stepOf(name: StepName): StepDescriptor<StepName> {
  return STEPS.find((s) => s.name === name)!;
}

/** The layers the app knows, latest step first (velocity before the time series before the inputs). */
export function knownLayers(): LayerSpec[] {
  return [...STEPS].reverse().flatMap((s: StepDescriptor) => s.layers ?? []);
}

/** The pure part of every descriptor (what the app's API hands the renderer). */
export function stepInfos(): StepInfo[] {
  return STEPS.map((s: StepDescriptor) => ({
    name: s.name,
    description: s.description,
    keys: [...s.keys],
    writes: [...s.writes],
    layers: [...(s.layers ?? [])],
    ...(s.tiled ? { tiled: s.tiled } : {}),
  }));
}

/** `insar-studio run` usage: one line per step. */
export function stepUsageLines(indent = '  '): string {
  const w = Math.max(...STEPS.map((s) => s.name.length));
  return STEPS.map((s) => `${indent}${s.name.padEnd(w)}  ${s.description}`).join('\n');
}

/** ARCHITECTURE.md's step table (a test checks the document holds exactly this). */
export function stepTableMarkdown(): string {
  const code = (xs: readonly string[]) => xs.map((x) => (/\.(h5|json|txt|kmz)$/.test(x) ? `\`${x}\`` : x)).join(', ');
  const rows = STEPS.map(
    (s: StepDescriptor) =>
      `| ${s.name} | ${s.description} | ${s.keys.map((k) => `\`${k}\``).join(', ') || '—'} | ${code(s.reads)} | ${code(s.writes)} | ${s.tiled ?? ''} |`,
  );
  return ['| step | what | template keys | reads | writes | tiled |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
