/**
 * Colour maps as matplotlib 3.6 / MintPy 1.5.1 apply them: value → normalised (vmin, vmax) → LUT index
 * floor(x·N) clamped to [0, N−1] (under/over take the end colours), NaN → transparent.
 *
 * Pure (no Node APIs): the renderer imports this module too.
 */
import {
  GRAY_HEX,
  GRAY_ROUND_HEX,
  JET_HEX,
  JET_ROUND_HEX,
  RDBU_HEX,
  RDBU_ROUND_HEX,
  VIRIDIS_HEX,
  VIRIDIS_ROUND_HEX,
} from './luts';

export interface Colormap {
  name: string;
  /** number of entries */
  n: number;
  /** n × 3 bytes, RGB */
  lut: Uint8Array;
}

export type RGBA = [number, number, number, number];

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const BASE: Record<string, string> = { jet: JET_HEX, RdBu: RDBU_HEX, viridis: VIRIDIS_HEX, gray: GRAY_HEX };
const BASE_ROUND: Record<string, string> = {
  jet: JET_ROUND_HEX,
  RdBu: RDBU_ROUND_HEX,
  viridis: VIRIDIS_ROUND_HEX,
  gray: GRAY_ROUND_HEX,
};
const cache = new Map<string, Uint8Array>();

function baseLut(name: string, rounding: Rounding): Uint8Array {
  const key = `${name}:${rounding}`;
  let l = cache.get(key);
  if (!l) {
    l = fromHex((rounding === 'round' ? BASE_ROUND : BASE)[name]);
    cache.set(key, l);
  }
  return l;
}

/**
 * How the float LUT becomes bytes: 'trunc' = `cmap(x, bytes=True)` (what images get), 'round' =
 * `matplotlib.colors.to_hex` (what MintPy writes as KML icon colours).
 */
export type Rounding = 'trunc' | 'round';

function reversedLut(lut: Uint8Array): Uint8Array {
  const n = lut.length / 3;
  const out = new Uint8Array(lut.length);
  for (let i = 0; i < n; i++) out.set(lut.subarray(3 * (n - 1 - i), 3 * (n - i)), 3 * i);
  return out;
}

/** Names accepted by `getColormap` (each also with an `_r` suffix, plus MintPy's `RdBu_truncate`). */
export const COLORMAP_NAMES = ['jet', 'RdBu', 'RdBu_r', 'viridis', 'gray', 'RdBu_truncate'] as const;

export function isColormapName(name: string): boolean {
  const base = name.replace(/_truncate$/, '').replace(/_r$/, '');
  return base in BASE;
}

/**
 * A colour map by name: 'jet', 'RdBu', 'viridis', 'gray', any of them with '_r' (reversed), and
 * '<name>_truncate' (MintPy's ColormapExt truncation, e.g. RdBu_truncate with `vlist` = [0.2, 0.7, 1.0]:
 * 2560 entries, the first round(2560·(v1−v0)/(v2−v0)) sampled from [0, 0.3] of the base map and the rest
 * from [0.6, 1.0], as MintPy's plot_network / plot_coherence_matrix use).
 */
export function getColormap(
  name: string,
  vlist: [number, number, number] = [0.0, 0.7, 1.0],
  rounding: Rounding = 'trunc',
): Colormap {
  let base = name;
  let truncate = false;
  let reverse = false;
  if (base.endsWith('_truncate')) {
    truncate = true;
    base = base.slice(0, -'_truncate'.length);
  }
  if (base.endsWith('_r')) {
    reverse = true;
    base = base.slice(0, -2);
  }
  if (!(base in BASE)) throw new Error(`unknown colormap "${name}" (known: ${COLORMAP_NAMES.join(', ')})`);
  let lut = baseLut(base, rounding);
  if (reverse) lut = reversedLut(lut);
  if (!truncate) return { name, n: lut.length / 3, lut };

  const N = 2560;
  const n1 = Math.round((N * (vlist[1] - vlist[0])) / (vlist[2] - vlist[0]));
  const n2 = N - n1;
  const src: Colormap = { name: base, n: lut.length / 3, lut };
  const out = new Uint8Array(N * 3);
  const put = (k: number, x: number): void => {
    const i = lutIndex(src, x);
    out[3 * k] = lut[3 * i];
    out[3 * k + 1] = lut[3 * i + 1];
    out[3 * k + 2] = lut[3 * i + 2];
  };
  for (let k = 0; k < n1; k++) put(k, n1 === 1 ? 0 : (0.3 * k) / (n1 - 1));
  for (let k = 0; k < n2; k++) put(n1 + k, n2 === 1 ? 0.6 : 0.6 + (0.4 * k) / (n2 - 1));
  return { name, n: N, lut: out };
}

/**
 * A colour map with `n` entries sampled from `cm` at linspace(0, 1, n) (matplotlib's `resampled` for a
 * ListedColormap; MintPy uses a discrete LUT when the data hold ≤ 20 evenly spaced values).
 */
export function resampleColormap(cm: Colormap, n: number): Colormap {
  const out = new Uint8Array(n * 3);
  for (let k = 0; k < n; k++) {
    const i = lutIndex(cm, n === 1 ? 0 : k / (n - 1));
    out.set(cm.lut.subarray(3 * i, 3 * i + 3), 3 * k);
  }
  return { name: `${cm.name}_${n}`, n, lut: out };
}

/** LUT index of a normalised value x ∈ [0, 1] (matplotlib: floor(x·N), x = 1 → N−1, clamped). */
export function lutIndex(cm: Colormap, x: number): number {
  let xa = x * cm.n;
  if (xa >= cm.n) xa = cm.n - 1;
  if (xa < 0) xa = 0;
  return Math.floor(xa);
}

/**
 * LUT index of a value for limits [vmin, vmax], or −1 for NaN/±Inf (transparent). Computed in float32
 * like matplotlib's Normalize on float32 data.
 */
export function colorIndex(cm: Colormap, v: number, vmin: number, vmax: number): number {
  if (!Number.isFinite(v)) return -1;
  const span = Math.fround(vmax - vmin);
  const x = span === 0 ? 0 : Math.fround(Math.fround(v - vmin) / span);
  let xa = Math.fround(x * cm.n);
  if (xa >= cm.n) xa = cm.n - 1;
  if (xa < 0) xa = 0;
  return Math.floor(xa);
}

/** One value → [r, g, b, a] bytes; NaN → [0, 0, 0, 0]. */
export function valueToRgba(cm: Colormap, v: number, vmin: number, vmax: number): RGBA {
  const i = colorIndex(cm, v, vmin, vmax);
  if (i < 0) return [0, 0, 0, 0];
  return [cm.lut[3 * i], cm.lut[3 * i + 1], cm.lut[3 * i + 2], 255];
}

/** CSS hex colour '#rrggbb' of a value ('none' for NaN). */
export function valueToHex(cm: Colormap, v: number, vmin: number, vmax: number): string {
  const [r, g, b, a] = valueToRgba(cm, v, vmin, vmax);
  if (a === 0) return 'none';
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** A whole array → RGBA bytes (4 per value); NaN/±Inf transparent. */
export function applyColormap(
  data: ArrayLike<number>,
  cm: Colormap,
  vmin: number,
  vmax: number,
  out: Uint8Array = new Uint8Array(data.length * 4),
): Uint8Array {
  const span = Math.fround(vmax - vmin);
  const { n, lut } = cm;
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    const o = 4 * k;
    if (!Number.isFinite(v)) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      continue;
    }
    const x = span === 0 ? 0 : Math.fround(Math.fround(v - vmin) / span);
    let xa = Math.fround(x * n);
    if (xa >= n) xa = n - 1;
    if (xa < 0) xa = 0;
    const i = 3 * Math.floor(xa);
    out[o] = lut[i];
    out[o + 1] = lut[i + 1];
    out[o + 2] = lut[i + 2];
    out[o + 3] = 255;
  }
  return out;
}
