#!/usr/bin/env node
// Run a command with TMPDIR set to a fresh folder of its own, removed afterwards (whatever the command left
// there: Playwright's transform cache, browser profiles, test projects); exits with the command's code.
//   node scripts/with-temp-dir.mjs <command> [args...]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-temp-dir.mjs <command> [args...]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'insar-studio-tests-'));
// traversable (not listable) by others: a test that drops to nobody (durability) runs a file inside it
chmodSync(dir, 0o711);
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, TMPDIR: dir }, shell: false });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('error', (e) => {
  rmSync(dir, { recursive: true, force: true });
  console.error(`${cmd}: ${e.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  if (process.env.INSAR_STUDIO_KEEP_TMP) console.log(`[tmp] kept ${dir}: INSAR_STUDIO_KEEP_TMP is set`);
  else rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
