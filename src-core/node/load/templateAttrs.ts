/** The template keys MintPy's smallbaselineApp writes into the loaded files (shared by the ARIA and NISAR loaders). */
import type { Template } from '../config/template';

const STANDARD_VALUES: Record<string, string> = {
  def: 'auto',
  default: 'auto',
  y: 'yes',
  on: 'yes',
  true: 'yes',
  n: 'no',
  off: 'no',
  false: 'no',
};

/**
 * The custom-template keys smallbaselineApp writes into the loaded files (ut.add_attribute of its
 * `customTemplate`): every key as written, loose yes/no spellings normalised, `processor` →
 * mintpy.load.processor, SUBSET_XMIN/YMIN dropped. A value "None" removes the attribute (returned as null).
 */
export function templateAttrs(t: Template): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(t.values)) out[k] = Object.hasOwn(STANDARD_VALUES, v) ? STANDARD_VALUES[v] : v;
  for (const k of ['mintpy.deramp', 'mintpy.troposphericDelay.method']) {
    const v = out[k];
    if (typeof v === 'string') out[k] = v.toLowerCase().replace(/-/g, '_');
  }
  if (typeof out.processor === 'string') out['mintpy.load.processor'] = out.processor;
  delete out.SUBSET_XMIN;
  delete out.SUBSET_YMIN;
  for (const [k, v] of Object.entries(out)) if (v === 'None') out[k] = null;
  return out;
}
