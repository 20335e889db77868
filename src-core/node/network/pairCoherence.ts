/**
 * Per-pair spatial average coherence by MintPy's rule (ifgramStack.spatial_average: the network mask and AOI,
 * pixels with coherence 0 or NaN left out): the values modify_network wrote to coherenceSpatialAvg.txt (what
 * MintPy's plot_network colours the network with) when that file is there and lists this stack's pairs, else
 * the average modify_network would compute for this template. The network figure and the app's network
 * editor ("Exclude less coherent") read pair coherence through here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from '../config/template';
import type { IfgramStack } from '../formats/mintpyFiles';
import { readMaskFile } from '../masks/waterMask';
import { networkSettingsFromTemplate, pairCoherenceAverages } from '../steps/modifyNetwork';
import { readCoherenceSpatialAvg } from './coherenceSpatialAvgTxt';
import { NetworkRuleError, selectNetwork } from '../../common/network/pairSelection';
import { InputError } from '../../common/pipeline/types';

export const COHERENCE_SPATIAL_AVG_FILE = 'coherenceSpatialAvg.txt';

export interface PairCoherence {
  /** one value per pair of the stack, NaN where unknown */
  coherence: number[];
  source: 'coherenceSpatialAvg.txt' | 'computed' | 'none';
}

/** The txt's means in stack order, or null when it is absent or lists other pairs. */
export function pairCoherenceFromTxt(workDir: string, date12: string[]): number[] | null {
  const txt = join(workDir, COHERENCE_SPATIAL_AVG_FILE);
  if (!existsSync(txt)) return null;
  const rows = readCoherenceSpatialAvg(txt).rows;
  if (rows.length !== date12.length || rows.some((r, i) => r.date12 !== date12[i])) return null;
  return rows.map((r) => r.mean);
}

export async function pairCoherence(workDir: string, template: Template, stack: IfgramStack): Promise<PairCoherence> {
  const fromTxt = pairCoherenceFromTxt(workDir, stack.date12);
  if (fromTxt) return { coherence: fromTxt, source: 'coherenceSpatialAvg.txt' };
  if (!stack.has('coherence')) return { coherence: stack.date12.map(() => NaN), source: 'none' };
  const ns = await networkSettingsFromTemplate(template, stack, workDir);
  const mask = ns.maskFile ? (await readMaskFile(ns.maskFile)).mask : null;
  const box = ns.rules.coherenceBased || ns.rules.areaRatioBased ? ns.aoi : null;
  const av = pairCoherenceAverages(stack, mask, box, false);
  return { coherence: Array.from(av.coherence), source: 'computed' };
}

/**
 * The pairs the next modify_network would keep for this template (its mintpy.network.* rules, the user's
 * excludeIfgIndex among them), computed as the step computes them, without writing anything.
 */
export async function plannedKeptPairs(workDir: string, template: Template, stack: IfgramStack): Promise<boolean[]> {
  const ns = await networkSettingsFromTemplate(template, stack, workDir);
  const needCoh = ns.rules.coherenceBased || ns.rules.areaRatioBased;
  let av = null;
  if (needCoh) {
    const mask = ns.maskFile ? (await readMaskFile(ns.maskFile)).mask : null;
    av = pairCoherenceAverages(stack, mask, ns.aoi, ns.rules.areaRatioBased);
  }
  try {
    return selectNetwork(
      { date12: stack.date12, bperp: stack.bperp, coherence: av?.coherence, areaRatio: av?.areaRatio },
      ns.rules,
    ).keep.map(Boolean);
  } catch (e) {
    if (e instanceof NetworkRuleError) throw new InputError(`${template.path}: ${e.message}`);
    throw e;
  }
}
