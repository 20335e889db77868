/** 0/1 flags of the non-zero values (masks). Pure. */

/**
 * 1 where the value is non-zero, else 0 (NaN counts as non-zero, as numpy's `!= 0`). A plain loop:
 * `Uint8Array.from` with a mapping function takes ≈ 0.7 s for a 3.6 Mpx mask.
 */
export function nonZeroFlags(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(v.length);
  for (let i = 0; i < out.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
  return out;
}
