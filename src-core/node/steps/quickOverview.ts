/**
 * quick_overview step (smallbaselineApp.run_quick_overview, MintPy 1.5.1): avgPhaseVelocity.h5, the
 * mean over kept pairs of unwrapPhase·(−λ/4π)/Δt_years after subtracting each pair's phase at the
 * reference pixel (referencePoint.json, else REF_Y/REF_X of the stack, else unreferenced).
 * maskConnComp.h5 and avgSpatialCoh.h5 belong to reference_point in MintPy's order; they are made here
 * too when that step has not written them. (numTriNonzeroIntAmbiguity.h5 is not made here.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IfgramStack } from '../formats/mintpyFiles';
import { defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { readKeptPairs } from '../network/selectionStore';
import { workFiles } from '../network/workFiles';
import { writeAvgPhaseVelocity, writeAvgSpatialCoh, writeMaskConnComp, type StackMaps } from '../masks/stackMaps';
import { runStackPass } from '../masks/stackPass';
import { loadStackMaps } from '../masks/stackMapCache';
import { auxMapsKey, phaseMapKey } from '../masks/stackMapKeys';
import { readReferencePoint } from '../reference/referenceStore';
import { referenceAttrs } from '../reference/referencePoint';
import { stackReference } from './referencePoint';

export async function quickOverview(ctx: StepContext): Promise<StepResult> {
  const { workDir } = ctx;
  const files = workFiles(workDir);
  const stack = await IfgramStack.open(files.stack);
  try {
    const keep = readKeptPairs(workDir, stack);
    const stored = readReferencePoint(workDir);
    let ref: { y: number; x: number } | null = null;
    let refSource = 'none (unreferenced)';
    if (stored && (stored.length === undefined || (stored.length === stack.length && stored.width === stack.width))) {
      ref = { y: stored.REF_Y, x: stored.REF_X };
      refSource = 'referencePoint.json';
    } else {
      ref = stackReference(stack);
      if (ref) refSource = `REF_Y/REF_X of ${files.stack}`;
    }
    const maskPath = join(workDir, 'maskConnComp.h5');
    const cohPath = join(workDir, 'avgSpatialCoh.h5');
    const needMask = !existsSync(maskPath);
    const needCoh = !existsSync(cohPath);
    // what reference_point (and modify_network) computed in their reads of the stack, else one pass here
    const aux = needMask || needCoh ? loadStackMaps(workDir, 'aux', auxMapsKey(files.stack, keep)) : null;
    const cached = loadStackMaps(workDir, 'phaseRef', phaseMapKey(files.stack, keep, ref));
    const maps: StackMaps = {
      maskConnComp: needMask ? (aux?.maskConnComp as Uint8Array | undefined) : undefined,
      avgSpatialCoh: needCoh ? (aux?.avgSpatialCoh as Float32Array | undefined) : undefined,
      avgPhaseVelocity: cached?.avgPhaseVelocity as Float32Array | undefined,
    };
    let bytesRead = 0;
    const missMask = needMask && !maps.maskConnComp;
    const missCoh = needCoh && !maps.avgSpatialCoh;
    if (missMask || missCoh || !maps.avgPhaseVelocity) {
      const p = await runStackPass(
        stack,
        { keep, connComp: missMask, avgCoherence: missCoh, phaseVelocity: maps.avgPhaseVelocity ? [] : [ref] },
        {
          signal: ctx.signal,
          numWorkers: ctx.numWorkers,
          onBlock: (d, n) => ctx.progress({ step: 'quick_overview', done: d, total: n, label: 'rows' }),
        },
      );
      bytesRead = p.bytesRead;
      if (missMask) maps.maskConnComp = p.maskConnComp;
      if (missCoh) maps.avgSpatialCoh = p.avgSpatialCoh;
      maps.avgPhaseVelocity ??= p.phaseVelocity![0];
    }
    const outputs: string[] = [];
    if (maps.maskConnComp) {
      await writeMaskConnComp(maskPath, maps.maskConnComp, stack);
      outputs.push(maskPath);
    }
    if (maps.avgSpatialCoh) {
      await writeAvgSpatialCoh(cohPath, maps.avgSpatialCoh, stack);
      outputs.push(cohPath);
    }
    const velPath = join(workDir, 'avgPhaseVelocity.h5');
    const refAttrs = ref ? referenceAttrs(ref.y, ref.x, stack.grid) : {};
    await writeAvgPhaseVelocity(velPath, maps.avgPhaseVelocity as Float32Array, stack, refAttrs);
    outputs.push(velPath);
    ctx.log(`wrote ${velPath} (reference: ${refSource})`);
    return {
      outputs,
      summary: { reference: ref, referenceSource: refSource, numKept: keep.filter(Boolean).length, bytesRead },
    };
  } finally {
    stack.close();
  }
}

export const quickOverviewStep = defineStep({
  name: 'quick_overview',
  description: 'average phase velocity of the kept pairs (and the masks reference_point did not write)',
  run: quickOverview,
  keys: [],
  reads: ['inputs/ifgramStack.h5', 'networkSelection.json', 'referencePoint.json'],
  writes: ['avgPhaseVelocity.h5', 'maskConnComp.h5', 'avgSpatialCoh.h5'],
  layers: [{ file: 'avgPhaseVelocity.h5', dataset: 'velocity', label: 'Average phase velocity', kind: 'map' }],
});
