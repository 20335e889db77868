/**
 * The engine's answers to bad input at step level, on stacks generated here: each a clear error naming
 * the problem (or MintPy's documented behaviour), never a crash or a partial file.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import { H5Reader, H5Writer } from '../../src-core/node/formats/h5';
import { runPipeline } from '../../src-core/node/pipeline/runner';
import { InputError } from '../../src-core/common/pipeline/types';

let cfg: string;
let wd: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bad-'));
  const demo = await writeDemo(dir, { rows: 40, cols: 50, numDates: 10, seed: 11 });
  cfg = demo.templatePath;
  wd = join(dir, 'mintpy');
  await runPipeline({ templatePath: cfg, end: 'quick_overview' });
}, 120_000);

const noTmp = () => expect(readdirSync(wd).filter((f) => f.includes('.tmp'))).toEqual([]);
const run = (o: Omit<Parameters<typeof runPipeline>[0], 'templatePath'>) =>
  runPipeline({ numWorkers: 0, ...o, templatePath: cfg });

describe('engine bad input', () => {
  it('reference point outside the grid is refused, saying so', async () => {
    await expect(run({ dostep: 'reference_point', overrides: { 'mintpy.reference.yx': '400,10' } })).rejects.toThrow(
      /outside/i,
    );
  });

  it('a split network still inverts (minimum-norm links the parts) and says it is split', async () => {
    // keep only pairs within the first half or the second half of the dates
    const stack = await H5Reader.open(join(wd, 'inputs', 'ifgramStack.h5'));
    const d = stack.readStrings('date');
    stack.close();
    const dates = [...new Set(d)].sort();
    const cut = dates[5];
    const cross: number[] = [];
    for (let i = 0; i < d.length / 2; i++) if (d[2 * i] < cut && d[2 * i + 1] >= cut) cross.push(i);
    const logs: string[] = [];
    const rec = await run({
      start: 'modify_network',
      end: 'invert_network',
      overrides: { 'mintpy.network.excludeIfgIndex': cross.join(','), 'mintpy.networkInversion.minNumPixel': '1' },
      onLog: (m) => logs.push(m),
    });
    expect(rec.steps.find((s) => s.name === 'invert_network')?.summary.networkParts).toBe(2);
    expect(logs.join('\n')).toMatch(/split into 2 parts/);
    noTmp();
  });

  it('fewer reliable pixels than minNumPixel: an error with the count, no maskTempCoh written', async () => {
    rmSync(join(wd, 'maskTempCoh.h5'), { force: true });
    await expect(
      run({
        start: 'modify_network',
        end: 'invert_network',
        overrides: { 'mintpy.networkInversion.minNumPixel': '1000000' },
      }),
    ).rejects.toThrow(/Not enough reliable pixels: \d+ pixels/);
    expect(existsSync(join(wd, 'maskTempCoh.h5'))).toBe(false);
    noTmp();
  });

  it('a step date outside the dates is refused before any tile runs', async () => {
    await run({ start: 'modify_network', end: 'invert_network' });
    const err = await run({ dostep: 'velocity', overrides: { 'mintpy.timeFunc.stepDate': '20300101' } }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect(String(err.message)).toMatch(/20300101/);
    expect(existsSync(join(wd, '.insar-studio', 'tiles'))).toBe(true); // folder may exist; no velocity tiles
    expect(readdirSync(join(wd, '.insar-studio', 'tiles')).filter((f) => f.startsWith('velocity-'))).toEqual([]);
  });

  it('an all-zero stack is refused at reference_point (no valid pixel)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zero-'));
    mkdirSync(join(dir, 'inputs'));
    const src = await H5Reader.open(join(wd, 'inputs', 'ifgramStack.h5'));
    const w = await H5Writer.create(join(dir, 'inputs', 'ifgramStack.h5'), src.attrs);
    const [m, l, c] = src.shape('unwrapPhase');
    w.write('unwrapPhase', new Float32Array(m * l * c), [m, l, c]);
    w.write('coherence', Float32Array.from(src.read('coherence')), [m, l, c]);
    w.write('connectComponent', Int16Array.from(src.read('connectComponent')), [m, l, c]);
    w.write('date', src.readStrings('date'), [m, 2]);
    w.write('bperp', Float32Array.from(src.read('bperp')), [m]);
    w.write('dropIfgram', new Int8Array(m).fill(1), [m], undefined, 'bool');
    w.commit();
    src.close();
    copyFileSync(join(wd, 'inputs', 'geometryGeo.h5'), join(dir, 'inputs', 'geometryGeo.h5'));
    const zcfg = join(dir, 'zero.cfg');
    writeFileSync(zcfg, readFileSync(cfg, 'utf8').replace(/^mintpy\.load\.\w+File.*$/gm, ''));
    await expect(runPipeline({ templatePath: zcfg, end: 'reference_point' })).rejects.toThrow(/valid|zero|no data/i);
  });
});
