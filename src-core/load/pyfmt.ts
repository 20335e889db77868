/**
 * Python's text forms of numbers, for attributes MintPy writes with `str(value)`: JS and Python both print
 * the shortest round-trip digits, but Python writes 799000.0 (JS 799000), 1e-05 (JS 0.00001) and
 * 1e+16 (JS 10000000000000000).
 */

/** Python `str(float(x))` / `repr(float)`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** Python `f'{x:.{n}f}'` (exact binary value, rounded; JS toFixed rounds the same way except at exact ties). */
export function pyFixed(x: number, n: number): string {
  return x.toFixed(n);
}

/** Python `str(time.time())`: seconds since the epoch as a float. */
export function pyTimeNow(): string {
  return pyFloat(Date.now() / 1000);
}
