/**
 * The identity of a version of a file, for cache keys (stack maps, the preview store, a step's checkpoint, layer
 * descriptions, H5Reader's root attributes): its path, size and modification time in ns. Our writers rename a
 * new file into place and an in-place edit (h5py's, MintPy's add_attribute.py) changes the time; in ns, an edit
 * within the same millisecond is seen too.
 */
import { existsSync, statSync } from 'node:fs';

export function fileIdentity(path: string): string | null {
  if (!existsSync(path)) return null;
  const s = statSync(path, { bigint: true });
  return `${path}:${s.size}:${s.mtimeNs}`;
}
