import { describe, expect, it } from 'vitest';
import {
  binEdges,
  binIndex,
  evaluateRequirement,
  HEAD_LOG_BINNING,
  LINEAR_BINNING,
  quantileSorted,
} from '../../src-core/common/nisar/requirement';
import { findSite, NISAR_SITES, siteTemplateOverrides, siteWindow } from '../../src-core/common/nisar/sites';
import { tableCsv } from '../../src-core/node/nisar/report';

describe('nisar requirement: binning', () => {
  it('linear 0.1–50 km, 10 bins: edges 0.1, 5.09, 10.08 … 50', () => {
    const e = binEdges(LINEAR_BINNING);
    expect(e.length).toBe(11);
    expect(e[0]).toBe(0.1);
    expect(e[1]).toBeCloseTo(5.09, 12);
    expect(e[2]).toBeCloseTo(10.08, 12);
    expect(e[9]).toBeCloseTo(45.01, 12);
    expect(e[10]).toBe(50);
  });

  it("HEAD's log bins: 10^0.011 ≈ 1.026 km … 100 km (1.03, 1.62, 2.56 … 63.3, 100)", () => {
    const e = binEdges(HEAD_LOG_BINNING);
    expect(e.length).toBe(11);
    expect(e[0]).toBeCloseTo(10 ** 0.011, 12);
    expect(e[0]).toBeCloseTo(1.0257, 4);
    expect(e[1]).toBeCloseTo(1.62, 2);
    expect(e[2]).toBeCloseTo(2.56, 2);
    expect(e[9]).toBeCloseTo(63.3, 1);
    expect(e[10]).toBe(100);
  });

  it('bins are (lo, hi] like pd.cut: the lowest edge is out, the highest in', () => {
    const e = binEdges(LINEAR_BINNING);
    expect(binIndex(e, 0.1)).toBe(-1);
    expect(binIndex(e, 0.1000001)).toBe(0);
    expect(binIndex(e, 5.09)).toBe(0);
    expect(binIndex(e, 5.0900001)).toBe(1);
    expect(binIndex(e, 50)).toBe(9);
    expect(binIndex(e, 50.0001)).toBe(-1);
    expect(binIndex(e, 0.05)).toBe(-1);
  });

  it('quantile with linear interpolation (numpy/pandas default)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.683)).toBeCloseTo(1 + 3 * 0.683, 12);
    expect(quantileSorted([5], 0.683)).toBe(5);
    expect(Number.isNaN(quantileSorted([], 0.683))).toBe(true);
  });
});

describe('nisar requirement: pass/fail rules', () => {
  it('exactly 2.0 mm/yr does not count as passing (strict <)', () => {
    const t = evaluateRequirement([1, 1, 1], [2.0, 1.999999, 2.000001]);
    expect(t.rows[0].total).toBe(3);
    expect(t.rows[0].passed).toBe(1);
  });

  it('a fraction of exactly 0.683 fails (strict >), one more passing pair passes', () => {
    // 683 of 1000 below 2 mm/yr in one bin
    const d = new Array(1000).fill(3);
    const r = Array.from({ length: 1000 }, (_, i) => (i < 683 ? 1 : 5));
    const t = evaluateRequirement(d, r);
    expect(t.rows[0].fraction).toBe(0.683);
    expect(t.rows[0].pass).toBe(false);
    expect(t.verdicts.pooled.pass).toBe(false);
    r[683] = 1;
    const t2 = evaluateRequirement(d, r);
    expect(t2.rows[0].fraction).toBe(0.684);
    expect(t2.rows[0].pass).toBe(true);
    expect(t2.verdicts.pooled.pass).toBe(true);
  });

  it('NaN residuals and pairs outside 0.1–50 km are dropped; residuals are taken as |value|', () => {
    const t = evaluateRequirement([0.05, 0.1, 60, 10, 10, 10], [0, 0, 0, NaN, -1.5, -3]);
    expect(t.pairsNaN).toBe(1);
    expect(t.pairsOutside).toBe(3);
    expect(t.total.total).toBe(2);
    expect(t.total.passed).toBe(1);
    expect(t.rows[1].total).toBe(2); // 10 km is in (5.09, 10.08]
  });

  it('empty bins: NaN fraction and False in the table; the per-bin verdicts follow the rule chosen', () => {
    // pairs only in bins 0 and 1 (both passing)
    const d = [1, 2, 3, 6, 7, 8];
    const r = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const ign = evaluateRequirement(d, r);
    expect(ign.rows[5].total).toBe(0);
    expect(Number.isNaN(ign.rows[5].fraction)).toBe(true);
    expect(ign.rows[5].pass).toBe(false);
    expect(ign.verdicts.allBins.pass).toBe(true);
    expect(ign.verdicts.meanOfBins.value).toBe(1);
    const fail = evaluateRequirement(d, r, { emptyBins: 'fail' });
    expect(fail.verdicts.allBins.pass).toBe(false);
    expect(fail.verdicts.allBins.value).toBe(8);
    expect(fail.verdicts.meanOfBins.value).toBeCloseTo(0.2, 12);
    expect(fail.verdicts.meanOfBins.pass).toBe(false);
    const pass = evaluateRequirement(d, r, { emptyBins: 'pass' });
    expect(pass.verdicts.allBins.pass).toBe(true);
    expect(pass.verdicts.meanOfBins.value).toBe(1);
    // the pooled total is the same whatever the rule
    for (const t of [ign, fail, pass]) expect(t.verdicts.pooled.pass).toBe(true);
  });

  it('the pooled Total row decides the notebook verdict even when most bins fail', () => {
    // bin 0: 100 pairs all passing; bins 1 and 2: 10 pairs each, 5 passing (50%)
    const d: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < 100; i++) {
      d.push(2);
      r.push(1);
    }
    for (const dist of [7, 12])
      for (let i = 0; i < 10; i++) {
        d.push(dist);
        r.push(i < 5 ? 1 : 3);
      }
    const t = evaluateRequirement(d, r);
    expect(t.total.total).toBe(120);
    expect(t.total.passed).toBe(110);
    expect(t.total.fraction).toBeCloseTo(110 / 120, 15);
    expect(t.verdicts.pooled.pass).toBe(true); // notebook: PASSED
    expect(t.verdicts.allBins.pass).toBe(false); // 2 of 3 non-empty bins fail
    expect(t.verdicts.allBins.value).toBe(2);
    expect(t.verdicts.meanOfBins.value).toBeCloseTo((1 + 0.5 + 0.5) / 3, 15);
    expect(t.verdicts.meanOfBins.pass).toBe(false);
    // and the other way round: one big failing bin sinks the pooled total while most bins pass
    const d2 = [...new Array(300).fill(48), 2, 7, 12, 17, 22];
    const r2 = [...new Array(300).fill(9), 1, 1, 1, 1, 1];
    const t2 = evaluateRequirement(d2, r2);
    expect(t2.verdicts.pooled.pass).toBe(false);
    expect(t2.verdicts.meanOfBins.value).toBeCloseTo(5 / 6, 15);
    expect(t2.verdicts.meanOfBins.pass).toBe(true);
  });

  it('log binning drops pairs under ~1.03 km', () => {
    const t = evaluateRequirement([0.5, 1.0, 1.1, 99], [1, 1, 1, 1], { binning: HEAD_LOG_BINNING });
    expect(t.pairsOutside).toBe(2);
    expect(t.total.total).toBe(2);
    expect(t.rows[0].total).toBe(1);
    expect(t.rows[9].total).toBe(1);
  });

  it('CSV table has the notebook columns and a Total row', () => {
    const t = evaluateRequirement([1, 2, 30], [1, 3, 1]);
    const lines = tableCsv(t).trim().split('\n');
    expect(lines[0]).toBe(
      'distance_bin_km,bin_lo_km,bin_hi_km,total_count,passed_req,passed_pc,passed_req [>68.3%],quantile_68.3_mm_yr',
    );
    expect(lines.length).toBe(12);
    expect(lines[11].startsWith('"Total",0.1,50,3,2,0.6666666666666666,False,')).toBe(true);
    expect(lines[1].split(',').slice(4, 8)).toEqual(['2', '1', '0.5', 'False']);
  });
});

describe('nisar site presets', () => {
  it('holds the eight ATBD sites plus the 2025 cal/val entry', () => {
    expect(NISAR_SITES.map((s) => s.name)).toEqual([
      'CentralValleyA144',
      'CalVal_S1_CentralValleyD144',
      'OklahomaA107',
      'PuertoRicoD98',
      'PuertoRicoA135',
      'RidgecrestD71',
      'RidgecrestA64',
      'MojaveD173',
      'MojaveD173_3year',
    ]);
  });

  it('MojaveD173 → reference.lalo, 2024+ dates and water mask; 2022 → 2018 window without water mask', () => {
    const o = siteTemplateOverrides('MojaveD173');
    expect(o['mintpy.reference.lalo']).toBe('35.20495, -115.81229');
    expect(o['mintpy.network.startDate']).toBe('20190101');
    expect(o['mintpy.network.endDate']).toBe('20200101');
    expect(o['mintpy.velocity.endDate']).toBe('20200101');
    expect(o['mintpy.timeFunc.startDate']).toBe('20190101');
    expect(o['mintpy.network.tempBaseMax']).toBe('auto');
    expect(o['mintpy.load.waterMaskFile']).toBe('../mask/watermask.msk');
    const o22 = siteTemplateOverrides('mojaved173', { version: 2022 });
    expect(o22['mintpy.network.startDate']).toBe('20180101');
    expect(o22['mintpy.network.endDate']).toBe('20181231');
    expect(o22['mintpy.load.waterMaskFile']).toBeUndefined();
  });

  it('Puerto Rico: tempBaseMax 24; Central Valley: CAWO, exactly 365 days, auto reference', () => {
    expect(siteTemplateOverrides('PuertoRicoD98')['mintpy.network.tempBaseMax']).toBe('24');
    expect(siteWindow(findSite('PuertoRicoD98'), 2025).start).toBe('20190101');
    expect(siteWindow(findSite('PuertoRicoD98'), 2022).start).toBe('20190701');
    const cv = findSite('CentralValleyA144');
    expect(cv.gnssRefSite).toBe('CAWO');
    expect(siteTemplateOverrides(cv)['mintpy.reference.lalo']).toBe('auto');
    expect(siteTemplateOverrides(cv, { version: 2024 })['mintpy.load.waterMaskFile']).toBeUndefined();
    expect(siteTemplateOverrides('RidgecrestA64')['mintpy.network.excludeIfgIndex']).toBe('no');
    expect(() => findSite('Nowhere')).toThrow(/unknown NISAR site "Nowhere"/);
  });
});
