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

/**
 * Python `f'{x:.{n}f}'`: the exact binary value rounded half-to-even (JS toFixed rounds exact ties up,
 * e.g. 1/1024 → 0.000976563 where Python writes 0.000976562).
 */
export function pyFixed(x: number, n: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  // |x| = m · 2^e exactly
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = expBits === 0 ? frac : frac | (1n << 52n);
  const e = (expBits === 0 ? 1 : expBits) - 1075;
  const scale = 10n ** BigInt(n);
  let q: bigint;
  if (e >= 0) q = (m << BigInt(e)) * scale;
  else {
    const num = m * scale;
    const den = 1n << BigInt(-e);
    q = num / den;
    const r2 = 2n * (num - q * den);
    if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  }
  const digits = q.toString().padStart(n + 1, '0');
  const body = n > 0 ? `${digits.slice(0, -n)}.${digits.slice(-n)}` : digits;
  return (neg ? '-' : '') + body;
}

/** Python `str(time.time())`: seconds since the epoch as a float. */
export function pyTimeNow(): string {
  return pyFloat(Date.now() / 1000);
}
