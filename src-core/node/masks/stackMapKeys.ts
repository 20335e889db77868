/** Cache keys of the stack maps shared between modify_network, reference_point and quick_overview. */
import { fileIdentity } from '../util/fileIdentity';

/** maskConnComp + avgSpatialCoh over the kept pairs */
export function auxMapsKey(stackFile: string, keep: readonly boolean[]): unknown {
  return { maps: 'aux', stack: fileIdentity(stackFile), keep: keep.map((k) => (k ? 1 : 0)).join('') };
}

/** mean phase velocity over the kept pairs referenced at `ref` (null: unreferenced) */
export function phaseMapKey(
  stackFile: string,
  keep: readonly boolean[],
  ref: { y: number; x: number } | null,
): unknown {
  return {
    maps: 'phaseVelocity',
    stack: fileIdentity(stackFile),
    keep: keep.map((k) => (k ? 1 : 0)).join(''),
    ref: ref ? [ref.y, ref.x] : null,
  };
}

/** per-pair spatial coherence (and coherent-area ratio) of modify_network: stack, mask file, AOI */
export function pairCoherenceKey(stackFile: string, maskFile: string | null, aoi: unknown): unknown {
  return { maps: 'pairCoherence', stack: fileIdentity(stackFile), mask: maskFile ? fileIdentity(maskFile) : null, aoi };
}
