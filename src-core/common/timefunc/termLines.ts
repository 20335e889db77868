/**
 * A fitted model's terms as MintPy 1.5.1's tsview prints them (tsview.get_model_param_str): one line per
 * dataset that is not a `…Std`, `name: value +/- std unit`, lengths in the display unit; and the same terms
 * relative to a display reference pixel. Pure (the renderer and the CLI use it).
 */
import { pyFixed } from '../util/pyfmt';

export interface ModelTerm {
  /** velocity.h5 dataset name (velocity, annualAmplitude, step20180412, exp20180601Tau60D, …) */
  name: string;
  /** as stored: m, m/year, m/year^2, radian */
  unit: string;
  value: number;
  /** the `<name>Std` dataset's value; null when velocity.h5 has none (periodic amplitude and phase) */
  std: number | null;
}

/** Length units as MintPy's display units: factor from metres. */
const LENGTH_SCALE: Record<string, number> = { m: 1, cm: 100, mm: 1000, km: 1e-3 };

/** A term's value (and std) in a display length unit (m → cm, m/year → cm/year); other units unchanged. */
export function scaleTerm(t: ModelTerm, dispUnit = 'cm'): { value: number; std: number | null; unit: string } {
  const parts = t.unit.split('/');
  if (parts[0] !== 'm' || dispUnit === 'm') return { value: t.value, std: t.std, unit: t.unit };
  const k = LENGTH_SCALE[dispUnit];
  if (k === undefined) throw new RangeError(`unknown display unit ${dispUnit} (m, cm, mm, km)`);
  parts[0] = dispUnit;
  return { value: t.value * k, std: t.std === null ? null : t.std * k, unit: parts.join('/') };
}

/**
 * tsview's lines: `f'{name:<{w_key}}: {value:>{w_val}.2f}'`, then ` +/- {std:>{w_val}.2f}` when there is a
 * std, then ` {unit}`; w_key the longest name, w_val the longest `.2f` text of every value and std.
 */
export function modelTermLines(terms: readonly ModelTerm[], dispUnit = 'cm'): string[] {
  if (!terms.length) return [];
  const shown = terms.map((t) => ({ name: t.name, ...scaleTerm(t, dispUnit) }));
  const wKey = Math.max(...shown.map((t) => t.name.length));
  const texts = shown.flatMap((t) => [pyFixed(t.value, 2), ...(t.std === null ? [] : [pyFixed(t.std, 2)])]);
  const wVal = Math.max(...texts.map((s) => s.length));
  return shown.map((t) => {
    let s = `${t.name.padEnd(wKey)}: ${pyFixed(t.value, 2).padStart(wVal)}`;
    if (t.std !== null) s += ` +/- ${pyFixed(t.std, 2).padStart(wVal)}`;
    return `${s} ${t.unit}`;
  });
}

/**
 * The terms relative to a display reference pixel (what tsview's re-fit of the re-referenced series gives:
 * the fit is linear in the data): every coefficient minus the reference pixel's; periodic terms through their
 * cosine/sine components (amplitude·sin φ, amplitude·cos φ, MintPy's phase convention); a date reference
 * moves the intercept by `interceptShift` (a constant shift leaves the residuals, so every std, unchanged).
 * The std of a difference between two pixels is not in velocity.h5: null with a reference pixel.
 */
export function relativeTerms(
  terms: readonly ModelTerm[],
  refTerms: readonly ModelTerm[] | null,
  interceptShift = 0,
): ModelTerm[] {
  const byName = new Map((refTerms ?? []).map((t) => [t.name, t]));
  const ref = (n: string) => (refTerms ? (byName.get(n)?.value ?? NaN) : 0);
  const out: ModelTerm[] = [];
  for (const t of terms) {
    if (t.name.endsWith('Phase')) continue; // handled with its amplitude
    if (t.name.endsWith('Amplitude')) {
      const base = t.name.slice(0, -'Amplitude'.length);
      const ph = terms.find((x) => x.name === `${base}Phase`)?.value ?? NaN;
      const a = t.value * Math.sin(ph) - ref(t.name) * Math.sin(refTerms ? ref(`${base}Phase`) : 0);
      const b = t.value * Math.cos(ph) - ref(t.name) * Math.cos(refTerms ? ref(`${base}Phase`) : 0);
      const amp = Math.hypot(a, b);
      out.push({ name: t.name, unit: t.unit, value: amp, std: refTerms ? null : t.std });
      out.push({ name: `${base}Phase`, unit: 'radian', value: Math.atan2(a, b), std: null });
      continue;
    }
    const shift = t.name === 'intercept' ? interceptShift : 0;
    out.push({ name: t.name, unit: t.unit, value: t.value - ref(t.name) - shift, std: refTerms ? null : t.std });
  }
  return out;
}
