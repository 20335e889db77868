/**
 * The interferogram network as the network editor shows it: pairs, per-pair average coherence (src-core's
 * pairCoherence: MintPy's rule, from coherenceSpatialAvg.txt where modify_network wrote it), per-date
 * perpendicular baseline (MintPy's plot_network least squares). Nothing is computed here.
 */
import { IfgramStack } from '../../src-core/node/formats/mintpyFiles';
import type { Template } from '../../src-core/node/config/template';
import { daysBetween } from '../../src-core/common/time/dates';
import { perpBaselineTimeseries } from '../../src-core/common/network/networkGraph';
import { pairCoherence } from '../../src-core/node/network/pairCoherence';
import type { PairInfo } from '../../src-shared/api';

export interface StackNetwork {
  dates: string[];
  dateBperp: number[];
  pairs: PairInfo[];
}

/**
 * The network of `<workDir>/inputs/ifgramStack.h5`; `cachedCoherence` (one value per pair, from an earlier
 * call on the same files) saves reading the stack again.
 */
export async function readStackNetwork(
  path: string,
  workDir: string,
  template: Template,
  cachedCoherence?: number[],
): Promise<StackNetwork & { coherence: number[] }> {
  const stack = await IfgramStack.open(path);
  try {
    const n = stack.numPairs;
    const coherence =
      cachedCoherence && cachedCoherence.length === n
        ? cachedCoherence
        : (await pairCoherence(workDir, template, stack)).coherence;
    const pairs: PairInfo[] = stack.pairs.map(([date1, date2], i) => ({
      index: i,
      date1,
      date2,
      bperp: Number(stack.bperp[i]),
      coherence: coherence[i],
      days: daysBetween(date1, date2),
    }));
    // MintPy's plot_network: least squares over all pairs, first date 0 (ifgramStack.get_perp_baseline_timeseries)
    const bp = perpBaselineTimeseries(stack.date12, stack.bperp);
    return { dates: bp.dates, dateBperp: Array.from(bp.bperp), pairs, coherence };
  } finally {
    stack.close();
  }
}
