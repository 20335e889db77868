/**
 * Issue #16: an exception nobody caught is logged and the host keeps serving (the backstop), checked on the
 * built host process itself (out/node/host.js) with an uncaught throw and an unhandled rejection injected
 * through `--import`, and on the backstop function with a fake process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKEN_HEADER } from '../../src-shared/api';
import { decodeBinary } from '../../src-shared/binaryCodec';
import { tokenFromFragment } from '../../src-shared/hostAuth';
import { installCrashBackstop } from '../../src-main/host/backstop';
import { REPO_ROOT } from '../helpers/fixtures';
import { tempDirs } from './helpers';

const tmp = tempDirs();
let child: ChildProcess | null = null;
beforeAll(() => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
}, 120_000);
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  tmp.cleanup();
});

describe('uncaughtException backstop', () => {
  test('the built host logs an uncaught throw and an unhandled rejection, and keeps serving', async () => {
    const dir = tmp.mk('insar-backstop-');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    // injected bugs while the host serves: a throw from a timer and a rejected promise nobody awaits
    const bugs = 'Promise.reject(new Error("bug-two"));throw new Error("bug-one")';
    const inject = `data:text/javascript,const t=setInterval(()=>{if(globalThis.__served){clearInterval(t);${bugs}}},50);const w=process.stdout.write.bind(process.stdout);process.stdout.write=(s,...a)=>{if(String(s).includes("serving on"))globalThis.__served=1;return w(s,...a)}`;
    child = spawn(
      process.execPath,
      ['--import', inject, join(REPO_ROOT, 'out', 'node', 'host.js'), '--renderer', dir, '--app-data', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((ok, fail) => {
      const t = setInterval(() => {
        const m = /serving on (\S+)/.exec(stdout);
        if (m) {
          clearInterval(t);
          ok(m[1]);
        }
      }, 20);
      child!.once('exit', (c) => fail(new Error(`host exited (${c}): ${stderr}`)));
    });
    await new Promise((ok) => setTimeout(ok, 800));
    expect(child.exitCode).toBeNull();
    expect(stderr).toMatch(/internal error \(kept serving\): Error: bug-one/);
    expect(stderr).toMatch(/unhandled rejection \(kept serving\): Error: bug-two/);
    const u = new URL(url);
    const r = await fetch(`${u.origin}/api/capabilities`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: tokenFromFragment(u.hash)! },
    });
    expect(r.status).toBe(200);
    expect(decodeBinary(await r.arrayBuffer())).toMatchObject({ transport: 'http' });
    child.kill('SIGTERM');
    await new Promise((ok) => child!.once('exit', ok));
  });

  test('installCrashBackstop logs with the stack and can be removed', () => {
    const proc = new EventEmitter();
    const logs: string[] = [];
    const remove = installCrashBackstop(proc, (m) => logs.push(m));
    proc.emit('uncaughtException', new TypeError('x is undefined'));
    proc.emit('unhandledRejection', 'plain reason');
    expect(logs[0]).toMatch(/^internal error \(kept serving\): TypeError: x is undefined\n\s+at /);
    expect(logs[1]).toBe('unhandled rejection (kept serving): plain reason');
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
