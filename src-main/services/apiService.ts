/**
 * The composition root of the main side: builds the services and one object implementing InsarApi that
 * both transports (Electron IPC, browser host) dispatch to after `parseArgs` (the method's declaration). No Electron import.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { H5Reader } from '../../src-core/node/formats/h5';
import type { Capabilities, InsarApi } from '../../src-shared/api';
import { parseArgs } from '../../src-shared/validate';
import { isOutputStale } from '../../src-shared/steps';
import { EventBus } from './events';
import { ExportService } from './exportService';
import { JobService, type Runner } from './jobService';
import { LayerService } from './layerService';
import { AppDb } from './projectDb';
import { ProjectService } from './projectService';
import { PreviewService } from './previewService';

/** Native folder picker (Electron's dialog); the browser host has none and the renderer shows a path field. */
export interface Dialogs {
  pickFolder(): Promise<string | null>;
}

export interface ServiceOptions {
  /** app-level data folder (recent projects); default ~/.config/insar-studio */
  appDataDir?: string;
  transport: Capabilities['transport'];
  dialogs?: Dialogs;
  runner?: Runner;
  numWorkers?: number;
}

export interface Services {
  api: InsarApi;
  events: EventBus;
  projects: ProjectService;
  jobs: JobService;
  layers: LayerService;
  exports: ExportService;
  previews: PreviewService;
  dispose(): void;
}

export function defaultAppDataDir(): string {
  const base =
    process.env.XDG_CONFIG_HOME ||
    (process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Application Support')
      : process.platform === 'win32'
        ? process.env.APPDATA || join(homedir(), 'AppData', 'Roaming')
        : join(homedir(), '.config'));
  return join(base, 'insar-studio');
}

export function createServices(opts: ServiceOptions): Services {
  const events = new EventBus();
  const appDb = new AppDb(join(opts.appDataDir ?? defaultAppDataDir(), 'app.sqlite'));
  const projects = new ProjectService(appDb, events);
  const workDir = () => projects.current?.workDir ?? null;
  const layers = new LayerService(workDir);
  const jobs = new JobService(projects, events, opts.runner, opts.numWorkers);
  const exports = new ExportService(layers, workDir);
  const previews = new PreviewService(projects, opts.numWorkers ?? 2);
  events.on('onRunFinished', () => {
    layers.clearCache();
    previews.prepare(); // a run that (re)loaded the stack: the preview's copy follows it
  });

  const api: InsarApi = {
    capabilities: async () => ({
      transport: opts.transport,
      nativeDialogs: !!opts.dialogs,
      platform: process.platform,
    }),
    openProject: async (folder) => {
      if (jobs.running) throw new Error('a run is going: cancel it before opening another project');
      layers.clearCache();
      const info = await projects.open(folder);
      previews.prepare();
      return info;
    },
    recentProjects: async () => projects.recent(),
    projectInfo: async () => (projects.current ? projects.info() : null),
    pickFolder: async () => (opts.dialogs ? opts.dialogs.pickFolder() : null),
    listDir: async (path) => projects.listDir(path),
    network: async () => projects.network(),
    listLayers: async () => layers.listLayers(),
    getLayer: async (file, dataset, date) => {
      const data = await layers.getLayer(file, dataset, date);
      const stale = projects.current ? projects.editState().staleFrom : null;
      return { ...data, stale: isOutputStale(file, stale) };
    },
    pixelSeries: async (row, col) => layers.pixelSeries(row, col),
    transect: async (ref, start, end, samples) => layers.transect(ref, start, end, samples),
    setExcludedPairs: async (indices) => projects.setExcludedPairs(indices),
    setReferencePoint: async (lat, lon) => projects.setReferencePoint(lat, lon),
    clearReferencePoint: async () => projects.clearReferencePoint(),
    setOverrides: async (o) => projects.setOverrides(o),
    undo: async () => projects.undo(),
    redo: async () => projects.redo(),
    runPipeline: async (fromStep) => jobs.start(fromStep),
    cancelRun: async () => jobs.cancel(),
    runs: async () => projects.require().db.runs(),
    exportKmz: async (outPath, ref) => exports.kmz(ref ?? undefined, outPath),
    exportGeoTiff: async (ref, outPath) => exports.geotiff(ref, outPath),
    exportCsv: async (what, outPath) => exports.csv(what, outPath),
    fileInfo: async (path) => {
      const dir = workDir();
      const p = isAbsolute(path) ? path : resolve(dir ?? '.', path);
      const r = await H5Reader.open(p);
      try {
        return {
          path: p,
          attrs: r.attrs,
          datasets: r.keys().map((k) => ({ name: k, shape: r.shape(k), dtype: r.info(k).dtype })),
        };
      } finally {
        r.close();
      }
    },
    previewVelocity: async (view, maxPixels) => previews.preview(view, maxPixels),
  };

  return {
    api,
    events,
    projects,
    jobs,
    layers,
    exports,
    previews,
    dispose() {
      void previews.dispose();
      jobs.cancel();
      projects.close();
      appDb.close();
    },
  };
}

/** Check and parse the arguments against the method's declaration, then call. What every transport does. */
export async function dispatch(api: InsarApi, method: unknown, args: unknown): Promise<unknown> {
  const parsed = parseArgs(method, args);
  const fn = api[method as keyof InsarApi] as (...a: unknown[]) => Promise<unknown>;
  return fn(...parsed);
}
