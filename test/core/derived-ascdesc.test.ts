/**
 * asc/desc → horizontal + vertical on files vs MintPy 1.5.1's asc_desc2horz_vert.py. The inputs and MintPy's
 * outputs are in __data__/ascdesc-mintpy.json (float32 arrays in base64), made by __data__/ascdesc-mintpy.py.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { centreIncidenceAngle, heading2azimuth, writeAscDescHorzVert } from '../../src-core/node/derived/ascDesc';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { F, bar } from '../helpers/parityFigures';

interface Input {
  attrs: Record<string, string>;
  velocity: string;
  incidenceAngle: string;
  azimuthAngle: string;
}
interface Output {
  attrs: Record<string, string>;
  datasets: string[];
  horz: string;
  vert: string;
}
const exp = JSON.parse(readFileSync(join(__dirname, '__data__', 'ascdesc-mintpy.json'), 'utf8')) as {
  inputs: Record<'asc' | 'desc', Input>;
  geom: Output;
  attrs: Output;
};
const f32 = (b64: string): Float32Array => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const tmp = mkdtempSync(join(tmpdir(), 'ascdesc-'));

describe('asc/desc files → hz.h5 / up.h5 vs MintPy asc_desc2horz_vert.py', () => {
  beforeAll(async () => {
    for (const n of ['asc', 'desc'] as const) {
      const i = exp.inputs[n];
      const shape = [Number(i.attrs.LENGTH), Number(i.attrs.WIDTH)];
      await writeH5File(join(tmp, `${n}.h5`), i.attrs, [{ name: 'velocity', data: f32(i.velocity), shape }]);
      await writeH5File(join(tmp, `${n}_geo.h5`), { ...i.attrs, FILE_TYPE: 'geometry' }, [
        { name: 'incidenceAngle', data: f32(i.incidenceAngle), shape },
        { name: 'azimuthAngle', data: f32(i.azimuthAngle), shape },
      ]);
    }
  });

  for (const tag of ['geom', 'attrs'] as const) {
    it(`${tag === 'geom' ? 'geometry files (20×20 windows of median angles)' : 'angles from attributes'}: overlap grid, attributes and values to float32`, async () => {
      const r = await writeAscDescHorzVert({
        files: [join(tmp, 'asc.h5'), join(tmp, 'desc.h5')],
        geomFiles: tag === 'geom' ? [join(tmp, 'asc_geo.h5'), join(tmp, 'desc_geo.h5')] : undefined,
        out: [join(tmp, `hz_${tag}.h5`), join(tmp, `up_${tag}.h5`)],
      });
      const e = exp[tag];
      const a = await H5Reader.open(r.horz);
      const b = await H5Reader.open(r.vert);
      for (const k of Object.keys(e.attrs)) expect(a.attrs[k]).toBe(e.attrs[k]);
      expect(a.keys()).toEqual(e.datasets);
      const h = a.read('velocity');
      const v = b.read('velocity');
      a.close();
      b.close();
      const eh = f32(e.horz);
      const ev = f32(e.vert);
      expect(h.length).toBe(eh.length);
      let dh = 0;
      let dv = 0;
      for (let i = 0; i < eh.length; i++) {
        dh = Math.max(dh, Math.abs(h[i] - eh[i]));
        dv = Math.max(dv, Math.abs(v[i] - ev[i]));
      }
      console.log(
        `[asc/desc files, ${tag}] ${eh.length} pixels, max |Δhorz| = ${dh.toExponential(2)} m/yr, max |Δvert| = ${dv.toExponential(2)} m/yr`,
      );
      expect(dh).toBeLessThanOrEqual(bar(F['asc/desc → horizontal + vertical'].ascDesc));
      expect(dv).toBeLessThanOrEqual(bar(F['asc/desc → horizontal + vertical'].ascDesc));
    });
  }

  it('heading → azimuth and centre incidence as MintPy', () => {
    expect(heading2azimuth(-12)).toBeCloseTo(102, 12);
    expect(heading2azimuth(-168)).toBeCloseTo(-102, 12);
    const inc = centreIncidenceAngle({
      STARTING_RANGE: '850000',
      RANGE_PIXEL_SIZE: '2.3',
      EARTH_RADIUS: '6371000',
      HEIGHT: '693000',
      WIDTH: '26',
    });
    expect(inc).toBeGreaterThan(30);
    expect(inc).toBeLessThan(40);
    expect(() => centreIncidenceAngle({})).toThrow(/STARTING_RANGE/);
  });
});
