/**
 * h5py's bool datasets for files written with h5wasm.
 *
 * h5py stores numpy bools as an HDF5 enum {FALSE: 0, TRUE: 1} over int8, and MintPy relies on reading
 * them back as numpy bools (`dates[f['dropIfgram'][:]]`, `~mask`): an int8 dataset would be used as
 * fancy indices there and silently select the wrong pairs. h5wasm 0.10 cannot create enum types, so
 * H5Writer writes bool datasets as a 1-byte compound with one int8 member named BOOL_PLACEHOLDER
 * (same raw bytes), and after closing the file this module rewrites that datatype message in place
 * into exactly the enum message h5py writes (version 1, base int8, members FALSE/TRUE), turning the
 * unused rest of the message into a NIL message and recomputing the object-header checksum.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/** Member name of the placeholder compound (long enough that its message can hold the enum's). */
export const BOOL_PLACEHOLDER = '__insar_studio_bool_placeholder__';

/** The datatype message body h5py writes for numpy bool (40 bytes). */
const ENUM_BODY = Uint8Array.from([
  0x18,
  0x02,
  0x00,
  0x00,
  0x01,
  0x00,
  0x00,
  0x00, // v1 enum, 2 members, size 1
  0x10,
  0x08,
  0x00,
  0x00,
  0x01,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x08,
  0x00, // base: v1 int, signed, size 1, offset 0, precision 8
  ...Buffer.from('FALSE\0\0\0', 'latin1'),
  ...Buffer.from('TRUE\0\0\0\0', 'latin1'),
  0x00,
  0x01, // values
]);

/** Bob Jenkins' lookup3 hashlittle, as HDF5's H5_checksum_lookup3 (initval 0). */
export function lookup3(k: Uint8Array, initval = 0): number {
  let length = k.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  const rot = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
  let o = 0;
  const w = (i: number): number => (k[i] | (k[i + 1] << 8) | (k[i + 2] << 16) | (k[i + 3] << 24)) >>> 0;
  while (length > 12) {
    a = (a + w(o)) >>> 0;
    b = (b + w(o + 4)) >>> 0;
    c = (c + w(o + 8)) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c;
  const tail = new Uint8Array(12);
  tail.set(k.subarray(o, o + length));
  const t = (i: number): number => (tail[i] | (tail[i + 1] << 8) | (tail[i + 2] << 16) | (tail[i + 3] << 24)) >>> 0;
  a = (a + t(0)) >>> 0;
  b = (b + t(4)) >>> 0;
  c = (c + t(8)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return c;
}

const OHDR = Buffer.from('OHDR', 'latin1');

/**
 * Rewrite every placeholder compound datatype in an (closed) HDF5 file into h5py's bool enum.
 * Returns the number of datasets patched; throws if a placeholder is found in a layout we do not know.
 */
export function patchBoolEnums(path: string, expected = Infinity): number {
  const marker = Buffer.from(BOOL_PLACEHOLDER + '\0', 'latin1');
  const fd = openSync(path, 'r+');
  let n = 0;
  try {
    const size = fstatSync(fd).size;
    // scan in windows (object headers are usually near the start: stop once all are found)
    const WIN = 4 << 20;
    const win = Buffer.alloc(WIN + marker.length);
    for (let pos = 0; pos < size && n < expected; pos += WIN) {
      const len = readSync(fd, win, 0, Math.min(win.length, size - pos), pos);
      const view = win.subarray(0, len);
      for (let at = view.indexOf(marker); at >= 0 && n < expected; at = view.indexOf(marker, at + 1)) {
        // patch on a fresh read of the region around the marker (earlier patches may overlap it)
        const abs = pos + at;
        const r0 = Math.max(0, abs - REGION);
        const region = Buffer.alloc(Math.min(size, abs + REGION) - r0);
        readSync(fd, region, 0, region.length, r0);
        if (region.indexOf(marker, abs - r0) !== abs - r0) continue; // already patched
        patchOne(region, abs - r0);
        writeSync(fd, region, 0, region.length, r0);
        n++;
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/**
 * The prefix of the version-2 object header whose 'OHDR' signature is at `at` in `buf`: where its messages
 * start, how many bytes of messages its first chunk holds (its checksum follows them) and the size of a
 * message's header (6 with creation order tracked, else 4).
 */
export function ohdrPrefix(buf: Buffer, at: number): { first: number; size: number; msgHdr: number } {
  const flags = buf[at + 5];
  let p = at + 6;
  if (flags & 0x20) p += 16; // access/modification/change/birth times
  if (flags & 0x10) p += 4; // attribute phase change values
  const sizeBytes = 1 << (flags & 0x03);
  let size = 0;
  for (let i = 0; i < sizeBytes; i++) size += buf[p + i] * 2 ** (8 * i);
  return { first: p + sizeBytes, size, msgHdr: flags & 0x04 ? 6 : 4 };
}

/**
 * The message at `q` (header `msgHdr` bytes, body `size` bytes, already zeroed past its first `used`) cut
 * to a body of `used` bytes, the rest made a NIL message — when the rest can hold a message header;
 * otherwise the message keeps its size, with trailing zeros its decoder does not read.
 */
export function shortenMessage(buf: Buffer, q: number, msgHdr: number, size: number, used: number): void {
  if (size < used + msgHdr) return;
  buf.writeUInt16LE(used, q + 1);
  const nil = q + msgHdr + used;
  buf[nil] = 0;
  buf.writeUInt16LE(size - used - msgHdr, nil + 1);
  buf[nil + 3] = 0;
}

/** Bytes read either side of a placeholder: an object header chunk is far smaller. */
const REGION = 256 << 10;

function patchOne(buf: Buffer, markerAt: number): void {
  // the object header (version 2) holding the message: the nearest 'OHDR' before the marker
  const start = buf.lastIndexOf(OHDR, markerAt);
  if (start < 0 || buf[start + 4] !== 2) throw new Error('bool placeholder outside a version-2 object header');
  const { first, size: chunkSize, msgHdr: hdr } = ohdrPrefix(buf, start);
  let p = first;
  const chunkEnd = first + chunkSize; // the checksum follows
  if (markerAt >= chunkEnd) throw new Error('bool placeholder in an object-header continuation chunk');
  if (lookup3(buf.subarray(start, chunkEnd)) !== buf.readUInt32LE(chunkEnd))
    throw new Error('object header checksum mismatch before patching');
  while (p + hdr <= chunkEnd) {
    const type = buf[p];
    const size = buf.readUInt16LE(p + 1);
    const body = p + hdr;
    if (type === 3 && markerAt > body && markerAt < body + size) {
      // compound v3 with one member: [0x36, nmembers(3), size(4)] name\0 offset(1) member-type(12)
      if (buf[body] !== 0x36 || buf[body + 1] !== 1 || buf.readUInt32LE(body + 4) !== 1 || markerAt !== body + 8)
        throw new Error('unexpected placeholder datatype encoding');
      if (size < ENUM_BODY.length + hdr) throw new Error('placeholder datatype message too small');
      buf.fill(0, body, body + size);
      buf.set(ENUM_BODY, body);
      shortenMessage(buf, p, hdr, size, ENUM_BODY.length);
      buf.writeUInt32LE(lookup3(buf.subarray(start, chunkEnd)), chunkEnd);
      return;
    }
    p = body + size;
  }
  throw new Error('placeholder datatype message not found in its object header');
}
