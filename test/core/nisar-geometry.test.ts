import { describe, expect, it } from 'vitest';
import {
  ARIA_DESCENDING_HEADING,
  azimuthFromAria,
  azimuthFromHeading,
  enuToLos,
  haversineKm,
  losSigma,
  losUnitVector,
  normLon,
} from '../../src-core/common/nisar/geometry';
import { SeededRandom, sampleWithoutReplacement } from '../../src-core/common/nisar/prng';

describe('nisar LOS geometry', () => {
  it('û = (−sinθ·sinα, sinθ·cosα, cosθ): Sentinel-1 ascending θ = 38.2875°, α = 101.85° (cv-tiny mean)', () => {
    const u = losUnitVector(38.2875, 101.85);
    const st = Math.sin((38.2875 * Math.PI) / 180);
    expect(u[0]).toBeCloseTo(-st * Math.sin((101.85 * Math.PI) / 180), 15);
    expect(u[0]).toBeCloseTo(-0.6064, 4); // ascending looks east: eastward motion → away (negative)
    expect(u[1]).toBeCloseTo(-0.12724, 4);
    expect(u[2]).toBeCloseTo(0.78491, 4);
    expect(Math.hypot(...u)).toBeCloseTo(1, 15);
    // uplift of 10 mm shows as +7.85 mm LOS (toward the satellite)
    expect(enuToLos(u, 0, 0, 10)).toBeCloseTo(7.8491, 3);
  });

  it('vertical look θ = 0 sees only up; θ = 90°, α = 90° points west', () => {
    expect(losUnitVector(0, 37)).toEqual([-0, 0, 1]);
    const u = losUnitVector(90, 90);
    expect(u[0]).toBeCloseTo(-1, 15);
    expect(u[1]).toBeCloseTo(0, 15);
    expect(u[2]).toBeCloseTo(0, 15);
  });

  it('heading → azimuth: S1 asc −12° → +102°, ARIA desc −168° → −102°; NISAR left-looking −78° asc / +78° desc', () => {
    expect(azimuthFromHeading(-12)).toBe(102);
    expect(azimuthFromHeading(ARIA_DESCENDING_HEADING)).toBe(-102);
    expect(azimuthFromHeading(-12, 'left')).toBe(-78);
    expect(azimuthFromHeading(-168, 'left')).toBe(78);
    expect(azimuthFromHeading(190)).toBe(-100);
  });

  it('ARIA azimuthAngle (from east) → MintPy (from north): minus 90°, wrapped', () => {
    expect(azimuthFromAria(192)).toBe(102);
    expect(azimuthFromAria(-12)).toBe(-102);
    expect(azimuthFromAria(-100)).toBe(170);
  });

  it('σ_los = √Σ(û_k σ_k)²', () => {
    const u = losUnitVector(40, -102);
    expect(losSigma(u, 1, 2, 3)).toBeCloseTo(Math.sqrt(u[0] ** 2 + 4 * u[1] ** 2 + 9 * u[2] ** 2), 15);
  });

  it('haversine with R = 6378 km: 1° of latitude = 111.317 km; 1° of longitude at 60°N ≈ half', () => {
    expect(haversineKm(36, -120, 37, -120)).toBeCloseTo((6378 * Math.PI) / 180, 9);
    expect(haversineKm(60, 10, 60, 11)).toBeCloseTo(55.65, 1);
    expect(haversineKm(36.2, -119.8, 36.2, -119.8)).toBe(0);
    expect(normLon(240.5)).toBe(-119.5);
    expect(normLon(-180)).toBe(180);
  });
});

describe('nisar seeded sampling', () => {
  it('same seed → same draws; different seed → different draws; all distinct and in range', () => {
    const a = sampleWithoutReplacement(100000, 5000, new SeededRandom(1));
    const b = sampleWithoutReplacement(100000, 5000, new SeededRandom(1));
    const c = sampleWithoutReplacement(100000, 5000, new SeededRandom(2));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(new Set(a).size).toBe(5000);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(100000);
  });

  it('k ≥ n returns a permutation of all n; the sparse path (n > 2^24) gives distinct draws too', () => {
    const p = sampleWithoutReplacement(50, 80, new SeededRandom(3));
    expect(p.length).toBe(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const s = sampleWithoutReplacement(40_000_000, 3000, new SeededRandom(4));
    expect(new Set(s).size).toBe(3000);
    expect(Math.max(...s)).toBeLessThan(40_000_000);
  });

  it('uniform: the mean of 200k uniform draws is 0.5 ± 0.003 and int(10) hits every value ≈ 10%', () => {
    const r = new SeededRandom(7);
    let s = 0;
    for (let i = 0; i < 200000; i++) s += r.next();
    expect(Math.abs(s / 200000 - 0.5)).toBeLessThan(0.003);
    const h = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) h[r.int(10)]++;
    for (const c of h) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });
});
