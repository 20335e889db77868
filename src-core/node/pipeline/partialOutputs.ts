/**
 * A tiled step's HDF5 outputs written tile by tile into partial files kept in the step's checkpoint
 * folder (`<name>.part`), renamed into place when every tile is in (`commit`). They are the checkpoint's
 * data: a tile is marked done once the files holding it are flushed and fsynced (runTiledStep), so a
 * killed or cancelled run resumes from them — the next run copies the marked tiles out of the
 * interrupted run's files into fresh ones (an HDF5 file cut off mid-write is never written to again) and
 * computes the rest. Nothing is written twice and nothing read back on the way.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { H5Reader, H5Writer, clearWriteFlags, type Attrs, type CreateOptions, type WritableArray } from '../formats/h5';
import type { Tile, TileCheckpoint } from './tiles';
import { fsyncFiles, type TileOutputs } from './tiledRun';

export interface PartialFileSpec {
  /** the output's final path */
  path: string;
  rootAttrs: Attrs;
  /** the tiled dataset: rows [r0, r1) of a 2-D map, or of every band of a 3-D one, per tile */
  dataset: { name: string; shape: number[]; dtype: CreateOptions['dtype']; chunks: number[] };
  /** the tile result's array that goes into it */
  array: string;
  /** small datasets written whole (dates, baselines), after the tiled one */
  small?: { name: string; data: WritableArray | string[]; shape: number[] }[];
}

export class PartialH5Outputs implements TileOutputs {
  readonly written = new Set<number>();
  /** seconds this thread spent writing (tiles, flushes, the commit) */
  seconds = 0;
  private constructor(
    private readonly specs: PartialFileSpec[],
    private readonly writers: H5Writer[],
    private readonly onWrite?: (t: Tile, arrays: Record<string, Float32Array>) => void,
  ) {}

  /**
   * Create the partial files in the checkpoint's folder and take over the tiles it marks done from the
   * files an interrupted run left there (a tile that cannot be read back is unmarked and computed again).
   * `onWrite` sees every tile that goes in, taken over or computed.
   */
  static async open(
    checkpoint: TileCheckpoint,
    tiles: Tile[],
    specs: PartialFileSpec[],
    log: (s: string) => void,
    onWrite?: (t: Tile, arrays: Record<string, Float32Array>) => void,
  ): Promise<PartialH5Outputs> {
    const part = (s: PartialFileSpec) => join(checkpoint.dir, `${basename(s.path)}.part`);
    const prev = (s: PartialFileSpec) => join(checkpoint.dir, `${basename(s.path)}.prev`);
    const marked = checkpoint.marked().sort((a, b) => a - b);
    for (const s of specs) {
      if (!marked.length) {
        // nothing to take over
        rmSync(prev(s), { force: true });
        rmSync(part(s), { force: true });
      } else if (existsSync(prev(s))) {
        // a take-over was interrupted (the `.prev` files go only once it is done, before any tile is
        // computed): the `.prev` holds the marked tiles, the `.part` beside it only some of them
        rmSync(part(s), { force: true });
      } else if (existsSync(part(s))) renameSync(part(s), prev(s));
    }
    const writers: H5Writer[] = [];
    try {
      for (const s of specs) {
        const w = await H5Writer.create(s.path, s.rootAttrs, { fastChunkIndex: true, tmpPath: part(s) });
        writers.push(w);
        w.createEmpty(s.dataset.name, { shape: s.dataset.shape, dtype: s.dataset.dtype, chunks: s.dataset.chunks });
        for (const d of s.small ?? []) w.write(d.name, d.data, d.shape);
      }
    } catch (e) {
      for (const w of writers) w.abort();
      throw e;
    }
    const out = new PartialH5Outputs(specs, writers, onWrite);
    if (marked.length) await out.takeOver(checkpoint, tiles, marked, prev, log);
    for (const s of specs) rmSync(prev(s), { force: true });
    return out;
  }

  private async takeOver(
    checkpoint: TileCheckpoint,
    tiles: Tile[],
    marked: number[],
    prev: (s: PartialFileSpec) => string,
    log: (s: string) => void,
  ): Promise<void> {
    const byIndex = new Map(tiles.map((t) => [t.index, t]));
    const readers: H5Reader[] = [];
    try {
      for (const s of this.specs) {
        clearWriteFlags(prev(s)); // a killed writer leaves them set
        readers.push(await H5Reader.open(prev(s)));
      }
    } catch (e) {
      log(
        `the interrupted run's outputs cannot be read (${(e as Error).message}): its ${marked.length} tiles are computed again`,
      );
      for (const k of marked) checkpoint.unmark(k);
      for (const r of readers) r.close();
      return;
    }
    let lost = 0;
    try {
      for (const k of marked) {
        const t = byIndex.get(k);
        try {
          if (!t) throw new Error(`no tile ${k}`);
          const arrays: Record<string, Float32Array> = {};
          this.specs.forEach((s, i) => {
            const a = readers[i].readRows(s.dataset.name, t.r0, t.r1);
            arrays[s.array] = a instanceof Float32Array ? a : Float32Array.from(a);
          });
          this.write(t, arrays);
        } catch {
          lost++;
          checkpoint.unmark(k);
        }
      }
    } finally {
      for (const r of readers) r.close();
    }
    if (lost) log(`${lost} tiles of the interrupted run could not be read back: computed again`);
  }

  write(t: Tile, arrays: Record<string, Float32Array>): void {
    const t0 = performance.now();
    this.specs.forEach((s, i) => this.writers[i].writeRows(s.dataset.name, t.r0, arrays[s.array]));
    this.written.add(t.index);
    this.onWrite?.(t, arrays);
    this.seconds += (performance.now() - t0) / 1000;
  }

  async sync(): Promise<void> {
    const t0 = performance.now();
    for (const w of this.writers) w.flush();
    this.seconds += (performance.now() - t0) / 1000;
    await fsyncFiles(this.writers.map((w) => w.tmpPath));
  }

  /** Every tile is in: close the files and rename them into place. */
  commit(): void {
    const t0 = performance.now();
    for (const w of this.writers) w.commit();
    this.seconds += (performance.now() - t0) / 1000;
  }

  /** Stop without committing: the partial files stay for the next run to resume from. */
  close(): void {
    for (const w of this.writers) w.close();
  }
}
