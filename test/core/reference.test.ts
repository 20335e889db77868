import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ReferenceSelectionError,
  chooseReferencePoint,
  latLonToYX,
  referenceAttrs,
  referenceCandidates,
  validateReferencePoint,
  type ReferenceMaps,
} from '../../src-core/node/reference/referencePoint';
import { readReferencePoint, writeReferencePoint } from '../../src-core/node/reference/referenceStore';
import type { GeoGrid } from '../../src-core/node/formats/mintpyFiles';

// 3 rows × 4 cols
const GRID: GeoGrid = { length: 3, width: 4, xFirst: -119.80125, yFirst: 36.25125, xStep: 0.0025, yStep: -0.0025 };
const maps = (over: Partial<ReferenceMaps> = {}): ReferenceMaps => ({
  length: 3,
  width: 4,
  validity: [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
  mask: [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1],
  maskName: 'maskConnComp.h5',
  waterMask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
  grid: GRID,
  ...over,
});

describe('validateReferencePoint', () => {
  it('accepts a valid pixel', () => {
    expect(validateReferencePoint(0, 0, maps())).toEqual({ ok: true, y: 0, x: 0 });
  });
  it('names the rule that failed', () => {
    const out = validateReferencePoint(3, 0, maps());
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.rule).toBe('outside');
      expect(out.reason).toMatch(/is outside the grid \(3 rows × 4 cols\)/);
    }
    const neg = validateReferencePoint(0, -1, maps());
    expect(!neg.ok && neg.rule).toBe('outside');
    const masked = validateReferencePoint(1, 2, maps());
    expect(!masked.ok && masked.reason).toMatch(
      /\(36\.24750, -119\.79500\) \[row 1, col 2\] is masked by maskConnComp\.h5/,
    );
    const water = validateReferencePoint(2, 3, maps());
    expect(!water.ok && water.rule).toBe('water');
    expect(!water.ok && water.reason).toMatch(/is in the water/);
    const nodata = validateReferencePoint(1, 1, maps());
    expect(!nodata.ok && nodata.rule).toBe('noData');
    expect(!nodata.ok && nodata.reason).toMatch(/has no valid data/);
    // radar grid: row/col only
    const r = validateReferencePoint(1, 1, maps({ grid: null }));
    expect(!r.ok && r.reason).toMatch(/^reference point \(row 1, col 1\) has no valid data/);
  });
  it('without mask files only the grid and the data decide', () => {
    expect(validateReferencePoint(1, 2, maps({ mask: null })).ok).toBe(true);
    expect(validateReferencePoint(2, 3, maps({ waterMask: null })).ok).toBe(true);
  });
});

describe('automatic reference point', () => {
  const validity = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1];
  it('candidates: valid data and avgSpatialCoh ≥ min (float32 compare)', () => {
    const coh = Float32Array.from([0.85, 0.84, 0.9, 0.2, 0.5, 0.99, 0.9, 0.1, 0.3, 0.3, 0.3, NaN]);
    expect(Array.from(referenceCandidates(validity, coh, 0.85))).toEqual([1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });
  it('picks the highest coherence; ties → smallest row, then col; invalid pixels never', () => {
    const coh = Float32Array.from([0.85, 0.84, 0.9, 0.2, 0.5, 0.99, 0.9, 0.1, 0.3, 0.3, 0.3, 0.3]);
    const r = chooseReferencePoint(validity, coh, 4, 0.85);
    expect([r.y, r.x, r.numCandidates]).toEqual([0, 2, 3]); // (1,1)=0.99 has no valid data; (0,2) and (1,2) tie at 0.9
    expect(r.coherence).toBe(Math.fround(0.9));
  });
  it('no candidate → an error saying what to change', () => {
    expect(() => chooseReferencePoint(validity, new Float32Array(12).fill(0.5), 4, 0.85)).toThrow(
      ReferenceSelectionError,
    );
    expect(() => chooseReferencePoint(validity, new Float32Array(12).fill(0.5), 4, 0.85)).toThrow(
      /mintpy\.reference\.minCoherence/,
    );
  });
});

describe('reference attributes and storage', () => {
  it('REF_LAT/REF_LON at the pixel centre, written like Python floats', () => {
    expect(referenceAttrs(11, 63, { ...GRID, length: 100, width: 160 })).toEqual({
      REF_Y: '11',
      REF_X: '63',
      REF_LAT: '36.2225',
      REF_LON: '-119.6425',
    });
    expect(referenceAttrs(1, 2, null)).toEqual({ REF_Y: '1', REF_X: '2' });
  });
  it('lat/lon → row/col with MintPy’s rounding', () => {
    expect(latLonToYX(GRID, 36.2225, -119.6425)).toEqual({ y: 11, x: 63 });
  });
  it('referencePoint.json round trip; missing → null; corrupt → error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'refpt-'));
    expect(readReferencePoint(dir)).toBeNull();
    writeReferencePoint(dir, { REF_Y: 4, REF_X: 7, REF_LAT: 36.1, REF_LON: -119.5, method: 'maxCoherence' });
    expect(readReferencePoint(dir)).toMatchObject({ REF_Y: 4, REF_X: 7, method: 'maxCoherence' });
    writeFileSync(join(dir, 'referencePoint.json'), '{"REF_Y": "a"}');
    expect(() => readReferencePoint(dir)).toThrow(/referencePoint\.json: REF_Y\/REF_X/);
  });
});
