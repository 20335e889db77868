/**
 * The network selection, stored beside the stack in `<workDir>/networkSelection.json` instead of
 * rewriting `dropIfgram` inside the user's ifgramStack.h5 as MintPy does. Every later step asks
 * `readKeptPairs` which pairs are kept.
 */
import { readJsonFile, writeJsonAtomic } from '../util/atomicFile';
import { join } from 'node:path';
import type { IfgramStack } from '../formats/mintpyFiles';

export interface NetworkSelectionFile {
  /** absolute path of the stack the selection was made for */
  stackFile: string;
  numPairs: number;
  date12: string[];
  /** true = keep */
  keep: boolean[];
  /** dropped date12 → reasons */
  reasons: Record<string, string[]>;
  /** the settings used (template keys → resolved values) */
  settings: Record<string, unknown>;
}

export const NETWORK_SELECTION_FILE = 'networkSelection.json';

export function writeNetworkSelection(workDir: string, sel: NetworkSelectionFile): string {
  if (sel.keep.length !== sel.numPairs || sel.date12.length !== sel.numPairs)
    throw new Error(
      `network selection: numPairs ${sel.numPairs} but ${sel.date12.length} date12 / ${sel.keep.length} keep flags`,
    );
  const path = join(workDir, NETWORK_SELECTION_FILE);
  writeJsonAtomic(path, sel, 1);
  return path;
}

/** The stored selection, or null if there is none. Errors name the file. */
export function readNetworkSelection(workDir: string): NetworkSelectionFile | null {
  const path = join(workDir, NETWORK_SELECTION_FILE);
  const sel = readJsonFile<NetworkSelectionFile>(path);
  if (!sel) return null;
  if (!Array.isArray(sel.date12) || !Array.isArray(sel.keep) || sel.date12.length !== sel.keep.length)
    throw new Error(`${path}: date12 and keep must be arrays of the same length`);
  return sel;
}

/** Does a stored selection describe this stack (same pairs in the same order)? */
export function selectionMatches(sel: NetworkSelectionFile, stack: IfgramStack): boolean {
  const d = stack.date12;
  return sel.numPairs === d.length && sel.date12.length === d.length && sel.date12.every((x, i) => x === d[i]);
}

/**
 * Which pairs are kept (true = keep): the selection file if present and made for this stack's pairs,
 * else the stack's own dropIfgram.
 */
export function readKeptPairs(workDir: string, stack: IfgramStack): boolean[] {
  const sel = readNetworkSelection(workDir);
  if (sel && selectionMatches(sel, stack)) return sel.keep.map(Boolean);
  return [...stack.dropIfgram];
}
