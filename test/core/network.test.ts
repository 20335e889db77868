import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { numpyArgsort } from '../../src-core/common/network/numpyArgsort';
import { minimumSpanningTree } from '../../src-core/common/network/mst';
import {
  DEFAULT_RULES,
  NetworkRuleError,
  parseExcludeIfgIndex,
  selectNetwork,
  sequentialPairs,
  type NetworkRules,
} from '../../src-core/common/network/pairSelection';
import { SpatialAverager } from '../../src-core/common/network/spatialAverage';
import {
  formatCoherenceSpatialAvg,
  parseCoherenceSpatialAvg,
  pyFixed,
} from '../../src-core/node/network/coherenceSpatialAvgTxt';
import {
  coherenceMatrix,
  formatDate12List,
  networkConnectivity,
  perpBaselineTimeseries,
} from '../../src-core/common/network/networkGraph';
import { readKeptPairs, readNetworkSelection, writeNetworkSelection } from '../../src-core/node/network/selectionStore';
import type { IfgramStack } from '../../src-core/node/formats/mintpyFiles';

// A small synthetic network: 5 dates 12 days apart, all 1- and 2-hop pairs plus one 3-hop pair.
const D = ['20200101', '20200113', '20200125', '20200206', '20200218'];
const PAIRS: [number, number][] = [
  [0, 1],
  [0, 2],
  [0, 3],
  [1, 2],
  [1, 3],
  [2, 3],
  [2, 4],
  [3, 4],
];
const DATE12 = PAIRS.map(([a, b]) => `${D[a]}_${D[b]}`);
const BPERP = Float32Array.from([10, -50, 120.5, -60, 110.5, 170.5, 30, -140.5]);
const rules = (r: Partial<NetworkRules>): NetworkRules => ({ ...DEFAULT_RULES, ...r });
const kept = (keep: boolean[]) => DATE12.filter((_, i) => keep[i]);

describe('network rules (modify_network)', () => {
  it('no active rule resets to keep-all', () => {
    const s = selectNetwork({ date12: DATE12, bperp: BPERP }, DEFAULT_RULES);
    expect(s.reset).toBe(true);
    expect(s.keep.every(Boolean)).toBe(true);
    expect(s.reasons).toEqual({});
  });

  it('tempBaseMax drops pairs longer than the limit (days)', () => {
    const s = selectNetwork({ date12: DATE12, bperp: BPERP }, rules({ tempBaseMax: 24 }));
    expect(kept(s.keep)).toEqual(DATE12.filter((d) => d !== '20200101_20200206'));
    expect(s.reasons['20200101_20200206'][0]).toMatch(/temporal baseline 36 days > 24/);
  });

  it('perpBaseMax drops |bperp| > max', () => {
    const s = selectNetwork({ date12: DATE12, bperp: BPERP }, rules({ perpBaseMax: 120.5 }));
    // 120.5 is not > 120.5; 170.5 and |−140.5| are
    expect(Object.keys(s.reasons).sort()).toEqual(['20200125_20200206', '20200206_20200218']);
  });

  it('connNumMax keeps only the n nearest earlier neighbours over all dates', () => {
    expect([...sequentialPairs(['c', 'a', 'b'], 1)]).toEqual(['a_b', 'b_c']);
    const s = selectNetwork({ date12: DATE12, bperp: BPERP }, rules({ connNumMax: 1 }));
    expect(kept(s.keep)).toEqual(['20200101_20200113', '20200113_20200125', '20200125_20200206', '20200206_20200218']);
  });

  it('startDate / endDate / excludeDate (YYMMDD accepted)', () => {
    const a = selectNetwork({ date12: DATE12, bperp: BPERP }, rules({ startDate: '20200110', endDate: '200210' }));
    expect(kept(a.keep)).toEqual(['20200113_20200125', '20200113_20200206', '20200125_20200206']);
    const b = selectNetwork({ date12: DATE12, bperp: BPERP }, rules({ excludeDate: ['200125'] }));
    expect(Object.keys(b.reasons)).toEqual([
      '20200101_20200125',
      '20200113_20200125',
      '20200125_20200206',
      '20200125_20200218',
    ]);
    expect(b.reasons['20200125_20200218']).toEqual(['contains excluded date 20200125']);
  });

  it('excludeIfgIndex: 0-based, "a:b" inclusive, sorted, out-of-range ignored', () => {
    expect(parseExcludeIfgIndex(['2', '3:5', '10'])).toEqual([2, 3, 4, 5, 10]);
    expect(parseExcludeIfgIndex('[5:3, 1 0]', 5)).toEqual([0, 1, 3, 4]);
    expect(parseExcludeIfgIndex(['auto'])).toEqual([]);
    expect(() => parseExcludeIfgIndex(['1:x'])).toThrow(NetworkRuleError);
    const s = selectNetwork(
      { date12: DATE12, bperp: BPERP },
      rules({ excludeIfgIndex: parseExcludeIfgIndex(['0:1', '7', '99'], 8) }),
    );
    expect(Object.keys(s.reasons)).toEqual([DATE12[0], DATE12[1], DATE12[7]]);
    expect(s.reasons[DATE12[7]]).toEqual(['excluded by index 7']);
  });

  it('referenceFile: pairs not in the reference network are dropped; reasons accumulate', () => {
    const s = selectNetwork(
      { date12: DATE12, bperp: BPERP },
      rules({ referenceDate12: DATE12.slice(0, 4), excludeIfgIndex: [0, 7] }),
    );
    expect(kept(s.keep)).toEqual(DATE12.slice(1, 4));
    expect(s.reasons[DATE12[7]]).toEqual(['not in the reference network', 'excluded by index 7']);
  });

  it('dropping every pair is an error', () => {
    expect(() => selectNetwork({ date12: DATE12, bperp: BPERP }, rules({ endDate: '20190101' }))).toThrow(
      /zero interferograms left/,
    );
  });
});

describe('coherence-based rule and MST', () => {
  // made-up coherence: the sequential chain is poor (0.3–0.5), the 2-hop pairs good
  const COH = Float32Array.from([0.3, 0.8, 0.2, 0.5, 0.75, 0.4, 0.9, 0.35]);

  it('drops c < minCoherence unless the pair is in the MST (weights 1/c)', () => {
    const s = selectNetwork(
      { date12: DATE12, bperp: BPERP, coherence: COH },
      rules({ coherenceBased: true, minCoherence: 0.7 }),
    );
    // MST over 5 dates (4 edges), by descending coherence: 2_4 (0.9), 0_2 (0.8), 1_3 (0.75), then 1_2 (0.5) joins {0,2,4} and {1,3}
    expect(s.mstDate12.sort()).toEqual(
      ['20200101_20200125', '20200113_20200125', '20200113_20200206', '20200125_20200218'].sort(),
    );
    expect(kept(s.keep).sort()).toEqual(s.mstDate12.sort());
    expect(s.reasons['20200101_20200113'][0]).toMatch(
      /average coherence 0\.3000 < 0\.7 and not in the minimum spanning tree/,
    );
  });

  it('keepMinSpanTree = no keeps only c ≥ min', () => {
    const s = selectNetwork(
      { date12: DATE12, bperp: BPERP, coherence: COH },
      rules({ coherenceBased: true, minCoherence: 0.7, keepMinSpanTree: false }),
    );
    expect(kept(s.keep)).toEqual(['20200101_20200125', '20200113_20200206', '20200125_20200218']);
    expect(s.mstDate12).toEqual([]);
  });

  it('the MST is taken over the pairs left by the earlier rules', () => {
    // excluding 2_4 (index 6) leaves date 4 reachable only through 3_4
    const s = selectNetwork(
      { date12: DATE12, bperp: BPERP, coherence: COH },
      rules({ coherenceBased: true, minCoherence: 0.7, excludeIfgIndex: [6] }),
    );
    expect(s.mstDate12).toContain('20200206_20200218');
    expect(s.keep[7]).toBe(true);
    expect(s.keep[6]).toBe(false);
  });

  it('area-ratio rule uses the same MST logic on the ratio values', () => {
    const ratio = Float32Array.from([0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9]);
    const s = selectNetwork(
      { date12: DATE12, bperp: BPERP, areaRatio: ratio },
      rules({ areaRatioBased: true, minAreaRatio: 0.75 }),
    );
    expect(s.keep.filter(Boolean).length).toBe(4); // 0_1, 0_2, 0_3, 3_4 already span all dates
    expect(s.reasons['20200125_20200218'][0]).toMatch(/coherent area ratio 0\.1000 < 0\.75/);
  });

  it('ties are broken like scipy 1.10 / numpy 1.24 (introsort order, not row-major)', () => {
    const d = ['20200101', '20200113', '20200125', '20200206', '20200218', '20200301'];
    const pairs: string[] = [];
    for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) pairs.push(`${d[i]}_${d[j]}`);
    // scipy.sparse.csgraph.minimum_spanning_tree via mintpy threshold_coherence_based_mst, all coherences equal
    expect(
      minimumSpanningTree(
        pairs,
        pairs.map(() => 0.5),
      ).sort(),
    ).toEqual([
      '20200101_20200218',
      '20200113_20200218',
      '20200125_20200218',
      '20200125_20200301',
      '20200206_20200218',
    ]);
  });

  it('numpy argsort: sorted values, NaN last, ≤16 elements keep their order on ties', () => {
    const v = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 13) / 3);
    v[5] = NaN;
    const idx = numpyArgsort(v);
    for (let k = 1; k < 199; k++) expect(v[idx[k]] >= v[idx[k - 1]]).toBe(true);
    expect(idx[199]).toBe(5);
    expect(Array.from(numpyArgsort([1, 0, 1, 0, 1]))).toEqual([1, 3, 0, 2, 4]);
  });
});

describe('spatial average coherence and coherenceSpatialAvg.txt', () => {
  it('ignores masked, zero, NaN and out-of-AOI pixels; row blocks give the same answer', () => {
    // 2 pairs, 3 rows × 2 cols
    const coh = Float32Array.from([0.5, 0, 0.7, NaN, 0.9, 0.3, /* pair 2 */ 0.2, 0.4, 0.6, 0.8, 1, 0.1]);
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 1]);
    const a = new SpatialAverager(2, { length: 3, width: 2 });
    a.add(coh, 0, 3, mask);
    const b = new SpatialAverager(2, { length: 3, width: 2 });
    b.add(Float32Array.from([0.5, 0, 0.2, 0.4]), 0, 1, mask.subarray(0, 2));
    b.add(Float32Array.from([0.7, NaN, 0.9, 0.3, 0.6, 0.8, 1, 0.1]), 1, 2, mask.subarray(2));
    expect(Array.from(a.result())).toEqual(Array.from(b.result()));
    expect(a.result()[0]).toBeCloseTo((0.5 + 0.7 + 0.3) / 3, 6);
    expect(a.result()[1]).toBeCloseTo((0.2 + 0.4 + 0.6 + 0.8 + 0.1) / 5, 6);
    const aoi = new SpatialAverager(2, { length: 3, width: 2, box: [1, 1, 2, 3] });
    aoi.add(coh, 0, 3, null);
    expect(aoi.result()[0]).toBeCloseTo(0.3, 6); // (1,1)=NaN skipped, (2,1)=0.3
    const ratio = new SpatialAverager(2, { length: 3, width: 2, threshold: 0.45 });
    ratio.add(coh, 0, 3, mask);
    expect(ratio.result()[0]).toBeCloseTo(2 / 3, 6);
    // no masked-out pixel → MintPy's threshold is NaN and the "ratio" degenerates to the mean coherence
    const nanThr = new SpatialAverager(2, { length: 3, width: 2, threshold: NaN });
    nanThr.add(coh, 0, 3, mask);
    expect(Array.from(nanThr.result())).toEqual(Array.from(a.result()));
  });

  it('pyFixed rounds like Python %-formatting (exact ties to even)', () => {
    expect(pyFixed(128.25, 1)).toBe('128.2');
    expect(pyFixed(128.75, 1)).toBe('128.8');
    expect(pyFixed(-0.04, 1)).toBe('-0.0');
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(9.99996, 4)).toBe('10.0000');
    expect(pyFixed(Math.fround(0.6461), 4)).toBe('0.6461');
  });

  it('writes MintPy’s layout and reads it back', () => {
    const txt = formatCoherenceSpatialAvg({
      dataFile: 'ifgramStack.h5',
      maskFile: 'waterMask.h5',
      box: [0, 0, 160, 100],
      threshold: null,
      date12: DATE12.slice(0, 2),
      mean: [0.64612, 0.5],
      btemp: [12, 24],
      bperp: [128.25, -56],
    });
    expect(txt).toBe(
      '# Data file: ifgramStack.h5\n# Mask file: waterMask.h5\n# AOI box: (0, 0, 160, 100)\n# Threshold: None\n' +
        '#\tDATE12\t\tMean\tBtemp/days\tBperp/m\t\tNum\n' +
        '20200101_20200113\t0.6461\t      12\t   128.2\t0\n' +
        '20200101_20200125\t0.5000\t      24\t   -56.0\t1\n',
    );
    const back = parseCoherenceSpatialAvg(txt);
    expect(back.header['Mask file']).toBe('waterMask.h5');
    expect(back.rows.map((r) => [r.date12, r.mean, r.btemp, r.bperp, r.num])).toEqual([
      ['20200101_20200113', 0.6461, 12, 128.2, 0],
      ['20200101_20200125', 0.5, 24, -56, 1],
    ]);
    expect(() => parseCoherenceSpatialAvg('bad line\n', 'x.txt')).toThrow(/^x\.txt: line 1/);
  });
});

describe('network graph facts', () => {
  it('per-date bperp by least squares, first date 0 (exact for consistent data)', () => {
    const truth = [0, 30, -20, 55, 10];
    const b = PAIRS.map(([i, j]) => truth[j] - truth[i]);
    const r = perpBaselineTimeseries(DATE12, b);
    expect(r.dates).toEqual(D);
    r.bperp.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 4));
    // inconsistent data: least-squares residual is orthogonal to the columns
    const noisy = b.map((v, k) => v + (k % 2 ? 1 : -1));
    const x = perpBaselineTimeseries(DATE12, noisy).bperp;
    for (let c = 1; c < 5; c++) {
      let g = 0;
      PAIRS.forEach(([i, j], k) => {
        const res = noisy[k] - (x[j] - x[i]);
        if (j === c) g += res;
        if (i === c) g -= res;
      });
      expect(Math.abs(g)).toBeLessThan(1e-3);
    }
  });

  it('a split network: min-norm gives the piece without the first date zero mean', () => {
    const d12 = ['20200101_20200113', '20200125_20200206'];
    const r = perpBaselineTimeseries(d12, [10, 40]);
    expect(Array.from(r.bperp)).toEqual([0, 10, -20, 20]);
  });

  it('connectivity: components and dates without a kept pair', () => {
    const keep = DATE12.map((d) => !d.includes('20200125') && d !== '20200113_20200206');
    const c = networkConnectivity(DATE12, keep);
    expect(c.datesWithoutPair).toEqual(['20200125']);
    expect(c.numComponents).toBe(1);
    const split = networkConnectivity(
      DATE12,
      DATE12.map((d) => d === '20200101_20200113' || d === '20200206_20200218'),
    );
    expect(split.numComponents).toBe(2);
    expect(split.datesWithoutPair).toEqual(['20200125']);
  });

  it('coherence matrix: upper = kept pairs, lower = all pairs, NaN elsewhere', () => {
    const keep = DATE12.map((_, i) => i !== 0);
    const { dates, matrix } = coherenceMatrix(
      DATE12,
      DATE12.map((_, i) => i / 10),
      keep,
    );
    const n = dates.length;
    expect(n).toBe(5);
    expect(matrix[1 * n + 0]).toBe(0); // lower (1,0) = pair 0
    expect(matrix[0 * n + 1]).toBeNaN(); // upper, dropped
    expect(matrix[0 * n + 2]).toBe(0.1);
    expect(matrix[2 * n + 0]).toBe(0.1);
    expect(matrix[0 * n + 4]).toBeNaN(); // no pair 0_4
    expect(matrix[3 * n + 3]).toBeNaN();
    expect(formatDate12List(DATE12.slice(0, 3), [true, false, true])).toBe(`${DATE12[0]}\n${DATE12[2]}\n`);
  });
});

describe('selection storage', () => {
  it('readKeptPairs uses the selection file only when it matches the stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsel-'));
    const stack = { date12: DATE12, dropIfgram: DATE12.map(() => true) } as unknown as IfgramStack;
    expect(readKeptPairs(dir, stack).every(Boolean)).toBe(true);
    const keep = DATE12.map((_, i) => i % 3 !== 0);
    writeNetworkSelection(dir, {
      stackFile: '/x/ifgramStack.h5',
      numPairs: 8,
      date12: DATE12,
      keep,
      reasons: {},
      settings: {},
    });
    expect(readKeptPairs(dir, stack)).toEqual(keep);
    expect(readNetworkSelection(dir)?.keep).toEqual(keep);
    const other = {
      date12: DATE12.slice(1),
      dropIfgram: DATE12.slice(1).map((_, i) => i !== 2),
    } as unknown as IfgramStack;
    expect(readKeptPairs(dir, other)).toEqual(other.dropIfgram);
  });
});
