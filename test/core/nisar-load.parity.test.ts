/**
 * load_data of the nisar-tiny GUNW stack vs MintPy's own NISAR loader (prep_nisar, MintPy main after 1.6.4):
 * every dataset and attribute of inputs/{ifgramStack, geometryGeo, ionStack, tropoStack, setStack}.h5 and
 * waterMask.h5. The fixture's ifgramStack.h5 was re-referenced in place by MintPy 1.5.1's chain afterwards
 * (REF_* attributes), and its template had no mintpy.reference.yx when it was loaded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Template } from '../../src-core/node/config/template';
import { H5Reader, type Attrs } from '../../src-core/node/formats/h5';
import { loadData } from '../../src-core/node/load/loadData';
import type { StepContext } from '../../src-core/common/pipeline/types';
import { describeNisarParity, nx } from '../helpers/fixtures';
import { stageNisarTiny } from '../helpers/nisar';

const root = mkdtempSync(join(tmpdir(), 'nisar-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const logs: string[] = [];
let outputs: string[] = [];
const work = join(root, 'mintpy');

async function read(
  path: string,
): Promise<{ attrs: Attrs; ds: Record<string, ArrayLike<number> | string[]>; dtypes: Record<string, string> }> {
  const r = await H5Reader.open(path);
  try {
    const ds: Record<string, ArrayLike<number> | string[]> = {};
    const dtypes: Record<string, string> = {};
    for (const k of r.keys()) {
      dtypes[k] = r.info(k).dtype;
      ds[k] = k === 'date' ? r.readStrings(k) : r.read(k);
    }
    return { attrs: r.attrs, ds, dtypes };
  } finally {
    r.close();
  }
}

/** max |a − b| over pixels finite in both, and whether the NaN patterns agree. */
function compare(a: ArrayLike<number>, b: ArrayLike<number>): { maxAbs: number; nanSame: boolean } {
  let maxAbs = 0;
  let nanSame = a.length === b.length;
  for (let i = 0; i < a.length; i++) {
    const na = Number.isNaN(a[i]);
    const nb = Number.isNaN(b[i]);
    if (na !== nb) nanSame = false;
    else if (!na) maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
  }
  return { maxAbs, nanSame };
}

describeNisarParity('load_data of nisar-tiny equals MintPy’s NISAR loader', () => {
  beforeAll(async () => {
    const tpl = Template.read(stageNisarTiny(root));
    const ctx: StepContext = {
      template: tpl,
      workDir: work,
      log: (m) => logs.push(m),
      progress: () => {},
      signal: new AbortController().signal,
    };
    outputs = (await loadData(ctx)).outputs;
  });

  it('writes geometry, waterMask and the four stacks; says how many pixels all masks keep', () => {
    expect(outputs.map((o) => o.slice(work.length + 1))).toEqual([
      'inputs/geometryGeo.h5',
      'waterMask.h5',
      'inputs/ifgramStack.h5',
      'inputs/ionStack.h5',
      'inputs/tropoStack.h5',
      'inputs/setStack.h5',
    ]);
    expect(logs).toContain('Common valid land pixels from all NISAR masks: 4605 / 4800');
  });

  for (const f of ['ifgramStack', 'ionStack', 'tropoStack', 'setStack']) {
    it(`inputs/${f}.h5: dates, dropIfgram exact, bperp ≤ 1e-3 m, phase / coherence / connected components exact`, async () => {
      const ours = await read(join(work, 'inputs', `${f}.h5`));
      const theirs = await read(nx('mintpy', 'inputs', `${f}.h5`));
      expect(Object.keys(ours.ds).sort()).toEqual(Object.keys(theirs.ds).sort());
      expect(ours.ds.date).toEqual(theirs.ds.date);
      expect(Array.from(ours.ds.dropIfgram as ArrayLike<number>)).toEqual(
        Array.from(theirs.ds.dropIfgram as ArrayLike<number>),
      );
      const bp = compare(ours.ds.bperp as ArrayLike<number>, theirs.ds.bperp as ArrayLike<number>);
      expect(bp.maxAbs).toBeLessThanOrEqual(1e-3);
      for (const k of ['unwrapPhase', 'coherence', 'connectComponent']) {
        expect(ours.dtypes[k], k).toBe('<f');
        const c = compare(ours.ds[k] as ArrayLike<number>, theirs.ds[k] as ArrayLike<number>);
        expect(c.nanSame, `${f} ${k} NaN pattern`).toBe(true);
        expect(c.maxAbs, `${f} ${k}`).toBe(0);
      }
      const skip = new Set(['REF_LAT', 'REF_LON', 'REF_X', 'REF_Y']);
      const strip = (a: Attrs) => Object.fromEntries(Object.entries(a).filter(([k]) => !skip.has(k)));
      expect(strip(ours.attrs)).toEqual(strip(theirs.attrs));
    });
  }

  it('geometryGeo.h5: height, angles and slant range within what reprojection allows; waterMask equal', async () => {
    const ours = await read(join(work, 'inputs', 'geometryGeo.h5'));
    const theirs = await read(nx('mintpy', 'inputs', 'geometryGeo.h5'));
    expect(ours.attrs).toEqual(theirs.attrs);
    const d: Record<string, number> = {};
    for (const k of ['height', 'incidenceAngle', 'slantRangeDistance', 'azimuthAngle']) {
      const c = compare(ours.ds[k] as ArrayLike<number>, theirs.ds[k] as ArrayLike<number>);
      expect(c.nanSame, `${k} NaN pattern`).toBe(true);
      d[k] = c.maxAbs;
    }
    console.log(`[nisar geometry vs MintPy/GDAL] ${JSON.stringify(d)}`);
    expect(d.height).toBeLessThanOrEqual(0.5);
    expect(d.incidenceAngle).toBeLessThanOrEqual(0.01);
    expect(d.azimuthAngle).toBeLessThanOrEqual(0.01);
    expect(d.slantRangeDistance).toBeLessThanOrEqual(1);
    expect(Array.from(ours.ds.waterMask as ArrayLike<number>)).toEqual(
      Array.from(theirs.ds.waterMask as ArrayLike<number>),
    );
  });

  it('waterMask.h5 equals MintPy’s', async () => {
    const ours = await read(join(work, 'waterMask.h5'));
    const theirs = await read(nx('mintpy', 'waterMask.h5'));
    expect(ours.attrs).toEqual(theirs.attrs);
    expect(Array.from(ours.ds.waterMask as ArrayLike<number>)).toEqual(
      Array.from(theirs.ds.waterMask as ArrayLike<number>),
    );
  });
});
