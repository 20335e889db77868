/**
 * For the tests on a real Slurm (scripts/slurm/up.sh brings one up on this machine): whether it is up,
 * the CLI as a child process, and a comparison of two work folders that says which dataset, attribute or
 * file differs — the outputs of a Slurm run must equal a local run's bit for bit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, it } from 'vitest';
import { H5Reader } from '../../src-core/node/formats/h5';
import { REPO_ROOT } from '../helpers/fixtures';

export const CLI = join(REPO_ROOT, 'out', 'node', 'cli.js');
/** up.sh's folder: its login-only/ is hidden from slurmd (a work folder the nodes cannot see) */
export const SLURM_DIR = process.env.INSAR_SLURM_DIR ?? '/var/tmp/insar-studio-slurm';

function slurmState(): string | null {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim().split('\n')[0] || null;
}

const STATE = slurmState();
export const SLURM_UP = STATE !== null && /^(idle|mixed|allocated|completing)/.test(STATE);

/**
 * `describe` for tests that need a Slurm cluster. Under CI=true a missing cluster is a failure (CI brings
 * one up with scripts/slurm/up.sh); elsewhere the tests are skipped with a message.
 */
export function describeSlurm(name: string, fn: () => void): void {
  if (SLURM_UP) {
    describe(`[slurm] ${name}`, fn);
    return;
  }
  const why = `Slurm is not up (sinfo: ${STATE ?? 'not found or no controller'}): run scripts/slurm/up.sh as root`;
  if (process.env.CI === 'true')
    describe(`[slurm] ${name}`, () =>
      it('needs a running Slurm under CI', () => {
        throw new Error(why);
      }));
  else {
    console.warn(`[slurm] ${why}; the Slurm tests are skipped.`);
    describe.skip(`[slurm] ${name}`, fn);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as a child process; `onStart` gets the child (to signal it). In a process group of its own, so a
 * test can kill the CLI together with its pipeline process (`process.kill(-pid)`), as a dying machine would.
 */
export function runCli(args: string[], onStart?: (c: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(c);
  });
}

export function squeueIds(jobId: string, states = 'all'): string[] {
  const r = spawnSync('squeue', ['-h', '-r', '-j', jobId, '-t', states, '-o', '%i'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      if (f === '.insar-studio') continue;
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every dataset's bytes (as a hash), shape, dtype and attributes, and the file's attributes. */
async function h5Fingerprint(path: string): Promise<Record<string, string>> {
  const r = await H5Reader.open(path);
  try {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.attrs)) out[`@${k}`] = v;
    for (const name of r.keys()) {
      const info = r.info(name);
      let bytes: string;
      if (/^[AS]/.test(info.dtype) || info.dtype.includes('string')) bytes = JSON.stringify(r.readStrings(name));
      else {
        const a = r.read(name);
        bytes = sha(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      }
      out[name] = `${info.dtype} ${info.shape.join('×')} ${bytes}`;
      for (const [k, v] of Object.entries(info.attrs)) out[`${name}@${k}`] = v;
    }
    return out;
  } finally {
    r.close();
  }
}

function kmzFingerprint(path: string): Record<string, string> {
  const files = unzipSync(readFileSync(path));
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, sha(v)]));
}

/**
 * Differences between the outputs in two work folders (HDF5: datasets bit for bit and attributes; KMZ: the
 * archive's files; anything else: the bytes). Attributes whose name matches `ignoreAttrs` are left out and
 * returned apart. `files` lists what was compared.
 */
export async function compareWorkDirs(
  a: string,
  b: string,
  ignoreAttrs?: RegExp,
): Promise<{ files: string[]; diffs: string[]; ignored: string[] }> {
  const fa = listFiles(a);
  const fb = listFiles(b);
  const diffs: string[] = [];
  const ignored: string[] = [];
  for (const f of fa) if (!fb.includes(f)) diffs.push(`${f}: only in ${a}`);
  for (const f of fb) if (!fa.includes(f)) diffs.push(`${f}: only in ${b}`);
  // the template and the generator's own files are the inputs, not outputs
  const files = fa.filter((f) => fb.includes(f) && !f.endsWith('.cfg'));
  for (const f of files) {
    const [pa, pb] = [join(a, f), join(b, f)];
    if (f.endsWith('.h5')) {
      const [x, y] = [await h5Fingerprint(pa), await h5Fingerprint(pb)];
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (x[k] === y[k]) continue;
        const attr = k.split('@')[1];
        if (ignoreAttrs && attr !== undefined && ignoreAttrs.test(attr)) ignored.push(`${f} ${k}`);
        else diffs.push(`${f} ${k}: ${x[k]} ≠ ${y[k]}`);
      }
    } else if (f.endsWith('.kmz')) {
      const [x, y] = [kmzFingerprint(pa), kmzFingerprint(pb)];
      if (JSON.stringify(x) !== JSON.stringify(y)) diffs.push(`${f}: archive contents differ`);
    } else if (!readFileSync(pa).equals(readFileSync(pb))) diffs.push(`${f}: bytes differ`);
  }
  return { files, diffs, ignored };
}

/** Finished tiles in a work folder's checkpoint of `step`. */
export function checkpointTiles(workDir: string, step: string): number {
  const root = join(workDir, '.insar-studio', 'tiles');
  if (!existsSync(root)) return 0;
  return readdirSync(root)
    .filter((d) => d.startsWith(`${step}-`))
    .reduce((n, d) => n + readdirSync(join(root, d)).filter((f) => /^tile-\d+\.bin$/.test(f)).length, 0);
}
