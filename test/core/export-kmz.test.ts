/**
 * KMZ export: read the archive back (fflate), parse the KML (fast-xml-parser), decode the PNGs (fast-png),
 * check georeferencing, transparency and colours against the source and against MintPy's own velocity.kmz.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { getColormap, valueToRgba } from '../../src-core/common/colormap';
import { H5Reader, writeH5File } from '../../src-core/node/formats/h5';
import { autoLutAndVlim, writeKmz } from '../../src-core/node/export/kmz';
import { describeParity, fx } from '../helpers/fixtures';

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
const tmp = mkdtempSync(join(tmpdir(), 'kmz-test-'));

function hasGdal(): boolean {
  try {
    execFileSync('gdalinfo', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

interface Kmz {
  files: Record<string, Uint8Array>;
  kml: ReturnType<XMLParser['parse']>;
}
function readKmz(path: string): Kmz {
  const files = unzipSync(readFileSync(path));
  const kmlName = Object.keys(files).find((k) => k.endsWith('.kml'))!;
  return { files, kml: parser.parse(new TextDecoder().decode(files[kmlName])) };
}
function rgbaAt(png: ReturnType<typeof decode>, x: number, y: number): number[] {
  const o = (y * png.width + x) * png.channels;
  return Array.from(png.data.slice(o, o + 4));
}

describe('writeKmz (synthetic file)', () => {
  const L = 20;
  const W = 30;
  const file = join(tmp, 'velocity.h5');
  const v = new Float32Array(L * W);
  const mask = new Int8Array(L * W);
  beforeAll(async () => {
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        v[r * W + c] = 0.001 * (r - c) + 0.0001 * ((r * 7 + c * 3) % 11);
        mask[r * W + c] = (r + c) % 7 === 0 ? 0 : 1;
      }
    v[5 * W + 5] = NaN;
    const attrs = {
      FILE_TYPE: 'velocity',
      UNIT: 'm/year',
      LENGTH: String(L),
      WIDTH: String(W),
      X_FIRST: '10.0',
      Y_FIRST: '45.0',
      X_STEP: '0.01',
      Y_STEP: '-0.02',
      REF_Y: '3',
      REF_X: '4',
    };
    await writeH5File(file, attrs, [{ name: 'velocity', data: v, shape: [L, W] }]);
    await writeH5File(join(tmp, 'maskTempCoh.h5'), { ...attrs, FILE_TYPE: 'mask', UNIT: '1' }, [
      { name: 'mask', data: mask, shape: [L, W] },
    ]);
  });

  it('LatLonBox from X/Y_FIRST/STEP, masked and NaN pixels transparent, colours = jet(v·100) on [nanmin, nanmax]', async () => {
    const res = await writeKmz({ file, scale: 4 });
    expect(res.path).toBe(join(tmp, 'velocity.kmz'));
    expect(res.maskFile).toBe(join(tmp, 'maskTempCoh.h5'));
    const { files, kml } = readKmz(res.path);
    expect(Object.keys(files).sort()).toEqual(['velocity.kml', 'velocity.png', 'velocity_cbar.png']);
    const box = kml.kml.Document.GroundOverlay.LatLonBox;
    expect(Number(box.north)).toBe(45);
    expect(Number(box.south)).toBe(45 + -0.02 * L);
    expect(Number(box.west)).toBe(10);
    expect(Number(box.east)).toBe(10 + 0.01 * W);
    expect(kml.kml.Document.GroundOverlay.altitudeMode).toBe('clampToGround');
    expect(kml.kml.Document.GroundOverlay.Icon.href).toBe('velocity.png');
    expect(kml.kml.Document.ScreenOverlay.Icon.href).toBe('velocity_cbar.png');

    // expected limits from the data itself
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < v.length; i++)
      if (mask[i] && Number.isFinite(v[i])) {
        const d = Math.fround(v[i] * 100);
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    expect(res.vlim).toEqual([lo, hi]);
    expect(res.unit).toBe('cm/year');

    const png = decode(files['velocity.png']);
    expect([png.width, png.height, png.channels]).toEqual([W * 4, L * 4, 4]);
    const jet = getColormap('jet');
    let checked = 0;
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        if (r === 3 && c === 4) continue; // reference square
        const got = rgbaAt(png, c * 4 + 2, r * 4 + 2);
        const i = r * W + c;
        const want =
          mask[i] && Number.isFinite(v[i]) ? valueToRgba(jet, Math.fround(v[i] * 100), lo, hi) : [0, 0, 0, 0];
        expect(got).toEqual(want);
        checked++;
      }
    expect(checked).toBe(L * W - 1);
    expect(rgbaAt(png, 4 * 4 + 2, 3 * 4 + 2)).toEqual([0, 0, 0, 255]);

    const cbar = decode(files['velocity_cbar.png']);
    expect(cbar.height).toBeGreaterThan(250);
    // colour bar: top of the gradient is jet's last entry, bottom its first (x = 18 is inside the bar)
    const col: number[][] = [];
    for (let y = 0; y < cbar.height; y++) col.push(rgbaAt(cbar, 18, y));
    const opaque = col.filter((p) => p[3] === 255 && !(p[0] === 0 && p[1] === 0 && p[2] === 0));
    expect(opaque[0].slice(0, 3)).toEqual(Array.from(jet.lut.subarray(765, 768)));
    expect(opaque[opaque.length - 1].slice(0, 3)).toEqual(Array.from(jet.lut.subarray(0, 3)));
  });

  it('honours --vlim, cmap, mask=false and writes beside -o', async () => {
    const out = join(tmp, 'sub', 'v2.kmz');
    const res = await writeKmz({ file, out, vlim: [-1, 1], cmap: 'RdBu_r', mask: false, scale: 1 });
    const { files } = readKmz(out);
    expect(Object.keys(files).sort()).toEqual(['v2.kml', 'v2.png', 'v2_cbar.png']);
    expect(res.maskFile).toBeNull();
    const png = decode(files['v2.png']);
    const cm = getColormap('RdBu_r');
    // masked pixel (0,0) is now shown; NaN stays transparent
    expect(rgbaAt(png, 0, 0)).toEqual(valueToRgba(cm, Math.fround(v[0] * 100), -1, 1));
    expect(rgbaAt(png, 5, 5)[3]).toBe(0);
  });

  it('velocity file without a UNIT attribute is taken as m/year (MintPy default) → cm/year', async () => {
    const f = join(tmp, 'nounit', 'velocity.h5');
    mkdirSync(join(tmp, 'nounit'), { recursive: true });
    await writeH5File(
      f,
      { FILE_TYPE: 'velocity', LENGTH: '2', WIDTH: '2', X_FIRST: '0', Y_FIRST: '1', X_STEP: '0.1', Y_STEP: '-0.1' },
      [{ name: 'velocity', data: Float32Array.from([0.01, 0.02, -0.01, 0.005]), shape: [2, 2] }],
    );
    const res = await writeKmz({ file: f });
    expect(res.unit).toBe('cm/year');
    // 4 evenly spaced values (step 0.5 cm/yr) → MintPy's discrete LUT: limits widened by half a step
    expect(res.vlim[0]).toBeCloseTo(-1.25, 5);
    expect(res.vlim[1]).toBeCloseTo(2.25, 5);
  });

  it('a geometry height map keeps metres (MintPy scales m → cm only for velocity/time-series files)', async () => {
    const f = join(tmp, 'geo', 'geometryGeo.h5');
    mkdirSync(join(tmp, 'geo'), { recursive: true });
    const h = Float32Array.from({ length: 30 }, (_, i) => 50 + i * 3.7);
    await writeH5File(
      f,
      { FILE_TYPE: 'geometry', LENGTH: '5', WIDTH: '6', X_FIRST: '0', Y_FIRST: '1', X_STEP: '0.1', Y_STEP: '-0.1' },
      [{ name: 'height', data: h, shape: [5, 6], attrs: { UNIT: 'm' } }],
    );
    const res = await writeKmz({ file: f });
    expect(res.unit).toBe('m');
    expect(res.maskFile).toBeNull();
    expect(res.vlim).toEqual([50, Math.fround(50 + 29 * 3.7)]);
    expect(res.path).toBe(join(tmp, 'geo', 'geometryGeo.kmz'));
  });

  it('auto LUT: ≤ 20 evenly spaced values → discrete LUT, limits widened by half a step (MintPy rule)', () => {
    expect(autoLutAndVlim(Float32Array.from([0, 1, 2, 3, NaN]))).toEqual({ lut: 4, vlim: [-0.5, 3.5] });
    expect(autoLutAndVlim(Float32Array.from({ length: 100 }, (_, i) => i * 0.37))!.lut).toBe(256);
    expect(autoLutAndVlim(Float32Array.from([NaN]))).toBeNull();
  });

  it('bad input: a file that is not geocoded names the file', async () => {
    const radar = join(tmp, 'radar.h5');
    await writeH5File(radar, { FILE_TYPE: 'velocity', LENGTH: '2', WIDTH: '2' }, [
      { name: 'velocity', data: new Float32Array(4), shape: [2, 2] },
    ]);
    await expect(writeKmz({ file: radar })).rejects.toThrow(`${radar}: not geocoded`);
  });

  it('speed: 1000×1000 velocity (tiled) writes the overlay (time printed; speed is measured by npm run bench)', async () => {
    const N = 1000;
    const big = new Float32Array(N * N);
    for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) big[r * N + c] = v[(r % L) * W + (c % W)];
    const f = join(tmp, 'big', 'velocity.h5');
    mkdirSync(join(tmp, 'big'), { recursive: true });
    await writeH5File(
      f,
      {
        FILE_TYPE: 'velocity',
        UNIT: 'm/year',
        LENGTH: '1000',
        WIDTH: '1000',
        X_FIRST: '0',
        Y_FIRST: '1',
        X_STEP: '0.001',
        Y_STEP: '-0.001',
        REF_Y: '500',
        REF_X: '500',
      },
      [{ name: 'velocity', data: big, shape: [N, N] }],
    );
    const res = await writeKmz({ file: f });
    console.log(`[kmz speed] 1000×1000 writeKmz: ${res.seconds.toFixed(2)} s, PNG ${res.png.width}×${res.png.height}`);
    expect(res.entries.filter((e) => e.endsWith('.png'))).toHaveLength(2); // speed: npm run bench (google_earth step)
  });
});

describe('writeKmz, radar-coded input (placemarks) vs MintPy 1.5.1 save_kmz (__data__/kmz-radar-mintpy.json)', () => {
  interface Pm {
    name: string | null;
    color: string;
    scale: string;
    href: string;
    data: Record<string, string>;
    coordinates: string;
  }
  const exp = JSON.parse(readFileSync(join(__dirname, '__data__', 'kmz-radar-mintpy.json'), 'utf8')) as {
    attrs: Record<string, string>;
    velocity: string;
    latitude: string;
    longitude: string;
    step: number;
    placemarks: Pm[];
  };
  const f32 = (b64: string): Float32Array => {
    const b = Buffer.from(b64, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  it('same placemarks: reference star, one dot per 3 pixels, colours, ExtendedData and coordinates identical', async () => {
    const dir = join(tmp, 'radar');
    mkdirSync(dir, { recursive: true });
    const shape = [Number(exp.attrs.LENGTH), Number(exp.attrs.WIDTH)];
    await writeH5File(join(dir, 'velocity.h5'), exp.attrs, [{ name: 'velocity', data: f32(exp.velocity), shape }]);
    await writeH5File(join(dir, 'geometryRadar.h5'), { ...exp.attrs, FILE_TYPE: 'geometry' }, [
      { name: 'latitude', data: f32(exp.latitude), shape },
      { name: 'longitude', data: f32(exp.longitude), shape },
    ]);
    const res = await writeKmz({ file: join(dir, 'velocity.h5'), step: exp.step });
    const { files, kml } = readKmz(res.path);
    expect(Object.keys(files).sort()).toEqual(['shaded_dot.png', 'star.png', 'velocity.kml', 'velocity_cbar.png']);
    const doc = kml.kml.Document;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed XML
    type X = any;
    const toPm = (p: X): Pm => ({
      name: p.name ?? null,
      color: p.Style.IconStyle.color,
      scale: p.Style.IconStyle.scale,
      href: p.Style.IconStyle.Icon.href,
      data: Object.fromEntries((p.ExtendedData.Data as X[]).map((d: X) => [d['@_name'], d.value])),
      coordinates: p.Point.coordinates,
    });
    const ours = [toPm(doc.Placemark), ...(doc.Folder.Placemark as X[]).map(toPm)];
    expect(ours.length).toBe(exp.placemarks.length);
    let bad = 0;
    ours.forEach((p, k) => {
      if (JSON.stringify(p) !== JSON.stringify(exp.placemarks[k])) bad++;
    });
    console.log(`[kmz radar parity] ${ours.length} placemarks, ${bad} differ from MintPy`);
    expect(ours).toEqual(exp.placemarks);
  });
});

describeParity('writeKmz vs MintPy save_kmz (cv-tiny velocity.kmz)', () => {
  let ours: Kmz;
  let theirs: Kmz;
  let vel: Float32Array;
  let msk: Int8Array | Uint8Array;
  beforeAll(async () => {
    const res = await writeKmz({ file: fx('mintpy', 'velocity.h5'), out: join(tmp, 'cv', 'velocity.kmz') });
    ours = readKmz(res.path);
    theirs = readKmz(fx('mintpy', 'velocity.kmz'));
    const h = await H5Reader.open(fx('mintpy', 'velocity.h5'));
    vel = Float32Array.from(h.read('velocity'));
    h.close();
    const m = await H5Reader.open(fx('mintpy', 'maskTempCoh.h5'));
    msk = m.read('mask') as Int8Array;
    m.close();
  });

  it('same LatLonBox strings and ScreenOverlay as MintPy', () => {
    const a = ours.kml.kml.Document;
    const b = theirs.kml.kml.Document;
    expect(a.GroundOverlay.LatLonBox).toEqual(b.GroundOverlay.LatLonBox);
    expect(a.GroundOverlay.Icon).toEqual(b.GroundOverlay.Icon);
    expect(a.ScreenOverlay).toEqual(b.ScreenOverlay);
    expect(Object.keys(ours.files).sort()).toEqual(Object.keys(theirs.files).sort());
  });

  it("same transparent cells and colours (sampled at each cell of MintPy's 72 px/cell, half-cell-shifted PNG)", () => {
    const a = decode(ours.files['velocity.png']);
    const b = decode(theirs.files['velocity.png']);
    const L = 100;
    const W = 160;
    expect(b.width % W).toBe(0);
    const sb = b.width / W; // 72
    const sa = a.width / W;
    const jet = getColormap('jet');
    const index = new Map<string, number>();
    for (let i = 0; i < 256; i++) index.set(Array.from(jet.lut.subarray(3 * i, 3 * i + 3)).join(), i);
    let transparentMismatch = 0;
    let maxDi = 0;
    let colourChecked = 0;
    let transparent = 0;
    for (let r = 0; r < L; r++)
      for (let c = 0; c < W; c++) {
        // MintPy: cell (r, c) covers data coords [c−0.5, c+0.5] on axes [0, W] → sample at c + 0.25
        const pb = rgbaAt(b, Math.floor((c + 0.25) * sb), Math.floor((r + 0.25) * sb));
        const pa = rgbaAt(a, Math.floor((c + 0.5) * sa), Math.floor((r + 0.5) * sa));
        if ((pa[3] === 0) !== (pb[3] === 0)) transparentMismatch++;
        if (pa[3] === 0) {
          transparent++;
          expect(msk[r * W + c] === 0 || !Number.isFinite(vel[r * W + c])).toBe(true);
          continue;
        }
        if (r === 11 && c === 63) continue; // reference square (black in both)
        const ia = index.get(pa.slice(0, 3).join());
        const ib = index.get(pb.slice(0, 3).join());
        expect(ia).toBeDefined();
        expect(ib).toBeDefined();
        maxDi = Math.max(maxDi, Math.abs(ia! - ib!));
        colourChecked++;
      }
    console.log(
      `[kmz parity] ${transparent} transparent cells, mismatches ${transparentMismatch}; ${colourChecked} colours, max |Δ LUT index| = ${maxDi}`,
    );
    expect(transparent).toBeGreaterThan(0);
    expect(transparentMismatch).toBe(0);
    // README: "colour index difference 0"
    expect(maxDi).toBe(0);
    expect(rgbaAt(a, Math.floor(63.5 * sa), Math.floor(11.5 * sa))).toEqual([0, 0, 0, 255]);
    expect(rgbaAt(b, 63 * sb, 11 * sb).slice(0, 3)).toEqual([0, 0, 0]);
  });

  it('speed: the fixture velocity tiled to 1000×1000 (with its mask): the overlay is written (time printed)', async () => {
    const N = 1000;
    const big = new Float32Array(N * N);
    const bm = new Int8Array(N * N);
    for (let r = 0; r < N; r++)
      for (let c = 0; c < N; c++) {
        big[r * N + c] = vel[(r % 100) * 160 + (c % 160)];
        bm[r * N + c] = msk[(r % 100) * 160 + (c % 160)] ? 1 : 0;
      }
    const dir = join(tmp, 'cvbig');
    mkdirSync(dir, { recursive: true });
    const attrs = {
      FILE_TYPE: 'velocity',
      UNIT: 'm/year',
      LENGTH: '1000',
      WIDTH: '1000',
      X_FIRST: '-119.80125',
      Y_FIRST: '36.25125',
      X_STEP: '0.0025',
      Y_STEP: '-0.0025',
      REF_Y: '11',
      REF_X: '63',
    };
    await writeH5File(join(dir, 'velocity.h5'), attrs, [{ name: 'velocity', data: big, shape: [N, N] }]);
    await writeH5File(join(dir, 'maskTempCoh.h5'), { ...attrs, FILE_TYPE: 'mask' }, [
      { name: 'mask', data: bm, shape: [N, N] },
    ]);
    const res = await writeKmz({ file: join(dir, 'velocity.h5') });
    console.log(
      `[kmz speed] tiled cv-tiny 1000×1000: ${res.seconds.toFixed(2)} s (MintPy 1.5.1 save_kmz here: 6.1 s, 1.8 GB RSS), PNG ${res.png.width}×${res.png.height}`,
    );
    expect(res.entries.filter((e) => e.endsWith('.png'))).toHaveLength(2); // speed: npm run bench (google_earth step)
  });

  it.skipIf(!hasGdal())('gdalinfo reads our KMZ with the same corners', () => {
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', join(tmp, 'cv', 'velocity.kmz')], { encoding: 'utf8' }));
    const cc = info.cornerCoordinates;
    expect(cc.upperLeft[0]).toBeCloseTo(-119.80125, 9);
    expect(cc.upperLeft[1]).toBeCloseTo(36.25125, 9);
    expect(cc.lowerRight[0]).toBeCloseTo(-119.40125, 9);
    expect(cc.lowerRight[1]).toBeCloseTo(36.00125, 9);
  });
});
