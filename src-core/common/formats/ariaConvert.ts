/**
 * ARIA samples → MintPy's ifgramStack values, in place (prep_aria + MintPy's reader): the band's no-data
 * value becomes 0 (`data[data == nodata] = 0`, compared in the array's type) and the unwrapped phase
 * changes sign (ARIA's date2_date1 → MintPy's date1_date2) — as `a *= −1` after the replacement, so a
 * replaced sample is −0 exactly as MintPy's array holds it. One monomorphic loop per type.
 */
export interface SampleConversion {
  /** no-data value of the band (null or NaN: none) */
  nodata: number | null;
  /** multiply by −1 after the replacement (unwrapped phase) */
  negate: boolean;
}

export function convertSamples(a: Float32Array | Int16Array, c: SampleConversion): void {
  const nd = c.nodata === null || Number.isNaN(c.nodata) ? null : c.nodata;
  if (a instanceof Int16Array) {
    if (nd !== null) replaceI16(a, nd);
    if (c.negate) for (let k = 0; k < a.length; k++) a[k] *= -1;
    return;
  }
  if (c.negate) negateReplacingF32(a, nd === null ? NaN : Math.fround(nd));
  else if (nd !== null) replaceF32(a, Math.fround(nd));
}

function replaceI16(a: Int16Array, nd: number): void {
  for (let k = 0; k < a.length; k++) if (a[k] === nd) a[k] = 0;
}

function replaceF32(a: Float32Array, nd: number): void {
  for (let k = 0; k < a.length; k++) if (a[k] === nd) a[k] = 0;
}

/** a = (a == nd ? 0 : a) · −1; a NaN `nd` never compares equal (no replacement) */
function negateReplacingF32(a: Float32Array, nd: number): void {
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    a[k] = (v === nd ? 0 : v) * -1;
  }
}
