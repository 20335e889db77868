/**
 * Hand-written argument validators, one per API method. Main runs these on every message from the renderer
 * (IPC and HTTP) before any service sees it; a bad message gets an ApiArgError naming the method and argument.
 */
import { API_METHODS, STEP_ORDER, type ApiMethod } from './api';

export class ApiArgError extends Error {
  constructor(method: string, message: string) {
    super(`${method}: ${message}`);
    this.name = 'ApiArgError';
  }
}

type Check = (v: unknown) => string | null;

const str =
  (maxLen = 4096): Check =>
  (v) =>
    typeof v === 'string' && v.length <= maxLen && !v.includes('\0') ? null : `expected a string (≤ ${maxLen} chars)`;
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || v === null ? null : c(v);
const int =
  (min = 0, max = 1e9): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? null
      : `expected an integer in [${min}, ${max}]`;
const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'expected a finite number');
const lat: Check = (v) => num(v) ?? ((v as number) >= -90 && (v as number) <= 90 ? null : 'latitude out of [-90, 90]');
const lon: Check = (v) =>
  num(v) ?? ((v as number) >= -360 && (v as number) <= 360 ? null : 'longitude out of [-360, 360]');
const latLon: Check = (v) => (Array.isArray(v) && v.length === 2 ? (lat(v[0]) ?? lon(v[1])) : 'expected [lat, lon]');
const intArray: Check = (v) =>
  Array.isArray(v) && v.length <= 100000 && v.every((x) => int()(x) === null)
    ? new Set(v).size === v.length
      ? null
      : 'duplicate indices'
    : 'expected an array of non-negative integers';
const layerRef: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected {file, dataset, date?}';
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['file', 'dataset', 'date'].includes(k)) return `unexpected key "${k}" in layer`;
  return str(1024)(o.file) ?? str(256)(o.dataset) ?? optional(str(64))(o.date);
};
const overrides: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object of template keys';
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!/^mintpy\.[\w.]+$/.test(k)) return `"${k}" is not a mintpy.* template key`;
    if (x !== null && (typeof x !== 'string' || x.length > 4096 || /[\r\n]/.test(x)))
      return `value of ${k} must be a one-line string or null`;
  }
  return null;
};
const step: Check = (v) =>
  typeof v === 'string' && (STEP_ORDER as readonly string[]).includes(v)
    ? null
    : `expected a step: ${STEP_ORDER.join(', ')}`;
const csvExport: Check = (v) => {
  if (typeof v !== 'object' || v === null) return 'expected {kind, …}';
  const o = v as Record<string, unknown>;
  if (o.kind === 'layer') return layerRef(o.ref);
  if (o.kind === 'pixel') return int()(o.row) ?? int()(o.col);
  if (o.kind === 'transect') return layerRef(o.ref) ?? latLon(o.start) ?? latLon(o.end);
  return 'kind must be layer, pixel or transect';
};

/** [required checks…], then optional trailing ones marked by `optional`. */
const SCHEMA: Record<ApiMethod, Check[]> = {
  capabilities: [],
  openProject: [str()],
  recentProjects: [],
  projectInfo: [],
  pickFolder: [],
  listDir: [str()],
  network: [],
  listLayers: [],
  getLayer: [str(1024), str(256), optional(str(64))],
  pixelSeries: [int(), int()],
  transect: [layerRef, latLon, latLon, optional(int(2, 10000))],
  setExcludedPairs: [intArray],
  setReferencePoint: [lat, lon],
  clearReferencePoint: [],
  setOverrides: [overrides],
  undo: [],
  redo: [],
  runPipeline: [optional(step)],
  cancelRun: [],
  runs: [],
  exportKmz: [optional(str()), optional(layerRef)],
  exportGeoTiff: [layerRef, optional(str())],
  exportCsv: [csvExport, optional(str())],
  fileInfo: [str()],
};

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** Throws ApiArgError unless `args` fits the method's signature. Trailing `undefined`s are allowed. */
export function validateArgs(method: unknown, args: unknown): asserts method is ApiMethod {
  if (!isApiMethod(method)) throw new ApiArgError(String(method).slice(0, 64), 'unknown method');
  if (!Array.isArray(args)) throw new ApiArgError(method, 'arguments must be an array');
  const checks = SCHEMA[method];
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n > checks.length) throw new ApiArgError(method, `takes at most ${checks.length} arguments, got ${n}`);
  checks.forEach((c, i) => {
    const err = c(args[i]);
    if (err) throw new ApiArgError(method, `argument ${i + 1}: ${err}`);
  });
}
