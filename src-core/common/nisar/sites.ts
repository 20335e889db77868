/**
 * NISAR cal/val site presets (resources/nisar/sites.json; docs/nisar-secular-validation.md §6) and their
 * MintPy template overrides.
 */
import sitesJson from '../../../resources/nisar/sites.json';
import { InputError } from '../pipeline/types';

export interface NisarSite {
  name: string;
  track: number;
  direction: 'ascending' | 'descending';
  notes: string[];
  /** [S, N, W, E] */
  downloadRegion: [number, number, number, number];
  analysisRegion: [number, number, number, number];
  referenceLalo: 'auto' | [number, number];
  gnssRefSite: string;
  /** year the entry took effect → [start, end] YYYYMMDD */
  dates: Record<string, [string, string]>;
  /** 'auto' = no limit, else days */
  tempBaseMax: string;
  ifgExcludeList: string;
  maskWater: Record<string, boolean>;
  secularAllowed2022: boolean;
  earthquakes: { date: string; magnitude: number | null }[];
}

export const NISAR_SITES: NisarSite[] = (sitesJson as { sites: unknown[] }).sites as NisarSite[];

export function findSite(name: string): NisarSite {
  const s = NISAR_SITES.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!s) throw new InputError(`unknown NISAR site "${name}" (known: ${NISAR_SITES.map((x) => x.name).join(', ')})`);
  return s;
}

/** the entry in effect in `version` (a year): the latest key ≤ version, else the earliest */
function asOf<T>(byYear: Record<string, T>, version: number): T {
  const keys = Object.keys(byYear)
    .map(Number)
    .sort((a, b) => a - b);
  const k = keys.filter((y) => y <= version).pop() ?? keys[0];
  return byYear[String(k)];
}

export interface SiteWindow {
  start: string;
  end: string;
  maskWater: boolean;
}

export function siteWindow(site: NisarSite, version = 9999): SiteWindow {
  const [start, end] = asOf(site.dates, version);
  return { start, end, maskWater: asOf(site.maskWater, version) };
}

/**
 * MintPy config keys for a site (as the notebooks write them): tempBaseMax, network and velocity date
 * limits (the download dates; MintPy 1.5.1 reads the time-function window from mintpy.timeFunc.*, so
 * those are set too), reference.lalo, the interferogram exclude list, and waterMaskFile only when the
 * site masks water (from `ariaTSsetup --mask Download`).
 */
export function siteTemplateOverrides(
  site: NisarSite | string,
  opts: { version?: number; waterMaskFile?: string } = {},
): Record<string, string> {
  const s = typeof site === 'string' ? findSite(site) : site;
  const w = siteWindow(s, opts.version);
  const out: Record<string, string> = {
    'mintpy.network.tempBaseMax': s.tempBaseMax,
    'mintpy.network.startDate': w.start,
    'mintpy.network.endDate': w.end,
    'mintpy.velocity.startDate': w.start,
    'mintpy.velocity.endDate': w.end,
    'mintpy.timeFunc.startDate': w.start,
    'mintpy.timeFunc.endDate': w.end,
    'mintpy.reference.lalo': s.referenceLalo === 'auto' ? 'auto' : `${s.referenceLalo[0]}, ${s.referenceLalo[1]}`,
    'mintpy.network.excludeIfgIndex': s.ifgExcludeList === 'none' ? 'no' : s.ifgExcludeList,
  };
  if (w.maskWater) out['mintpy.load.waterMaskFile'] = opts.waterMaskFile ?? '../mask/watermask.msk';
  return out;
}
