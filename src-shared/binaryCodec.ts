/**
 * Encodes an API result that may hold typed arrays into one binary body (HTTP transport): the arrays travel
 * as raw bytes, never as JSON numbers. Layout: 'ISB1' | u32 JSON length | JSON | pad to 8 | array bytes….
 * Typed arrays in the JSON are replaced by {"$ta": type, "o": byteOffset, "n": length}. Pure (no Node/DOM).
 */

const MAGIC = 0x31425349; // 'ISB1' little-endian
type TA = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;
const CTORS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
  Uint32Array,
} as const;
type CtorName = keyof typeof CTORS;

export function hasTypedArray(v: unknown, depth = 0): boolean {
  if (depth > 8 || v === null || typeof v !== 'object') return false;
  if (ArrayBuffer.isView(v)) return true;
  for (const x of Object.values(v as object)) if (hasTypedArray(x, depth + 1)) return true;
  return false;
}

export function encodeBinary(value: unknown): Uint8Array {
  const arrays: TA[] = [];
  let offset = 0;
  const json = JSON.stringify(value, function (_k, v) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = v as TA;
      const type = a.constructor.name as CtorName;
      if (!(type in CTORS)) throw new Error(`cannot encode ${type}`);
      const align = a.BYTES_PER_ELEMENT;
      offset = Math.ceil(offset / align) * align;
      const ref = { $ta: type, o: offset, n: a.length };
      offset += a.byteLength;
      arrays.push(a);
      return ref;
    }
    return v;
  });
  const jsonBytes = new TextEncoder().encode(json);
  const head = Math.ceil((8 + jsonBytes.length) / 8) * 8;
  const out = new Uint8Array(head + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, jsonBytes.length, true);
  out.set(jsonBytes, 8);
  let o = 0;
  for (const a of arrays) {
    o = Math.ceil(o / a.BYTES_PER_ELEMENT) * a.BYTES_PER_ELEMENT;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), head + o);
    o += a.byteLength;
  }
  return out;
}

export function decodeBinary(buf: ArrayBuffer | Uint8Array): unknown {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || dv.getUint32(0, true) !== MAGIC) throw new Error('not an InSAR Studio binary body');
  const n = dv.getUint32(4, true);
  const json = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const head = Math.ceil((8 + n) / 8) * 8;
  return JSON.parse(json, (_k, v) => {
    if (v && typeof v === 'object' && typeof v.$ta === 'string' && v.$ta in CTORS) {
      const C = CTORS[v.$ta as CtorName];
      // copy into a fresh, aligned buffer so the caller can transfer it to a worker
      const src = bytes.subarray(head + v.o, head + v.o + v.n * C.BYTES_PER_ELEMENT);
      const copy = new Uint8Array(src.byteLength);
      copy.set(src);
      return new C(copy.buffer);
    }
    return v;
  });
}
