/**
 * Issue #16 finding 6 (and the utilityProcess half of finding 5): cancel asks the pipeline child to stop,
 * then kills it after a grace period; the run slot is freed and the run record says it was cancelled and
 * killed; a finished child exits; the same child script runs under Electron's utilityProcess protocol
 * (`process.parentPort`), checked here with a stand-in that speaks it (Electron's binary cannot run here).
 */
import { execFileSync, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import { findWorkerScript } from '../../src-core/node/pipeline/pool';
import { createServices } from '../../src-main/services/apiService';
import { forkLauncher, processRunner, type ChildLauncher } from '../../src-core/node/pipeline/processRunner';
import {
  utilityLauncher,
  type UtilityForkLike,
  type UtilityProcessLike,
} from '../../src-main/electron/utilityLauncher';
import { REPO_ROOT } from '../helpers/fixtures';
import { tempDirs } from './helpers';

const tmp = tempDirs();
let cfg: string;
let hung: string;
let demoFolder: string;
const pids: number[] = [];

/** A pipeline child that hangs in synchronous code (a stuck read) right after it reports its first step. */
const HUNG_CHILD = `
const port = process.parentPort;
const post = (m) => (port ? port.postMessage(m) : process.send(m));
const onMsg = (m) => {
  if (m.type === 'run') {
    post({ type: 'log', message: 'step load_data' });
    setTimeout(() => { for (;;) {} }, 50);
  }
};
if (port) port.on('message', (e) => onMsg(e.data)); else process.on('message', onMsg);
`;

/**
 * Electron's `process.parentPort`, for a child started by the stand-in below: like Electron's ParentPort,
 * messages that arrive before the child listens are held until it adds its 'message' listener (main thread
 * only: the step's worker threads inherit `--import`).
 */
const PARENT_PORT_SHIM =
  'data:text/javascript,' +
  encodeURIComponent(`import { EventEmitter } from 'node:events';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) {
const send = process.send.bind(process);
const port = new EventEmitter();
const held = [];
port.postMessage = (m) => send(m);
process.on('message', (m) => (port.listenerCount('message') ? port.emit('message', { data: m }) : held.push(m)));
port.on('newListener', (ev) => ev === 'message' && setImmediate(() => {
  for (const m of held.splice(0)) port.emit('message', { data: m });
}));
process.parentPort = port;
process.send = undefined;
}`);

/** Electron's utilityProcess, as far as utilityLauncher uses it, over a Node child with the shim. */
class FakeUtilityProcess extends EventEmitter implements UtilityProcessLike {
  private readonly cp;
  constructor(modulePath: string, env?: NodeJS.ProcessEnv) {
    super();
    this.cp = fork(modulePath, [], {
      execArgv: ['--import', PARENT_PORT_SHIM],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(env ? { env } : {}),
    });
    if (this.cp.pid) pids.push(this.cp.pid);
    this.cp.on('spawn', () => this.emit('spawn'));
    this.cp.on('message', (m) => this.emit('message', m));
    this.cp.on('exit', (code, sig) => this.emit('exit', code ?? (sig ? 15 : 0)));
  }
  get pid() {
    return this.cp.pid;
  }
  postMessage(m: unknown): void {
    if (this.cp.connected) this.cp.send(m as object);
  }
  kill(): boolean {
    return this.cp.kill('SIGTERM');
  }
}
const fakeUtility: UtilityForkLike & { last?: FakeUtilityProcess } = {
  fork(modulePath, _args, options) {
    const p = new FakeUtilityProcess(modulePath, options?.env);
    fakeUtility.last = p;
    return p;
  },
};

/** forkLauncher, remembering pids so the test can check they are gone. */
const trackedFork: ChildLauncher = (script) => {
  const c = forkLauncher(script);
  if (c.pid) pids.push(c.pid);
  return c;
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
async function gone(pid: number | undefined, ms = 10_000): Promise<boolean> {
  const t0 = Date.now();
  while (pid && alive(pid)) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  return true;
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
  const dir = tmp.mk('insar-child-');
  demoFolder = join(dir, 'demo');
  cfg = (await writeDemo(demoFolder, { rows: 30, cols: 40, numDates: 8, seed: 4 })).templatePath;
  hung = join(dir, 'hung.mjs');
  writeFileSync(hung, HUNG_CHILD);
}, 120_000);
afterAll(() => {
  for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
  tmp.cleanup();
});

describe('cancel escalates to a kill', () => {
  test.each([
    ['child_process.fork', trackedFork],
    ['utilityProcess', utilityLauncher(fakeUtility)],
  ])('%s: a hung child is killed after the grace period; the run rejects as cancelled + killed', async (_n, launch) => {
    const ctrl = new AbortController();
    const started = pids.length;
    const err = await processRunner(hung, { launch, graceMs: 300 })!({
      templatePath: cfg,
      signal: ctrl.signal,
      onLog: () => setTimeout(() => ctrl.abort(), 100),
    }).then(
      () => ({}) as Error & { killed?: boolean },
      (e: Error & { killed?: boolean }) => e,
    );
    expect(err.name).toBe('CancelledError');
    expect(err.killed).toBe(true);
    expect(err.message).toMatch(/had not stopped 0\.3 s after cancel and was killed/);
    const pid = pids[started];
    expect(await gone(pid)).toBe(true);
  });

  test('JobService: the run slot is freed and the run record says cancelled and killed', async () => {
    const s = createServices({
      transport: 'http',
      appDataDir: tmp.mk('insar-child-app-'),
      runner: processRunner(hung, { launch: trackedFork, graceMs: 300 })!,
    });
    try {
      await s.api.openProject(demoFolder);
      const run = await s.api.runPipeline();
      await new Promise((ok) => setTimeout(ok, 300));
      expect(await s.api.cancelRun()).toBe(true);
      const done = await s.jobs.wait();
      expect(done?.status).toBe('cancelled');
      expect(done?.error).toMatch(/^cancelled by the user: the pipeline process had not stopped 0\.3 s after cancel/);
      expect(s.jobs.running).toBe(false);
      const rec = (await s.api.runs()).find((r) => r.id === run.id)!;
      expect(rec.status).toBe('cancelled');
      expect(rec.error).toMatch(/killed/);
      expect(rec.steps.some((x) => x.status === 'cancelled')).toBe(true);
      // the slot is free: the next run starts; closing the app (shutdown) cancels it the same way and
      // resolves only once the child is gone
      const again = await s.api.runPipeline();
      expect(again.id).toBeGreaterThan(run.id);
      const before = pids.length;
      await new Promise((ok) => setTimeout(ok, 300));
      await s.shutdown();
      expect(alive(pids[before - 1])).toBe(false);
    } finally {
      s.dispose();
    }
    for (const p of pids) expect(await gone(p)).toBe(true);
  });
});

describe('the real pipeline child under both launchers', () => {
  const script = () => findWorkerScript('pipeline.process.js')!;

  test.each([
    ['child_process.fork', trackedFork],
    ['utilityProcess', utilityLauncher(fakeUtility)],
  ])('%s: runs to velocity, streams progress, and the child exits afterwards', async (_n, launch) => {
    const started = pids.length;
    const logs: string[] = [];
    const rec = await processRunner(script(), { launch, graceMs: 5000 })!({
      templatePath: cfg,
      end: 'velocity',
      onLog: (m) => logs.push(m),
    });
    expect(rec.steps.filter((x) => x.status === 'done').map((x) => x.name)).toContain('velocity');
    expect(logs).toContain('step velocity');
    expect(await gone(pids[started])).toBe(true);
  });

  test('utilityProcess: a cancelled run stops within the grace period (no kill needed)', async () => {
    const ctrl = new AbortController();
    const err = await processRunner(script(), { launch: utilityLauncher(fakeUtility), graceMs: 30_000 })!({
      templatePath: cfg,
      signal: ctrl.signal,
      onLog: (m) => m.startsWith('step modify') && ctrl.abort(),
    }).then(
      () => ({}) as Error & { killed?: boolean },
      (e: Error & { killed?: boolean }) => e,
    );
    expect(err.name).toBe('CancelledError');
    expect(err.killed).toBeUndefined();
    expect(await gone(fakeUtility.last!.pid)).toBe(true);
  });
});
