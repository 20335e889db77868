#!/usr/bin/env node
// Generate the demo stack (if absent), run the pipeline on it, then open the app on the project.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const headless = process.argv.includes('--headless');
const dirArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const demoDir = dirArg ?? join(root, 'demo-project');
const node = process.execPath;
const run = (args, opts = {}) => execFileSync(node, args, { stdio: 'inherit', cwd: root, ...opts });

run([join(root, 'scripts', 'build-node.mjs'), '--quiet']);
const cli = join(root, 'out', 'node', 'cli.js');
if (!existsSync(join(demoDir, 'mintpy'))) run([cli, 'demo', demoDir]);
const cfg = execFileSync('sh', ['-c', `ls ${JSON.stringify(join(demoDir, 'mintpy'))}/*.cfg | head -1`])
  .toString()
  .trim();
run([cli, 'run', cfg]);
console.log(`\nDemo outputs: ${dirname(cfg)}  (velocity.h5, timeseries.h5, velocity.kmz, …)`);
if (headless) process.exit(0);

let electronBin = null;
try {
  const p = createRequire(import.meta.url)('electron');
  if (typeof p === 'string' && existsSync(p)) electronBin = p;
} catch {
  /* no Electron binary on this machine */
}
run([join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (electronBin) {
  spawn(electronBin, [join(root, 'out', 'main', 'index.js'), '--project', demoDir], { stdio: 'inherit', cwd: root });
} else {
  console.log('Electron binary not available here: starting the browser host instead.');
  spawn(node, [join(root, 'out', 'node', 'host.js'), '--project', demoDir], { stdio: 'inherit', cwd: root });
}
