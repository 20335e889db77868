/**
 * The composition root of the main side: builds the services and one object implementing InsarApi that
 * both transports (Electron IPC, browser host) dispatch to after `parseArgs` (the method's declaration). No Electron import.
 */
import { placesIn } from '../../src-core/node/basemap/places';
import { waterwaysIn } from '../../src-core/node/basemap/waterways';
import * as v from 'valibot';
import { savedLayerList } from '../../src-shared/argSchemas';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { H5Reader } from '../../src-core/node/formats/h5';
import type { Capabilities, InsarApi } from '../../src-shared/api';
import { parseArgs } from '../../src-shared/validate';
import { isOutputStale } from '../../src-core/node/pipeline/staleness';
import { stepInfos } from '../../src-core/node/pipeline/registry';
import { EventBus } from './events';
import { ExportService } from './exportService';
import { confinedExports, dialogExports } from './exportPaths';
import { JobService, type Runner } from './jobService';
import { LayerService } from './layerService';
import { TileService } from './tileService';
import { AppDb } from './projectDb';
import { ProjectService } from './projectService';
import { PreviewService } from './previewService';
import { NISAR_SITES } from '../../src-core/common/nisar/sites';

/** Native folder picker (Electron's dialog); the browser host has none and the renderer shows a path field. */
export interface Dialogs {
  pickFolder(): Promise<string | null>;
  /** Electron's save dialog: the only place an export may go in the desktop app (null: cancelled) */
  saveFile?(defaultPath: string): Promise<string | null>;
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
  tiles: TileService;
  /** cancel a run and wait until it has settled (its child stopped or killed), then dispose */
  shutdown(): Promise<void>;
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

/** where the project database keeps the renderer's layer list (its meta table) */
const LAYER_LIST_KEY = 'viewer.layerList';

export function createServices(opts: ServiceOptions): Services {
  const events = new EventBus();
  const appDb = new AppDb(join(opts.appDataDir ?? defaultAppDataDir(), 'app.sqlite'));
  const projects = new ProjectService(appDb, events);
  const workDir = () => projects.current?.workDir ?? null;
  const tsFile = () => projects.timeseriesFile();
  const layers = new LayerService(workDir, tsFile);
  const jobs = new JobService(projects, events, opts.runner, opts.numWorkers);
  // where exports may go: the save dialog's choice (Electron) or the project's exports/ folder (browser host)
  const saveFile = opts.dialogs?.saveFile?.bind(opts.dialogs);
  const exports = new ExportService(
    layers,
    workDir,
    tsFile,
    saveFile ? dialogExports(saveFile, workDir) : confinedExports(workDir),
  );
  const previews = new PreviewService(projects, opts.numWorkers ?? 2);
  const tiles = new TileService(layers, (file) =>
    projects.current ? isOutputStale(file, projects.editState().staleFrom) : false,
  );
  events.on('onRunFinished', () => {
    layers.clearCache();
    tiles.clear();
    previews.prepare(); // a run that (re)loaded the stack: the preview's copy follows it
  });

  const api: InsarApi = {
    capabilities: async () => ({
      transport: opts.transport,
      nativeDialogs: !!opts.dialogs,
      platform: process.platform,
    }),
    steps: async () => stepInfos(),
    openProject: async (folder) => {
      if (jobs.running) throw new Error('a run is going: cancel it before opening another project');
      layers.clearCache();
      tiles.clear();
      const info = await projects.open(folder);
      previews.prepareSoon();
      return info;
    },
    recentProjects: async () => projects.recent(),
    projectInfo: async () => (projects.current ? projects.info() : null),
    // the single calls' answers, in one
    startState: async () => {
      const [project, recent] = [await api.projectInfo(), await api.recentProjects()];
      if (!project) return { project, recent, layers: [], network: null, layerList: null };
      return {
        project,
        recent,
        layers: await api.listLayers(),
        network: await api.network(),
        layerList: await api.layerList(),
      };
    },
    pickFolder: async () => (opts.dialogs ? opts.dialogs.pickFolder() : null),
    listDir: async (path) => projects.listDir(path),
    network: async () => projects.network(),
    listLayers: async () => layers.listLayers(),
    getLayer: async (file, dataset, date, refDate) => {
      const data = await layers.getLayer(file, dataset, date, refDate);
      const stale = projects.current ? projects.editState().staleFrom : null;
      return { ...data, stale: isOutputStale(file, stale) };
    },
    layerMeta: async (ref) => tiles.meta(ref),
    layerTiles: async (ref, list, pad) => tiles.tiles(ref, list, pad),
    layerValue: async (ref, row, col) => tiles.value(ref, row, col),
    pixelSeries: async (row, col) => layers.pixelSeries(row, col),
    pixelValues: async (ref, row, col) => layers.pixelValues(ref, row, col),
    regionSeries: async (polygon, refDate) => layers.regionSeries(polygon, refDate),
    transect: async (ref, start, end, options) => layers.transect(ref, start, end, options),
    referenceCandidates: async () => projects.referenceCandidates(),
    exportDownload: async (path) => exports.read(path),
    nisarValidate: async (o) => exports.nisar(o),
    nisarSites: async () =>
      NISAR_SITES.map((x) => ({ name: x.name, gnssRefSite: x.gnssRefSite, direction: x.direction, track: x.track })),
    placeNames: async (south, west, north, east) => placesIn(south, west, north, east),
    layerList: async () => {
      const raw = projects.require().db.meta(LAYER_LIST_KEY);
      if (!raw) return null;
      try {
        return v.parse(savedLayerList, JSON.parse(raw));
      } catch {
        return null; // written by another version: the default layer instead
      }
    },
    saveLayerList: async (list) => {
      projects.require().db.setMeta(LAYER_LIST_KEY, JSON.stringify(list));
      return true;
    },
    basemapWaterways: async (south, west, north, east) => waterwaysIn(south, west, north, east),
    gnssStations: async (paths) => layers.gnssStations(paths, projects.require().folder),
    setExcludedPairs: async (indices) => projects.setExcludedPairs(indices),
    setReferencePoint: async (lat, lon) => projects.setReferencePoint(lat, lon),
    clearReferencePoint: async () => projects.clearReferencePoint(),
    setOverrides: async (o) => projects.setOverrides(o),
    undo: async () => projects.undo(),
    redo: async () => projects.redo(),
    runPipeline: async (fromStep, toStep) => jobs.start(fromStep, toStep),
    cancelRun: async () => jobs.cancel(),
    runs: async () => projects.require().db.runs(),
    exportKmz: async (outPath, ref) => exports.kmz(ref ?? undefined, outPath),
    exportGeoTiff: async (ref, outPath) => exports.geotiff(ref, outPath),
    exportCsv: async (what, outPath) => exports.csv(what, outPath),
    exportKmzTimeseries: async (outPath, file) => exports.kmzTimeseries(outPath, file),
    exportFigure: async (what, outPath) => exports.figure(what, outPath),
    fileInfo: async (path) => {
      // only HDF5 files of the open project's work folder (the layers' rule): no probing of the disk
      projects.require();
      const p = layers.resolveFile(path);
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

  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    jobs.cancel();
    void previews.dispose();
    tiles.clear();
    projects.close();
    appDb.close();
  };
  return {
    api,
    events,
    projects,
    jobs,
    layers,
    exports,
    previews,
    tiles,
    async shutdown() {
      // a running pipeline child gets its grace period (it may have a Slurm array to cancel), then is killed
      jobs.cancel();
      await jobs.wait();
      dispose();
    },
    dispose,
  };
}

/** Check and parse the arguments against the method's declaration, then call. What every transport does. */
export async function dispatch(api: InsarApi, method: unknown, args: unknown): Promise<unknown> {
  const parsed = parseArgs(method, args);
  const fn = api[method as keyof InsarApi] as (...a: unknown[]) => Promise<unknown>;
  return fn(...parsed);
}
