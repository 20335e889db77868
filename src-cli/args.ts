/** Tiny argv parser: positionals, `--flag`, `--key value`, `--key a b` (n values), `-o value`. */
export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string[]>;
}

export function parseArgs(argv: string[], arity: Record<string, number> = {}): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      let key = a.replace(/^--?/, '');
      let inline: string | undefined;
      const eq = key.indexOf('=');
      if (eq >= 0) [key, inline] = [key.slice(0, eq), key.slice(eq + 1)];
      const n = arity[key] ?? 0;
      const vals: string[] = inline !== undefined ? [inline] : [];
      for (let k = vals.length; k < n; k++) {
        if (i + 1 >= argv.length) throw new Error(`option --${key} needs ${n} value(s)`);
        vals.push(argv[++i]);
      }
      out.flags[key] = vals;
    } else out.positional.push(a);
  }
  return out;
}
