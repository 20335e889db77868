/**
 * Layers for the map at any size: a layer's description without its values (grid, units, colour-limit
 * statistics from an overview, the box that holds data), 256 px Web Mercator tiles of float32 values with a
 * state byte per pixel (valid / no data / masked, see tiles/noData.ts) sampled at the overview level the
 * zoom needs, and the exact value of one pixel for the cursor readout. HDF5 files stay open while they do
 * not change; what was read is kept in one cache bounded in bytes. No Electron import.
 */
import { valueStats } from '../../src-core/common/util/valueStats';
import { statSync } from 'node:fs';
import { H5Reader } from '../../src-core/node/formats/h5';
import { fileIdentity } from '../../src-core/node/util/fileIdentity';
import { GRID_ATTRS, gridOf } from '../../src-core/node/formats/mintpyFiles';
import { overviewLevel, sampleTile } from '../../src-core/common/geo/tileSampling';
import type { LayerMeta, LayerRef, LayerTile, PixelValue } from '../../src-shared/api';
import { LayerError, type LayerService } from './layerService';
import { datasetUnit } from '../../src-core/common/export/units';
import { referenceToDate } from '../../src-core/common/derived/displayReference';
import { ByteLru } from '../../src-core/common/util/byteLru';
import { MASKED_OUT, NO_DATA, noDataRule, VALID } from './tiles/noData';
import { RasterReader } from './tiles/rasterReader';

export const TILE_SIZE = 256;
/** what main keeps of rasters read for the map */
export const TILE_CACHE_BYTES = 256 * 1024 * 1024;
/** colour-limit statistics come from an overview of at most this many pixels */
const STATS_PIXELS = 1_000_000;
/** layer descriptions kept (a few hundred bytes each: statistics, grid, box) */
const META_KEPT = 256;

interface OpenFile {
  mtime: number;
  h5: H5Reader;
  /** the root attributes the map needs, read once by name (reading all ~100 of MintPy's is slow in h5wasm) */
  attrs?: Record<string, string>;
}

export class TileService {
  private readonly files = new Map<string, OpenFile>();
  private readonly opening = new Map<string, Promise<OpenFile>>();
  /** what a layer reference resolved to, per file version (attributes, shape and dates read once) */
  private readonly readers = new Map<string, { r: RasterReader; units: string; fileType: string }>();
  private readonly cache: ByteLru<Float32Array>;
  /** layer descriptions by the versions of the files they read (metaKey), most recently used last */
  private readonly metas = new Map<string, Promise<LayerMeta>>();

  constructor(
    private readonly layers: LayerService,
    private readonly isStale: (file: string) => boolean,
    private readonly opts: { cacheBytes?: number; wholeLevelBytes?: number } = {},
  ) {
    this.cache = new ByteLru<Float32Array>(opts.cacheBytes ?? TILE_CACHE_BYTES);
  }

  /** Bytes of raster kept for the map. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  private async open(path: string): Promise<OpenFile> {
    const mtime = statSync(path).mtimeMs;
    const f = this.files.get(path);
    if (f && f.mtime === mtime) return f;
    // calls that arrive together (a layer's description and its tiles) share one opening
    const key = `${path}\0${mtime}`;
    let p = this.opening.get(key);
    if (!p) {
      p = (async () => {
        const h5 = await H5Reader.open(path);
        const old = this.files.get(path);
        if (old) {
          old.h5.close();
          for (const k of this.readers.keys()) if (k.startsWith(`${path}\0`)) this.readers.delete(k);
        }
        const o = { mtime, h5 };
        this.files.set(path, o);
        return o;
      })().finally(() => this.opening.delete(key));
      this.opening.set(key, p);
    }
    return p;
  }

  /** The 2-D raster a layer reference names (a band of a stack for a date or pair). */
  private async reader(ref: LayerRef): Promise<{ r: RasterReader; units: string; fileType: string }> {
    const path = this.layers.resolveFile(ref.file);
    const file = await this.open(path);
    const { h5, mtime } = file;
    const memo = `${path}\0${mtime}\0${ref.dataset}\0${ref.date ?? ''}`;
    const known = this.readers.get(memo);
    if (known) return known;
    if (!h5.has(ref.dataset))
      throw new LayerError(`${ref.file}: no dataset "${ref.dataset}" (has: ${h5.keys().join(', ')})`);
    const attrs = (file.attrs ??= h5.attrsNamed([...GRID_ATTRS, 'UNIT', 'FILE_TYPE']));
    const grid = gridOf(attrs, path);
    if (!grid)
      throw new LayerError(`${ref.file}: no map grid (X_FIRST/Y_FIRST): radar-coordinate files are not mapped`);
    const shape = h5.shape(ref.dataset);
    let band: number | undefined;
    if (shape.length === 3) {
      if (!ref.date) throw new LayerError(`${ref.file}:${ref.dataset} is a stack: choose a date`);
      const labels = h5.has('date') ? h5.readStrings('date') : [];
      const names =
        labels.length === shape[0] * 2
          ? labels.filter((_, i) => i % 2 === 0).map((a, i) => `${a}_${labels[2 * i + 1]}`)
          : labels;
      band = names.indexOf(ref.date);
      if (band < 0) throw new LayerError(`${ref.file}: no date "${ref.date}"`);
    } else if (shape.length !== 2)
      throw new LayerError(`${ref.file}:${ref.dataset} is ${shape.length}-D; only maps and stacks are shown`);
    const key = `${path}\0${mtime}\0${ref.dataset}\0${band ?? ''}`;
    const out = {
      r: new RasterReader(h5, ref.dataset, band, grid, key, this.cache, this.opts.wholeLevelBytes),
      // MintPy's unit rule (src-core), as listLayers and the exports
      units: datasetUnit(attrs.FILE_TYPE ?? '', ref.dataset, h5.info(ref.dataset).attrs.UNIT ?? attrs.UNIT),
      fileType: attrs.FILE_TYPE ?? '',
    };
    if (this.readers.size > 256) this.readers.clear();
    this.readers.set(memo, out);
    return out;
  }

  /** An auxiliary mask on the same grid, or null when the file is absent or on another grid. */
  private async aux(ref: LayerRef | undefined, main: RasterReader): Promise<RasterReader | null> {
    if (!ref) return null;
    try {
      const { r } = await this.reader(ref);
      const a = r.grid;
      const b = main.grid;
      return a.length === b.length && a.width === b.width && a.xFirst === b.xFirst && a.yFirst === b.yFirst ? r : null;
    } catch {
      return null;
    }
  }

  /** Values and state bytes of a layer at sampled pixels (`sample` reads one raster at the chosen pixels). */
  private async classify(
    ref: LayerRef,
    r: RasterReader,
    sample: (x: RasterReader) => Float32Array,
  ): Promise<{ values: Float32Array; flags: Uint8Array }> {
    const rule = noDataRule(ref);
    // a time series relative to another of its dates: each pixel minus its value then (src-core referenceToDate)
    const refR = ref.refDate ? (await this.reader({ ...ref, date: ref.refDate })).r : null;
    const values = refR ? referenceToDate(sample(r), sample(refR)) : sample(r);
    const flags = new Uint8Array(values.length);
    const count = await this.aux(rule.countMask, r);
    const quality = await this.aux(rule.qualityMask, r);
    const c = count ? sample(count) : null;
    const q = quality ? sample(quality) : null;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || (rule.zeroIsNoData && v === 0) || (c && c[i] === 0)) flags[i] = NO_DATA;
      else if (q && q[i] === 0) flags[i] = MASKED_OUT;
      else flags[i] = VALID;
    }
    return { values, flags };
  }

  /**
   * What identifies a layer's description: the path, size and modification time of its file and of the files
   * its no-data and mask rule reads (the reference date's band is in the same file). A missing file counts as
   * a version too. Paths are absolute: a description outlives a switch to another project and back.
   */
  private metaKey(ref: LayerRef): string {
    const rule = noDataRule(ref);
    const version = (file: string) => {
      try {
        return fileIdentity(this.layers.resolveFile(file)) ?? `${file}\0missing`;
      } catch {
        return `${file}\0missing`; // missing (resolveFile says so), or outside the work folder
      }
    };
    return JSON.stringify([
      ref.dataset,
      ref.date ?? null,
      ref.refDate ?? null,
      version(ref.file),
      rule.countMask ? version(rule.countMask.file) : null,
      rule.qualityMask ? version(rule.qualityMask.file) : null,
    ]);
  }

  /**
   * A layer's description (grid, units, statistics, data box; whether it is stale is asked each time). The
   * statistics read an overview of the whole layer: they are kept per version of the files they read, so
   * showing a layer again (a layer switch back, a reload of the page) costs no reading.
   */
  async meta(ref: LayerRef): Promise<LayerMeta> {
    const key = this.metaKey(ref);
    let m = this.metas.get(key);
    if (!m) {
      m = this.computeMeta(ref);
      this.metas.set(key, m);
      if (this.metas.size > META_KEPT) this.metas.delete(this.metas.keys().next().value!);
      m.catch(() => this.metas.delete(key));
    } else {
      // most recently used last
      this.metas.delete(key);
      this.metas.set(key, m);
    }
    return { ...(await m), stale: this.isStale(ref.file) };
  }

  private async computeMeta(ref: LayerRef): Promise<LayerMeta> {
    const { r, units, fileType } = await this.reader(ref);
    const g = r.grid;
    const k = r.clampLevel(Math.max(0, Math.ceil(Math.log2(Math.sqrt((g.length * g.width) / STATS_PIXELS)))));
    const [LR, LC] = r.levelShape(k);
    const { values, flags } = await this.classify(ref, r, (x) => x.level(k));
    // colour limits from the valid, unmasked pixels (all pixels with data when the mask hides everything)
    const anyValid = flags.includes(VALID);
    const s = 2 ** k;
    // the rows and columns with data (for a pair's footprint)
    let i0 = LR;
    let i1 = -1;
    let j0 = LC;
    let j1 = -1;
    for (let i = 0; i < LR; i++) {
      const row = flags.subarray(i * LC, (i + 1) * LC);
      let a = 0;
      while (a < LC && row[a] === NO_DATA) a++;
      if (a === LC) continue;
      let b = LC - 1;
      while (row[b] === NO_DATA) b--;
      if (i < i0) i0 = i;
      i1 = i;
      if (a < j0) j0 = a;
      if (b > j1) j1 = b;
    }
    return {
      ref: {
        file: ref.file,
        dataset: ref.dataset,
        ...(ref.date ? { date: ref.date } : {}),
        ...(ref.refDate ? { refDate: ref.refDate } : {}),
      },
      grid: g,
      units,
      fileType,
      stats: valueStats(values, flags, anyValid ? [VALID] : [VALID, MASKED_OUT]),
      statsStep: s,
      validBox: i1 < 0 ? null : [i0 * s, j0 * s, Math.min(g.length, (i1 + 1) * s), Math.min(g.width, (j1 + 1) * s)],
      stale: this.isStale(ref.file),
    };
  }

  /** One Web Mercator tile (XYZ) of a layer, `pad` extra pixels on each side; null when it misses the grid. */
  async tile(ref: LayerRef, z: number, x: number, y: number, pad = 0): Promise<LayerTile | null> {
    const { r } = await this.reader(ref);
    const t = sampleTile(r.grid, { z, x, y, size: TILE_SIZE, pad });
    if (!t.window) return null;
    const level = r.clampLevel(overviewLevel(t.density));
    const { values, flags } = await this.classify(ref, r, (a) => a.sample(t, level));
    return { n: t.n, size: TILE_SIZE, pad, level, values, flags };
  }

  /** Several tiles of one layer (what the map asks for at once). */
  async tiles(ref: LayerRef, list: [number, number, number][], pad = 0): Promise<(LayerTile | null)[]> {
    const out: (LayerTile | null)[] = [];
    for (const [z, x, y] of list) out.push(await this.tile(ref, z, x, y, pad));
    return out;
  }

  /** The exact value of one pixel and its state (for the cursor readout). */
  async value(ref: LayerRef, row: number, col: number): Promise<PixelValue> {
    const { r } = await this.reader(ref);
    const g = r.grid;
    if (row < 0 || row >= g.length || col < 0 || col >= g.width)
      throw new LayerError(`pixel (${row}, ${col}) is outside the ${g.length} × ${g.width} grid`);
    const { values, flags } = await this.classify(ref, r, (a) => Float32Array.of(a.value(row, col)));
    return {
      row,
      col,
      value: values[0],
      state: flags[0] === VALID ? 'ok' : flags[0] === NO_DATA ? 'nodata' : 'masked',
    };
  }

  /**
   * Forget what was read and close the files (a run rewrote them, another project was opened); layer
   * descriptions are kept by the versions of the files they read, so they are never served for other files.
   */
  clear(): void {
    for (const f of this.files.values()) f.h5.close();
    this.files.clear();
    this.readers.clear();
    this.cache.clear();
    // the descriptions stay: they are keyed by the files' versions (metaKey)
  }
}
