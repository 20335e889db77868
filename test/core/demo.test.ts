import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  generateDemoStack,
  readDemoTruth,
  readTruthRaster,
  writeDemo,
  inEllipse,
  type DemoInfo,
  type DemoOptions,
} from '../../src-core/node/demo';
import { CancelledError, InputError } from '../../src-core/common/pipeline/types';
import { Template } from '../../src-core/node/config/template';
import { openAriaStack } from '../../src-core/node/formats/aria';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

let counter = 0;
async function gen(opts: DemoOptions = {}): Promise<DemoInfo> {
  return generateDemoStack(path.join(tmpRoot, `d${counter++}`), opts);
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}
function readI16(file: string): Int16Array {
  const b = fs.readFileSync(file);
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function sources(vrtText: string): string[] {
  return [...vrtText.matchAll(/<SourceFilename relativeToVRT="1">([^<]+)<\/SourceFilename>/g)].map((m) => m[1]);
}

function hdrField(text: string, key: string): string {
  const m = new RegExp(`^${key}\\s*=\\s*(.+)$`, 'm').exec(text);
  if (!m) throw new Error(`no ${key}`);
  return m[1].trim();
}

const SMALL: DemoOptions = { rows: 40, cols: 56, numDates: 9, neighbours: 2, unwrapErrorPairs: 2, seed: 7 };

describe('demo generator: determinism', () => {
  it('same seed → byte-identical files; different seed → different data', async () => {
    const a = await gen(SMALL);
    const b = await gen(SMALL);
    const c = await gen({ ...SMALL, seed: 8 });
    const fa = listFiles(a.outDir);
    expect(fa).toEqual(listFiles(b.outDir));
    expect(fa.length).toBeGreaterThan(50);
    for (const f of fa)
      expect(fs.readFileSync(path.join(b.outDir, f)).equals(fs.readFileSync(path.join(a.outDir, f))), f).toBe(true);
    // another seed: same layout, different phases, coherences, baselines and truth
    expect(listFiles(c.outDir)).toEqual(fa);
    let differing = 0;
    for (const f of fa.filter((x) => /^(unwrappedPhase|coherence)\/\d{8}_\d{8}$/.test(x)))
      if (!fs.readFileSync(path.join(c.outDir, f)).equals(fs.readFileSync(path.join(a.outDir, f)))) differing++;
    expect(differing).toBe(2 * a.pairs.length);
    expect(
      fs
        .readFileSync(path.join(c.outDir, 'truth/tropoDelay.f32'))
        .equals(fs.readFileSync(path.join(a.outDir, 'truth/tropoDelay.f32'))),
    ).toBe(false);
    expect(c.pairs.map((p) => p.bperp)).not.toEqual(a.pairs.map((p) => p.bperp));
  });
});

describe('demo generator: default stack (cv-tiny shape)', () => {
  let info: DemoInfo;
  beforeAll(async () => {
    info = await gen();
  });

  it('has the fixture network: 31 dates, nearest-3 + annual − one dropped = 87 pairs, 6 with an unwrap error', () => {
    expect(info.rows).toBe(100);
    expect(info.cols).toBe(160);
    expect(info.dates.length).toBe(31);
    expect(info.dates[0]).toBe('20180109');
    expect(info.dates[30]).toBe('20190104');
    expect(info.pairs.length).toBe(87);
    expect(info.pairs[3].name).toBe('20190104_20180109');
    expect(info.pairs.map((p) => p.name)).not.toContain('20180509_20180427');
    expect(info.unwrapErrorPairs.length).toBe(6);
    expect(info.lat0).toBe(36.25);
    expect(info.lon0).toBe(-119.8);
  });

  it('layout is complete: every VRT source exists, headers match the raw file sizes, bands carry the metadata', () => {
    const root = info.ariaDir;
    const stacks = {
      'stack/unwrapStack.vrt': ['unwrappedPhase', 4],
      'stack/cohStack.vrt': ['coherence', 4],
      'stack/connCompStack.vrt': ['connectedComponents', 2],
    } as const;
    for (const [stack, [layer, bytes]] of Object.entries(stacks)) {
      const text = fs.readFileSync(path.join(root, stack), 'utf8');
      const src = sources(text);
      expect(src.length).toBe(info.pairs.length);
      expect(src).toEqual(info.pairs.map((p) => `../${layer}/${p.name}.vrt`));
      const dates = [...text.matchAll(/<MDI key="Dates">([^<]+)<\/MDI>/g)].map((m) => m[1]);
      expect(dates).toEqual(info.pairs.map((p) => p.name));
      expect(text.split(`<Metadata domain='${layer}'>`).length - 1).toBe(info.pairs.length);
      const bperp = [...text.matchAll(/<MDI key="perpendicularBaseline">([^<]+)<\/MDI>/g)].map((m) => Number(m[1]));
      expect(bperp).toEqual(info.pairs.map((p) => p.bperp));
      for (const key of [
        'Wavelength (m)',
        'UTCTime (HH:MM:SS.ss)',
        'startRange',
        'endRange',
        'slantRangeSpacing',
        'orbitDirection',
      ])
        expect(text.split(`<MDI key="${key}">`).length - 1, key).toBe(info.pairs.length);
      for (const s of src) {
        const vrt = path.resolve(root, 'stack', s);
        expect(fs.existsSync(vrt), vrt).toBe(true);
        const inner = sources(fs.readFileSync(vrt, 'utf8'));
        expect(inner.length).toBe(1);
        const raw = path.join(path.dirname(vrt), inner[0]);
        const hdr = fs.readFileSync(`${raw}.hdr`, 'utf8');
        const n = Number(hdrField(hdr, 'samples')) * Number(hdrField(hdr, 'lines'));
        expect(n).toBe(info.rows * info.cols);
        expect(Number(hdrField(hdr, 'data type'))).toBe(bytes === 4 ? 4 : 2);
        expect(fs.statSync(raw).size).toBe(n * bytes);
      }
    }
    // geometry files named in the template exist with their headers
    const cfg = fs.readFileSync(info.templatePath, 'utf8');
    expect(cfg).toContain('mintpy.reference.lalo = auto');
    expect(cfg).toContain('mintpy.networkInversion.weightFunc = var');
    const tpl = Template.read(info.templatePath);
    for (const key of ['unwFile', 'corFile', 'connCompFile', 'demFile', 'waterMaskFile']) {
      const p = tpl.path_(`mintpy.load.${key}`);
      expect(p && fs.existsSync(p), key).toBe(true);
    }
    for (const [raw, hdr, bytes] of [
      ['DEM/SRTM_3arcsec.dem', 'DEM/SRTM_3arcsec.hdr', 4],
      ['mask/watermask.msk', 'mask/watermask.hdr', 1],
      [`incidenceAngle/${info.pairs[0].name}`, `incidenceAngle/${info.pairs[0].name}.hdr`, 4],
      [`azimuthAngle/${info.pairs[0].name}`, `azimuthAngle/${info.pairs[0].name}.hdr`, 4],
    ] as const) {
      const h = fs.readFileSync(path.join(root, hdr), 'utf8');
      expect(Number(hdrField(h, 'samples')) * Number(hdrField(h, 'lines')) * bytes).toBe(
        fs.statSync(path.join(root, raw)).size,
      );
      expect(sources(fs.readFileSync(path.join(root, `${raw}.vrt`), 'utf8'))).toEqual([path.basename(raw)]);
    }
  });

  it('values: coherence in [0, 1], water phase 0, connected component 2 exactly on the islands, no-data patch', () => {
    const root = info.ariaDir;
    const n = info.rows * info.cols;
    const water = readTruthRaster(root, 'water');
    const mask = new Uint8Array(fs.readFileSync(path.join(root, 'mask/watermask.msk')));
    let nWater = 0;
    for (let k = 0; k < n; k++) {
      expect(mask[k]).toBe(water[k] ? 0 : 1);
      nWater += water[k];
    }
    expect(nWater).toBeGreaterThan(50);
    const box = info.noDataArea!;
    let islandPixels = 0;
    for (const p of info.pairs) {
      const ph = readF32(path.join(root, 'unwrappedPhase', p.name));
      const coh = readF32(path.join(root, 'coherence', p.name));
      const cc = readI16(path.join(root, 'connectedComponents', p.name));
      for (let r = 0; r < info.rows; r++)
        for (let c = 0; c < info.cols; c++) {
          const k = r * info.cols + c;
          const nd = p.noData && r >= box.row0 && r < box.row1 && c >= box.col0 && c < box.col1;
          if (nd) {
            if (ph[k] !== 0 || coh[k] !== 0 || cc[k] !== -1) throw new Error(`${p.name} (${r},${c}) not no-data`);
            continue;
          }
          if (!(coh[k] > 0 && coh[k] <= 1)) throw new Error(`${p.name} coherence ${coh[k]}`);
          if (water[k]) {
            if (ph[k] !== 0 || cc[k] !== 0 || coh[k] > 0.12) throw new Error(`${p.name} water (${r},${c})`);
            continue;
          }
          if (ph[k] === 0) throw new Error(`${p.name} land phase 0 at (${r},${c})`);
          const onIsland = !!p.island && inEllipse(p.island, r, c);
          if ((cc[k] === 2) !== onIsland) throw new Error(`${p.name} (${r},${c}) cc=${cc[k]} island=${onIsland}`);
          if (onIsland) islandPixels++;
        }
    }
    expect(islandPixels).toBeGreaterThan(6 * 50);
    expect(info.pairs.filter((p) => p.noData).length).toBeGreaterThan(2);
  });

  it('phase of each pair = 4π/λ·(Δd − Δtropo) + offset (+2πk on the island) within the decorrelation noise', () => {
    const root = info.ariaDir;
    const n = info.rows * info.cols;
    const k4 = (4 * Math.PI) / info.wavelength;
    const S = info.dates.map((_, d) => {
      const disp = readTruthRaster(root, 'displacement', d);
      const tro = readTruthRaster(root, 'tropoDelay', d);
      return Float64Array.from(disp, (v, k) => k4 * (v - tro[k]));
    });
    for (const p of [info.pairs[0], info.pairs.find((q) => q.unwrapError)!, info.pairs[3]]) {
      const ph = readF32(path.join(root, 'unwrappedPhase', p.name));
      const cc = readI16(path.join(root, 'connectedComponents', p.name));
      let sum = 0;
      let sum2 = 0;
      let m = 0;
      for (let k = 0; k < n; k++) {
        if (cc[k] < 1) continue;
        const r = ph[k] - (S[p.j][k] - S[p.i][k] + p.offset + (cc[k] === 2 ? 2 * Math.PI * p.cycles : 0));
        sum += r;
        sum2 += r * r;
        m++;
      }
      const mean = sum / m;
      const std = Math.sqrt(sum2 / m - mean * mean);
      // noise σ = sqrt((1−γ²)/(2·12·γ²)) ≤ 1.2 rad; short pairs are coherent (σ ≈ 0.3)
      expect(Math.abs(mean), `${p.name} mean residual`).toBeLessThan(0.05);
      expect(std, `${p.name} residual std`).toBeLessThan(p.j - p.i === 1 ? 0.4 : 1.25);
      expect(std).toBeGreaterThan(0.05);
    }
    // the seasonal + secular displacement: first date 0, the bowl subsides at ≈ peakVelocity
    const d0 = readTruthRaster(root, 'displacement', 0);
    expect(Math.max(...d0.map(Math.abs))).toBe(0);
    const v = readTruthRaster(root, 'velocity');
    expect(Math.min(...v)).toBeGreaterThan(-0.27);
    expect(Math.min(...v)).toBeLessThan(-0.23);
  });

  it('truth.json round-trips and matches the returned info', () => {
    const t = readDemoTruth(info.outDir);
    expect(t.pairs).toEqual(info.pairs);
    expect(t.unwrapErrorPairs).toEqual(info.pairs.filter((p) => p.unwrapError).map((p) => p.name));
    expect(readTruthRaster(info.outDir, 'velocityLinearFit').length).toBe(info.rows * info.cols);
    expect(() => readTruthRaster(info.outDir, 'displacement', 31)).toThrow(/out of range/);
    expect(() => readDemoTruth(path.join(tmpRoot, 'nowhere'))).toThrow(/truth\.json: cannot read/);
  });

  it('the ARIA reader (src-core/node/formats/aria.ts) opens the stack with the same pairs, dates and pixels', async () => {
    const stack = await openAriaStack(Template.read(info.templatePath));
    expect(stack.length).toBe(info.rows);
    expect(stack.width).toBe(info.cols);
    expect(stack.dates).toEqual(info.dates);
    expect(stack.pairs.length).toBe(info.pairs.length);
    const byName = new Map(info.pairs.map((p) => [`${p.date1}_${p.date2}`, p]));
    for (const ap of stack.pairs) {
      const p = byName.get(ap.dates.join('_'))!;
      expect(p).toBeDefined();
      expect(ap.bperp).toBeCloseTo(-p.bperp, 9);
    }
    const ap = stack.pairs.find((q) => q.dates.join('_') === `${info.pairs[5].date1}_${info.pairs[5].date2}`)!;
    const rows = await stack.rasters.unw.readRows(ap.band, 0, info.rows);
    const raw = readF32(path.join(info.ariaDir, 'unwrappedPhase', info.pairs[5].name));
    expect(Array.from(rows as ArrayLike<number>)).toEqual(Array.from(raw));
  });
});

describe('demo generator: options', () => {
  it('noise-free stack: phase equals the truth exactly (float32)', async () => {
    const info = await gen({ ...SMALL, noise: false, seed: 3 });
    const n = info.rows * info.cols;
    const k4 = (4 * Math.PI) / info.wavelength;
    const water = readTruthRaster(info.outDir, 'water');
    let checked = 0;
    for (const p of info.pairs) {
      const ph = readF32(path.join(info.ariaDir, 'unwrappedPhase', p.name));
      const cc = readI16(path.join(info.ariaDir, 'connectedComponents', p.name));
      const di = readTruthRaster(info.outDir, 'displacement', p.i);
      const dj = readTruthRaster(info.outDir, 'displacement', p.j);
      const ti = readTruthRaster(info.outDir, 'tropoDelay', p.i);
      const tj = readTruthRaster(info.outDir, 'tropoDelay', p.j);
      for (let k = 0; k < n; k++) {
        if (water[k] || cc[k] < 0) continue;
        const want = Math.fround(
          k4 * (dj[k] - tj[k]) - k4 * (di[k] - ti[k]) + p.offset + (cc[k] === 2 ? 2 * Math.PI * p.cycles : 0),
        );
        if (ph[k] !== want) throw new Error(`${p.name} pixel ${k}: ${ph[k]} ≠ ${want}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(info.pairs.length * n * 0.9);
  });

  it('numPairs and neighbours shape the network; writeDemo returns the template and the ARIA dir', async () => {
    const { templatePath, ariaDir, info } = await writeDemo(path.join(tmpRoot, 'w'), {
      ...SMALL,
      numDates: 31,
      numPairs: 150,
      name: 'Bench',
    });
    expect(info.pairs.length).toBe(150);
    expect(templatePath).toBe(path.join(ariaDir, 'mintpy', 'Bench.cfg'));
    const spans = info.pairs.map((p) => p.j - p.i);
    expect(Math.max(...spans.filter((s) => s < 30))).toBe(6);
    const a = await gen({ ...SMALL, neighbours: 1, annualPair: false, unwrapErrorPairs: 0 });
    expect(a.pairs.length).toBe(8);
    expect(a.unwrapErrorPairs).toEqual([]);
  });

  it('rejects bad options with an InputError naming the option', async () => {
    await expect(gen({ rows: 0 })).rejects.toThrow(InputError);
    await expect(gen({ rows: 0 })).rejects.toThrow(/rows/);
    await expect(gen({ startDate: '20181341' })).rejects.toThrow(/startDate/);
    await expect(gen({ numDates: 10, numPairs: 5 })).rejects.toThrow(/numPairs/);
    await expect(gen({ colz: 5 } as DemoOptions)).rejects.toThrow(/unknown option "colz"/);
  });

  it('refuses a non-empty folder that is not a demo; regenerating a demo removes the old network files', async () => {
    const foreign = path.join(tmpRoot, 'foreign');
    fs.mkdirSync(path.join(foreign, 'stack'), { recursive: true });
    fs.writeFileSync(path.join(foreign, 'stack', 'unwrapStack.vrt'), 'a real stack');
    await expect(generateDemoStack(foreign, SMALL)).rejects.toThrow(/foreign: the folder is not empty/);
    expect(fs.readFileSync(path.join(foreign, 'stack', 'unwrapStack.vrt'), 'utf8')).toBe('a real stack');

    const dir = path.join(tmpRoot, 'regen');
    const a = await generateDemoStack(dir, { ...SMALL, neighbours: 3 });
    const b = await generateDemoStack(dir, { ...SMALL, neighbours: 1, startDate: '20190101' });
    expect(b.pairs.length).toBeLessThan(a.pairs.length);
    for (const layer of ['unwrappedPhase', 'coherence', 'connectedComponents'])
      expect(fs.readdirSync(path.join(dir, layer)).sort()).toEqual(
        b.pairs.flatMap((p) => [p.name, `${p.name}.aux.xml`, `${p.name}.hdr`, `${p.name}.vrt`]).sort(),
      );
    expect(fs.readdirSync(path.join(dir, 'incidenceAngle')).filter((f) => f.endsWith('.vrt'))).toEqual([
      `${b.pairs[0].name}.vrt`,
    ]);
  });

  it('stops with CancelledError when the signal aborts', async () => {
    const ac = new AbortController();
    const run = gen({ ...SMALL, onProgress: (done) => done === 3 && ac.abort(), signal: ac.signal });
    await expect(run).rejects.toThrow(CancelledError);
  });

  it('a 300 × 300 × 60-pair stack is written in bounded memory, with progress', async () => {
    const ticks: number[] = [];
    let peak = 0;
    const base = process.memoryUsage().arrayBuffers;
    const t0 = Date.now();
    const info = await gen({
      rows: 300,
      cols: 300,
      numPairs: 60,
      onProgress: (done, total) => {
        ticks.push(done / total);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      },
    });
    const secs = (Date.now() - t0) / 1000;
    expect(info.pairs.length).toBe(60);
    expect(ticks[ticks.length - 1]).toBe(1);
    for (let k = 1; k < ticks.length; k++) expect(ticks[k]).toBeGreaterThan(ticks[k - 1]);
    // pair rasters alone are 60 × 90 000 px × 10 B = 54 MB, plus 2 × 31 dates of float32 truth = 22 MB
    expect(info.bytesWritten).toBeGreaterThan(75e6);
    expect(peak, `peak ArrayBuffer growth ${(peak / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s`).toBeLessThan(48e6);
  });
});
