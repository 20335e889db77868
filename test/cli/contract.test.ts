/**
 * The CLI's contract with a new user: strict options (exit 2 naming the option), step names checked, --help
 * and --version, the README's CLI block = the commands' declarations, paths relative to the caller's folder
 * however the CLI is started, and every bad input one line (the LAST line of stderr names the culprit).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures';
import { helpText, leaves, parseCommandArgs, UsageError } from '../../src-cli/command';
import { COMMANDS, PROGRAM } from '../../src-cli/commands';
import { describeError, oneLine } from '../../src-cli/report';
import { STEP_NAMES } from '../../src-core/node/pipeline/registry';

const CLI = join(REPO_ROOT, 'out', 'node', 'cli.js');
const cli = (args: string[], cwd = REPO_ROOT) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
const lastLine = (s: string) => s.trimEnd().split('\n').pop() ?? '';
/** A bad input: exit `code`, the last line of stderr names the culprit, no stack trace. */
function expectBad(r: ReturnType<typeof cli>, code: number, ...culprits: string[]) {
  expect(r.status, r.stderr).toBe(code);
  const last = lastLine(r.stderr);
  for (const c of culprits) expect(last).toContain(c);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const tmp = mkdtempSync(join(tmpdir(), 'cli-contract-'));
const project = join(tmp, 'demo');
const mintpy = join(project, 'mintpy');
const cfg = join(mintpy, 'Demo.cfg');

beforeAll(() => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-node.mjs'), '--quiet']);
  const r = cli(['demo', project, '--rows', '30', '--cols', '40', '--dates', '6', '--seed', '4', '--run']);
  expect(r.status, r.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('strict options: an unknown or misspelled one is a usage error naming it (exit 2)', () => {
  const cases: [string[], string][] = [
    [['run', 'Demo.cfg', '--do-step', 'velocity'], 'unknown option --do-step (did you mean --dostep?)'],
    [['run', 'Demo.cfg', '--worker', '1'], 'unknown option --worker (did you mean --workers?)'],
    [['demo', 'x', '--colums', '50'], 'unknown option --colums (did you mean --cols?)'],
    [['info', 'velocity.h5', '--all'], 'unknown option --all'],
    [['export', 'kmz', 'velocity.h5', '--lalo', '1,2'], 'unknown option --lalo'],
    [['export', 'geotiff', 'timeseries.h5', '--vlim', '0', '1'], 'unknown option --vlim'],
    [['nisar', 'method2', 'velocity.h5', '--gnss', 'x'], 'unknown option --gnss'],
    [['run', 'Demo.cfg', '--workers'], 'option --workers needs N'],
    [['run', 'Demo.cfg', '--workers', 'two'], '--workers two: expected a whole number ≥ 1'],
    [['run', 'Demo.cfg', '--dostep', 'velocity', '--end', 'velocity'], 'either --dostep or --start/--end'],
    [['demo', 'x', '--run=yes'], 'option --run takes no value'],
    [['export', 'kmz', 'velocity.h5', '--vlim', '-1'], 'option --vlim needs MIN MAX'],
    [['export', 'kmz', 'velocity.h5', 'velocity', 'extra'], 'unexpected argument "extra"'],
    [['exprot'], 'unknown command "exprot" (did you mean export?)'],
    [['export', 'tif'], 'unknown format "tif"'],
    [
      ['export', 'figure', 'timeseries', 'timeseries.h5', '--lalo', '36.1,-119.6', '--ref-date', '2018'],
      '--ref-date: expected a date YYYYMMDD, got "2018"',
    ],
  ];
  for (const [args, msg] of cases)
    it(args.join(' '), () => {
      const r = cli(args, mintpy);
      expectBad(r, 2, msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });

  it('a misspelled step lists the steps (exit 2) and nothing runs', () => {
    const r = cli(['run', 'Demo.cfg', '--dostep', 'invert'], mintpy);
    expectBad(r, 2, '--dostep invert: unknown step (did you mean invert_network?)', STEP_NAMES.join(', '));
    expect(r.stdout).toBe('');
  });

  it('parseCommandArgs: negative numbers as values, LAT,LON lists, -- ends the options', () => {
    const kmz = leaves(PROGRAM).find((l) => l.path.join(' ') === 'export kmz')!.cmd;
    const a = parseCommandArgs(kmz, ['f.h5', '--vlim', '-2.5', '2.5', '-o', 'x.kmz']);
    expect([a.positionals, a.all('vlim'), a.str('o')]).toEqual([['f.h5'], ['-2.5', '2.5'], 'x.kmz']);
    const csv = leaves(PROGRAM).find((l) => l.path.join(' ') === 'export csv')!.cmd;
    const b = parseCommandArgs(csv, ['f.h5', '--lalo', '-33.9,151.2', '36.1,-119.6', '--no-ref']);
    expect([b.all('lalo'), b.has('no-ref')]).toEqual([['-33.9,151.2', '36.1,-119.6'], true]);
    expect(parseCommandArgs(csv, ['--', '-odd-name.h5']).positionals).toEqual(['-odd-name.h5']);
    expect(() => parseCommandArgs(csv, ['f.h5', '--lalo'])).toThrow(UsageError);
  });
});

describe('--version and --help, matching the README', () => {
  it('--version prints package.json’s version', () => {
    const r = cli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(
      `insar-studio ${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}`,
    );
  });

  it('the README’s CLI block is the commands’ synopses, and every option a synopsis names is declared', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /## The CLI\s+```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has a "## The CLI" section with a code block').toBeDefined();
    expect(block!.trimEnd().split('\n')).toEqual(PROGRAM.synopsis.map((s) => `insar-studio ${s}`));
    for (const { path, cmd } of leaves(PROGRAM)) {
      const declared = new Set(Object.keys(cmd.options ?? {}).flatMap((k) => [`--${k}`, `-${cmd.options![k].short}`]));
      for (const s of cmd.synopsis)
        for (const flag of s.match(/(?<=[\s[|])--?[a-z][\w-]*/g) ?? [])
          expect(declared.has(flag), `insar-studio ${path.join(' ')}: ${flag} in its synopsis`).toBe(true);
    }
    // and the top-level synopsis names only options the commands declare
    for (const c of COMMANDS)
      for (const s of c.synopsis)
        for (const flag of s.match(/(?<=[\s[|])--[a-z][\w-]*/g) ?? [])
          expect(
            leaves(c).some(({ cmd }) => Object.keys(cmd.options ?? {}).includes(flag.slice(2))),
            `${c.name}: ${flag}`,
          ).toBe(true);
  });

  it('every command and format answers --help with its synopsis (exit 0)', () => {
    const all = [
      { path: [] as string[], cmd: PROGRAM },
      ...COMMANDS.map((c) => ({ path: [c.name], cmd: c })),
      ...leaves(PROGRAM),
    ];
    for (const { path, cmd } of all) {
      const r = cli([...path, '--help']);
      expect(r.status, path.join(' ')).toBe(0);
      expect(r.stdout).toBe(helpText(cmd, path));
      expect(r.stdout.split('\n')[1]).toBe(`  insar-studio ${cmd.synopsis[0]}`);
    }
    const help = cli(['run', '--help']).stdout;
    for (const name of STEP_NAMES) expect(help).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});

describe('paths are relative to the caller’s folder, however the CLI is started', () => {
  it('node out/node/cli.js from the project folder', () => {
    const r = cli(['run', 'Demo.cfg', '--dostep', 'velocity'], mintpy);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`outputs in ${mintpy}`);
  });

  it('npm run cli -- … from the project folder: info reads ./velocity.h5, -o out/x.kmz lands there', () => {
    const npm = (args: string[]) =>
      spawnSync('npm', ['--prefix', REPO_ROOT, 'run', '--silent', 'cli', '--', ...args], {
        encoding: 'utf8',
        cwd: mintpy,
        timeout: 120_000,
      });
    const info = npm(['info', 'velocity.h5']);
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain('velocity');
    const kmz = npm(['export', 'kmz', 'velocity.h5', '-o', 'out/x.kmz']);
    expect(kmz.status, kmz.stderr).toBe(0);
    expect(existsSync(join(mintpy, 'out', 'x.kmz'))).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'out', 'x.kmz'))).toBe(false);
  });

  it('export figure network <a file of the work folder> writes into that folder (no doubled path)', () => {
    for (const target of ['inputs/ifgramStack.h5', 'timeseries.h5', '.']) {
      rmSync(join(mintpy, 'network.png'), { force: true });
      const r = cli(['export', 'figure', 'network', target], mintpy);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`wrote ${join(mintpy, 'network.png')}`);
    }
  });
});

describe('bad input: exit 1, one line, the last line of stderr names the culprit', () => {
  it('a bad value (weightFunc = vra): the file, the key and the accepted values', () => {
    const bad = join(mintpy, 'vra.cfg');
    writeFileSync(bad, `${readFileSync(cfg, 'utf8')}\nmintpy.networkInversion.weightFunc = vra\n`);
    const r = cli(['run', bad, '--dostep', 'invert_network']);
    expectBad(r, 1, bad, 'mintpy.networkInversion.weightFunc = vra', 'var, fim, coh, no');
    expect(r.stdout).toBe('');
  });

  it('a misspelled key of a step the run does stops it; of another step, a warning', () => {
    const typo = join(mintpy, 'typo.cfg');
    writeFileSync(typo, `${readFileSync(cfg, 'utf8')}\nmintpy.refernce.lalo = 36.1,-119.6\n`);
    const r = cli(['run', typo, '--start', 'reference_point', '--end', 'quick_overview']);
    expectBad(r, 1, typo, 'mintpy.refernce.lalo', 'did you mean mintpy.reference.lalo?');
    const v = cli(['run', typo, '--dostep', 'velocity']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toContain('mintpy.refernce.lalo: unknown key, ignored (did you mean mintpy.reference.lalo?)');
  });

  it('run <a folder>, run <not a template>, info <a folder>: one line each', () => {
    expectBad(cli(['run', project]), 1, project, 'is a folder, not a template; did you mean');
    expectBad(cli(['run', 'velocity.h5'], mintpy), 1, join(mintpy, 'velocity.h5'), 'not a MintPy template');
    const info = cli(['info', mintpy]);
    expectBad(info, 1, mintpy, 'is a folder');
    expect(info.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a truncated VRT: the VRT file and where, not the XML parser’s excerpt', () => {
    const copy = join(tmp, 'truncated');
    execFileSync('cp', ['-r', project, copy]);
    const vrt = join(copy, 'stack', 'unwrapStack.vrt');
    const xml = readFileSync(vrt, 'utf8');
    writeFileSync(vrt, xml.slice(0, Math.floor(xml.length / 3)));
    const r = cli(['run', join(copy, 'mintpy', 'Demo.cfg'), '--dostep', 'load_data']);
    expectBad(r, 1, vrt, 'the file is truncated');
  });
});

describe('error lines', () => {
  it('a library’s multi-line message becomes one line; file-system errors name the path; bugs say so', () => {
    expect(oneLine('not valid\n  Context: "<a>\n   <b"')).toBe('not valid Context: "<a> <b"');
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/x/y.h5'"), {
      code: 'EACCES',
      path: '/x/y.h5',
    });
    expect(describeError(eacces)).toEqual({ code: 1, line: 'error: /x/y.h5: permission denied' });
    const bug = describeError(new TypeError("Cannot read properties of undefined (reading 'x')\nmore"));
    expect(bug.code).toBe(3);
    expect(bug.line).not.toContain('\n');
    expect(bug.line).toMatch(
      /^internal error: Cannot read properties of undefined \(reading 'x'\) more .*this is a bug/,
    );
  });
});
