#!/usr/bin/env node
// The `insar-studio` command: runs the bundled CLI, building it first on a fresh checkout.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'node', 'cli.js');
if (!existsSync(cli))
  execFileSync(process.execPath, [join(root, 'scripts', 'build-node.mjs'), '--quiet'], { stdio: 'inherit' });
await import(pathToFileURL(cli).href);
