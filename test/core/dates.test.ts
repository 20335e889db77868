import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  decimalYear,
  parseDate,
  yearsSinceFirst,
  yyyymmdd,
  DateError,
} from '../../src-core/common/time/dates';

describe('dates', () => {
  it('parses and rejects', () => {
    expect(parseDate('20180109').toISOString()).toBe('2018-01-09T00:00:00.000Z');
    expect(() => parseDate('20180230')).toThrow(DateError);
    expect(() => parseDate('2018019')).toThrow('"2018019" is not a date');
  });
  it('follows MintPy decimal-year convention across a year boundary (§0)', () => {
    // 20191225 → 20200106 is 12.25 "days" in MintPy's decimal years
    const dy = (decimalYear('20200106') - decimalYear('20191225')) * 365.25;
    expect(dy).toBeCloseTo(12.25, 9);
    const dy2 = (decimalYear('20210101') - decimalYear('20201231')) * 365.25;
    expect(dy2).toBeCloseTo(0.25, 9);
    expect(decimalYear('20180101', 43200)).toBeCloseTo(2018 + 0.5 / 365.25, 12);
  });
  it('network axis uses real days', () => {
    expect(daysBetween('20191225', '20200106')).toBe(12);
    const t = yearsSinceFirst(['20180109', '20180121']);
    expect(t[1]).toBeCloseTo(12 / 365.25, 15);
  });
  it('expands YYMMDD as MintPy ptime.yyyymmdd (9x → 19xx, else 20xx)', () => {
    expect(yyyymmdd('180412')).toBe('20180412');
    expect(yyyymmdd('991231')).toBe('19991231');
    expect(yyyymmdd('600101')).toBe('20600101');
    expect(yyyymmdd('180412T1733')).toBe('20180412T1733');
    expect(yyyymmdd('20180412')).toBe('20180412');
  });
});
