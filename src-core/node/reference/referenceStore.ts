/**
 * The chosen reference pixel, stored beside the stack in `<workDir>/referencePoint.json` (we never
 * rewrite the user's ifgramStack.h5, where MintPy would put REF_Y/REF_X).
 */
import { readJsonFile, writeJsonAtomic } from '../util/atomicFile';
import { join } from 'node:path';

export type ReferenceMethod = 'yx' | 'lalo' | 'maxCoherence' | 'existing';

export interface ReferencePointRecord {
  REF_Y: number;
  REF_X: number;
  /** pixel centre, geo grids only */
  REF_LAT?: number;
  REF_LON?: number;
  method: ReferenceMethod;
  /** human-readable: why this pixel */
  why?: string;
  /** the stack it was chosen for (absolute path) and its size, to detect a changed stack */
  stackFile?: string;
  length?: number;
  width?: number;
}

export const REFERENCE_POINT_FILE = 'referencePoint.json';

export function writeReferencePoint(workDir: string, rec: ReferencePointRecord): string {
  const path = join(workDir, REFERENCE_POINT_FILE);
  writeJsonAtomic(path, rec);
  return path;
}

/** The stored reference point, or null when none was chosen yet. Errors name the file. */
export function readReferencePoint(workDir: string): ReferencePointRecord | null {
  const path = join(workDir, REFERENCE_POINT_FILE);
  const rec = readJsonFile<ReferencePointRecord>(path);
  if (!rec) return null;
  if (!Number.isInteger(rec.REF_Y) || !Number.isInteger(rec.REF_X))
    throw new Error(`${path}: REF_Y/REF_X missing or not integers`);
  return rec;
}
