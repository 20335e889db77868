/**
 * MintPy `.cfg` templates: `key = value  # comment`, lines starting with % # ! ignored, first `=` splits,
 * `~` and `$VAR` expanded (readfile.read_template). `auto` resolves to MintPy 1.5.1's default.
 * Unknown keys are kept (they round-trip into file attributes); `check()` reports them with the nearest
 * known key, and values outside what a key accepts (common/config/check.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { MINTPY_DEFAULTS, LOAD_FILE_KEYS, LOAD_OPTION_KEYS, NO_VALUES, YES_VALUES } from '../../common/config/defaults';
import { checkTemplateKeys } from '../../common/config/check';
import { parseDate } from '../../common/time/dates';

/** A problem with a template file or one of its keys: bad input, one line naming the file (and the key). */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly key: string | null,
    message: string,
  ) {
    super(key ? `${file}: ${key}: ${message}` : `${file}: ${message}`);
    this.name = 'TemplateError';
  }
}

/** `.cfg` files in a folder and in its `mintpy/` subfolder (where a project keeps its template). */
function templatesIn(dir: string): string[] {
  const out: string[] = [];
  for (const d of [dir, join(dir, 'mintpy')]) {
    try {
      for (const f of readdirSync(d)) if (f.endsWith('.cfg') && f !== 'smallbaselineApp.cfg') out.push(join(d, f));
    } catch {
      /* not a folder */
    }
  }
  return out;
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
    if (!existsSync(path)) throw new TemplateError(path, null, 'template file not found');
    if (statSync(path).isDirectory()) {
      const found = templatesIn(path);
      const hint = found.length
        ? `; did you mean ${found.map((f) => relative(process.cwd(), f) || basename(f)).join(' or ')}?`
        : '; give the template file (.cfg)';
      throw new TemplateError(path, null, `is a folder, not a template${hint}`);
    }
    const text = readFileSync(path, 'utf8');
    const values = parseTemplateText(text);
    if (text.includes('\0') || (Object.keys(values).length === 0 && text.trim() !== ''))
      throw new TemplateError(path, null, 'not a MintPy template (no "key = value" lines)');
    return new Template(resolve(path), values);
  }

  /**
   * Check keys and values before a run (`runKeys`: the keys the selected steps read, as `key` or `prefix.*`):
   * throws a TemplateError for the first problem with one of them; returns the warnings about the others.
   * `moreKeys`: keys of our own that are known too (see checkTemplateKeys).
   */
  check(runKeys: readonly string[], moreKeys: readonly string[] = []): string[] {
    const problems = checkTemplateKeys(this.values, runKeys, moreKeys);
    const err = problems.find((p) => p.level === 'error');
    if (err) throw new TemplateError(this.path, null, err.message);
    return problems.map((p) => `warning: ${this.path}: ${p.message}`);
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
    if ((YES_VALUES as readonly string[]).includes(v)) return true;
    if ((NO_VALUES as readonly string[]).includes(v)) return false;
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
