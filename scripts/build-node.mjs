#!/usr/bin/env node
// Bundles the Node-side entry points (CLI, browser host, benchmark, piscina workers) with esbuild into
// out/node/. Workers must be plain JS for piscina on Node 20; node_modules stay external.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');

const entries = {
  cli: 'src-cli/main.ts',
  host: 'src-main/host/main.ts',
  bench: 'src-cli/bench.ts',
  'slurm-task': 'src-cli/slurmTaskMain.ts',
};
const entryPoints = {};
for (const [name, rel] of Object.entries(entries)) if (existsSync(join(root, rel))) entryPoints[name] = join(root, rel);
const wdir = join(root, 'src-workers');
if (existsSync(wdir))
  for (const f of readdirSync(wdir))
    if (f.endsWith('.worker.ts') || f.endsWith('.process.ts'))
      entryPoints[`workers/${f.replace(/\.ts$/, '')}`] = join(wdir, f);

const t0 = Date.now();
await build({
  entryPoints,
  outdir: join(root, 'out', 'node'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
// the bundles are ES modules wherever they are copied (app.asar.unpacked/out/node has no package.json above it)
mkdirSync(join(root, 'out', 'node'), { recursive: true });
writeFileSync(join(root, 'out', 'node', 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
if (!quiet) console.log(`built ${Object.keys(entryPoints).length} Node entries in ${Date.now() - t0} ms → out/node/`);
