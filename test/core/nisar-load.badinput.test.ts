/**
 * Bad NISAR input, on products the project writes itself: each problem is one InputError line naming the
 * file and what is wrong, and nothing is left half-written in inputs/.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { loadData } from '../../src-core/node/load/loadData';
import {
  tinyGunwSpec,
  writeDemFor,
  writeGunwProduct,
  writeGunwStack,
  type GunwSpec,
} from '../../src-core/node/load/writeGunw';
import { InputError, type StepContext } from '../../src-core/common/pipeline/types';

const root = mkdtempSync(join(tmpdir(), 'nisar-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const P = '/science/LSAR/GUNW/grids/frequencyA/unwrappedInterferogram';
let n = 0;

/** A staged synthetic stack whose product `k` is replaced by `patch` (spec changes and/or omitted paths). */
async function staged(
  patch: { k?: number; spec?: Partial<GunwSpec>; omit?: string[] } = {},
  opts: { demMargin?: number; cfg?: Record<string, string> } = {},
): Promise<{ ctx: StepContext; gunw: string; file: string | null }> {
  const dir = join(root, `case${n++}`);
  const spec = tinyGunwSpec();
  const gunw = join(dir, 'GUNW');
  const files = await writeGunwStack(gunw, spec);
  let file: string | null = null;
  if (patch.k !== undefined) {
    rmSync(files[patch.k]);
    file = await writeGunwProduct(gunw, { ...spec, ...patch.spec }, patch.k, patch.omit ?? []);
  }
  writeDemFor(join(dir, 'DEM', 'dem.tif'), spec, opts.demMargin ?? 0.01);
  mkdirSync(join(dir, 'mintpy'));
  const keys = {
    'mintpy.load.processor': 'nisar',
    'mintpy.load.unwFile': '../GUNW/*.h5',
    'mintpy.load.demFile': '../DEM/dem.tif',
    ...opts.cfg,
  };
  const cfg = join(dir, 'mintpy', 'bad.cfg');
  writeFileSync(
    cfg,
    Object.entries(keys)
      .map(([a, b]) => `${a} = ${b}`)
      .join('\n'),
  );
  const t = Template.read(cfg);
  return {
    ctx: { template: t, workDir: t.dir, log: () => {}, progress: () => {}, signal: new AbortController().signal },
    gunw,
    file,
  };
}

/** The error of load_data: an InputError of one line; inputs/ holds no temp file. */
async function failure(ctx: StepContext): Promise<string> {
  const e = await loadData(ctx).then(
    () => null,
    (x: unknown) => x as Error,
  );
  expect(e).toBeInstanceOf(InputError);
  const msg = (e as Error).message;
  expect(msg.split('\n')).toHaveLength(1);
  const inputs = join(ctx.workDir, 'inputs');
  if (existsSync(inputs)) expect(readdirSync(inputs).filter((f) => f.includes('.tmp'))).toEqual([]);
  return msg;
}

describe('NISAR bad input: one line naming the file and the problem', () => {
  it('a product without a required dataset', async () => {
    const { ctx, file } = await staged({ k: 4, omit: [`${P}/HH/coherenceMagnitude`] });
    expect(await failure(ctx)).toBe(`${file}: a dataset the NISAR loader needs is missing: ${P}/HH/coherenceMagnitude`);
  });

  it('products of different frames', async () => {
    const { ctx, file } = await staged({ k: 2, spec: { frame: 21 } });
    const msg = await failure(ctx);
    expect(msg).toMatch(
      new RegExp(
        `^${file}: frame 21 of track 77 \\(Ascending\\) differs from frame 20 of track 77 \\(Ascending\\) of .*GUNW_004_077_A_020_.*: products of different frames cannot be stacked$`,
      ),
    );
  });

  it('products of different polarisations', async () => {
    const { ctx, file } = await staged({ k: 3, spec: { polarization: 'VV' } });
    expect(await failure(ctx)).toMatch(
      new RegExp(
        `^${file}: polarisation VV differs from HH of .*: products of different polarisations cannot be stacked$`,
      ),
    );
  });

  it('a DEM that does not cover the grid', async () => {
    const { ctx } = await staged({}, { demMargin: -0.008 });
    expect(await failure(ctx)).toMatch(
      /DEM\/dem\.tif: the DEM does not cover the GUNW grid \(\d+ of 746 valid pixels fall outside it; EPSG:4326\)$/,
    );
  });

  it('no pixel valid in every product', async () => {
    // product 5 keeps only the left half, product 6 only the right half
    const left = { k: 5, spec: { mask: (_r: number, c: number) => (c < 16 ? 11 : 0) } };
    const s = await staged(left);
    rmSync(join(s.gunw, readdirSync(s.gunw).sort()[6]));
    const right = await writeGunwProduct(s.gunw, { ...tinyGunwSpec(), mask: (_r, c) => (c >= 16 ? 11 : 0) }, 6);
    expect(await failure(s.ctx)).toBe(
      `${right}: no pixel is valid in every product (the common mask is empty from this product on)`,
    );
  });

  it('no DEM, no products, an unknown frequency', async () => {
    const a = await staged({}, { cfg: { 'mintpy.load.demFile': 'auto' } });
    expect(await failure(a.ctx)).toBe(
      `${a.ctx.template.path}: mintpy.load.demFile is required for processor = nisar (a DEM GeoTIFF, any CRS)`,
    );
    const b = await staged({}, { cfg: { 'mintpy.load.unwFile': '../GUNW/none_*.h5' } });
    expect(await failure(b.ctx)).toBe(
      `${join(b.ctx.workDir, '..', 'GUNW', 'none_*.h5')}: no NISAR GUNW file matches mintpy.load.unwFile`,
    );
    const c = await staged({}, { cfg: { 'mintpy.load.frequency': 'C' } });
    await expect(loadData(c.ctx)).rejects.toThrow(
      `${c.ctx.template.path}: mintpy.load.frequency: "C" is not auto, A or B`,
    );
  });

  it('a file that is not HDF5', async () => {
    const s = await staged();
    const bad = join(s.gunw, 'NISAR_L2_PR_GUNW_zzz.h5');
    writeFileSync(bad, 'not hdf5');
    expect(await failure(s.ctx)).toMatch(new RegExp(`^${bad}: not a readable HDF5 file`));
    renameSync(bad, `${bad}.x`);
  });
});
