/**
 * Date selection and design matrix G of the time functions (mintpy-algorithms.md §6; MintPy
 * ptime.get_exclude_date_list and time_func.get_design_matrix4time_func).
 *
 * Time axis: MintPy's decimal year Y(d) = year + (doy − 1)/365.25 + CENTER_LINE_UTC/(365.25·86400);
 * τ = Y(d) − Y(first date of the list). Step/exp/log onsets use Y without the CENTER_LINE_UTC seconds.
 * G is float32 in MintPy: every entry here is rounded with Math.fround.
 */
import { InputError } from '../pipeline/types';
import { decimalYear } from '../time/dates';
import type { TimeFuncModel } from './model';
import { numParams } from './model';

export interface DateSelection {
  startDate?: string;
  endDate?: string;
  excludeDate?: readonly string[];
}

/**
 * Dates kept for the fit, as MintPy: drop excluded dates (those in the list that exist), dates before
 * startDate and after endDate (decimal-year comparison without seconds). Returns the kept dates and
 * their indices into `dates`.
 */
export function selectDates(dates: readonly string[], sel: DateSelection): { used: string[]; index: Int32Array } {
  const ex = new Set((sel.excludeDate ?? []).filter((d) => dates.includes(d)));
  const yMin = sel.startDate ? decimalYear(sel.startDate, 0) : -Infinity;
  const yMax = sel.endDate ? decimalYear(sel.endDate, 0) : Infinity;
  const used: string[] = [];
  const index: number[] = [];
  dates.forEach((d, i) => {
    const y = decimalYear(d, 0);
    if (ex.has(d) || y < yMin || y > yMax) return;
    used.push(d);
    index.push(i);
  });
  return { used, index: Int32Array.from(index) };
}

/** Factorial as float (k ≤ 170). */
function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/**
 * G (dates × P, row-major, float32-rounded values in a Float64Array). τ is relative to `refDate`
 * (default: dates[0]), as MintPy's ref_date=None.
 */
export function timeFuncDesign(
  dates: readonly string[],
  model: TimeFuncModel,
  centerLineUtcSeconds = 0,
  refDate?: string,
): Float64Array {
  const N = dates.length;
  const P = numParams(model);
  const t = dates.map((d) => decimalYear(d, centerLineUtcSeconds));
  const r = refDate === undefined ? 0 : dates.indexOf(refDate);
  if (r < 0) throw new InputError(`time function: reference date ${refDate} is not among the dates`);
  const tau = t.map((y) => y - t[r]);
  const G = new Float64Array(N * P);
  const set = (i: number, j: number, v: number) => (G[i * P + j] = Math.fround(v));
  let c = 0;
  for (let k = 0; k <= model.polynomial; k++, c++) {
    const fk = factorial(k);
    for (let i = 0; i < N; i++) set(i, c, Math.pow(tau[i], k) / fk);
  }
  for (const period of model.periodic) {
    const w = (2 * Math.PI) / period;
    for (let i = 0; i < N; i++) {
      set(i, c, Math.cos(w * tau[i]));
      set(i, c + 1, Math.sin(w * tau[i]));
    }
    c += 2;
  }
  for (const s of model.stepDate) {
    const ts = decimalYear(s, 0);
    for (let i = 0; i < N; i++) set(i, c, t[i] > ts ? 1 : 0);
    c++;
  }
  for (const term of model.exp) {
    const T = decimalYear(term.onset, 0);
    for (const days of term.tau) {
      const tt = days / 365.25;
      // MintPy multiplies by the Heaviside mask: before the onset 0 × (negative) = −0, kept so G is bit-identical
      for (let i = 0; i < N; i++) set(i, c, (t[i] > T ? 1 : 0) * (1 - Math.exp((-1 * (t[i] - T)) / tt)));
      // e^((T − t)/τ) overflows for dates more than ~709 τ before the onset: 0 × ∞ is NaN in MintPy's G too,
      // and its least-squares solver then refuses the matrix
      for (let i = 0; i < N; i++)
        if (Number.isNaN(G[i * P + c]))
          throw new InputError(
            `time function: exp onset ${term.onset} with a characteristic time of ${days} d overflows on ${dates[i]} (more than ~709 characteristic times before the onset); use a longer characteristic time or a later start date`,
          );
      c++;
    }
  }
  for (const term of model.log) {
    const T = decimalYear(term.onset, 0);
    for (const days of term.tau) {
      const tt = days / 365.25;
      for (let i = 0; i < N; i++) {
        // np.nan_to_num(log(…), nan=0, neginf=0) times the mask (−0 before the onset where log < 0, as MintPy)
        let v = Math.log(1 + (t[i] - T) / tt);
        if (Number.isNaN(v) || v === -Infinity) v = 0;
        set(i, c, (t[i] > T ? 1 : 0) * v);
      }
      c++;
    }
  }
  return G;
}
