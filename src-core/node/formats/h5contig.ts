/**
 * Contiguous raw-data regions for datasets of a closed HDF5 file written by H5Writer, so that other
 * threads can write the data straight into the file (pwrite at known offsets) instead of handing every
 * block to h5wasm on one thread.
 *
 * h5wasm can create a chunked dataset without writing it whole (H5Writer.createEmpty), but cannot
 * create a contiguous one (it always writes the full array). So the dataset is created chunked, and
 * after the file is closed its layout message is rewritten in place into a contiguous layout (version 3,
 * class 1) whose storage is a new region appended at the end of the file; the rest of the old message
 * becomes a NIL message, the object header's checksum and the superblock's end-of-file address are
 * recomputed (the same kind of patch as h5bool.ts, in the file format HDF5 1.10 writes: superblock
 * version 3, object header version 2). The chunk index left behind is unreferenced (a few KB). Any
 * HDF5 ≥ 1.8 reader (h5py, MintPy, h5wasm) then reads the dataset as an ordinary contiguous one.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { lookup3, ohdrPrefix, shortenMessage } from './h5bool';

const OHDR = Buffer.from('OHDR', 'latin1');
const OCHK = Buffer.from('OCHK', 'latin1');
const SIG = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ContiguousRegion {
  /** byte offset of the dataset's first element in the file */
  offset: number;
  bytes: number;
}

/**
 * Give each dataset (object header address, e.g. from H5Writer.objectAddress; byte size) a contiguous
 * region at the end of the (closed) file. Returns the regions, in the order given. The file's length is
 * not changed: the regions read as zeros until written (a hole), and must all be written before the
 * file is used.
 */
export function makeContiguous(path: string, datasets: { address: number; bytes: number }[]): ContiguousRegion[] {
  const fd = openSync(path, 'r+');
  try {
    const sb = readSuperblock(fd, path);
    if (sb.readBigUInt64LE(12) !== 0n) throw new Error('superblock base address is not 0');
    let eoa = Number(sb.readBigUInt64LE(28));
    if (eoa !== fstatSync(fd).size) throw new Error(`end of file ${eoa} ≠ file size ${fstatSync(fd).size}`);
    const regions: ContiguousRegion[] = [];
    for (const d of datasets) {
      const offset = Math.ceil(eoa / 4096) * 4096;
      patchLayout(fd, d.address, offset, d.bytes);
      regions.push({ offset, bytes: d.bytes });
      eoa = offset + d.bytes;
    }
    sb.writeBigUInt64LE(BigInt(eoa), 28);
    writeSuperblock(fd, sb);
    return regions;
  } finally {
    closeSync(fd);
  }
}

/**
 * The superblock at the start of an open file, as HDF5 ≥ 1.10 and H5Writer write it (version ≥ 2, 8-byte
 * addresses and lengths: 48 bytes, the checksum at 44), its checksum checked. Edit it, then `writeSuperblock`.
 */
export function readSuperblock(fd: number, path: string): Buffer {
  const sb = Buffer.alloc(48);
  if (readSync(fd, sb, 0, 48, 0) !== 48 || !sb.subarray(0, 8).equals(SIG))
    throw new Error(`${path}: no HDF5 superblock at the start`);
  if (sb[8] < 2 || sb[9] !== 8 || sb[10] !== 8)
    throw new Error(`${path}: superblock version ${sb[8]} / ${sb[9]}-byte addresses: not the format H5Writer writes`);
  if (lookup3(sb.subarray(0, 44)) !== sb.readUInt32LE(44)) throw new Error(`${path}: superblock checksum mismatch`);
  return sb;
}

/** Write an edited superblock (from `readSuperblock`) back, with its checksum recomputed. */
export function writeSuperblock(fd: number, sb: Buffer): void {
  sb.writeUInt32LE(lookup3(sb.subarray(0, 44)), 44);
  writeSync(fd, sb, 0, 48, 0);
}

interface HeaderChunk {
  at: number;
  buf: Buffer;
  /** end of the messages (the checksum follows) */
  end: number;
}

/**
 * The messages of the version-2 object header at `address` (chunk 0 and its continuation chunks, each
 * checksum checked): `visit(type, chunk, body, size, headerAt)` until it returns true.
 */
function walkHeader(
  fd: number,
  address: number,
  visit: (type: number, ch: HeaderChunk, body: number, size: number, msgAt: number) => boolean,
): { found: boolean; msgHdr: number } {
  const head = Buffer.alloc(64);
  readSync(fd, head, 0, 64, address);
  if (!head.subarray(0, 4).equals(OHDR) || head[4] !== 2) throw new Error(`no version-2 object header at ${address}`);
  const { first: p, size: size0, msgHdr } = ohdrPrefix(head, 0);
  const todo: { at: number; first: number; end: number }[] = [{ at: address, first: p, end: p + size0 }];
  for (let c = 0; c < todo.length; c++) {
    const { at, first, end } = todo[c];
    const buf = Buffer.alloc(end + 4);
    readSync(fd, buf, 0, buf.length, at);
    if (lookup3(buf.subarray(0, end)) !== buf.readUInt32LE(end))
      throw new Error(`object header checksum mismatch at ${at}`);
    for (let q = first; q + msgHdr <= end;) {
      const type = buf[q];
      const size = buf.readUInt16LE(q + 1);
      const body = q + msgHdr;
      if (type === 0x10) {
        // continuation: address, length of the next chunk ("OCHK" … checksum)
        const next = Number(buf.readBigUInt64LE(body));
        const len = Number(buf.readBigUInt64LE(body + 8));
        const sig = Buffer.alloc(4);
        readSync(fd, sig, 0, 4, next);
        if (!sig.equals(OCHK)) throw new Error(`no object header continuation at ${next}`);
        todo.push({ at: next, first: 4, end: len - 4 });
      } else if (visit(type, { at, buf, end }, body, size, q)) return { found: true, msgHdr };
      q = body + size;
    }
  }
  return { found: false, msgHdr };
}

/**
 * Where a dataset's raw data lies when it is contiguous (the layout message, version 3, class 1, of a
 * version-2 object header — what makeContiguous writes): its byte offset and size; null for any other
 * layout or header version (read it through h5wasm then).
 */
export function contiguousData(path: string, address: number): ContiguousRegion | null {
  const fd = openSync(path, 'r');
  try {
    let region: ContiguousRegion | null = null;
    walkHeader(fd, address, (type, ch, body) => {
      if (type !== 0x08) return false;
      if (ch.buf[body] === 3 && ch.buf[body + 1] === 1) {
        const offset = Number(ch.buf.readBigUInt64LE(body + 2));
        const bytes = Number(ch.buf.readBigUInt64LE(body + 10));
        if (offset > 0 && Number.isSafeInteger(offset + bytes)) region = { offset, bytes };
      }
      return true;
    });
    return region;
  } catch {
    return null; // an older object header: not ours
  } finally {
    closeSync(fd);
  }
}

/** Rewrite the layout message of the (version 2) object header at `address` into a contiguous layout. */
function patchLayout(fd: number, address: number, offset: number, bytes: number): void {
  const { found } = walkHeader(fd, address, (type, ch, body, size, q) => {
    if (type !== 0x08) return false;
    const { buf, end } = ch;
    if (buf[body] !== 4 || buf[body + 1] !== 2)
      throw new Error(`layout message version ${buf[body]} class ${buf[body + 1]}: not an empty chunked dataset`);
    // version 3, class 1 (contiguous): address, size; the rest of the message becomes a NIL message
    // when it can hold one, else trailing zeros the decoder does not read
    const used = 18;
    if (size < used) throw new Error('layout message too small to rewrite');
    buf.fill(0, body, body + size);
    buf[body] = 3;
    buf[body + 1] = 1;
    buf.writeBigUInt64LE(BigInt(offset), body + 2);
    buf.writeBigUInt64LE(BigInt(bytes), body + 10);
    shortenMessage(buf, q, body - q, size, used);
    buf.writeUInt32LE(lookup3(buf.subarray(0, end)), end);
    writeSync(fd, buf, 0, buf.length, ch.at);
    return true;
  });
  if (!found) throw new Error(`no layout message in the object header at ${address}`);
}
