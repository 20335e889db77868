/**
 * Which steps an edit makes stale, from the step descriptors: a changed template key re-runs the earliest
 * step that reads it and every later one (MintPy's file chain); a key no step reads changes nothing. A
 * file is stale when a step from there on writes it.
 */
import { STEPS, STEP_NAMES, type StepName } from './registry';

/** `mintpy.network.*` matches every key under `mintpy.network.`; anything else matches itself. */
export function keyMatches(pattern: string, key: string): boolean {
  return pattern.endsWith('.*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern;
}

/** The steps whose outputs depend on `key`, in order. */
export function stepsReadingKey(key: string): StepName[] {
  return STEPS.filter((s) => s.keys.some((p) => keyMatches(p, key))).map((s) => s.name);
}

/** The earliest step whose inputs differ between two override sets (null: nothing to re-run). */
export function staleFromDiff(a: Record<string, string>, b: Record<string, string>): StepName | null {
  let first = -1;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[k] === b[k]) continue;
    const s = stepsReadingKey(k)[0];
    if (s === undefined) continue;
    const i = STEP_NAMES.indexOf(s);
    if (first < 0 || i < first) first = i;
  }
  return first < 0 ? null : STEP_NAMES[first];
}

/** Work-dir-relative files that the steps from `staleFrom` on (re)write. */
export function staleOutputs(staleFrom: string | null | undefined): string[] {
  const i0 = STEP_NAMES.indexOf(staleFrom as StepName);
  if (i0 < 0) return [];
  return [...new Set(STEPS.slice(i0).flatMap((s) => s.writes))];
}

/** Whether `file` is (re)written by step `staleFrom` or a later one, so it no longer matches the edits. */
export function isOutputStale(file: string, staleFrom: string | null | undefined): boolean {
  return staleOutputs(staleFrom).includes(file);
}
