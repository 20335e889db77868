/**
 * App state. Plain values are reactive; big arrays (layer values, series) live in shallowRefs holding
 * markRaw objects so Vue never walks or proxies a typed array.
 */
import { markRaw, reactive, ref, shallowRef } from 'vue';
import type {
  EditState,
  LayerData,
  LayerInfo,
  LayerRef,
  NetworkInfo,
  PipelineStep,
  PixelSeries,
  ProjectInfo,
  RecentProject,
  RunSummary,
  Transect,
} from '../src-shared/api';
import { api } from './api/client';
import { displayUnits } from './units';

export { displayUnits };

export type MapMode = 'pixel' | 'transect' | 'reference';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export const state = reactive({
  project: null as ProjectInfo | null,
  recent: [] as RecentProject[],
  layers: [] as LayerInfo[],
  layerRef: null as LayerRef | null,
  cmap: 'RdBu_r',
  vmin: -1,
  vmax: 1,
  opacity: 0.85,
  maskOn: true,
  hillshade: true,
  selectedPair: null as number | null,
  pairClick: 'toggle' as 'toggle' | 'select',
  mapMode: 'pixel' as MapMode,
  transectPoints: [] as [number, number][],
  running: false,
  runSteps: [] as RunSummary['steps'],
  progress: {} as Record<string, { done: number; total: number; label?: string }>,
  log: [] as string[],
  lastRun: null as RunSummary | null,
  toasts: [] as Toast[],
  busy: 0,
  panel: 'project' as 'project' | 'network' | 'run' | 'inspect' | 'export',
  lastExport: '' as string,
  readout: '' as string,
});

export const layerData = shallowRef<LayerData | null>(null);
export const maskData = shallowRef<Uint8Array | null>(null);
export const heightData = shallowRef<LayerData | null>(null);
export const network = shallowRef<NetworkInfo | null>(null);
export const series = shallowRef<PixelSeries | null>(null);
export const transect = shallowRef<Transect | null>(null);
export const capabilities = ref<{ transport: string; nativeDialogs: boolean } | null>(null);

let toastId = 0;
export function toast(text: string, kind: Toast['kind'] = 'error'): void {
  const t = { id: ++toastId, kind, text };
  state.toasts.push(t);
  if (state.toasts.length > 4) state.toasts.splice(0, state.toasts.length - 4);
  setTimeout(
    () => {
      const i = state.toasts.findIndex((x) => x.id === t.id);
      if (i >= 0) state.toasts.splice(i, 1);
    },
    kind === 'error' ? 9000 : 4000,
  );
}

/** Run an API call, turning an error into a toast that says what to do. */
export async function guarded<T>(fn: () => Promise<T>, what: string): Promise<T | undefined> {
  state.busy++;
  try {
    return await fn();
  } catch (e) {
    toast(`${what} failed: ${(e as Error).message}`);
    return undefined;
  } finally {
    state.busy--;
  }
}

function defaultDisplay(l: LayerData): void {
  const { scale } = displayUnits(l.units);
  const ds = l.ref.dataset;
  const s = l.stats;
  if (['velocity', 'timeseries'].includes(ds) || l.ref.file === 'avgPhaseVelocity.h5' || ds === 'unwrapPhase') {
    const lim = Math.max(Math.abs(s.p2), Math.abs(s.p98)) * scale || 1;
    const nice = niceRound(lim);
    state.cmap = 'RdBu_r';
    state.vmin = -nice;
    state.vmax = nice;
  } else if (['temporalCoherence', 'coherence', 'mask', 'waterMask'].includes(ds) && l.units !== 'count') {
    state.cmap = ds.startsWith('mask') || ds === 'waterMask' ? 'gray' : 'viridis';
    state.vmin = 0;
    state.vmax = 1;
  } else if (ds === 'connectComponent' || l.units === 'count') {
    // integer labels / counts: the full range
    state.cmap = ds === 'connectComponent' ? 'jet' : 'viridis';
    state.vmin = 0;
    state.vmax = Math.max(1, s.max);
  } else {
    state.cmap = 'viridis';
    state.vmin = niceRound(s.p2 * scale, true);
    state.vmax = niceRound(s.p98 * scale);
    if (state.vmin === state.vmax) state.vmax = state.vmin + 1;
  }
}

function niceRound(x: number, floor = false): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  const k = Math.floor(Math.log10(Math.abs(x))) - 1;
  const e = Math.pow(10, k);
  const v = (floor ? Math.floor(x / e) : Math.ceil(x / e)) * e;
  return Number(v.toFixed(Math.max(0, -k)));
}

export async function refreshProject(): Promise<void> {
  const info = await api.projectInfo();
  state.project = info;
  state.recent = await api.recentProjects();
  if (!info) return;
  state.lastRun = info.lastRun;
  state.running = info.running;
  const [layers, net] = await Promise.all([api.listLayers(), api.network()]);
  state.layers = layers;
  network.value = markRaw(net);
}

export async function openProject(folder: string): Promise<void> {
  const info = await guarded(() => api.openProject(folder.trim()), 'Opening the project');
  if (!info) return;
  state.layerRef = null;
  layerData.value = null;
  series.value = null;
  transect.value = null;
  state.transectPoints = [];
  await refreshProject();
  await loadHeight();
  const def =
    state.layers.find((l) => l.dataset === 'velocity' && l.file === 'velocity.h5') ??
    state.layers.find((l) => l.kind !== 'pair');
  if (def)
    await showLayer({
      file: def.file,
      dataset: def.dataset,
      ...(def.dates ? { date: def.dates[def.dates.length - 1] } : {}),
    });
  state.panel = state.layers.some((l) => l.file === 'velocity.h5') ? 'network' : 'run';
}

export async function loadHeight(): Promise<void> {
  const h = state.layers.find((l) => l.file === 'inputs/geometryGeo.h5' && l.dataset === 'height');
  heightData.value = h
    ? (markRaw((await guarded(() => api.getLayer(h.file, h.dataset), 'Reading the DEM')) ?? {}) as LayerData)
    : null;
}

export async function loadMask(): Promise<void> {
  const m = state.layers.find((l) => l.file === 'maskTempCoh.h5');
  const ref = state.layerRef;
  const applies = ref && ['velocity.h5', 'timeseries.h5'].includes(ref.file);
  if (!m || !applies) {
    maskData.value = null;
    return;
  }
  const d = await guarded(() => api.getLayer(m.file, m.dataset), 'Reading the mask');
  maskData.value = d ? markRaw(Uint8Array.from(d.values, (v) => (v ? 1 : 0))) : null;
}

export async function showLayer(ref: LayerRef, keepLimits = false): Promise<void> {
  const d = await guarded(() => api.getLayer(ref.file, ref.dataset, ref.date), `Reading ${ref.file}:${ref.dataset}`);
  if (!d) return;
  state.layerRef = { ...ref };
  if (!keepLimits) defaultDisplay(d);
  await loadMask();
  layerData.value = markRaw(d);
}

export async function reloadAfterRun(): Promise<void> {
  await refreshProject();
  if (!heightData.value) await loadHeight();
  const ref = state.layerRef;
  const stillThere = ref && state.layers.some((l) => l.file === ref.file && l.dataset === ref.dataset);
  if (ref && stillThere) await showLayer(ref, true);
  else {
    const def = state.layers.find((l) => l.dataset === 'velocity' && l.file === 'velocity.h5');
    if (def) await showLayer({ file: def.file, dataset: def.dataset });
  }
  if (series.value) await inspectPixel(series.value.row, series.value.col);
}

export async function inspectPixel(row: number, col: number): Promise<void> {
  if (!state.layers.some((l) => l.file === 'timeseries.h5')) {
    toast('No time series yet: run the pipeline (Run panel) to make timeseries.h5', 'info');
    return;
  }
  const s = await guarded(() => api.pixelSeries(row, col), 'Reading the pixel time series');
  if (s) {
    series.value = markRaw(s);
    state.panel = 'inspect';
  }
}

/** Apply an edit's result to the network view at once (the full refresh follows). */
function applyEdits(e: EditState): void {
  if (state.project) state.project = { ...state.project, edits: e };
  const n = network.value;
  if (!n) return;
  const ex = new Set(e.excludedPairs);
  const dropped = n.ruleDropped.filter((r) => !ex.has(r.index)).length;
  network.value = markRaw({ ...n, excluded: e.excludedPairs, kept: n.pairs.length - ex.size - dropped });
}

export async function setExcluded(indices: number[]): Promise<void> {
  const e = await guarded(() => api.setExcludedPairs(indices), 'Excluding pairs');
  if (e) {
    applyEdits(e);
    await refreshProject();
  }
}

export async function undo(): Promise<void> {
  const e = await guarded(() => api.undo(), 'Undo');
  if (e) {
    applyEdits(e);
    await refreshProject();
  }
}
export async function redo(): Promise<void> {
  const e = await guarded(() => api.redo(), 'Redo');
  if (e) {
    applyEdits(e);
    await refreshProject();
  }
}

export async function runPipeline(from?: PipelineStep): Promise<void> {
  state.log = [];
  state.progress = {};
  const r = await guarded(() => api.runPipeline(from), 'Starting the run');
  if (r) {
    state.running = true;
    state.runSteps = r.steps;
    state.panel = 'run';
  }
}

export function installEventHandlers(): void {
  api.on('onProgress', (p) => {
    state.progress[p.step] = { done: p.done, total: p.total, label: p.label };
  });
  // typed step events from the run (started / finished / skipped / failed / cancelled): no log parsing
  api.on('onStep', (e) => {
    const s = state.runSteps.find((x) => x.name === e.step);
    if (!s) return;
    if (e.status === 'started') s.status = 'running';
    else if (e.status === 'finished') {
      s.status = 'done';
      s.seconds = e.seconds;
    } else if (e.status === 'skipped') s.status = 'skipped';
    else {
      s.status = e.status;
      s.seconds = e.seconds;
      if (e.status === 'failed') s.error = e.error;
    }
  });
  api.on('onLog', (l) => {
    state.log.push(`${l.time.slice(11, 19)}  ${l.message}`);
    if (state.log.length > 500) state.log.splice(0, state.log.length - 500);
  });
  api.on('onRunFinished', (e) => {
    state.running = false;
    state.runSteps = e.run.steps;
    state.lastRun = e.run;
    if (e.run.status === 'failed')
      toast(
        `The run failed: ${e.run.error ?? 'see the log'} — fix the input or settings, then re-run from the failed step`,
      );
    else if (e.run.status === 'ok') toast('Run finished: layers updated', 'info');
    void reloadAfterRun();
  });
  api.on('onProjectChanged', (p) => {
    if (p && state.project && p.folder === state.project.folder) {
      // an edit from elsewhere (the Electron menu's Undo, another window): follow it
      const before = network.value?.excluded.join(',');
      state.project = p;
      if (network.value && before !== p.edits.excludedPairs.join(',')) {
        applyEdits(p.edits);
        void api.network().then((n) => (network.value = markRaw(n)));
      }
    } else if (p) {
      state.project = p;
      void refreshProject();
    }
  });
}
