#!/usr/bin/env node
// Generate the demo stack (if absent), run the pipeline on it, then open the app on the project.
//   node scripts/demo.mjs [dir] [--headless]     (dir: relative to the folder `npm run demo` was called from)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith('-') && a !== '--headless');
if (unknown.length) {
  console.error(`demo: unknown option ${unknown[0]} (npm run demo [-- [dir] [--headless]])`);
  process.exit(2);
}
const headless = args.includes('--headless');
const dirArg = args.find((a) => !a.startsWith('-'));
// `npm run demo` runs in the repository; a folder given on the command line is the caller's
const callerCwd =
  process.env.npm_lifecycle_event === 'demo' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const demoDir = dirArg ? resolve(callerCwd, dirArg) : join(root, 'demo-project');
const node = process.execPath;
const run = (argv, opts = {}) => execFileSync(node, argv, { stdio: 'inherit', cwd: root, ...opts });

try {
  run([join(root, 'scripts', 'build-node.mjs'), '--quiet']);
  const cli = join(root, 'out', 'node', 'cli.js');
  if (!existsSync(join(demoDir, 'mintpy'))) run([cli, 'demo', demoDir]);
  const cfg = readdirSync(join(demoDir, 'mintpy'))
    .filter((f) => f.endsWith('.cfg'))
    .sort()[0];
  if (!cfg) throw new Error(`no template (.cfg) in ${join(demoDir, 'mintpy')}`);
  run([cli, 'run', join(demoDir, 'mintpy', cfg)]);
  console.log(`\nDemo outputs: ${join(demoDir, 'mintpy')}  (velocity.h5, timeseries.h5, velocity.kmz, …)`);
} catch (e) {
  // the CLI has already said what went wrong in one line; anything else gets one line here
  if (e.status === undefined) console.error(`demo: ${e.message}`);
  process.exit(typeof e.status === 'number' ? e.status : 1);
}
if (headless) process.exit(0);

let electronBin = null;
try {
  const p = createRequire(import.meta.url)('electron');
  if (typeof p === 'string' && existsSync(p)) electronBin = p;
} catch {
  /* no Electron binary on this machine */
}
run([join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (electronBin) {
  spawn(electronBin, [join(root, 'out', 'main', 'index.js'), '--project', demoDir], { stdio: 'inherit', cwd: root });
} else {
  console.log('Electron binary not available here: starting the browser host instead.');
  spawn(node, [join(root, 'out', 'node', 'host.js'), '--project', demoDir], { stdio: 'inherit', cwd: root });
}
