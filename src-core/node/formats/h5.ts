/**
 * Thin, typed layer over h5wasm for MintPy-style HDF5 files.
 *
 * - All datasets and attributes live at the root, attributes are strings (MintPy convention).
 * - Reads take an optional row window so no caller needs a whole 3-D stack in memory.
 * - Writes go to `<path>.tmp-<pid>` and are renamed into place on `close()`, so a crash never
 *   leaves a half-written output under the real name.
 * - The LZF plugin (MintPy writes `connectComponent` with LZF) is installed before the first open;
 *   any other filter we cannot decode raises instead of returning garbage.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as h5wasm from 'h5wasm/node';
import { BOOL_PLACEHOLDER, patchBoolEnums } from './h5bool';
import { contiguousData, readSuperblock, writeSuperblock } from './h5contig';
import { removeDeadWriterTemps } from '../util/atomicFile';
import { fileIdentity } from '../util/fileIdentity';

export type Attrs = Record<string, string>;
export type NumericArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Filters h5wasm decodes with the plugins we install (deflate, shuffle, fletcher32, lzf, …). */
const SUPPORTED_FILTERS = new Set([1, 2, 3, 4, 32000]);

let readyPromise: Promise<void> | undefined;

/** Initialise h5wasm once per thread (main, worker) and register the LZF plugin. */
export function h5ready(): Promise<void> {
  readyPromise ??= (async () => {
    const Module = await h5wasm.ready;
    const require = createRequire(import.meta.url);
    // h5wasm-plugins is ESM-only with a top-level `fetch`-based installer we do not need;
    // its local installer only prepends the plugin directory to HDF5's search path.
    const pluginDir = join(dirname(require.resolve('h5wasm-plugins/package.json')), 'plugins');
    (Module as unknown as { insert_plugin_search_path(p: string, i: number): void }).insert_plugin_search_path(
      pluginDir,
      0,
    );
  })();
  return readyPromise;
}

export class H5Error extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'H5Error';
  }
}

/** Root attributes of the files read lately, by version of the file (H5Reader.attrs), least recent first. */
const ROOT_ATTRS = new Map<string, Attrs>();

function attrsOf(obj: { attrs: Record<string, { value: unknown }> }): Attrs {
  const out: Attrs = {};
  for (const [k, a] of Object.entries(obj.attrs)) out[k] = attrToString(a.value);
  return out;
}

function attrToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>).join(' ');
  if (Array.isArray(v)) return v.map(attrToString).join(' ');
  return v == null ? '' : String(v);
}

export interface DatasetInfo {
  name: string;
  shape: number[];
  /** numpy-style dtype string as h5wasm reports it ('<f', '<h', 'A8', 'unknown' for h5py bool enums, …) */
  dtype: string;
  filters: { id: number; name: string }[];
  attrs: Attrs;
}

/** A MintPy HDF5 file opened for reading. */
export class H5Reader {
  private readonly f: h5wasm.File;
  constructor(readonly path: string) {
    if (!existsSync(path)) throw new H5Error(path, 'file not found');
    try {
      this.f = new h5wasm.File(path, 'r');
    } catch (e) {
      throw new H5Error(path, `not a readable HDF5 file (${String(e)})`);
    }
    if (!this.f.file_id || this.f.file_id < 0n) throw new H5Error(path, 'not a readable HDF5 file');
  }

  static async open(path: string): Promise<H5Reader> {
    await h5ready();
    return new H5Reader(path);
  }

  private rootAttrs: Attrs | null = null;

  /**
   * The root attributes, handed out as copies. h5wasm reads MintPy's ~100 attributes one by one (5–150 ms a
   * time), so they are read once per version of the file (ROOT_ATTRS, keyed by its fileIdentity).
   */
  get attrs(): Attrs {
    if (!this.rootAttrs) {
      const key = fileIdentity(this.path) ?? this.path;
      this.rootAttrs = ROOT_ATTRS.get(key) ?? attrsOf(this.f as never);
      ROOT_ATTRS.delete(key);
      ROOT_ATTRS.set(key, this.rootAttrs);
      if (ROOT_ATTRS.size > 256) ROOT_ATTRS.delete(ROOT_ATTRS.keys().next().value!);
    }
    return { ...this.rootAttrs };
  }

  /**
   * Some root attributes by name (absent ones left out). Much faster than `attrs` on MintPy's files, which
   * carry ~100 attributes that h5wasm's `attrs` reads one by one (measured 100–150 ms against < 1 ms for 7).
   */
  attrsNamed(names: readonly string[]): Attrs {
    const out: Attrs = {};
    for (const n of names) {
      let v: unknown;
      try {
        v = this.f.get_attribute(n, false);
      } catch {
        continue; // no such attribute
      }
      if (v !== null && v !== undefined) out[n] = attrToString(v);
    }
    return out;
  }

  keys(): string[] {
    return this.f.keys();
  }

  has(name: string): boolean {
    return this.f.keys().includes(name);
  }

  /** Whether an object exists at a full path (`/science/LSAR/...`), group or dataset. */
  exists(path: string): boolean {
    try {
      return this.f.get(path) != null;
    } catch {
      return false;
    }
  }

  /** The value of a scalar or small dataset at a full path: number, string, string[] or a typed array. */
  value(path: string): unknown {
    const v = this.ds(path).value;
    return typeof v === 'bigint' ? Number(v) : v;
  }

  /** One attribute of a dataset, as h5wasm decodes it (numbers stay numbers: `_FillValue` NaN). */
  datasetAttr(path: string, key: string): unknown {
    const a = (this.ds(path).attrs as Record<string, { value: unknown }>)[key];
    if (!a) return undefined;
    const v = a.value;
    if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1)
      return (v as unknown as ArrayLike<number>)[0];
    return typeof v === 'bigint' ? Number(v) : v;
  }

  private ds(name: string): h5wasm.Dataset {
    const d = this.f.get(name);
    if (!(d instanceof h5wasm.Dataset)) throw new H5Error(this.path, `no dataset "${name}"`);
    for (const flt of d.filters) {
      if (!SUPPORTED_FILTERS.has(flt.id))
        throw new H5Error(
          this.path,
          `dataset "${name}" uses HDF5 filter ${flt.id} (${flt.name}) which we cannot decode`,
        );
    }
    return d;
  }

  info(name: string): DatasetInfo {
    const d = this.ds(name);
    return {
      name,
      shape: d.shape ?? [],
      dtype: typeof d.dtype === 'string' ? d.dtype : JSON.stringify(d.dtype),
      filters: d.filters.map((f) => ({ id: f.id, name: f.name })),
      attrs: attrsOf(d as never),
    };
  }

  shape(name: string): number[] {
    return this.ds(name).shape ?? [];
  }

  /** Chunk shape of a dataset, null when it is stored contiguously. */
  chunks(name: string): number[] | null {
    return this.ds(name).metadata.chunks ?? null;
  }

  /** Whole dataset as a typed array (bools come back as Int8Array). */
  read(name: string): NumericArray {
    const v = this.ds(name).value;
    if (!ArrayBuffer.isView(v)) throw new H5Error(this.path, `dataset "${name}" is not numeric`);
    return v as NumericArray;
  }

  /** Rows [r0, r1) of a 2-D dataset, or of every band of a 3-D one (band-major, like numpy's [:, r0:r1, :]). */
  readRows(name: string, r0: number, r1: number, bands?: [number, number]): NumericArray {
    const d = this.ds(name);
    const shape = d.shape ?? [];
    let sel: [number, number][];
    if (shape.length === 2)
      sel = [
        [r0, r1],
        [0, shape[1]],
      ];
    else if (shape.length === 3) sel = [bands ?? [0, shape[0]], [r0, r1], [0, shape[2]]];
    else throw new H5Error(this.path, `dataset "${name}" is ${shape.length}-D, expected 2-D or 3-D`);
    const v = d.slice(sel);
    if (!ArrayBuffer.isView(v)) throw new H5Error(this.path, `dataset "${name}" is not numeric`);
    return v as NumericArray;
  }

  /**
   * Zero-copy variant of `readRows` for little-endian float32 3-D datasets: rows [r0, r1) of bands
   * [b0, b1) are read straight into h5wasm's heap (no copy out, about half the time of `readRows` for
   * large blocks). `view()` gives a Float32Array on that heap: take it only after the last h5wasm call
   * (any call may grow and move the heap) and call `free()` when done. Returns null for other dtypes or
   * shapes (use `readRows`).
   */
  readRowsToHeap(name: string, r0: number, r1: number, bands: [number, number]): HeapBlock | null {
    const d = this.ds(name);
    const shape = d.shape ?? [];
    if (shape.length !== 3 || d.dtype !== '<f') return null;
    const [b0, b1] = bands;
    if (!(b0 >= 0 && b1 <= shape[0] && b0 < b1 && r0 >= 0 && r1 <= shape[1] && r0 < r1))
      throw new H5Error(this.path, `dataset "${name}": bands ${b0}–${b1} rows ${r0}–${r1} outside ${shape.join('×')}`);
    const length = (b1 - b0) * (r1 - r0) * shape[2];
    const M = h5wasm.Module as unknown as HeapModule;
    const ptr = M._malloc(length * 4);
    if (!ptr) throw new H5Error(this.path, `out of memory reading ${length * 4} bytes of "${name}"`);
    try {
      M.get_dataset_data(
        this.f.file_id,
        d.path,
        [BigInt(b1 - b0), BigInt(r1 - r0), BigInt(shape[2])],
        [BigInt(b0), BigInt(r0), 0n],
        [1n, 1n, 1n],
        BigInt(ptr),
      );
    } catch (e) {
      M._free(ptr);
      throw new H5Error(this.path, `reading "${name}" failed (${String(e)})`);
    }
    let freed = false;
    return {
      length,
      view: () => {
        if (freed) throw new Error('readRowsToHeap: block already freed');
        return new Float32Array(M.HEAPU8.buffer, ptr, length);
      },
      free: () => {
        if (!freed) M._free(ptr);
        freed = true;
      },
    };
  }

  /**
   * A row/column window of a 2-D dataset, or of one band of a 3-D one, every `step`-th row and column from
   * (r0, c0) (an HDF5 hyperslab: only the window is read). Row-major, ceil((r1−r0)/step) × ceil((c1−c0)/step).
   */
  readWindow(name: string, rows: [number, number], cols: [number, number], step = 1, band?: number): NumericArray {
    const d = this.ds(name);
    const shape = d.shape ?? [];
    const w: [number, number, number][] = [
      [rows[0], rows[1], step],
      [cols[0], cols[1], step],
    ];
    if (shape.length === 3) {
      if (band === undefined || band < 0 || band >= shape[0])
        throw new H5Error(this.path, `dataset "${name}" is 3-D: band ${band} outside 0–${shape[0] - 1}`);
      w.unshift([band, band + 1, 1]);
    } else if (shape.length !== 2)
      throw new H5Error(this.path, `dataset "${name}" is ${shape.length}-D, expected 2-D or 3-D`);
    const [R, C] = shape.slice(-2);
    if (!(rows[0] >= 0 && rows[1] <= R && rows[0] < rows[1] && cols[0] >= 0 && cols[1] <= C && cols[0] < cols[1]))
      throw new H5Error(this.path, `dataset "${name}": window ${rows}×${cols} outside ${R}×${C}`);
    const v = d.slice(w as unknown as [number, number][]);
    if (!ArrayBuffer.isView(v)) throw new H5Error(this.path, `dataset "${name}" is not numeric`);
    return v as NumericArray;
  }

  /** One band (2-D slice) of a 3-D dataset. */
  readBand(name: string, band: number): NumericArray {
    const d = this.ds(name);
    const shape = d.shape ?? [];
    if (shape.length !== 3) throw new H5Error(this.path, `dataset "${name}" is not 3-D`);
    const v = d.slice([[band, band + 1], [], []]);
    return v as NumericArray;
  }

  /** Fixed-length string arrays (MintPy `date`), returned flat in row-major order. */
  readStrings(name: string): string[] {
    const v = this.ds(name).value;
    if (!Array.isArray(v)) throw new H5Error(this.path, `dataset "${name}" is not a string array`);
    return (v as unknown[]).map((s) => String(s).replace(/\0+$/, '').trim());
  }

  /**
   * A float32 dataset stored contiguously in a version-2 object header (load_data's stack,
   * h5contig.ts): where its raw little-endian values start in the file, to read them without h5wasm;
   * null for anything else.
   */
  contiguousFloat32(name: string): { offset: number; shape: number[] } | null {
    const d = this.ds(name);
    const shape = d.shape ?? [];
    if (d.dtype !== '<f' || shape.length === 0) return null;
    const r = contiguousData(this.path, objectAddress(this.f, this.path, name));
    const n = shape.reduce((a, b) => a * b, 1);
    return r && r.bytes === n * 4 ? { offset: r.offset, shape } : null;
  }

  close(): void {
    this.f.close();
  }
}

/** The object header address of a dataset (an HDF5 object reference). */
function objectAddress(f: h5wasm.File, path: string, name: string): number {
  const ref = (
    h5wasm.Module as unknown as { create_object_reference(f: bigint, n: string): number[] }
  ).create_object_reference(f.file_id, name.startsWith('/') ? name : `/${name}`);
  const b = Buffer.from(ref);
  const a = b.length === 8 ? Number(b.readBigUInt64LE(0)) : NaN;
  if (!(a > 0)) throw new H5Error(path, `no address for dataset "${name}"`);
  return a;
}

/** A block of float32 values in h5wasm's heap (see H5Reader.readRowsToHeap). */
export interface HeapBlock {
  readonly length: number;
  view(): Float32Array;
  free(): void;
}

interface HeapModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  get_dataset_data(
    fileId: bigint,
    path: string,
    count: bigint[],
    offset: bigint[],
    strides: bigint[],
    ptr: bigint,
  ): number;
  set_dataset_data(
    fileId: bigint,
    path: string,
    count: bigint[],
    offset: bigint[],
    strides: bigint[],
    ptr: bigint,
  ): number;
}

export type WritableArray = NumericArray;

const DTYPE_OF: Record<string, string> = {
  Float32Array: '<f4',
  Float64Array: '<f8',
  Int8Array: '|i1',
  Uint8Array: '|u1',
  Int16Array: '<i2',
  Uint16Array: '<u2',
  Int32Array: '<i4',
  Uint32Array: '<u4',
};

/**
 * numpy-style dtype → h5wasm's struct-style dtype ('<f8' → '<d', '<i2' → '<h', …). h5wasm reads the
 * letter only ('i' = 4-byte int, 'f' = 4-byte float), so '<i2'/'<f8'/'|i1' passed through unchanged would
 * silently be written as int32/float32/int32.
 */
export function h5wasmDtype(dtype: string): string {
  const m = /^([<>|=]?)([iuf])(\d)$/.exec(dtype);
  if (!m) return dtype;
  const [, end, kind, n] = m;
  const code = kind === 'f' ? { '2': 'e', '4': 'f', '8': 'd' }[n] : { '1': 'b', '2': 'h', '4': 'i', '8': 'q' }[n];
  if (!code) throw new Error(`unsupported dtype ${dtype}`);
  return `${end === '>' ? '>' : '<'}${kind === 'u' ? code.toUpperCase() : code}`;
}

/**
 * Temp files of this target left by a writer whose process is gone (a killed run: invert_network writes
 * its outputs while the tiles arrive): removed before a new writer starts, so a resumed run leaves none.
 */
function removeDeadTemps(path: string): void {
  const base = basename(path);
  removeDeadWriterTemps(dirname(path), (f) => {
    const m = /^(.*)\.tmp-(\d+)-[a-z0-9]+$/.exec(f);
    return m && m[1] === base ? Number(m[2]) : null;
  });
}

/** h5wasm cannot create h5py's bool enum: a 1-byte compound placeholder is patched into it on commit. */
const BOOL_DTYPE = [[BOOL_PLACEHOLDER, '<b']] as unknown as string;
const boolData = (data: ArrayLike<number | boolean>): Map<string, Int8Array> => {
  // a plain loop: Int8Array.from with a mapping function took ≈ 80 ms for a 1 Mpx mask
  const out = new Int8Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i] ? 1 : 0;
  return new Map([[BOOL_PLACEHOLDER, out]]);
};

export interface CreateOptions {
  shape: number[];
  /** 'bool' = h5py's bool (HDF5 enum FALSE=0/TRUE=1 over int8), as MintPy writes dropIfgram and masks */
  dtype: '<f4' | '<f8' | '|i1' | '|u1' | '<i2' | '<i4' | 'bool' | `S${number}`;
  /** chunk shape; default: one row per band for 3-D, 1 row-block for 2-D */
  chunks?: number[];
  /** gzip level (0 = none). Default none: h5wasm's gzip writes are slow (≈ 26 MB/s). */
  gzip?: number;
  attrs?: Attrs;
}

export interface WriterOptions {
  /**
   * Write the HDF5 1.10 file format (readable by HDF5 ≥ 1.10, h5py ≥ 2.7: Debian's MintPy reads it):
   * chunked datasets of fixed size get the fixed-array chunk index instead of a version-1 B-tree, which
   * makes writing many chunks about twice as fast. Default: the earliest format.
   */
  fastChunkIndex?: boolean;
  /**
   * Write to this path instead of a temp name beside the target (which `abort()` deletes and a later
   * writer's clean-up removes once its process is gone): a resumable step keeps its partial outputs in
   * its checkpoint folder (`close()` leaves them there for the next run).
   */
  tmpPath?: string;
}

/**
 * An HDF5 file being written. Data goes to a temp file beside the target; `commit()` renames it into
 * place, `abort()` deletes it. Row-block writes keep memory bounded.
 */
export class H5Writer {
  private readonly f: h5wasm.File;
  readonly tmpPath: string;
  private done = false;
  private closed = false;
  private boolCount = 0;

  private constructor(
    readonly path: string,
    opts: WriterOptions,
  ) {
    removeDeadTemps(path);
    this.tmpPath = opts.tmpPath ?? `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.f = new h5wasm.File(this.tmpPath, 'w', opts.fastChunkIndex ? { libver: ['v110', 'v110'] } : undefined);
  }

  static async create(path: string, rootAttrs: Attrs = {}, opts: WriterOptions = {}): Promise<H5Writer> {
    await h5ready();
    const w = new H5Writer(path, opts);
    w.setAttrs(rootAttrs);
    return w;
  }

  setAttrs(attrs: Attrs, dataset?: string): void {
    const target = dataset ? (this.f.get(dataset) as h5wasm.Dataset) : this.f;
    const existing = new Set(Object.keys(target.attrs));
    for (const [k, v] of Object.entries(attrs)) {
      if (existing.has(k)) target.delete_attribute(k);
      target.create_attribute(k, String(v));
    }
  }

  /**
   * Create a dataset from a full array (small datasets: dates, bperp, 2-D maps). dtype 'bool' writes
   * h5py's bool type (nonzero → True).
   */
  write(
    name: string,
    data: WritableArray | string[] | boolean[],
    shape: number[],
    attrs?: Attrs,
    dtype?: string,
  ): void {
    if (dtype === 'bool') {
      this.boolCount++;
      this.f.create_dataset({ name, data: boolData(data as ArrayLike<number>) as never, shape, dtype: BOOL_DTYPE });
      if (attrs) this.setAttrs(attrs, name);
      return;
    }
    const dt =
      dtype ??
      (Array.isArray(data)
        ? `S${Math.max(1, ...(data as string[]).map((s) => s.length))}`
        : DTYPE_OF[(data as WritableArray).constructor.name]);
    this.f.create_dataset({ name, data: data as never, shape, dtype: h5wasmDtype(dt) });
    if (attrs) this.setAttrs(attrs, name);
  }

  /** Create an empty dataset to be filled by `writeRows`. */
  createEmpty(name: string, opts: CreateOptions): void {
    const chunks =
      opts.chunks ??
      (opts.shape.length === 3
        ? [1, Math.min(opts.shape[1], 64), opts.shape[2]]
        : [Math.min(opts.shape[0], 64), opts.shape[1]]);
    // h5wasm needs initial data matching the shape: create a one-row dataset with the full extent as
    // maxshape, then resize. Chunks never written read back as the fill value 0 and cost no disk.
    const initShape = opts.shape.map((n, i) => (i === opts.shape.length - 2 ? Math.min(n, 1) : n));
    const initSize = initShape.reduce((a, b) => a * b, 1);
    const isBool = opts.dtype === 'bool';
    if (isBool) this.boolCount++;
    const d = this.f.create_dataset({
      name,
      data: (isBool ? boolData(new Int8Array(initSize)) : makeArray(opts.dtype, initSize)) as never,
      shape: initShape,
      maxshape: opts.shape,
      dtype: isBool ? BOOL_DTYPE : h5wasmDtype(opts.dtype),
      chunks,
      ...(opts.gzip ? { compression: opts.gzip as never } : {}),
    });
    d.resize(opts.shape);
    if (opts.attrs) this.setAttrs(opts.attrs, name);
  }

  /** Write rows [r0, r0+rows) of a 2-D dataset, or of all bands of a 3-D one (band-major data). */
  writeRows(name: string, r0: number, data: WritableArray, bands?: [number, number]): void {
    const d = this.f.get(name) as h5wasm.Dataset;
    const shape = d.shape ?? [];
    const put = (sel: [number, number][]): void =>
      d.write_slice(
        sel,
        (d.metadata.compound_type?.members[0]?.name === BOOL_PLACEHOLDER ? boolData(data) : data) as never,
      );
    if (shape.length === 2) {
      const rows = data.length / shape[1];
      put([
        [r0, r0 + rows],
        [0, shape[1]],
      ]);
    } else {
      const [b0, b1] = bands ?? [0, shape[0]];
      const rows = data.length / ((b1 - b0) * shape[2]);
      put([
        [b0, b1],
        [r0, r0 + rows],
        [0, shape[2]],
      ]);
    }
  }

  /**
   * A buffer of `bytes` in h5wasm's heap, for `writeRowsFromHeap`: fill it through `u8()` / a typed view
   * of `buffer()` at `ptr` (views are valid until the next h5wasm call), then write it; `free()` it at
   * the end. Saves the copy into the heap that `writeRows` makes.
   */
  allocHeap(bytes: number): { ptr: number; buffer(): ArrayBuffer; free(): void } {
    const M = h5wasm.Module as unknown as HeapModule;
    const ptr = M._malloc(bytes);
    if (!ptr) throw new H5Error(this.path, `out of memory allocating ${bytes} bytes`);
    let freed = false;
    return {
      ptr,
      buffer: () => M.HEAPU8.buffer as ArrayBuffer,
      free: () => {
        if (!freed) M._free(ptr);
        freed = true;
      },
    };
  }

  /** Write rows [r0, r0+rows) of bands [b0, b1) of a 3-D dataset from a heap buffer (its dtype's bytes). */
  writeRowsFromHeap(name: string, r0: number, rows: number, bands: [number, number], ptr: number): void {
    const d = this.f.get(name) as h5wasm.Dataset;
    const shape = d.shape ?? [];
    if (shape.length !== 3) throw new H5Error(this.path, `dataset "${name}" is not 3-D`);
    const [b0, b1] = bands;
    if (!(b0 >= 0 && b1 <= shape[0] && b0 < b1 && r0 >= 0 && r0 + rows <= shape[1] && rows > 0))
      throw new H5Error(
        this.path,
        `dataset "${name}": bands ${b0}–${b1} rows ${r0}+${rows} outside ${shape.join('×')}`,
      );
    const M = h5wasm.Module as unknown as HeapModule;
    M.set_dataset_data(
      this.f.file_id,
      d.path,
      [BigInt(b1 - b0), BigInt(rows), BigInt(shape[2])],
      [BigInt(b0), BigInt(r0), 0n],
      [1n, 1n, 1n],
      BigInt(ptr),
    );
  }

  /** Write HDF5's cached data and metadata to the file (the operating system's cache). */
  flush(): void {
    this.f.flush();
  }

  /** Close the temp file and leave it where it is (a resumable step's partial output); no rename. */
  close(): void {
    if (this.done) return;
    this.done = true;
    if (!this.closed) this.f.close();
    this.closed = true;
  }

  /** Close and rename the temp file to the target path (atomic on one filesystem). */
  commit(): void {
    if (this.done) return;
    this.finish();
    this.done = true;
    renameSync(this.tmpPath, this.path);
  }

  /**
   * The file's object header address of a dataset (HDF5 object reference), for h5contig.ts; while the
   * file is open.
   */
  objectAddress(name: string): number {
    return objectAddress(this.f, this.path, name);
  }

  /**
   * Close the temp file with its final HDF5 structure (h5py bools patched), not yet renamed: the caller
   * may still write raw data into it (h5contig.ts) before `commit()`, or `abort()`.
   */
  finish(): void {
    if (this.closed) return;
    this.f.flush();
    this.f.close();
    this.closed = true;
    if (this.boolCount) {
      try {
        const n = patchBoolEnums(this.tmpPath, this.boolCount);
        if (n !== this.boolCount) throw new Error(`found ${n} of ${this.boolCount} bool placeholders`);
      } catch (e) {
        rmSync(this.tmpPath, { force: true });
        this.done = true;
        throw new H5Error(this.path, `could not write bool datasets: ${(e as Error).message}`);
      }
    }
  }

  /** Close and delete the temp file; the target is untouched. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      if (!this.closed) this.f.close();
      this.closed = true;
    } finally {
      rmSync(this.tmpPath, { force: true });
    }
  }
}

function makeArray(dtype: string, n: number): WritableArray {
  switch (dtype) {
    case '<f4':
      return new Float32Array(n);
    case '<f8':
      return new Float64Array(n);
    case '|i1':
      return new Int8Array(n);
    case '|u1':
      return new Uint8Array(n);
    case '<i2':
      return new Int16Array(n);
    case '<i4':
      return new Int32Array(n);
    default:
      throw new Error(`unsupported dtype ${dtype}`);
  }
}

/** Convenience: write a whole small MintPy file (2-D maps, 1-D vectors) atomically. */
export async function writeH5File(
  path: string,
  rootAttrs: Attrs,
  datasets: {
    name: string;
    data: WritableArray | string[] | boolean[];
    shape: number[];
    attrs?: Attrs;
    dtype?: string;
  }[],
): Promise<void> {
  const w = await H5Writer.create(path, rootAttrs);
  try {
    for (const d of datasets) w.write(d.name, d.data, d.shape, d.attrs, d.dtype);
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * What `h5clear -s` does: clear the "open for writing" flags that HDF5 ≥ 1.10 keeps in a version-3
 * superblock while a file is open (a file whose writer was killed keeps them, and HDF5 then refuses to
 * open it), recomputing the superblock's checksum. For our own partial outputs, to read back the tiles a
 * killed run had flushed. Throws when the file does not start with a superblock as H5Writer writes it
 * (h5contig's readSuperblock) or its checksum is wrong.
 */
export function clearWriteFlags(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const sb = readSuperblock(fd, path);
    if (sb[11] === 0) return;
    sb[11] = 0;
    writeSuperblock(fd, sb);
  } finally {
    closeSync(fd);
  }
}

/** Read the whole root attribute set of a file (opens and closes it). */
export async function readAttrs(path: string): Promise<Attrs> {
  const r = await H5Reader.open(path);
  try {
    return r.attrs;
  } finally {
    r.close();
  }
}
