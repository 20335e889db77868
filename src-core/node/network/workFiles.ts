/**
 * Where the network / reference / overview steps find their inputs in a MintPy work directory, and
 * template paths resolved the way MintPy does (relative to the work directory, its current folder).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../common/pipeline/types';

export interface WorkFiles {
  stack: string;
  /** geometryGeo.h5 or geometryRadar.h5, null if neither exists */
  geometry: string | null;
}

export function workFiles(workDir: string): WorkFiles {
  const stack = join(workDir, 'inputs', 'ifgramStack.h5');
  if (!existsSync(stack)) throw new InputError(`${stack}: interferogram stack not found (run load_data first)`);
  const geometry =
    ['geometryGeo.h5', 'geometryRadar.h5'].map((f) => join(workDir, 'inputs', f)).find((p) => existsSync(p)) ?? null;
  return { stack, geometry };
}

/** A template file value ('waterMask.h5', 'no', …) → absolute path in workDir, or null for no/none/auto. */
export function workPath(workDir: string, value: string | null | undefined): string | null {
  if (!value || /^(no|none|auto|false)$/i.test(value.trim())) return null;
  return isAbsolute(value) ? value : resolve(workDir, value);
}
