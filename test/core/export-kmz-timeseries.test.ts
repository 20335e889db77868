/**
 * Time-series KMZ read back: archive layout, Region/LOD network links that resolve inside the archive,
 * one dot per `step` masked pixels with the velocity colour and the balloon numbers from the HDF5 inputs.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { getColormap, valueToRgba } from '../../src-core/common/colormap';
import { deformingBoxes, derampQuadratic, writeKmzTimeseries } from '../../src-core/node/export/kmzTimeseries';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { describeParity, fx } from '../helpers/fixtures';

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (n) => ['NetworkLink', 'Placemark', 'Folder'].includes(n),
});
const tmp = mkdtempSync(join(tmpdir(), 'kmzts-test-'));
type Any = Record<string, unknown> & { [k: string]: Any };
const dec = (b: Uint8Array): Any => parser.parse(new TextDecoder().decode(b)) as Any;

function kmlColor(v: number, vlim: [number, number]): string {
  const [r, g, b] = valueToRgba(getColormap('jet', undefined, 'round'), v, vlim[0], vlim[1]);
  return `ff${[b, g, r].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

describe('deforming boxes (MintPy get_boxes4deforming_area)', () => {
  it('a quadratic ramp is removed exactly; only the box with a bowl is selected', () => {
    const L = 120;
    const W = 120;
    const v = new Float32Array(L * W);
    const mask = new Uint8Array(L * W).fill(1);
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        const x = c / (W - 1);
        const y = r / (L - 1);
        v[r * W + c] = 0.01 * x * x - 0.02 * y + 0.005 * x * y + 0.001 * Math.sin(r * 1.7 + c * 2.3);
      }
    const flat = derampQuadratic(v, mask, L, W);
    let m = 0;
    for (const x of flat) m = Math.max(m, Math.abs(x));
    expect(m).toBeLessThan(0.0012);
    for (let r = 70; r < 110; r++) for (let c = 70; c < 110; c++) v[r * W + c] -= 0.05;
    const boxes = deformingBoxes(v, mask, L, W, 2);
    expect(boxes).toEqual([[60, 60, 120, 120]]);
  });
});

describeParity(
  'writeKmzTimeseries on cv-tiny (timeseries.h5 + velocity.h5 + temporalCoherence.h5 + maskTempCoh.h5)',
  () => {
    let files: Record<string, Uint8Array>;
    let res: Awaited<ReturnType<typeof writeKmzTimeseries>>;
    let vel: Float32Array;
    let vstd: Float32Array;
    let mask: ArrayLike<number>;
    let tc: Float32Array;
    let ts: Float32Array;
    beforeAll(async () => {
      mkdirSync(join(tmp, 'cv'), { recursive: true });
      res = await writeKmzTimeseries({ tsFile: fx('mintpy', 'timeseries.h5'), out: join(tmp, 'cv', 'timeseries.kmz') });
      files = unzipSync(readFileSync(res.path));
      const v = await H5Reader.open(fx('mintpy', 'velocity.h5'));
      vel = Float32Array.from(v.read('velocity'));
      vstd = Float32Array.from(v.read('velocityStd'));
      v.close();
      const m = await H5Reader.open(fx('mintpy', 'maskTempCoh.h5'));
      mask = m.read('mask');
      m.close();
      const t = await H5Reader.open(fx('mintpy', 'temporalCoherence.h5'));
      tc = Float32Array.from(t.read('temporalCoherence'));
      t.close();
      const s = await H5Reader.open(fx('mintpy', 'timeseries.h5'));
      ts = Float32Array.from(s.read('timeseries'));
      s.close();
    });

    it('root KML first, colour bar, icons; every NetworkLink href resolves inside the archive', () => {
      const names = Object.keys(files);
      expect(names[0]).toBe('timeseries_root.kml');
      for (const n of [
        'timeseries_cbar.png',
        'shaded_dot.png',
        'star.png',
        'kml_data/20by20.kml',
        'kml_data/5by5.kml',
        'kml_data/2by2.kml',
      ])
        expect(names).toContain(n);
      const star = decode(files['star.png']);
      const alpha = (x: number, y: number): number => star.data[4 * (y * star.width + x) + 3];
      expect(alpha(24, 2)).toBe(255); // points up
      expect(alpha(45, 24)).toBe(0);
      const dot = decode(files['shaded_dot.png']);
      expect(Array.from(dot.data.slice(4 * (16 * 32 + 16), 4 * (16 * 32 + 16) + 4))).toEqual([255, 255, 255, 255]);
      const root = dec(files['timeseries_root.kml']).kml.Document;
      expect(root.ScreenOverlay.Icon.href).toBe('timeseries_cbar.png');
      const folders = root.Folder as unknown as Any[];
      const data = folders.find((f) => f.name === ('Data' as unknown))!;
      const links = data.NetworkLink as unknown as Any[];
      expect(links.map((l) => l.Link.href)).toEqual(['kml_data/20by20.kml', 'kml_data/5by5.kml', 'kml_data/2by2.kml']);
      const lods = [
        [0, 1500],
        [1500, 4000],
        [4000, -1],
      ];
      links.forEach((l, i) => {
        const inner = dec(files[String(l.Link.href)]).kml.Document;
        const regions = (inner.NetworkLink as unknown as Any[] | undefined) ?? [];
        expect(regions.length).toBe(res.levels[i].boxes);
        for (const r of regions) {
          expect(names).toContain(`kml_data/${String(r.Link.href)}`);
          expect([Number(r.Region.Lod.minLodPixels), Number(r.Region.Lod.maxLodPixels)]).toEqual(lods[i]);
          expect(r.Link.viewRefreshMode).toBe('onRegion');
        }
      });
      // reference point at the REF pixel centre (36.2225, -119.6425), as float32 like MintPy
      const ref = folders.find((f) => f.name === ('ReferencePoint' as unknown))!;
      expect(String((ref.Placemark as unknown as Any[])[0].Point.coordinates)).toBe(
        `${Math.fround(-119.6425)}, ${Math.fround(36.2225)}`,
      );
    });

    it('20by20 level: one dot per masked pixel on the 20-pixel lattice, colour and balloon numbers from the files', () => {
      const W = 160;
      const region = dec(files['kml_data/20by20/region_0.kml']).kml.Document;
      const pms = ((region.Folder as unknown as Any[])[0].Placemark as unknown as Any[]) ?? [];
      const want: number[] = [];
      for (let r = 0; r < 100; r += 20) for (let c = 0; c < W; c += 20) if (mask[r * W + c]) want.push(r * W + c);
      expect(pms.length).toBe(want.length);
      expect(res.levels[0].points).toBe(want.length);
      pms.forEach((p, k) => {
        const i = want[k];
        expect(p.Style.IconStyle.color).toBe(kmlColor(Math.fround(vel[i] * 100), res.vlim));
        const desc = String(p.description);
        expect(desc).toContain(`Row: ${Math.floor(i / W)} `);
        expect(desc).toContain(
          `Mean LOS velocity [cm/year]: ${Math.fround(vel[i] * 100).toFixed(2)} +/- ${Math.fround(vstd[i] * 100).toFixed(2)}`,
        );
        expect(desc).toContain(`Temporal coherence: ${tc[i].toFixed(2)}`);
        const cum = Math.fround(Math.fround(ts[29 * 16000 + i] * 100) - Math.fround(ts[i] * 100));
        expect(desc).toContain(`Cumulative displacement [cm]: ${cum.toFixed(2)}`);
        expect(desc).toContain('<svg');
      });
      // vlim = [nanmin, nanmax] of velocity·100 over the whole grid (MintPy)
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of vel) {
        lo = Math.min(lo, Math.fround(x * 100));
        hi = Math.max(hi, Math.fround(x * 100));
      }
      expect(res.vlim).toEqual([lo, hi]);
    });

    it('finest level only in deforming boxes, the same boxes as MintPy 1.5.1 get_boxes4deforming_area', async () => {
      // MintPy 1.5.1 on these files (python3 -c "from mintpy.save_kmz_timeseries import get_boxes4deforming_area; ...")
      // returns [] for step 2 and [(0, 30, 30, 60), (90, 60, 120, 90)] for step 1 (boxes as (c0, r0, c1, r1)).
      expect(res.levels[2]).toEqual({ step: 2, boxes: 0, points: 0 });
      const m = Uint8Array.from(mask, (x) => (x ? 1 : 0));
      expect(deformingBoxes(vel, m, 100, 160, 2, 3, 0.2, [11, 63])).toEqual([]);
      expect(deformingBoxes(vel, m, 100, 160, 1, 3, 0.2, [11, 63])).toEqual([
        [0, 30, 30, 60],
        [90, 60, 120, 90],
      ]);
      const fine = await writeKmzTimeseries({
        tsFile: fx('mintpy', 'timeseries.h5'),
        out: join(tmp, 'cv', 'fine.kmz'),
        steps: [20, 5, 1],
      });
      expect(fine.levels[2].boxes).toBe(2);
      const f = unzipSync(readFileSync(fine.path));
      const pms =
        ((dec(f['kml_data/1by1/region_0.kml']).kml.Document.Folder as unknown as Any[])[0]
          .Placemark as unknown as Any[]) ?? [];
      let want = 0;
      for (let r = 30; r < 60; r++) for (let c = 0; c < 30; c++) if (mask[r * 160 + c]) want++;
      expect(pms.length).toBe(want);
      console.log(`[kmz-ts] levels ${JSON.stringify(fine.levels)} in ${fine.seconds.toFixed(2)} s`);
    });
  },
);

interface MintpyPm {
  color: string;
  coordinates: string;
  stats: string;
}
const mintpy = JSON.parse(readFileSync(join(__dirname, '__data__', 'kmz-timeseries-mintpy.json'), 'utf8')) as {
  ref: MintpyPm;
  '20by20': MintpyPm[];
  '5by5': MintpyPm[];
};

describeParity(
  'writeKmzTimeseries vs MintPy 1.5.1 save_kmz_timeseries placemarks (__data__/kmz-timeseries-mintpy.json)',
  () => {
    let files: Record<string, Uint8Array>;
    beforeAll(async () => {
      mkdirSync(join(tmp, 'cvm'), { recursive: true });
      const res = await writeKmzTimeseries({
        tsFile: fx('mintpy', 'timeseries.h5'),
        out: join(tmp, 'cvm', 'timeseries.kmz'),
      });
      files = unzipSync(readFileSync(res.path));
    });
    const ours = (name: string): { color: string; coordinates: string; stats: string }[] => {
      const doc = dec(files[name]).kml.Document;
      const folders = doc.Folder as unknown as Any[];
      const pms = folders.flatMap((f) => (f.Placemark as unknown as Any[] | undefined) ?? []);
      return pms.map((p) => ({
        color: String(p.Style.IconStyle.color),
        coordinates: String(p.Point.coordinates),
        stats: String(p.description).split('</font>')[0],
      }));
    };
    for (const level of ['20by20', '5by5'] as const) {
      it(`${level}: same placemarks in the same order — icon colour, coordinates and balloon numbers identical`, () => {
        const a = ours(`kml_data/${level}/region_0.kml`);
        const b = mintpy[level];
        let colour = 0;
        let coords = 0;
        let stats = 0;
        b.forEach((m, k) => {
          if (a[k].color !== m.color) colour++;
          if (a[k].coordinates !== m.coordinates) coords++;
          if (a[k].stats !== m.stats) stats++;
        });
        console.log(
          `[kmz-ts parity] ${level}: ${b.length} placemarks compared, mismatches colour ${colour}, coordinates ${coords}, balloon ${stats}`,
        );
        if (level === '20by20') expect(a.length).toBe(b.length);
        expect([colour, coords, stats]).toEqual([0, 0, 0]);
      });
    }
    it('reference point placemark identical', () => {
      const root = ours('timeseries_root.kml')[0];
      expect(root).toEqual({ ...mintpy.ref });
    });
  },
);

describe('writeKmzTimeseries input errors', () => {
  it('not a time series / not geocoded → error naming the file', async () => {
    const f = join(tmp, 'velocity.h5');
    await writeH5File(f, { FILE_TYPE: 'velocity', LENGTH: '2', WIDTH: '2' }, [
      { name: 'velocity', data: new Float32Array(4), shape: [2, 2] },
    ]);
    await expect(writeKmzTimeseries({ tsFile: f })).rejects.toThrow(`${f}: not a time-series file`);
  });
});
