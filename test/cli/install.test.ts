/**
 * A user's first command, `npm run demo` (scripts/demo.sh): each problem is one line saying what to do —
 * an old Node, a native build without its tools, no registry, no Electron download — run against stub `node`
 * and `npm` commands on a PATH of their own. And the lock file: every package accepts the Node version
 * package.json's engines names (no EBADENGINE warning from `npm ci`).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'demo-script-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** npm's own range logic (semver is in every npm tree; typed here for the two calls used) */
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

/** A checkout with demo.sh and package.json, and a bin folder with stubs plus the few tools the script uses. */
function sandbox(name: string, opts: { installed?: boolean } = {}) {
  const root = join(tmp, name);
  const bin = join(root, 'stub-bin');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  mkdirSync(bin);
  copyFileSync(join(REPO_ROOT, 'scripts', 'demo.sh'), join(root, 'scripts', 'demo.sh'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ engines: pkg.engines }, null, 2));
  writeFileSync(join(root, 'package-lock.json'), '{}');
  if (opts.installed) {
    mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{}');
  }
  for (const tool of ['bash', 'sed', 'grep', 'date', 'mkdir', 'rm', 'touch', 'head', 'cat', 'timeout', 'dirname'])
    symlinkSync(spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
  // stub node: its version, the electron check, Electron's install.js and demo.mjs, driven by the environment
  writeFileSync(
    join(bin, 'node'),
    `#!/bin/bash
case "$1" in
  -v) echo "v$STUB_NODE_VERSION" ;;
  -e) case "$2" in
        *process.versions.node*) IFS=. read -r a b _ <<< "$STUB_NODE_VERSION"; IFS=. read -r x y _ <<< "$3"
                                 [ "$a" -gt "$x" ] || { [ "$a" -eq "$x" ] && [ "$b" -ge "$y" ]; } ;;
        *electron*) exit 1 ;;
      esac ;;
  install.js) echo "RequestError: getaddrinfo ENOTFOUND github.com"; echo "    at ClientRequest.<anonymous>"; exit 1 ;;
  scripts/demo.mjs) echo "demo.mjs ran" ;;
esac
`,
  );
  writeFileSync(join(bin, 'npm'), '#!/bin/bash\nprintf "%b" "$STUB_NPM_OUTPUT"\nexit "${STUB_NPM_STATUS:-0}"\n');
  chmodSync(join(bin, 'node'), 0o755);
  chmodSync(join(bin, 'npm'), 0o755);
  return {
    root,
    run: (env: Record<string, string>, args: string[] = []) =>
      spawnSync(join(bin, 'bash'), [join(root, 'scripts', 'demo.sh'), ...args], {
        encoding: 'utf8',
        env: { PATH: bin, STUB_NODE_VERSION: '20.20.2', ...env },
      }),
  };
}
const lines = (s: string) => s.trim().split('\n').filter(Boolean);

describe('npm run demo: one clear line per problem', () => {
  it('an old Node: which version is needed and which one this is; nothing installed', () => {
    const r = sandbox('old-node').run({ STUB_NODE_VERSION: '18.19.1' });
    expect(r.status).toBe(1);
    const need = pkg.engines.node.replace('>=', '');
    expect(lines(r.stderr)).toEqual([
      `demo: Node.js ${need} or newer is needed, this is v18.19.1: install a newer Node.js, then npm run demo`,
    ]);
  });

  it('better-sqlite3 must compile and python3/make/g++ are missing: says which, and how to get them', () => {
    const r = sandbox('no-toolchain').run({
      STUB_NPM_STATUS: '1',
      STUB_NPM_OUTPUT:
        'npm error path /x/node_modules/better-sqlite3\\nnpm error command sh -c prebuild-install || node-gyp rebuild\\ngyp ERR! stack Error: not found: make\\n',
    });
    expect(r.status).toBe(1);
    const out = lines(r.stderr);
    expect(out[0]).toMatch(/^demo: installing the dependencies \(npm ci/);
    expect(out.slice(1)).toEqual([
      'demo: better-sqlite3 has no prebuilt binary for this machine and must be compiled, which needs python3, make and g++ (missing: python3 make g++): install them (Debian/Ubuntu: apt-get install python3 make g++), then npm run demo',
    ]);
  });

  it('no registry: says so, not a stack trace', () => {
    const r = sandbox('offline-registry').run({
      STUB_NPM_STATUS: '1',
      STUB_NPM_OUTPUT: 'npm error code ENOTFOUND\\nnpm error network request to the registry failed\\n',
    });
    expect(r.status).toBe(1);
    expect(lines(r.stderr).pop()).toBe(
      'demo: npm could not reach the package registry (offline?): see out/logs/npm-install.log',
    );
  });

  it('Electron’s binary cannot be downloaded: one line, then the demo goes on (browser host); not tried again', () => {
    const s = sandbox('offline-electron', { installed: true });
    const r = s.run({});
    expect(r.status).toBe(0);
    expect(lines(r.stderr)).toEqual([
      "demo: fetching Electron's binary (optional; log in out/logs/electron-download.log)",
      "demo: Electron's binary could not be downloaded (no network access to its host): the app opens in the browser host instead",
    ]);
    expect(r.stdout).toBe('demo.mjs ran\n');
    const again = s.run({});
    expect([again.status, again.stderr, again.stdout]).toEqual([0, '', 'demo.mjs ran\n']);
    // --headless needs no Electron at all
    expect(sandbox('headless', { installed: true }).run({}, ['--headless']).stderr).toBe('');
  });

  it('a clean install: two lines (installing…, installed in N s), npm’s own output in the log', () => {
    const r = sandbox('clean').run({ STUB_NPM_OUTPUT: 'added 748 packages in 2m\\n' }, ['--headless']);
    expect(r.status).toBe(0);
    const out = lines(r.stderr);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/^demo: dependencies installed in \d+ s$/);
  });
});

describe('the lock file on the Node package.json names', () => {
  it('every package’s engines accept the lowest Node version package.json allows (npm ci: no EBADENGINE)', () => {
    const lowest = semver.minVersion(pkg.engines.node)!.version;
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
    const refuse = Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } }>)
      .filter(([, p]) => p.engines?.node && !semver.satisfies(lowest, p.engines.node))
      .map(([k, p]) => `${k}@${p.version} wants node ${p.engines!.node}`);
    expect(refuse).toEqual([]);
  });
});
