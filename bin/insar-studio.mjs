#!/usr/bin/env node
// The `insar-studio` command (`npx insar-studio …` in a checkout, or on the PATH after `npm link`): runs
// the bundled CLI, (re)building it first when a checkout's sources are newer than the bundle. Paths on the
// command line stay relative to the folder it is called from.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'node', 'cli.js');

/** Newest modification time of the .ts sources the CLI bundles (0 outside a checkout). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src-cli', 'src-core', 'src-workers', 'src-main/host', 'src-shared']) walk(join(root, d));
  return newest;
}

if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource())
  execFileSync(process.execPath, [join(root, 'scripts', 'build-node.mjs'), '--quiet'], { stdio: 'inherit' });
await import(pathToFileURL(cli).href);
