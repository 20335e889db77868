/**
 * Row-block tiling for the heavy steps: planning tiles within a memory budget, a crash-safe checkpoint of
 * finished tiles (so a killed run resumes instead of starting over), and the loop that feeds tiles to the
 * worker pool with progress, ETA and cancellation.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CancelledError, type StepContext } from '../../common/pipeline/types';

export interface Tile {
  index: number;
  r0: number;
  r1: number;
}

/**
 * Split `length` rows into blocks whose working set (bytesPerRow × rows) fits `budgetBytes`, with at least
 * `minTiles` blocks so every worker has work, and at most `maxRows` rows each. With `alignRows` (the row
 * size of the input's HDF5 chunks), tiles hold whole chunks — a chunk cut by a tile boundary is read in
 * full by both tiles — even when one chunk row is over the budget (up to twice it); beyond that, tiles
 * follow the budget and chunks are read more than once.
 */
export function planTiles(
  length: number,
  bytesPerRow: number,
  budgetBytes: number,
  minTiles = 1,
  maxRows = 256,
  alignRows = 1,
): Tile[] {
  let rows = Math.max(1, Math.min(maxRows, Math.floor(budgetBytes / Math.max(1, bytesPerRow))));
  rows = Math.min(rows, Math.max(1, Math.ceil(length / minTiles)));
  if (alignRows > 1 && alignRows < length) {
    const aligned = Math.floor(rows / alignRows) * alignRows;
    if (aligned >= alignRows) rows = aligned;
    else if (alignRows * bytesPerRow <= 2 * budgetBytes) rows = alignRows;
  }
  const tiles: Tile[] = [];
  for (let r0 = 0, k = 0; r0 < length; r0 += rows, k++) tiles.push({ index: k, r0, r1: Math.min(length, r0 + rows) });
  return tiles;
}

/**
 * Working-set budget of one tile: MintPy's `mintpy.compute.maxMemory` (GB, default 4) shared by the
 * workers, capped at 128 MB per tile so that a run's peak memory stays under 1 GB whatever the stack
 * size (the tile, not the stack, sets it) and tiles stay small enough for progress, cancellation and
 * resume.
 */
export function tileBudgetBytes(ctx: Pick<StepContext, 'template'>, numWorkers: number): number {
  const gb = ctx.template.num('mintpy.compute.maxMemory') ?? 4;
  return Math.min(128 * 2 ** 20, (gb * 2 ** 30) / Math.max(1, numWorkers));
}

/** A stable hash of everything that determines a step's result (inputs' identity + settings). */
export function paramsHash(params: unknown): string {
  return createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
}

type Arrays = Record<string, Float32Array>;

/**
 * Finished tiles of one run under `<workDir>/.insar-studio/tiles/<step>-<hash>/`, either as one file per
 * tile (`save`: written to a temp name, fsynced and renamed — a kill leaves either a whole tile or none;
 * Slurm array tasks and the steps without outputs of their own) or as a mark (`markDone`) for a tile that
 * the step wrote into its partial outputs kept in the same folder, once those are on disk.
 * A different hash (changed inputs or settings) is a different folder, so stale tiles are never reused.
 */
export class TileCheckpoint {
  readonly dir: string;
  /**
   * `attach` = an array task on a cluster node joining the coordinator's checkpoint: the folder must exist
   * already (else the work folder is not visible there) and nothing is cleaned (other tasks are writing).
   */
  constructor(workDir: string, step: string, hash: string, attach = false) {
    this.dir = join(workDir, '.insar-studio', 'tiles', `${step}-${hash}`);
    if (attach) {
      if (!existsSync(this.dir)) throw new Error(`checkpoint folder ${this.dir} not found`);
      return;
    }
    mkdirSync(this.dir, { recursive: true });
    // remove other runs of the same step (stale settings) and half-written temp files
    const parent = join(workDir, '.insar-studio', 'tiles');
    for (const d of readdirSync(parent))
      if (d.startsWith(`${step}-`) && d !== `${step}-${hash}`)
        rmSync(join(parent, d), { recursive: true, force: true });
    for (const f of readdirSync(this.dir)) if (f.includes('.tmp')) rmSync(join(this.dir, f), { force: true });
  }

  private file(k: number): string {
    return join(this.dir, `tile-${String(k).padStart(6, '0')}.bin`);
  }

  private mark(k: number): string {
    return join(this.dir, `tile-${String(k).padStart(6, '0')}.done`);
  }

  /** The tile is finished: in a tile file or marked. */
  has(k: number): boolean {
    return existsSync(this.file(k)) || existsSync(this.mark(k));
  }

  /** The tile's file exists (`load` reads it). */
  hasFile(k: number): boolean {
    return existsSync(this.file(k));
  }

  /** Finished tiles (files and marks). */
  done(): number[] {
    return [...new Set(this.listed(/^tile-\d+\.(bin|done)$/))];
  }

  /** Tiles marked done (their data is in the step's partial outputs in this folder). */
  marked(): number[] {
    return this.listed(/^tile-\d+\.done$/);
  }

  /** The tile indices of the files in the folder whose names match. */
  private listed(name: RegExp): number[] {
    return readdirSync(this.dir)
      .filter((f) => name.test(f))
      .map((f) => Number(f.slice(5, 11)));
  }

  /**
   * Mark tile k done: the step has written it into its partial outputs in this folder and they are on
   * disk (flushed and fsynced) — the mark must never exist before the data does.
   */
  markDone(k: number): void {
    closeSync(openSync(this.mark(k), 'w'));
  }

  /** Forget a mark (the interrupted run's outputs could not give that tile back). */
  unmark(k: number): void {
    rmSync(this.mark(k), { force: true });
  }

  save(k: number, arrays: Arrays): void {
    const names = Object.keys(arrays);
    const header = Buffer.from(JSON.stringify(names.map((n) => [n, arrays[n].length])));
    // a name of its own per writer: a re-submitted cluster task may write the same tile as one being killed
    const tmp = `${this.file(k)}.${hostname()}-${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(header.length);
      writeSync(fd, len);
      writeSync(fd, header);
      for (const n of names)
        writeSync(fd, new Uint8Array(arrays[n].buffer, arrays[n].byteOffset, arrays[n].byteLength));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file(k));
  }

  load(k: number): Arrays {
    const buf = readFileSync(this.file(k));
    const hl = buf.readUInt32LE(0);
    const names = JSON.parse(buf.subarray(4, 4 + hl).toString()) as [string, number][];
    let off = 4 + hl;
    const out: Arrays = {};
    for (const [n, len] of names) {
      const a = new Float32Array(len);
      new Uint8Array(a.buffer).set(buf.subarray(off, off + len * 4));
      out[n] = a;
      off += len * 4;
    }
    return out;
  }

  /** Delete the checkpoint once the outputs are committed. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface TileLoopOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, etaSeconds?: number) => void;
  /** how many tiles to have in flight (the pool size) */
  concurrency: number;
  /** called with each tile computed in this run, after its lane has been given the next tile */
  onTile?: (t: Tile, arrays: Arrays) => void;
  /**
   * where a finished tile goes instead of the checkpoint's tile file; the tile counts as done (progress)
   * once the returned promise resolves, and must then survive a kill (see TileCheckpoint.markDone)
   */
  save?: (t: Tile, arrays: Arrays) => void | Promise<void>;
}

/**
 * Run `exec` on every tile not yet in the checkpoint, `concurrency` at a time, saving each result to the
 * checkpoint as it arrives (the caller reads them back in order to assemble its outputs), or handing it to
 * `save` (the caller's outputs). A lane hands its worker the next tile before this thread writes the
 * finished one (onTile, save), so the workers never wait for those writes.
 */
export async function runTileLoop(
  tiles: Tile[],
  checkpoint: TileCheckpoint,
  exec: (t: Tile, signal: AbortSignal) => Promise<Arrays>,
  opts: TileLoopOptions,
): Promise<{ resumed: number }> {
  const todo = tiles.filter((t) => !checkpoint.has(t.index));
  const resumed = tiles.length - todo.length;
  let done = resumed;
  const t0 = performance.now();
  opts.onProgress?.(done, tiles.length);
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  opts.signal?.addEventListener('abort', onAbort);
  let next = 0;
  let failure: unknown = null;
  const take = (): Tile | null => {
    if (failure || next >= todo.length) return null;
    if (opts.signal?.aborted) throw new CancelledError();
    return todo[next++];
  };
  const worker = async () => {
    let t = take();
    let pending = t ? exec(t, inner.signal) : null;
    while (t && pending) {
      const r = await pending;
      const finished = t;
      let stop: unknown = null; // a cancel still saves the tile that finished
      try {
        t = take();
      } catch (e) {
        t = null;
        stop = e;
      }
      pending = t ? exec(t, inner.signal) : null;
      pending?.catch(() => {}); // awaited on the next turn; a failure there is reported then
      opts.onTile?.(finished, r);
      if (opts.save) await opts.save(finished, r);
      else checkpoint.save(finished.index, r);
      done++;
      const rate = (done - resumed) / ((performance.now() - t0) / 1000);
      opts.onProgress?.(done, tiles.length, rate > 0 ? (tiles.length - done) / rate : undefined);
      if (stop) throw stop;
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(opts.concurrency, todo.length)) }, () =>
        worker().catch((e) => {
          failure ??= e;
          inner.abort();
        }),
      ),
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw new CancelledError();
  if (failure) throw failure;
  return { resumed };
}
