/** Which pipeline step writes which file (to mark layers stale after an edit). Pure. */
import { STEP_ORDER } from './api';

const OUTPUT_STEP: Record<string, (typeof STEP_ORDER)[number]> = {
  'inputs/ifgramStack.h5': 'load_data',
  'inputs/geometryGeo.h5': 'load_data',
  'waterMask.h5': 'modify_network',
  'avgSpatialCoh.h5': 'modify_network',
  'maskConnComp.h5': 'reference_point',
  'avgPhaseVelocity.h5': 'quick_overview',
  'timeseries.h5': 'invert_network',
  'temporalCoherence.h5': 'invert_network',
  'numInvIfgram.h5': 'invert_network',
  'maskTempCoh.h5': 'invert_network',
  'demErr.h5': 'correct_topography',
  'timeseries_demErr.h5': 'correct_topography',
  'timeseriesResidual.h5': 'correct_topography',
  'velocity.h5': 'velocity',
};

/** Whether `file` is written by step `staleFrom` or a later one (so it no longer matches the edits). */
export function isOutputStale(file: string, staleFrom: string | null | undefined): boolean {
  if (!staleFrom) return false;
  const s = OUTPUT_STEP[file];
  return s !== undefined && STEP_ORDER.indexOf(s) >= STEP_ORDER.indexOf(staleFrom as (typeof STEP_ORDER)[number]);
}
