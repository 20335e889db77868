import { describe, expect, it } from 'vitest';
import type { GeoGrid } from '../../src-core/node/formats/mintpyFiles';
import { rowColToLatLon } from '../../src-core/node/formats/mintpyFiles';
import {
  fitPlane,
  flattenValid,
  KM_PER_DEGREE,
  localKmAxes,
  parsePolygon,
  pointInPolygon,
  polygonMask,
  samplePairs,
} from '../../src-core/node/nisar/method2';
import { SeededRandom } from '../../src-core/common/nisar/prng';
import { empiricalVariogram, exponentialModel, fitExponentialVariogram } from '../../src-core/common/nisar/variogram';

const grid: GeoGrid = { length: 100, width: 160, xFirst: -119.80125, yFirst: 36.25125, xStep: 0.0025, yStep: -0.0025 };

describe('nisar Method 2: local km grid and stable area', () => {
  it("local km as the notebook's load_geo: origin at (L − ⌊L/2⌋ − 1, W − ⌊W/2⌋ − 1), 111.195 km/°, cos φ₀", () => {
    const { x, y } = localKmAxes(grid);
    expect(x.length).toBe(160);
    expect(y.length).toBe(100);
    expect(x[79]).toBeCloseTo(0, 12);
    expect(y[49]).toBeCloseTo(0, 12);
    const phi0 = 36.25125 - 0.0025 * 49;
    const dx = Math.cos((phi0 * Math.PI) / 180) * 0.0025 * KM_PER_DEGREE;
    expect(x[80] - x[79]).toBeCloseTo(dx, 12);
    expect(x[0]).toBeCloseTo(-79 * dx, 12);
    expect(x[159]).toBeCloseTo(80 * dx, 12);
    expect(y[0]).toBeCloseTo(49 * 0.0025 * KM_PER_DEGREE, 12); // north positive
    expect(y[99]).toBeCloseTo(-50 * 0.0025 * KM_PER_DEGREE, 12);
  });

  it('polygon "lat,lon;…" and point-in-polygon on pixel centres', () => {
    // vertices on pixel edges (rows 20–60, cols 1–41): no centre on the boundary
    const poly = parsePolygon('36.20125,-119.79875; 36.20125,-119.69875;36.10125,-119.69875;36.10125,-119.79875');
    expect(poly.length).toBe(4);
    expect(pointInPolygon(36.15, -119.75, poly)).toBe(true);
    expect(pointInPolygon(36.25, -119.75, poly)).toBe(false);
    const m = polygonMask(grid, poly);
    let n = 0;
    for (let p = 0; p < m.length; p++) {
      if (!m[p]) continue;
      n++;
      const [lat, lon] = rowColToLatLon(grid, Math.floor(p / 160), p % 160);
      expect(lat > 36.10125 && lat < 36.20125 && lon > -119.79875 && lon < -119.69875).toBe(true);
    }
    expect(n).toBe(40 * 40); // 0.1° / 0.0025° on each side
    expect(() => parsePolygon('36,-119;37,-119')).toThrow(/at least 3 vertices/);
    expect(() => parsePolygon('36,-119;37;38,-118')).toThrow(/"37" is not LAT,LON/);
  });

  it('plane fit recovers a·x + b·y + c', () => {
    const rng = new SeededRandom(3);
    const x = Float64Array.from({ length: 5000 }, () => 40 * rng.next());
    const y = Float64Array.from({ length: 5000 }, () => 30 * rng.next());
    const v = Float64Array.from(x, (xi, i) => 0.3 * xi - 0.12 * y[i] + 4);
    const [a, b, c] = fitPlane(x, y, v);
    expect(a).toBeCloseTo(0.3, 12);
    expect(b).toBeCloseTo(-0.12, 12);
    expect(c).toBeCloseTo(4, 10);
  });
});

describe('nisar Method 2 sampler', () => {
  const data = Float32Array.from({ length: 16000 }, (_, p) => ((p * 7919) % 1000) / 100);
  for (let p = 0; p < 16000; p += 7) data[p] = NaN; // masked pixels are never drawn

  it('disjoint consecutive pairs, Euclidean km distances, Δv of the pair, odd count drops the last', () => {
    const pts = flattenValid(data, grid);
    expect(pts.v.length).toBe(16000 - Math.ceil(16000 / 7));
    const s = samplePairs(pts, { numSamples: 5001, seed: 1 });
    expect(s.drawn).toBe(5001);
    expect(s.pairs.value.length).toBe(2500);
    const used = new Set<number>();
    const { x, y } = localKmAxes(grid);
    for (let k = 0; k < 2500; k++) {
      const p = s.pairs.i[k];
      const q = s.pairs.j[k];
      used.add(p);
      used.add(q);
      expect(Number.isNaN(data[p]) || Number.isNaN(data[q])).toBe(false);
      expect(s.pairs.distanceKm[k]).toBeCloseTo(
        Math.hypot(x[p % 160] - x[q % 160], y[Math.floor(p / 160)] - y[Math.floor(q / 160)]),
        12,
      );
      expect(s.pairs.value[k]).toBe(data[p] - data[q]);
    }
    expect(used.size).toBe(5000); // no pixel in two pairs
  });

  it('deterministic for a seed; another seed draws other pairs; all pixels when fewer than requested', () => {
    const pts = flattenValid(data, grid);
    const a = samplePairs(pts, { numSamples: 2000, seed: 1 });
    const b = samplePairs(pts, { numSamples: 2000, seed: 1 });
    const c = samplePairs(pts, { numSamples: 2000, seed: 9 });
    expect(Array.from(a.pairs.i)).toEqual(Array.from(b.pairs.i));
    expect(Array.from(a.pairs.distanceKm)).toEqual(Array.from(b.pairs.distanceKm));
    expect(Array.from(a.pairs.i)).not.toEqual(Array.from(c.pairs.i));
    const all = samplePairs(pts, {});
    expect(all.drawn).toBe(pts.v.length);
    expect(all.pairs.value.length).toBe(Math.floor(pts.v.length / 2));
  });

  it('optional plane removal (off by default) takes a ramp out of Δv', () => {
    const { x, y } = localKmAxes(grid);
    const ramp = Float32Array.from({ length: 16000 }, (_, p) => 0.5 * x[p % 160] + 0.2 * y[Math.floor(p / 160)] + 1);
    const pts = flattenValid(ramp, grid);
    const raw = samplePairs(pts, { numSamples: 4000 });
    const der = samplePairs(pts, { numSamples: 4000, deramp: true });
    expect(raw.plane).toBeNull();
    expect(der.plane![0]).toBeCloseTo(0.5, 5);
    expect(der.plane![1]).toBeCloseTo(0.2, 5);
    expect(Math.max(...Array.from(raw.pairs.value, Math.abs))).toBeGreaterThan(5);
    expect(Math.max(...Array.from(der.pairs.value, Math.abs))).toBeLessThan(1e-4);
  });
});

describe('nisar semivariogram', () => {
  it('fit recovers sill and range from exact model values', () => {
    const lag = Float64Array.from({ length: 20 }, (_, k) => 0.5 + k);
    const gamma = Float64Array.from(lag, (h) => exponentialModel(h, { sill: 3.2, range: 4.5 }));
    const f = fitExponentialVariogram(lag, gamma);
    expect(f.sill).toBeCloseTo(3.2, 6);
    expect(f.range).toBeCloseTo(4.5, 5);
    expect(f.rms).toBeLessThan(1e-8);
  });

  it('empirical variogram of exponential-covariance fields (sill 4 (mm/yr)², range 3 km) fits back within 10%', () => {
    // 24 × 24 points every 0.5 km; z = L·n with C(h) = 4·exp(−h/3) (Cholesky)
    const n = 24;
    const N = n * n;
    const px = Float64Array.from({ length: N }, (_, i) => 0.5 * (i % n));
    const py = Float64Array.from({ length: N }, (_, i) => 0.5 * Math.floor(i / n));
    const C = new Float64Array(N * N);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) C[i * N + j] = 4 * Math.exp(-Math.hypot(px[i] - px[j], py[i] - py[j]) / 3);
    for (let j = 0; j < N; j++) {
      let d = C[j * N + j];
      for (let k = 0; k < j; k++) d -= C[j * N + k] ** 2;
      const ljj = Math.sqrt(d);
      C[j * N + j] = ljj;
      for (let i = j + 1; i < N; i++) {
        let s = C[i * N + j];
        for (let k = 0; k < j; k++) s -= C[i * N + k] * C[j * N + k];
        C[i * N + j] = s / ljj;
      }
    }
    const rng = new SeededRandom(21);
    const R = 40;
    const nb = 16;
    const gsum = new Float64Array(nb);
    const lsum = new Float64Array(nb);
    const e = new Float64Array(N);
    const z = new Float64Array(N);
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < N; i++) e[i] = rng.normal();
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let k = 0; k <= i; k++) s += C[i * N + k] * e[k];
        z[i] = s;
      }
      const v = empiricalVariogram(px, py, z, { nBins: nb, range: [0, 8] });
      for (let k = 0; k < nb; k++) {
        gsum[k] += v.gamma[k] / R;
        lsum[k] += v.lag[k] / R;
      }
    }
    const f = fitExponentialVariogram(lsum, gsum);
    expect(Math.abs(f.sill / 4 - 1)).toBeLessThan(0.1);
    expect(Math.abs(f.range / 3 - 1)).toBeLessThan(0.1);
  });

  it('all pairs of a subset: white noise gives γ ≈ σ² at every lag', () => {
    const rng = new SeededRandom(8);
    const x = Float64Array.from({ length: 20000 }, () => 30 * rng.next());
    const y = Float64Array.from({ length: 20000 }, () => 30 * rng.next());
    const z = Float64Array.from({ length: 20000 }, () => 1.5 * rng.normal());
    const v = empiricalVariogram(x, y, z, { maxPoints: 1500, nBins: 10 });
    expect(v.points).toBe(1500);
    expect(v.count.reduce((a, b) => a + b, 0)).toBe((1500 * 1499) / 2);
    for (let k = 0; k < 8; k++) expect(Math.abs(v.gamma[k] / 2.25 - 1)).toBeLessThan(0.1);
  });
});

describe('nisar Method 2 end to end on white noise', () => {
  // erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)
  const erf = (x: number) => {
    const t = 1 / (1 + 0.3275911 * x);
    return (
      1 -
      ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
    );
  };

  it('σ = 1.2 mm/yr per pixel: pooled fraction → erf(1/σ) = 76.2% (meets the requirement); σ = 1.6 → 62.3% (misses it, as expected); sill ≈ σ²', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeH5File } = await import('../../src-core/node/formats/h5');
    const { validateSecular } = await import('../../src-core/node/nisar/validate');
    const dir = mkdtempSync(join(tmpdir(), 'nisar-m2-'));
    const L = 300;
    const W = 400;
    for (const [sigma, pass] of [
      [1.2, true],
      [1.6, false],
    ] as const) {
      const rng = new SeededRandom(sigma * 10);
      const v = Float32Array.from({ length: L * W }, () => (sigma / 1000) * rng.normal());
      v[5] = 0; // exact zero → NaN
      const f = join(dir, `v${sigma}.h5`);
      const attrs = {
        FILE_TYPE: 'velocity',
        LENGTH: String(L),
        WIDTH: String(W),
        X_FIRST: '-116',
        Y_FIRST: '35.2',
        X_STEP: '0.001',
        Y_STEP: '-0.001',
        START_DATE: '20190101',
        END_DATE: '20200101',
      };
      await writeH5File(f, attrs, [{ name: 'velocity', data: v, shape: [L, W], attrs: { UNIT: 'm/year' } }]);
      const r = await validateSecular({ method: 'method2', velocityFile: f, maskFile: null });
      expect(r.sampling!.available).toBe(L * W - 1);
      const expected = erf(2 / (2 * sigma)); // |v_p − v_q| ~ |N(0, 2σ²)|, P(< 2) = erf(2 / (2σ))
      expect(Math.abs(r.table.total.fraction - expected)).toBeLessThan(0.006);
      expect(r.table.verdicts.pooled.pass).toBe(pass);
      // every bin sees the same noise: the ATBD readings agree
      expect(r.table.verdicts.allBins.pass).toBe(pass);
      expect(r.table.verdicts.meanOfBins.pass).toBe(pass);
      expect(Math.abs(r.variogram!.fit.sill / (sigma * sigma) - 1)).toBeLessThan(0.1);
    }
  });
});

describe('nisar Method 2 profile sampling', () => {
  it('on an east–west ramp the line fit gives the ramp difference between the ends; lengths in (0.1, 50) km', async () => {
    const { profilePairs } = await import('../../src-core/node/nisar/method2');
    const { haversineKm } = await import('../../src-core/common/nisar/geometry');
    const g: GeoGrid = { length: 200, width: 300, xFirst: -116, yFirst: 35.4, xStep: 0.002, yStep: -0.002 };
    const { x } = localKmAxes(g);
    const data = Float32Array.from({ length: 200 * 300 }, (_, p) => 0.8 * x[p % 300] + 3);
    for (let p = 0; p < data.length; p += 11) data[p] = NaN; // gaps inside the transects are skipped
    const pp = profilePairs(data, g, null, { numProfiles: 300, seed: 4 });
    expect(pp.drawn).toBe(600);
    expect(pp.value.length).toBeGreaterThan(250); // the grid's diagonal is ~35 km: nearly all lengths are valid
    for (let k = 0; k < pp.value.length; k++) {
      const p = pp.i[k];
      const q = pp.j[k];
      const want = 0.8 * (x[q % 300] - x[p % 300]);
      expect(Math.abs(pp.value[k] - want)).toBeLessThan(0.02 * Math.abs(want) + 0.1); // nearest-pixel sampling of short profiles
      const [la0, lo0] = rowColToLatLon(g, Math.floor(p / 300), p % 300);
      const [la1, lo1] = rowColToLatLon(g, Math.floor(q / 300), q % 300);
      const h = haversineKm(la0, lo0, la1, lo1);
      expect(h > 0.1 && h < 50).toBe(true);
      expect(Math.abs(pp.distanceKm[k] / h - 1)).toBeLessThan(0.02);
    }
    // same seed, same profiles
    expect(Array.from(profilePairs(data, g, null, { numProfiles: 300, seed: 4 }).value)).toEqual(Array.from(pp.value));
  });
});
