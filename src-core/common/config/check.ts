/**
 * Checks of a template before a run: values against what each key accepts (MINTPY_VALUES), and keys InSAR
 * Studio does not know — a warning with the nearest known key, or an error when that key belongs to a step
 * the run will do (a misspelled `mintpy.refernce.lalo` must not silently leave the reference automatic).
 */
import { closest } from '../util/closest';
import {
  LOAD_FILE_KEYS,
  LOAD_OPTION_KEYS,
  MINTPY_DEFAULTS,
  MINTPY_VALUES,
  NO_VALUES,
  YES_VALUES,
  type ValueSpec,
} from './defaults';
import { isDate } from '../time/dates';

/** Every MintPy key InSAR Studio knows (MintPy 1.5.1's smallbaselineApp keys and newer loaders' options). */
export const KNOWN_KEYS: readonly string[] = [...Object.keys(MINTPY_DEFAULTS), ...LOAD_FILE_KEYS, ...LOAD_OPTION_KEYS];

/** Keys of older MintPy versions that 1.5.1 ignores (the velocity step reads mintpy.timeFunc.*). */
export const isLegacyKey = (k: string): boolean => k.startsWith('mintpy.velocity.');

/** What a spec accepts, in words (the end of the error line). */
export function describeSpec(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'yes/no':
      return 'yes or no';
    case 'choice':
      return `one of ${spec.values.join(', ')}`;
    case 'number': {
      const what = spec.integer ? 'a whole number' : 'a number';
      const range =
        spec.min !== undefined && spec.max !== undefined
          ? ` from ${spec.min} to ${spec.max}`
          : spec.min !== undefined
            ? ` ≥ ${spec.min}`
            : spec.max !== undefined
              ? ` ≤ ${spec.max}`
              : '';
      return `${what}${range}${spec.orNo ? ' or no' : ''}`;
    }
    case 'date':
      return `a date YYYYMMDD${spec.orNo ? ' or no' : ''}`;
    case 'pair':
      return `${spec.integer ? 'row,col (whole numbers)' : 'two numbers a,b'}${spec.orNo ? ' or no' : ''}`;
  }
}

/** Whether `value` is accepted by `spec` (`auto` always is). */
export function acceptsValue(spec: ValueSpec, raw: string): boolean {
  const v = raw.trim();
  if (/^auto$/i.test(v)) return true;
  const isNo = /^(no|none|false)$/i.test(v);
  switch (spec.kind) {
    case 'yes/no':
      return ([...YES_VALUES, ...NO_VALUES] as string[]).includes(v.toLowerCase());
    case 'choice': {
      if (spec.values.includes(v)) return true;
      if (spec.anyCase && spec.values.some((c) => c.toLowerCase() === v.toLowerCase())) return true;
      const n = spec.normalize?.(v);
      return n != null && spec.values.includes(n);
    }
    case 'number': {
      if (isNo) return !!spec.orNo;
      const x = Number(v);
      return (
        v !== '' &&
        Number.isFinite(x) &&
        (!spec.integer || Number.isInteger(x)) &&
        (spec.min === undefined || x >= spec.min) &&
        (spec.max === undefined || x <= spec.max)
      );
    }
    case 'date':
      return isNo ? !!spec.orNo : isDate(v);
    case 'pair': {
      if (isNo) return !!spec.orNo;
      const parts = v.replace(/[[\]]/g, '').split(',');
      if (parts.length !== 2) return false;
      const nums = parts.map((s) => (s.trim() === '' ? NaN : Number(s)));
      return nums.every((n) => Number.isFinite(n) && (!spec.integer || Number.isInteger(n)));
    }
  }
}

/** Whether `key` is one of `patterns` (an exact key, or `prefix.*` for every key under `prefix.`). */
export function keyMatches(key: string, patterns: readonly string[]): boolean {
  return patterns.some((p) =>
    p.endsWith('.*') ? key.startsWith(p.slice(0, -1)) || key === p.slice(0, -2) : key === p,
  );
}

export interface KeyProblem {
  key: string;
  /** 'error' stops the run (bad input, exit 1); 'warning' is said and the run goes on */
  level: 'error' | 'warning';
  message: string;
}

/**
 * Problems of the template's keys and values. `runKeys`: the keys read by the steps this run does
 * (patterns as in `keyMatches`); a bad value of one of them, or an unknown key whose nearest known key is
 * one of them, is an error; elsewhere it is a warning. `moreKeys`: keys of our own that are known too
 * (insarstudio.slurm.*, declared beside the code that reads them).
 */
export function checkTemplateKeys(
  values: Readonly<Record<string, string>>,
  runKeys: readonly string[],
  moreKeys: readonly string[] = [],
): KeyProblem[] {
  const out: KeyProblem[] = [];
  const knownList = [...KNOWN_KEYS, ...moreKeys];
  const known = new Set(knownList);
  for (const [key, value] of Object.entries(values)) {
    if (known.has(key)) {
      const spec = MINTPY_VALUES[key];
      if (spec && !acceptsValue(spec, value))
        out.push({
          key,
          level: keyMatches(key, runKeys) ? 'error' : 'warning',
          message: `${key} = ${value}: expected ${describeSpec(spec)}`,
        });
      continue;
    }
    if (isLegacyKey(key)) continue;
    const near = closest(key, knownList);
    if (near && keyMatches(near, runKeys))
      out.push({ key, level: 'error', message: `${key}: unknown key (did you mean ${near}?)` });
    else if (near) out.push({ key, level: 'warning', message: `${key}: unknown key, ignored (did you mean ${near}?)` });
    else if (key.startsWith('mintpy.'))
      out.push({ key, level: 'warning', message: `${key}: not a MintPy 1.5.1 key InSAR Studio uses, ignored` });
  }
  return out;
}
