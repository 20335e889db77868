/**
 * Builds the renderer and the Node entries (unless E2E_SKIP_BUILD=1), writes a demo project into a temp
 * folder and starts the browser host (out/node/host.js) on a free port; the URL with its token and the demo
 * folder go to the tests through the environment.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (process.env.E2E_SKIP_BUILD !== '1') {
    execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    execFileSync('node', ['scripts/build-node.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
  }
  const tmp = mkdtempSync(join(tmpdir(), 'insar-e2e-'));
  const demo = join(tmp, 'demo');
  execFileSync('node', ['out/node/cli.js', 'demo', demo, '--rows', '60', '--cols', '90', '--dates', '16'], {
    cwd: root,
    stdio: 'inherit',
  });
  const host = spawn(
    'node',
    ['out/node/host.js', '--port', '0', '--app-data', join(tmp, 'appdata'), '--workers', '1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    const t = setTimeout(() => fail(new Error(`host did not start: ${buf}`)), 30_000);
    host.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(buf);
      if (m) {
        clearTimeout(t);
        ok(m[1]);
      }
    });
    host.once('exit', (c) => fail(new Error(`host exited with ${c}: ${buf}`)));
  });
  process.env.INSAR_E2E_URL = url;
  process.env.INSAR_E2E_DEMO = demo;
  process.env.INSAR_E2E_TMP = tmp;
  return async () => {
    if (host.exitCode === null) {
      const exited = new Promise((ok) => host.once('exit', ok));
      host.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 10_000))]);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
}
