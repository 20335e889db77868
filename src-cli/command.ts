/**
 * The CLI's commands as data: each command declares its synopsis, positionals and options once; parsing
 * (node:util parseArgs, strict), `--help`, usage errors (exit 2, one line naming the option) and the
 * README's CLI block all derive from that declaration. A new command is one `Command` in `commands/index.ts`;
 * a new flag is one entry in its `options`.
 */
import { parseArgs } from 'node:util';
import { closest } from '../src-core/common/util/closest';
import { reportError } from './report';

/** A usage error: exit 2, one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** placeholder(s) shown in help, e.g. 'N' or 'MIN MAX' */
  value?: string;
  /** values after the flag: a number (default 1), or 'list' for every following value up to the next option */
  count?: number | 'list';
  /** accepted values (checked at parse time: a misspelling is a usage error listing them) */
  choices?: readonly string[];
  /** 'int' (≥ 1), 'number': checked at parse time */
  numeric?: 'int' | 'number';
  /** what a value is, for messages (`unknown step …`); default: the placeholder in lower case */
  kind?: string;
  help: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** the option's values in order (several for count > 1, 'list', or a repeated option) */
  values: Record<string, string[] | undefined>;
  flags: Set<string>;
  /** the last value of a string option */
  str(name: string): string | undefined;
  /** every value of a string option */
  all(name: string): string[] | undefined;
  has(name: string): boolean;
  /** a numeric option (checked at parse time) */
  num(name: string): number | undefined;
}

export interface Command {
  /** the word after `insar-studio` (or after the parent command) */
  name: string;
  /** one line for the parent's help: what it does */
  summary: string;
  /** usage lines after `insar-studio `, as in the README (`run <template.cfg> [--dostep STEP …]`) */
  synopsis: string[];
  /** free text printed after the options in --help */
  epilog?: () => string;
  positionals?: { min: number; max: number; name: string };
  options?: Record<string, OptionSpec>;
  run?: (args: ParsedArgs) => Promise<number>;
  subcommands?: Command[];
  /** left out of --help and the README (commands other programs call, such as slurm-task) */
  hidden?: boolean;
  /** what a subcommand is called in messages ('format' → `unknown format "png"`; default 'command') */
  subcommandNoun?: string;
}

const NUMBER_RE = /^-(\d|\.\d)/;
const isOptionToken = (a: string): boolean => a.startsWith('-') && a.length > 1 && !NUMBER_RE.test(a);

/**
 * Strict parsing with node:util parseArgs. Before it, a pass gives multi-value options (`--vlim -1 1`,
 * `--lalo A B C`) and values that look like negative numbers their `--name=value` form, which parseArgs
 * takes as they are.
 */
export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  const specs = cmd.options ?? {};
  const byShort = new Map(
    Object.entries(specs)
      .filter(([, s]) => s.short)
      .map(([k, s]) => [s.short!, k]),
  );
  const optTokens: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isOptionToken(a)) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const raw = eq >= 0 ? a.slice(0, eq) : a;
    const name = raw.startsWith('--') ? raw.slice(2) : (byShort.get(raw.slice(1)) ?? raw.slice(1));
    const spec = specs[name];
    if (!spec) throw new UsageError(unknownOption(raw, specs));
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      optTokens.push(`--${name}`);
      continue;
    }
    const vals: string[] = eq >= 0 ? [a.slice(eq + 1)] : [];
    const want = spec.count ?? 1;
    if (want === 'list') {
      while (i + 1 < argv.length && !isOptionToken(argv[i + 1]) && argv[i + 1] !== '--') vals.push(argv[++i]);
    } else
      while (vals.length < want && i + 1 < argv.length && !isOptionToken(argv[i + 1]) && argv[i + 1] !== '--')
        vals.push(argv[++i]);
    if (vals.length === 0 || (want !== 'list' && vals.length < want))
      throw new UsageError(`option --${name} needs ${spec.value ?? (want === 1 ? 'a value' : `${want} values`)}`);
    for (const v of vals) optTokens.push(`--${name}=${v}`);
  }
  const options: Record<string, { type: 'string' | 'boolean'; multiple: boolean }> = {};
  for (const [k, s] of Object.entries(specs)) options[k] = { type: s.type, multiple: true };
  let parsed;
  try {
    parsed = parseArgs({ args: [...optTokens, '--', ...positionals], options, strict: true, allowPositionals: true });
  } catch (e) {
    // the pre-pass normally catches everything; keep parseArgs' verdict on one line if not
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const values: Record<string, string[] | undefined> = {};
  const flags = new Set<string>();
  for (const [k, v] of Object.entries(parsed.values)) {
    if (specs[k].type === 'boolean') flags.add(k);
    else values[k] = v as string[];
  }
  for (const [k, s] of Object.entries(specs)) {
    const vs = values[k];
    if (!vs) continue;
    if (s.choices)
      for (const v of vs)
        if (!s.choices.includes(v)) {
          const near = closest(v, s.choices);
          throw new UsageError(
            `--${k} ${v}: unknown ${s.kind ?? s.value?.toLowerCase() ?? 'value'}${near ? ` (did you mean ${near}?)` : ''}; one of: ${s.choices.join(', ')}`,
          );
        }
    if (s.numeric)
      for (const v of vs) {
        const x = Number(v);
        if (v.trim() === '' || !Number.isFinite(x) || (s.numeric === 'int' && !(Number.isInteger(x) && x >= 1)))
          throw new UsageError(`--${k} ${v}: expected ${s.numeric === 'int' ? 'a whole number ≥ 1' : 'a number'}`);
      }
  }
  const pos = parsed.positionals;
  const p = cmd.positionals ?? { min: 0, max: 0, name: '' };
  if (pos.length < p.min) throw new UsageError(`missing ${p.name}`);
  if (pos.length > p.max) throw new UsageError(`unexpected argument "${pos[p.max]}"`);
  return {
    positionals: pos,
    values,
    flags,
    str: (n) => values[n]?.[values[n]!.length - 1],
    all: (n) => values[n],
    has: (n) => flags.has(n) || values[n] !== undefined,
    num: (n) => (values[n] ? Number(values[n]![values[n]!.length - 1]) : undefined),
  };
}

function unknownOption(raw: string, specs: Record<string, OptionSpec>): string {
  const names = Object.keys(specs);
  const near = closest(raw.replace(/^--?/, ''), names);
  return `unknown option ${raw}${near ? ` (did you mean --${near}?)` : ''}`;
}

/** `--help` text of a command: its synopsis, what it does, its options or subcommands. */
export function helpText(cmd: Command, path: string[]): string {
  const lines = ['usage:', ...cmd.synopsis.map((s) => `  insar-studio ${s}`), ''];
  if (path.length) lines.push(cmd.summary, '');
  if (cmd.subcommands) {
    lines.push(`${cmd.subcommandNoun ?? 'command'}s:`);
    const shown = cmd.subcommands.filter((c) => !c.hidden);
    const w = Math.max(...shown.map((c) => c.name.length));
    for (const c of shown) lines.push(`  ${c.name.padEnd(w)}  ${c.summary}`);
    if (path.length) lines.push('', `insar-studio ${[...path, '<name>'].join(' ')} --help for its options.`);
  }
  const opts = Object.entries(cmd.options ?? {});
  if (opts.length) {
    lines.push('options:');
    const label = ([k, s]: [string, OptionSpec]) =>
      `${s.short ? `-${s.short}, ` : ''}--${k}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`;
    const w = Math.max(...opts.map((o) => label(o).length));
    for (const o of opts) lines.push(`  ${label(o).padEnd(w)}  ${o[1].help}`);
  }
  if (cmd.epilog) lines.push('', cmd.epilog());
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Every leaf command with its path (`['export', 'kmz']`), for the tests and the README check. */
export function leaves(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  if (!cmd.subcommands) return [{ path, cmd }];
  return cmd.subcommands.flatMap((c) => leaves(c, [...path, c.name]));
}

/** Run a command on argv: help, subcommand dispatch, strict parsing; usage errors are one line, exit 2. */
export async function execute(cmd: Command, argv: string[], path: string[] = []): Promise<number> {
  const label = ['insar-studio', ...path].join(' ');
  try {
    if (cmd.subcommands) {
      const [sub, ...rest] = argv;
      if (sub === undefined) {
        process.stderr.write(helpText(cmd, path));
        throw new UsageError(`missing ${cmd.subcommandNoun ?? 'command'}`);
      }
      if (sub === '-h' || sub === '--help' || sub === 'help') {
        process.stdout.write(helpText(cmd, path));
        return 0;
      }
      const c = cmd.subcommands.find((x) => x.name === sub);
      if (!c) {
        const names = cmd.subcommands.filter((x) => !x.hidden).map((x) => x.name);
        const near = closest(sub, names);
        throw new UsageError(
          `unknown ${cmd.subcommandNoun ?? 'command'} "${sub}"${near ? ` (did you mean ${near}?)` : ''}; one of: ${names.join(', ')}`,
        );
      }
      return await execute(c, rest, [...path, sub]);
    }
    const dd = argv.indexOf('--');
    const before = dd >= 0 ? argv.slice(0, dd) : argv;
    if (before.includes('--help') || before.includes('-h')) {
      process.stdout.write(helpText(cmd, path));
      return 0;
    }
    const args = parseCommandArgs(cmd, argv);
    return await cmd.run!(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${label}: ${e.message}; see ${label} --help\n`);
      return 2;
    }
    return reportError(e);
  }
}
