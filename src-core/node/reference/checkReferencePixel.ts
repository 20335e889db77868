/**
 * Whether a user's reference pixel is acceptable, by MintPy 1.5.1's rules (reference_point.py
 * read_reference_input + reference_file), in their order:
 * 1. inside the grid;
 * 2. not masked by `mintpy.reference.maskFile` (maskConnComp.h5 by default) where that file exists;
 * 3. the pixel already stored as the reference (our referencePoint.json for this stack, else the stack's
 *    REF_Y/REF_X) is accepted as is ("SAME reference pixel is already selected/saved in file, skip updating");
 * 4. not in the water (waterMask.h5; our extra check: MintPy would accept it and then skip it when inverting);
 * 5. valid data: the average phase velocity over the KEPT pairs (the template's network rules and the user's
 *    exclusions), referenced to the stored pixel, is neither NaN nor 0.
 * One function for the reference_point step and for a click on the map; it reads one pixel (two rows) from
 * each file, so the app can answer at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from '../config/template';
import { H5Reader } from '../formats/h5';
import type { IfgramStack } from '../formats/mintpyFiles';
import { computeStackMaps, phaseVelocityAt, validityFromPhaseVelocity } from '../masks/stackMaps';
import { workPath } from '../network/workFiles';
import { validateReferencePoint, type ReferenceCheck } from './referencePoint';
import { readReferencePoint } from './referenceStore';

/** The reference pixel already stored for this stack: referencePoint.json (same size), else REF_Y/REF_X. */
export function storedReference(workDir: string, stack: IfgramStack): { y: number; x: number } | null {
  let rec = null;
  try {
    rec = readReferencePoint(workDir);
  } catch {
    rec = null; // an unreadable record stores nothing
  }
  const inside = (y: number, x: number) => y >= 0 && y < stack.length && x >= 0 && x < stack.width;
  if (rec && (rec.length === undefined || (rec.length === stack.length && rec.width === stack.width)))
    if (inside(rec.REF_Y, rec.REF_X)) return { y: rec.REF_Y, x: rec.REF_X };
  const a = stack.attrs;
  if (a.REF_Y === undefined || a.REF_X === undefined) return null;
  const y = Number(a.REF_Y);
  const x = Number(a.REF_X);
  return Number.isInteger(y) && Number.isInteger(x) && inside(y, x) ? { y, x } : null;
}

/** The value of one pixel of a mask file (MintPy: the first of its 'mask'/'waterMask' datasets), or null. */
async function maskPixel(path: string | null, y: number, x: number): Promise<number | null> {
  if (!path || !existsSync(path)) return null;
  const r = await H5Reader.open(path);
  try {
    const ds = r.keys().find((k) => k === 'mask' || k === 'waterMask');
    if (!ds) return null;
    return Number(r.readRows(ds, y, y + 1)[x]);
  } finally {
    r.close();
  }
}

export interface ReferencePixelCheck {
  workDir: string;
  /** the template with the edits applied (mintpy.reference.maskFile) */
  template: Template;
  stack: IfgramStack;
  /** kept pairs (after the template's network rules and the user's exclusions) */
  keep: boolean[];
}

export type ReferencePixelResult = ReferenceCheck & { same?: boolean };

export async function checkReferencePixel(y: number, x: number, c: ReferencePixelCheck): Promise<ReferencePixelResult> {
  const { stack, workDir } = c;
  const { length, width, grid } = stack;
  const one = (v: number | null): ArrayLike<number> | null =>
    v === null ? null : { length: length * width, [y * width + x]: v };
  const base = { length, width, grid, validity: one(1)! };
  // 1. inside
  const outside = validateReferencePoint(y, x, base);
  if (!outside.ok) return outside;
  // 2. the reference mask file
  const maskPath = workPath(workDir, c.template.get('mintpy.reference.maskFile'));
  const masked = validateReferencePoint(y, x, {
    ...base,
    mask: one(await maskPixel(maskPath, y, x)),
    maskName: maskPath?.split('/').pop(),
  });
  if (!masked.ok) return masked;
  // 3. the pixel already stored
  const stored = storedReference(workDir, stack);
  if (stored && stored.y === y && stored.x === x) return { ok: true, y, x, same: true };
  // 4. water, 5. valid data over the kept pairs
  if (!c.keep.some(Boolean)) return { ok: false, rule: 'noData', reason: 'every pair is dropped: no valid data' };
  const v = phaseVelocityAt(stack, c.keep, stored, y, x);
  return validateReferencePoint(y, x, {
    ...base,
    waterMask: one(await maskPixel(join(workDir, 'waterMask.h5'), y, x)),
    validity: one(!Number.isNaN(v) && v !== 0 ? 1 : 0)!,
  });
}

/** Why a pixel may not be the reference, per pixel of `referenceCandidates` (0: it may). */
export const CANDIDATE_CODES = { ok: 0, mask: 1, water: 2, noData: 3 } as const;

export interface ReferenceCandidates {
  length: number;
  width: number;
  /** per pixel: 0 may be the reference, 1 masked by the reference mask file, 2 water, 3 no valid data */
  codes: Uint8Array;
  counts: { ok: number; mask: number; water: number; noData: number };
  /** the reference mask file's name (maskConnComp.h5), or null when there is none */
  maskName: string | null;
}

/** A whole 2-D mask (first 'mask'/'waterMask' dataset), or null without the file. */
async function maskAll(path: string | null): Promise<ArrayLike<number> | null> {
  if (!path || !existsSync(path)) return null;
  const r = await H5Reader.open(path);
  try {
    const ds = r.keys().find((k) => k === 'mask' || k === 'waterMask');
    return ds ? (r.read(ds) as ArrayLike<number>) : null;
  } finally {
    r.close();
  }
}

/**
 * Every pixel by the rules of `checkReferencePixel`, in their order (the first that fails names the pixel's
 * code; the stored reference pixel is accepted as is): where the map may show a reference may go. Reads the
 * masks whole and the stack by row blocks (the average phase velocity over the kept pairs, referenced to the
 * stored pixel, as the click's check computes it at one pixel).
 */
export async function referenceCandidates(c: ReferencePixelCheck, signal?: AbortSignal): Promise<ReferenceCandidates> {
  const { stack, workDir } = c;
  const { length, width } = stack;
  const n = length * width;
  const maskPath = workPath(workDir, c.template.get('mintpy.reference.maskFile'));
  const mask = await maskAll(maskPath);
  const water = await maskAll(join(workDir, 'waterMask.h5'));
  const stored = storedReference(workDir, stack);
  const valid = c.keep.some(Boolean)
    ? validityFromPhaseVelocity(
        computeStackMaps(stack, c.keep, { phaseVelocity: { ref: stored } }, signal ? { signal } : {}).avgPhaseVelocity!,
      )
    : new Uint8Array(n);
  const codes = new Uint8Array(n);
  const counts = { ok: 0, mask: 0, water: 0, noData: 0 };
  for (let i = 0; i < n; i++) {
    let k: number = CANDIDATE_CODES.ok;
    if (mask && Number(mask[i]) === 0) k = CANDIDATE_CODES.mask;
    else if (stored && i === stored.y * width + stored.x) k = CANDIDATE_CODES.ok;
    else if (water && Number(water[i]) === 0) k = CANDIDATE_CODES.water;
    else if (!valid[i]) k = CANDIDATE_CODES.noData;
    codes[i] = k;
    counts[(['ok', 'mask', 'water', 'noData'] as const)[k]]++;
  }
  return { length, width, codes, counts, maskName: mask && maskPath ? (maskPath.split('/').pop() ?? null) : null };
}
