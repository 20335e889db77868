/**
 * MintPy `.cfg` templates: `key = value  # comment`, lines starting with % # ! ignored, first `=` splits,
 * `~` and `$VAR` expanded (readfile.read_template). `auto` resolves to MintPy 1.5.1's default.
 * Unknown keys are kept (they round-trip into file attributes) and reported by `unknownKeys()`.
 */
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { MINTPY_DEFAULTS, LOAD_FILE_KEYS, LOAD_OPTION_KEYS } from '../../common/config/defaults';
import { parseDate } from '../../common/time/dates';

export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    message: string,
  ) {
    super(`${file}: ${key}: ${message}`);
    this.name = 'TemplateError';
  }
}

export function parseTemplateText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || /^[%#!]/.test(line)) continue;
    const i = line.indexOf('=');
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    let value = line
      .slice(i + 1)
      .split('#')[0]
      .trim();
    value = value.replace(/^~(?=\/|$)/, homedir());
    value = value.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => process.env[a ?? b] ?? m);
    if (key && value !== '') out[key] = value;
  }
  return out;
}

export class Template {
  /** the folder relative paths resolve against (the template's own folder) */
  readonly dir: string;
  constructor(
    readonly path: string,
    readonly values: Record<string, string>,
  ) {
    this.dir = dirname(path);
  }

  static read(path: string): Template {
    if (!existsSync(path)) throw new TemplateError(path, '-', 'template file not found');
    return new Template(resolve(path), parseTemplateText(readFileSync(path, 'utf8')));
  }

  /** A copy with some keys overridden (the app's edits, CLI options). */
  with(overrides: Record<string, string | undefined>): Template {
    const v = { ...this.values };
    for (const [k, x] of Object.entries(overrides))
      if (x === undefined) delete v[k];
      else v[k] = x;
    return new Template(this.path, v);
  }

  /** The raw value the user wrote ('auto' if absent). */
  raw(key: string): string {
    return this.values[key] ?? 'auto';
  }

  /** The value with `auto` resolved to MintPy's default. */
  get(key: string): string {
    const v = this.raw(key);
    if (v.toLowerCase() === 'auto') return MINTPY_DEFAULTS[key] ?? 'auto';
    return v;
  }

  /** 'yes'/'no'/'true'/'false' → boolean. */
  bool(key: string): boolean {
    const v = this.get(key).toLowerCase();
    if (['yes', 'true', 'y', '1', 'on'].includes(v)) return true;
    if (['no', 'false', 'n', '0', 'off', 'none'].includes(v)) return false;
    throw new TemplateError(this.path, key, `"${this.get(key)}" is not yes/no`);
  }

  /** A number, or null when the value is no/none. */
  num(key: string): number | null {
    const v = this.get(key);
    if (/^(no|none|false)$/i.test(v)) return null;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new TemplateError(this.path, key, `"${v}" is not a number`);
    return n;
  }

  /** A date YYYYMMDD, or null when no. */
  date(key: string): string | null {
    const v = this.get(key);
    if (/^(no|none)$/i.test(v)) return null;
    try {
      parseDate(v);
    } catch (e) {
      throw new TemplateError(this.path, key, (e as Error).message);
    }
    return v;
  }

  /** A comma/space separated list, [] when no. */
  list(key: string): string[] {
    const v = this.get(key);
    if (/^(no|none|\[\])$/i.test(v)) return [];
    return v
      .replace(/[[\]]/g, '')
      .split(/[,\s]+/)
      .filter(Boolean);
  }

  /** A path resolved against the template folder, or null when no/auto-without-default. */
  path_(key: string): string | null {
    const v = this.get(key);
    if (/^(no|none|auto)$/i.test(v)) return null;
    return isAbsolute(v) ? v : resolve(this.dir, v);
  }

  /** Keys in the template that MintPy does not define (typos, other tools' keys): kept, but reported. */
  unknownKeys(): string[] {
    const known = new Set<string>([...Object.keys(MINTPY_DEFAULTS), ...LOAD_FILE_KEYS, ...LOAD_OPTION_KEYS]);
    return Object.keys(this.values).filter((k) => !known.has(k) && k.startsWith('mintpy.'));
  }

  /** All `mintpy.*` keys with auto resolved: what MintPy writes into file attributes. */
  resolved(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of Object.keys(this.values)) out[k] = this.get(k);
    return out;
  }
}
