/**
 * Reading the user's GNSS files for Method 1: a directory or a list of files, recognised by name and
 * content — `*.tenv3` (UNR series), `DataHoldings*.txt` (UNR station list), `midas*.txt` (MIDAS
 * velocities), `*.csv` (app station list if it has a `site` column, per-site series `<SITE>.csv` if it
 * has a `date` column).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../common/pipeline/types';
import {
  csvKind,
  parseDataHoldings,
  parseMidas,
  parseSeriesCsv,
  parseSiteListCsv,
  parseTenv3,
  type GnssSeries,
  type GnssSiteInfo,
} from '../../common/nisar/gnssFormats';

export interface GnssInputs {
  series: GnssSeries[];
  sites: GnssSiteInfo[];
  files: string[];
  ignored: string[];
}

export function loadGnssInputs(paths: string[]): GnssInputs {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new InputError(`${p}: GNSS file or folder not found`);
    if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) files.push(join(p, f));
    else files.push(p);
  }
  const out: GnssInputs = { series: [], sites: [], files: [], ignored: [] };
  const seriesCsv: { file: string; text: string }[] = [];
  for (const f of files) {
    const name = basename(f).toLowerCase();
    if (statSync(f).isDirectory()) continue;
    if (name.endsWith('.tenv3')) {
      out.series.push(parseTenv3(readFileSync(f, 'utf8'), f));
    } else if (/^dataholdings.*\.txt$/.test(name)) {
      out.sites.push(...parseDataHoldings(readFileSync(f, 'utf8'), f));
    } else if (/^midas.*\.txt$/.test(name)) {
      out.sites.push(...parseMidas(readFileSync(f, 'utf8'), f));
    } else if (name.endsWith('.csv')) {
      const text = readFileSync(f, 'utf8');
      const kind = csvKind(text);
      if (kind === 'list') out.sites.push(...parseSiteListCsv(text, f));
      else if (kind === 'series') seriesCsv.push({ file: f, text });
      else
        throw new InputError(`${f}: CSV header names neither a site column (station list) nor a date column (series)`);
    } else {
      out.ignored.push(f);
      continue;
    }
    out.files.push(f);
  }
  // per-site CSV series take their coordinates from the station lists
  for (const { file, text } of seriesCsv) {
    const site = basename(file).replace(/\.csv$/i, '');
    const info = out.sites.find((s) => s.site.toUpperCase() === site.toUpperCase());
    out.series.push(parseSeriesCsv(text, file, info?.site ?? site, info?.lat ?? NaN, info?.lon ?? NaN));
  }
  if (!out.series.length && !out.sites.length)
    throw new InputError(
      `${paths.join(', ')}: no GNSS files recognised (*.tenv3, DataHoldings*.txt, midas*.txt, *.csv)`,
    );
  return out;
}
