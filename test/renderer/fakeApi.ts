/**
 * A stand-in for the renderer's API object in store and component tests: every method is a vi.fn with a
 * small, consistent project behind it (a 4 × 5 grid, 4 dates, 5 pairs); `emit` plays main's events.
 * Tests mock `src-renderer/api/client` with it:
 *   vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
 */
import { vi } from 'vitest';
import type {
  ApiEventName,
  ApiEvents,
  EditState,
  Grid,
  LayerData,
  LayerInfo,
  LayerMeta,
  LayerRef,
  LayerTile,
  NetworkInfo,
  PixelValue,
  PixelSeries,
  ProjectInfo,
} from '../../src-shared/api';

export const GRID: Grid = { length: 4, width: 5, xFirst: -120, yFirst: 36, xStep: 0.01, yStep: -0.01 };
export const DATES = ['20200101', '20200113', '20200125', '20200206'];
const PAIRS: [string, string][] = [
  [DATES[0], DATES[1]],
  [DATES[0], DATES[2]],
  [DATES[1], DATES[2]],
  [DATES[1], DATES[3]],
  [DATES[2], DATES[3]],
];

export function edits(excluded: number[] = [], over: Partial<EditState> = {}): EditState {
  return {
    excludedPairs: excluded,
    referencePoint: null,
    overrides: {},
    canUndo: excluded.length > 0,
    canRedo: false,
    staleFrom: excluded.length ? 'modify_network' : null,
    staleOutputs: excluded.length ? ['velocity.h5', 'timeseries.h5'] : [],
    ...over,
  };
}

export function projectInfo(over: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    folder: '/data/demo',
    name: 'demo',
    kind: 'aria',
    templatePath: '/data/demo/mintpy/Demo.cfg',
    workDir: '/data/demo/mintpy',
    grid: GRID,
    dates: DATES,
    numPairs: PAIRS.length,
    edits: edits(),
    lastRun: null,
    running: false,
    outputReference: null,
    ...over,
  };
}

export function network(excluded: number[] = []): NetworkInfo {
  return {
    dates: DATES,
    dateBperp: [0, 20, -10, 5],
    pairs: PAIRS.map(([a, b], index) => ({
      index,
      date1: a,
      date2: b,
      bperp: index * 10,
      coherence: [0.9, 0.4, 0.8, 0.3, 0.7][index],
      days: (DATES.indexOf(b) - DATES.indexOf(a)) * 12,
    })),
    excluded,
    ruleDropped: [],
    components: 1,
    datesWithoutPair: [],
    // 5 pairs over 4 dates: 2 beyond a spanning tree
    redundantPairs: 2,
    temporalCoherenceNote: null,
    kept: PAIRS.length - excluded.length,
  };
}

export const LAYERS: LayerInfo[] = [
  {
    id: 'velocity.h5:velocity',
    file: 'velocity.h5',
    dataset: 'velocity',
    label: 'Velocity',
    kind: 'map',
    units: 'm/year',
    fileType: 'velocity',
  },
  {
    id: 'timeseries.h5:timeseries',
    file: 'timeseries.h5',
    dataset: 'timeseries',
    label: 'Displacement (time series)',
    kind: 'timeseries',
    units: 'm',
    fileType: 'timeseries',
    dates: DATES,
  },
  {
    id: 'inputs/geometryGeo.h5:height',
    file: 'inputs/geometryGeo.h5',
    dataset: 'height',
    label: 'DEM height',
    kind: 'geometry',
    units: 'm',
    fileType: 'geometry',
  },
  {
    id: 'maskTempCoh.h5:mask',
    file: 'maskTempCoh.h5',
    dataset: 'mask',
    label: 'Mask',
    kind: 'mask',
    units: '1',
    fileType: 'mask',
  },
  {
    id: 'inputs/ifgramStack.h5:coherence',
    file: 'inputs/ifgramStack.h5',
    dataset: 'coherence',
    label: 'Pair: coherence',
    kind: 'pair',
    units: '1',
    fileType: 'ifgramStack',
    dates: PAIRS.map(([a, b]) => `${a}_${b}`),
  },
];

/** Values of a layer: pixel i = (i − 10)·0.001 (m or m/yr); pixel 0 is NaN; the mask hides pixel 1. */
export function layerValues(file: string, dataset: string, date?: string): Float32Array {
  const n = GRID.length * GRID.width;
  if (file === 'maskTempCoh.h5') return Float32Array.from({ length: n }, (_, i) => (i === 1 ? 0 : 1));
  const shift = date ? DATES.indexOf(date) : 0;
  const v = Float32Array.from({ length: n }, (_, i) => (i - 10) * 0.001 * (1 + shift));
  v[0] = NaN;
  void dataset;
  return v;
}

function layer(file: string, dataset: string, date?: string): LayerData {
  const values = layerValues(file, dataset, date);
  const info = LAYERS.find((l) => l.file === file && l.dataset === dataset);
  return {
    ref: { file, dataset, ...(date ? { date } : {}) },
    grid: GRID,
    values,
    units: info?.units ?? '1',
    fileType: info?.fileType ?? '',
    stats: { min: -0.009, max: 0.009, mean: 0, p2: -0.008, p98: 0.0123, validCount: values.length - 1 },
    stale: false,
  };
}

type Listener = (p: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

function makeFakeApi() {
  let excluded: number[] = [];
  const history: number[][] = [];
  return {
    capabilities: vi.fn(async () => ({ transport: 'http' as const, nativeDialogs: false, platform: 'linux' })),
    steps: vi.fn(async () =>
      ['load_data', 'modify_network', 'invert_network', 'velocity'].map((name) => ({
        name,
        description: name,
        keys: [],
        writes: [],
        layers: [],
      })),
    ),
    openProject: vi.fn(async (folder: string) => projectInfo({ folder })),
    recentProjects: vi.fn(async () => [{ folder: '/data/demo', name: 'demo', openedAt: '2026-01-01' }]),
    projectInfo: vi.fn(async (): Promise<ProjectInfo | null> => projectInfo({ edits: edits(excluded) })),
    pickFolder: vi.fn(async (): Promise<string | null> => null),
    listDir: vi.fn(async (path: string) => ({ path, parent: null, entries: [] })),
    network: vi.fn(async () => network(excluded)),
    listLayers: vi.fn(async () => LAYERS),
    getLayer: vi.fn(async (file: string, dataset: string, date?: string) => layer(file, dataset, date)),
    layerMeta: vi.fn(async (ref: LayerRef): Promise<LayerMeta> => {
      const { values: _v, ...m } = layer(ref.file, ref.dataset, ref.date);
      return { ...m, statsStep: 1, validBox: [0, 0, GRID.length, GRID.width] };
    }),
    layerTiles: vi.fn(async (_ref: LayerRef, list: [number, number, number][]): Promise<(LayerTile | null)[]> =>
      list.map(() => null),
    ),
    layerValue: vi.fn(async (ref: LayerRef, row: number, col: number): Promise<PixelValue> => {
      const i = row * GRID.width + col;
      const value = layerValues(ref.file, ref.dataset, ref.date)[i];
      const masked = ['velocity.h5', 'timeseries.h5'].includes(ref.file) && i === 1;
      return { row, col, value, state: Number.isNaN(value) ? 'nodata' : masked ? 'masked' : 'ok' };
    }),
    pixelSeries: vi.fn(async (row: number, col: number): Promise<PixelSeries> => ({
      file: 'timeseries.h5',
      unit: 'm',
      row,
      col,
      lat: GRID.yFirst + (row + 0.5) * GRID.yStep,
      lon: GRID.xFirst + (col + 0.5) * GRID.xStep,
      dates: DATES,
      years: [2020, 2020.03, 2020.07, 2020.1],
      values: Float32Array.from([0, 0.01, 0.02, 0.03]),
      velocity: 0.1,
      velocityStd: 0.01,
      residualStd: 0.002,
      model: Float32Array.from([0, 0.01, 0.02, 0.03]),
      referenceDate: DATES[0],
    })),
    transect: vi.fn(async (ref, _a: [number, number], _b: [number, number]) => ({
      ref,
      units: 'm/year',
      fileType: 'velocity',
      distance: Float32Array.from([0, 1000]),
      distanceUnit: 'm' as const,
      distanceKm: Float32Array.from([0, 1]),
      lat: Float64Array.from([36, 35.99]),
      lon: Float64Array.from([-120, -119.99]),
      row: Float32Array.from([0, 1]),
      col: Float32Array.from([0, 1]),
      values: Float32Array.from([0.01, 0.02]),
      numSamples: 2,
      swath: null,
    })),
    setExcludedPairs: vi.fn(async (indices: number[]) => {
      history.push(excluded);
      excluded = [...indices];
      return edits(excluded);
    }),
    setReferencePoint: vi.fn(async (lat: number, lon: number) =>
      lat > GRID.yFirst
        ? { ok: false as const, reason: 'outside the grid' }
        : {
            ok: true as const,
            point: { lat, lon, row: 1, col: 2 },
            edits: edits(excluded, { referencePoint: { lat, lon, row: 1, col: 2 }, staleFrom: 'reference_point' }),
          },
    ),
    clearReferencePoint: vi.fn(async () => edits(excluded)),
    setOverrides: vi.fn(async () => edits(excluded)),
    undo: vi.fn(async () => {
      excluded = history.pop() ?? [];
      return edits(excluded, { canRedo: true });
    }),
    redo: vi.fn(async () => edits(excluded)),
    runPipeline: vi.fn(async (from?: string) => ({
      id: 1,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
      status: 'running' as const,
      fromStep: from ?? null,
      steps: [
        { name: 'load_data', status: 'pending' as const },
        { name: 'invert_network', status: 'pending' as const },
      ],
    })),
    cancelRun: vi.fn(async () => true),
    runs: vi.fn(async () => []),
    exportKmz: vi.fn(async () => ({
      path: '/data/demo/mintpy/velocity.kmz',
      bytes: 2048,
      paths: ['/data/demo/mintpy/velocity.kmz'],
    })),
    exportGeoTiff: vi.fn(async () => ({
      path: '/data/demo/mintpy/velocity.tif',
      bytes: 4096,
      paths: ['/data/demo/mintpy/velocity.tif'],
    })),
    exportCsv: vi.fn(async () => ({
      path: '/data/demo/mintpy/velocity.csv',
      bytes: 1024,
      paths: ['/data/demo/mintpy/velocity.csv'],
    })),
    fileInfo: vi.fn(async (path: string) => ({ path, attrs: {}, datasets: [] })),
    previewVelocity: vi.fn(async (view: { row0: number; row1: number; col0: number; col1: number }) => ({
      ok: true as const,
      preview: {
        grid: { ...GRID, length: 2, width: 3, xStep: GRID.xStep * 2, yStep: GRID.yStep * 2 },
        values: Float32Array.from([0.01, NaN, -0.02, 0.03, 0, 0.005]),
        units: 'm/year',
        stats: { min: -0.02, max: 0.03, mean: 0.005, p2: -0.02, p98: 0.03, validCount: 5 },
        step: 2,
        pixels: 6,
        keptPairs: 5 - excluded.length,
        reference: { row: 1, col: 2, source: "the last run's automatic choice" },
        seconds: 0.05,
        notes: view.row0 < 0 ? ['view clipped'] : [],
      },
    })),
    on: vi.fn(<E extends ApiEventName>(event: E, cb: (p: ApiEvents[E]) => void) => {
      let s = listeners.get(event);
      if (!s) listeners.set(event, (s = new Set()));
      s.add(cb as Listener);
      return () => s!.delete(cb as Listener);
    }),
    /** test helper: reset the project state behind the fake */
    resetState() {
      excluded = [];
      history.length = 0;
    },
  };
}

export const fakeApi = makeFakeApi();

/** Play one of main's events to the renderer's listeners. */
export function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
  for (const cb of listeners.get(event) ?? []) cb(payload);
}
