/**
 * `coherenceSpatialAvg.txt` exactly as MintPy's `ut.spatial_average(..., saveList=True)` writes it for an
 * ifgramStack: four header lines, a column header, then "%s\t%.4f\t%8.0f\t%8.1f\t%d" per pair (all pairs,
 * stack order). Python's %-formatting rounds the exact binary value half-to-even; `pyFixed` copies that
 * (JS toFixed rounds exact ties away from zero).
 */
import { readFileSync } from 'node:fs';
import type { PixelBox } from '../../common/network/spatialAverage';
import { pyFixed, pyFloat } from '../../common/util/pyfmt';

export { pyFixed };

/** Python '%{width}.{digits}f' (right-aligned). */
export function pyFixedWidth(x: number, width: number, digits: number): string {
  return pyFixed(x, digits).padStart(width, ' ');
}

export interface CoherenceSpatialAvg {
  /** basename of the stack, e.g. ifgramStack.h5 */
  dataFile: string;
  /** mask file as given (MintPy prints the path it was given), or null → "None" */
  maskFile: string | null;
  box: PixelBox;
  /** area-ratio threshold; null → "None" */
  threshold: number | null;
  date12: string[];
  mean: ArrayLike<number>;
  /** temporal baseline, days */
  btemp: ArrayLike<number>;
  /** perpendicular baseline, m */
  bperp: ArrayLike<number>;
}

export function formatCoherenceSpatialAvg(c: CoherenceSpatialAvg): string {
  const lines = [
    `# Data file: ${c.dataFile}`,
    `# Mask file: ${c.maskFile ?? 'None'}`,
    `# AOI box: (${c.box.join(', ')})`,
    `# Threshold: ${c.threshold === null ? 'None' : pyFloat(c.threshold)}`,
    '#\tDATE12\t\tMean\tBtemp/days\tBperp/m\t\tNum',
  ];
  for (let i = 0; i < c.date12.length; i++) {
    lines.push(
      `${c.date12[i]}\t${pyFixed(Math.fround(c.mean[i]), 4)}\t${pyFixedWidth(c.btemp[i], 8, 0)}\t${pyFixedWidth(Math.fround(c.bperp[i]), 8, 1)}\t${i}`,
    );
  }
  return lines.join('\n') + '\n';
}

export interface CoherenceSpatialAvgRow {
  date12: string;
  mean: number;
  btemp: number;
  bperp: number;
  num: number;
}

/** Parse a coherenceSpatialAvg.txt (header lines start with #). Errors name the file and line. */
export function parseCoherenceSpatialAvg(
  text: string,
  file = 'coherenceSpatialAvg.txt',
): {
  header: Record<string, string>;
  rows: CoherenceSpatialAvgRow[];
} {
  const header: Record<string, string> = {};
  const rows: CoherenceSpatialAvgRow[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    if (!line.trim()) return;
    if (line.startsWith('#')) {
      const m = /^#\s*([^:]+):\s*(.*)$/.exec(line);
      if (m) header[m[1].trim()] = m[2].trim();
      return;
    }
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || !/^\d{6,8}_\d{6,8}$/.test(f[0]))
      throw new Error(`${file}: line ${n + 1}: expected "DATE12 Mean [Btemp Bperp Num]", got "${line}"`);
    rows.push({
      date12: f[0],
      mean: Number(f[1]),
      btemp: f[2] !== undefined ? Number(f[2]) : NaN,
      bperp: f[3] !== undefined ? Number(f[3]) : NaN,
      num: f[4] !== undefined ? Number(f[4]) : rows.length,
    });
  });
  return { header, rows };
}

export function readCoherenceSpatialAvg(path: string): ReturnType<typeof parseCoherenceSpatialAvg> {
  return parseCoherenceSpatialAvg(readFileSync(path, 'utf8'), path);
}
