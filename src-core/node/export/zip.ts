/**
 * KMZ archives with reproducible bytes: every entry is stamped with the modification time of the file the
 * archive was made from (not "now"), so the same request on the same input gives the same bytes — the app's
 * export and `insar-studio export` included. PNGs are stored (already deflated), the rest deflated.
 */
import { statSync } from 'node:fs';
import { zipSync } from 'fflate';

export function zipFrom(source: string, files: Record<string, Uint8Array>, textLevel: 4 | 6 = 6): Uint8Array {
  // zip timestamps have a 2-second resolution and start in 1980
  const mtime = new Date(Math.max(Date.UTC(1980, 0, 2), Math.floor(statSync(source).mtimeMs / 2000) * 2000));
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([k, v]) => [k, [v, { level: k.endsWith('.png') ? 0 : textLevel, mtime }]]),
    ),
  );
}
