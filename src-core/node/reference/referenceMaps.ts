/**
 * The maps `validateReferencePoint` needs, loaded from a work directory for the app's map clicks:
 * maskConnComp.h5 (or the template's reference mask), waterMask.h5, and the validity map (mean phase
 * velocity over kept pairs non-NaN and ≠ 0), computed from the stack by row blocks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IfgramStack } from '../formats/mintpyFiles';
import { readKeptPairs } from '../network/selectionStore';
import { workFiles } from '../network/workFiles';
import { computeStackMaps, validityFromPhaseVelocity } from '../masks/stackMaps';
import { readMaskFile } from '../masks/waterMask';
import { loadStackMaps } from '../masks/stackMapCache';
import { phaseMapKey } from '../masks/stackMapKeys';
import type { ReferenceMaps } from './referencePoint';

export async function loadReferenceMaps(workDir: string, maskFile = 'maskConnComp.h5'): Promise<ReferenceMaps> {
  const files = workFiles(workDir);
  const stack = await IfgramStack.open(files.stack);
  try {
    const keep = readKeptPairs(workDir, stack);
    // reference_point's map when it made it for these pairs (unreferenced), else one pass over the phase
    const cached = loadStackMaps(workDir, 'validity', phaseMapKey(files.stack, keep, null));
    const validity =
      (cached?.validity as Uint8Array | undefined) ??
      validityFromPhaseVelocity(computeStackMaps(stack, keep, { phaseVelocity: { ref: null } }).avgPhaseVelocity!);
    const maskPath = join(workDir, maskFile);
    const waterPath = join(workDir, 'waterMask.h5');
    const mask = existsSync(maskPath) ? await readMaskFile(maskPath) : null;
    const water = existsSync(waterPath) ? await readMaskFile(waterPath) : null;
    for (const [p, m] of [
      [maskPath, mask],
      [waterPath, water],
    ] as const)
      if (m && (m.length !== stack.length || m.width !== stack.width))
        throw new Error(`${p}: mask is ${m.length}×${m.width} but the stack is ${stack.length}×${stack.width}`);
    return {
      length: stack.length,
      width: stack.width,
      validity,
      mask: mask?.mask ?? null,
      maskName: mask ? maskFile : undefined,
      waterMask: water?.mask ?? null,
      grid: stack.grid,
    };
  } finally {
    stack.close();
  }
}
