/** "Nice" axis ticks (like matplotlib's MaxNLocator with steps 1, 2, 2.5, 5, 10) and their labels. */

export interface Ticks {
  values: number[];
  step: number;
  /** decimals used by `label` */
  decimals: number;
  label: (v: number) => string;
}

export function niceTicks(vmin: number, vmax: number, maxTicks = 6): Ticks {
  let lo = Math.min(vmin, vmax);
  let hi = Math.max(vmin, vmax);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { values: [], step: 1, decimals: 0, label: fmt(0) };
  if (hi === lo) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / Math.max(1, maxTicks - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = mag * 10;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * mag >= raw * (1 - 1e-9)) {
      step = m * mag;
      break;
    }
  }
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k++) values.push(Number((k * step).toPrecision(12)));
  let decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (Math.abs(step / 10 ** Math.floor(Math.log10(step) + 1e-9) - 2.5) < 1e-9) decimals += 1;
  return { values, step, decimals, label: fmt(decimals) };
}

function fmt(decimals: number): (v: number) => string {
  return (v: number) => {
    const s = (Math.abs(v) < 10 ** -(decimals + 2) ? 0 : v).toFixed(decimals);
    return s.startsWith('-') ? `\u2212${s.slice(1)}` : s;
  };
}
