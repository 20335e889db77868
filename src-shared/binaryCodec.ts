/**
 * The HTTP transport's encoding, so that a value arrives exactly as Electron's IPC (structured clone) would
 * deliver it. Results go as one binary body: typed arrays as raw bytes, never as JSON numbers. Layout:
 * 'ISB1' | u32 JSON length | JSON | pad to 8 | array bytes…. Typed arrays in the JSON are replaced by
 * {"$ta": type, "o": byteOffset, "n": length}. Numbers JSON cannot hold (NaN, ±Infinity, -0) travel as
 * {"$num": "NaN"} etc., an `undefined` array element as {"$undef": 1}, both in the binary body and in the
 * text form (`toWireJson`: request arguments, WebSocket events). Pure (no Node/DOM).
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

/** NaN, ±Infinity and -0 (which JSON turns into null or 0) as tagged objects. */
function specialNumber(v: unknown): { $num: string } | undefined {
  if (typeof v !== 'number') return undefined;
  if (Number.isNaN(v)) return { $num: 'NaN' };
  if (v === Infinity) return { $num: 'Infinity' };
  if (v === -Infinity) return { $num: '-Infinity' };
  if (Object.is(v, -0)) return { $num: '-0' };
  return undefined;
}

function wireReplacer(this: unknown, _k: string, v: unknown): unknown {
  if (v === undefined && Array.isArray(this)) return { $undef: 1 };
  return specialNumber(v) ?? v;
}

/** `{ [key]: … }` with that one key: a tag written by wireReplacer. */
function isTag(v: unknown, key: string): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && key in v && Object.keys(v).length === 1;
}

function wireReviver(_k: string, v: unknown): unknown {
  if (isTag(v, '$num') && typeof v.$num === 'string') return Number(v.$num);
  if (isTag(v, '$undef')) return undefined;
  return v;
}

/** JSON text of a value without typed arrays, keeping NaN, ±Infinity, -0 and undefined array elements. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, wireReplacer);
}

/** The value `toWireJson` encoded (plain JSON is read as is). */
export function fromWireJson(text: string): unknown {
  const v = JSON.parse(text, wireReviver);
  return restoreHoles(v);
}

/** JSON.parse's reviver deletes array elements it maps to undefined (holes); make them real undefineds. */
function restoreHoles(v: unknown, depth = 0): unknown {
  if (depth > 64 || v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = restoreHoles(v[i], depth + 1);
  } else
    for (const k of Object.keys(v))
      (v as Record<string, unknown>)[k] = restoreHoles((v as Record<string, unknown>)[k], depth + 1);
  return v;
}

export function encodeBinary(value: unknown): Uint8Array {
  const arrays: TA[] = [];
  let offset = 0;
  const json = JSON.stringify(value, function (this: unknown, k, v) {
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
    return wireReplacer.call(this, k, v);
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
  const value = JSON.parse(json, (k, v) => {
    if (v && typeof v === 'object' && typeof v.$ta === 'string' && v.$ta in CTORS) {
      const C = CTORS[v.$ta as CtorName];
      // copy into a fresh, aligned buffer so the caller can transfer it to a worker
      const src = bytes.subarray(head + v.o, head + v.o + v.n * C.BYTES_PER_ELEMENT);
      const copy = new Uint8Array(src.byteLength);
      copy.set(src);
      return new C(copy.buffer);
    }
    return wireReviver(k, v);
  });
  return restoreHoles(value);
}
