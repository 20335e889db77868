/** Derived HDF5 products read back (h5wasm) and checked against the inputs. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSignificanceMask, writeVerticalVelocity } from '../../src-core/node/derived/files';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { describeParity, fx } from '../helpers/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'derived-files-'));

describe('derived files (synthetic)', () => {
  it('vertical velocity = v / cos(inc) with the assumption recorded; significance mask as bool', async () => {
    const attrs = { LENGTH: '2', WIDTH: '3', FILE_TYPE: 'velocity', UNIT: 'm/year' };
    const v = Float32Array.from([0.01, -0.02, 0.005, 0, 0.03, -0.001]);
    const s = Float32Array.from([0.001, 0.015, 0.001, 0.001, 0.001, 0.001]);
    await writeH5File(join(tmp, 'velocity.h5'), attrs, [
      { name: 'velocity', data: v, shape: [2, 3] },
      { name: 'velocityStd', data: s, shape: [2, 3] },
    ]);
    const inc = Float32Array.from([30, 35, 40, 45, 60, 0]);
    await writeH5File(join(tmp, 'geometryGeo.h5'), { LENGTH: '2', WIDTH: '3', FILE_TYPE: 'geometry' }, [
      { name: 'incidenceAngle', data: inc, shape: [2, 3] },
    ]);
    const out = await writeVerticalVelocity({
      velFile: join(tmp, 'velocity.h5'),
      geomFile: join(tmp, 'geometryGeo.h5'),
    });
    const r = await H5Reader.open(out);
    const vv = r.read('velocity');
    expect(r.attrs.VERTICAL_ASSUMPTION).toMatch(/vertical-only/);
    expect(r.info('velocity').attrs.UNIT).toBe('m/year');
    for (let i = 0; i < 6; i++) expect(vv[i]).toBeCloseTo(v[i] / Math.cos((inc[i] * Math.PI) / 180), 7);
    r.close();
    const m = await writeSignificanceMask({ velFile: join(tmp, 'velocity.h5'), k: 2 });
    expect(m.count).toBe(3);
    const mr = await H5Reader.open(m.path);
    expect(Array.from(mr.read('mask'))).toEqual([1, 0, 1, 0, 1, 0]);
    expect(mr.attrs.FILE_TYPE).toBe('mask');
    mr.close();
  });
});

describeParity('derived files on cv-tiny', () => {
  it('vertical velocity from velocity.h5 + geometryGeo.h5 incidenceAngle', async () => {
    copyFileSync(fx('mintpy', 'velocity.h5'), join(tmp, 'cv_velocity.h5'));
    const out = await writeVerticalVelocity({
      velFile: join(tmp, 'cv_velocity.h5'),
      geomFile: fx('mintpy', 'inputs', 'geometryGeo.h5'),
      out: join(tmp, 'cv_vert.h5'),
    });
    const a = await H5Reader.open(out);
    const b = await H5Reader.open(fx('mintpy', 'velocity.h5'));
    const g = await H5Reader.open(fx('mintpy', 'inputs', 'geometryGeo.h5'));
    const vv = a.read('velocity');
    const v = b.read('velocity');
    const inc = g.read('incidenceAngle');
    let maxRel = 0;
    for (let i = 0; i < v.length; i++) {
      const want = Math.fround(v[i] / Math.cos((inc[i] * Math.PI) / 180));
      if (want !== 0) maxRel = Math.max(maxRel, Math.abs(vv[i] - want) / Math.abs(want));
    }
    a.close();
    b.close();
    g.close();
    expect(maxRel).toBe(0);
  });
});
