/**
 * The manifest of one Slurm array: which tiles each array task runs and the tile tasks themselves (the same
 * `TileTask` objects the local pool gets), written once by the coordinator beside the checkpoint and read
 * by every array task. Parts shared by all tiles are stored once; numbers JSON cannot carry (NaN, ±Infinity,
 * -0) and typed arrays are tagged, so a task on a node is exactly the task the pool would have run.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { TileTask } from '../tileTasks';

export interface ArrayManifest {
  version: 1;
  step: string;
  workDir: string;
  /** the checkpoint's hash: tiles go to <workDir>/.insar-studio/tiles/<step>-<hash>/ */
  hash: string;
  /** the run's Slurm folder (logs, status files) */
  runDir: string;
  /** array index → tile indices */
  groups: number[][];
  /** tile index → rows, for messages */
  rows: Record<number, [number, number]>;
  /** task fields equal for every tile */
  common: unknown;
  /** tile index → the fields that differ */
  perTile: Record<number, unknown>;
}

/** JSON-safe form of a value: NaN/±Infinity/-0 and typed arrays tagged so they come back bit for bit. */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $num: 'NaN' };
    if (v === Infinity) return { $num: 'Infinity' };
    if (v === -Infinity) return { $num: '-Infinity' };
    if (Object.is(v, -0)) return { $num: '-0' };
    return v;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number> & { constructor: { name: string } };
    return { $typed: a.constructor.name, data: Array.from(a, encodeValue) };
  }
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  return v;
}

const TYPED: Record<string, new (a: number[]) => ArrayLike<number>> = {
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
};

export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
    if (typeof o.$typed === 'string' && Array.isArray(o.data)) {
      const C = TYPED[o.$typed];
      if (!C) throw new Error(`manifest: unknown typed array ${o.$typed}`);
      return new C(o.data.map((x) => decodeValue(x) as number));
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x)]));
  }
  return v;
}

/** Split tasks into the fields all share and the per-tile rest (keys compared by their encoded JSON). */
export function splitTasks(tasks: { index: number; task: TileTask }[]): Pick<ArrayManifest, 'common' | 'perTile'> {
  const enc = tasks.map(({ task }) => encodeValue(task) as Record<string, unknown>);
  const keys = new Set(enc.flatMap((e) => Object.keys(e)));
  const common: Record<string, unknown> = {};
  for (const k of keys) {
    const first = JSON.stringify(enc[0][k]);
    if (enc.every((e) => k in e && JSON.stringify(e[k]) === first)) common[k] = enc[0][k];
  }
  const perTile: Record<number, unknown> = {};
  tasks.forEach(({ index }, i) => {
    perTile[index] = Object.fromEntries(Object.entries(enc[i]).filter(([k]) => !(k in common)));
  });
  return { common, perTile };
}

export function taskOf(m: ArrayManifest, tile: number): TileTask {
  const own = m.perTile[tile];
  if (own === undefined) throw new Error(`manifest: no tile ${tile}`);
  return decodeValue({ ...(m.common as object), ...(own as object) }) as TileTask;
}

export function writeManifest(path: string, m: ArrayManifest): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(m));
  renameSync(tmp, path);
}

export function readManifest(path: string): ArrayManifest {
  const m = JSON.parse(readFileSync(path, 'utf8')) as ArrayManifest;
  if (m.version !== 1) throw new Error(`${path}: manifest version ${String(m.version)} is not 1`);
  return m;
}

/** The input files a tile task reads (checked on the node before running, to name a missing one). */
export function taskInputFiles(t: TileTask): string[] {
  switch (t.kind) {
    case 'invert':
      return [t.stackFile, ...t.skipMasks.map((m) => m.file)];
    case 'fit':
      return [t.timeseriesFile];
    case 'demErr':
      return [t.timeseriesFile, t.geometryFile, t.tcohFile].filter((f): f is string => !!f);
    default:
      return [];
  }
}
