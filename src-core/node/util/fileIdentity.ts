/**
 * The identity of a version of a file, for cache keys (stack maps, the preview store, a step's checkpoint, layer
 * descriptions, H5Reader's root attributes): its path, inode, size and modification time in ns. Our writers
 * rename a new file into place (a new inode); an in-place edit (h5py's, MintPy's add_attribute.py) changes the
 * time, also within the same millisecond. No device number: a network file system's differs between nodes.
 */
import { existsSync, statSync } from 'node:fs';

export function fileIdentity(path: string): string | null {
  if (!existsSync(path)) return null;
  const s = statSync(path, { bigint: true });
  return `${path}:${s.ino}:${s.size}:${s.mtimeNs}`;
}
