/**
 * The open project: detection, the project database (edits with undo/redo, runs), recent projects, the
 * network and the reference-point check. One project at a time. No Electron import.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { H5Reader } from '../../src-core/node/formats/h5';
import { IfgramStack, GRID_ATTRS, gridOf } from '../../src-core/node/formats/mintpyFiles';
import { latLonToRowColGeo, rowColToLatLonGeo } from '../../src-core/common/geo/gridCoords';
import { Template } from '../../src-core/node/config/template';
import { daysBetween } from '../../src-core/common/time/dates';
import { checkReferencePixel, referenceCandidates } from '../../src-core/node/reference/checkReferencePixel';
import { COHERENCE_SPATIAL_AVG_FILE, plannedKeptPairs } from '../../src-core/node/network/pairCoherence';
import { readNetworkSelection } from '../../src-core/node/network/selectionStore';
import { staleFromDiff, staleOutputs } from '../../src-core/node/pipeline/staleness';
import { STEP_NAMES, isStepName, type StepName } from '../../src-core/node/pipeline/registry';
import { timeseriesChainNames } from '../../src-core/node/steps/correctTopography';
import {
  type DirListing,
  type EditState,
  type Grid,
  type NetworkInfo,
  type ProjectInfo,
  type RecentProject,
  type ReferenceCandidatesInfo,
  type ReferencePoint,
  type RefPointResult,
  type RunStepState,
  type RunSummary,
} from '../../src-shared/api';
import { AppDb, ProjectDb, type EditSnapshot, type HistoryState } from './projectDb';
import { detectProject, type ProjectInfo as DetectedInfo } from '../../src-core/node/project/detect';
import { readStackNetwork, type StackNetwork } from './network';
import {
  networkConnectivity,
  perpBaselineTimeseries,
  temporalCoherenceNote,
} from '../../src-core/common/network/networkGraph';
import type { EventBus } from './events';

/** The template overrides the edits stand for. */
export function overridesOf(s: EditSnapshot): Record<string, string> {
  const o: Record<string, string> = { ...s.overrides };
  if (s.excludedPairs.length)
    o['mintpy.network.excludeIfgIndex'] = [...s.excludedPairs].sort((a, b) => a - b).join(',');
  if (s.referencePoint) {
    o['mintpy.reference.yx'] = `${s.referencePoint.row},${s.referencePoint.col}`;
    o['mintpy.reference.lalo'] = 'no';
  }
  return o;
}

/**
 * Where "Run" goes on after a run that stopped (cancelled, failed, interrupted): its first step that did not
 * finish, when that run had the edits as they are now and started at or before the first stale step (so
 * the steps it finished are up to date). Null otherwise: the run starts where the edits say.
 */
export function continueFrom(
  last:
    { status: string; fromStep: string | null; overrides: Record<string, string>; steps: RunStepState[] } | undefined,
  current: Record<string, string>,
  staleFrom: string | null,
): StepName | null {
  if (!last || last.status === 'ok' || last.status === 'running') return null;
  if (staleFromDiff(current, last.overrides) !== null) return null;
  const i0 = STEP_NAMES.indexOf((last.fromStep ?? STEP_NAMES[0]) as StepName);
  if (i0 < 0 || (staleFrom !== null && STEP_NAMES.indexOf(staleFrom as StepName) < i0)) return null;
  const next = last.steps.find((s) => s.status !== 'done' && s.status !== 'skipped');
  return next && isStepName(next.name) ? next.name : null;
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

/** The app's own folder inside a project: the project database lives here; nothing of the user's is touched. */
export const APP_DIR = '.insar-studio';

/**
 * The project database: `<folder>/.insar-studio/project.sqlite`, or — for a folder we may not write (a
 * read-only share) — `<appData>/projects/<hash of the folder>/project.sqlite`.
 */
export function openProjectDb(folder: string, appDataDir: string): ProjectDb {
  try {
    return new ProjectDb(join(folder, APP_DIR, 'project.sqlite'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!['EACCES', 'EROFS', 'EPERM', 'SQLITE_CANTOPEN', 'SQLITE_READONLY'].includes(code ?? '')) throw e;
    const key = createHash('sha256').update(folder).digest('hex').slice(0, 16);
    return new ProjectDb(join(appDataDir, 'projects', key, 'project.sqlite'));
  }
}

export interface OpenProject {
  folder: string;
  name: string;
  kind: ProjectInfo['kind'];
  templatePath: string;
  workDir: string;
  detected: DetectedInfo;
  db: ProjectDb;
}

export class ProjectService {
  private project: OpenProject | null = null;
  private networkCache: (StackNetwork & { mtime: string }) | null = null;
  /** set by the JobService so projectInfo can say whether a run is going */
  isRunning: () => boolean = () => false;

  constructor(
    readonly appDb: AppDb,
    private readonly events?: EventBus,
  ) {}

  get current(): OpenProject | null {
    return this.project;
  }

  require(): OpenProject {
    if (!this.project)
      throw new ProjectError('no project is open: open a project folder first (File › Open Project Folder…)');
    return this.project;
  }

  async open(folder: string): Promise<ProjectInfo> {
    // an ARIA folder gets MintPy's default template in <folder>/mintpy/ (never overwritten)
    const det = await detectProject(folder, { writeTemplate: true });
    if (!det.templateExists) {
      mkdirSync(dirname(det.templatePath), { recursive: true });
      writeFileSync(det.templatePath, det.templateText ?? '');
    }
    Template.read(det.templatePath); // fail early on an unreadable template
    this.close();
    const db = openProjectDb(det.folder, dirname(this.appDb.path));
    const name = basename(det.folder) === 'mintpy' ? `${basename(dirname(det.folder))}/mintpy` : basename(det.folder);
    const kind = det.kind === 'mintpy' ? 'mintpy-staged' : det.kind;
    this.project = {
      folder: det.folder,
      name,
      kind,
      templatePath: det.templatePath,
      workDir: det.workDir,
      detected: det,
      db,
    };
    this.appDb.touchRecent(det.folder, name);
    const info = await this.info();
    this.events?.emit('onProjectChanged', info);
    return info;
  }

  close(): void {
    this.project?.db.close();
    this.project = null;
    this.networkCache = null;
  }

  recent(): RecentProject[] {
    return this.appDb.recent().filter((r) => existsSync(r.folder));
  }

  grid(): Grid | null {
    const p = this.require();
    for (const f of ['velocity.h5', 'timeseries.h5', 'inputs/ifgramStack.h5', 'inputs/geometryGeo.h5']) {
      const path = join(p.workDir, f);
      if (!existsSync(path)) continue;
      try {
        const r = new H5Reader(path);
        try {
          return gridOf(r.attrsNamed(GRID_ATTRS), path);
        } finally {
          r.close();
        }
      } catch {
        /* try the next file */
      }
    }
    return p.detected.grid;
  }

  editState(h?: HistoryState): EditState {
    const p = this.require();
    const hist = h ?? p.db.history();
    const lastOk = p.db.runs().find((r) => r.status === 'ok');
    const current = overridesOf(hist.current);
    const hasOutputs = existsSync(join(p.workDir, 'velocity.h5')) || existsSync(join(p.workDir, 'timeseries.h5'));
    const staleFrom = lastOk || hasOutputs ? staleFromDiff(current, lastOk?.overrides ?? {}) : null;
    return {
      continueFrom: continueFrom(p.db.runs(1)[0], current, staleFrom),
      excludedPairs: hist.current.excludedPairs,
      referencePoint: hist.current.referencePoint,
      overrides: hist.current.overrides,
      canUndo: hist.canUndo,
      canRedo: hist.canRedo,
      ...(hist.undoLabel ? { undoLabel: hist.undoLabel } : {}),
      ...(hist.redoLabel ? { redoLabel: hist.redoLabel } : {}),
      staleFrom,
      staleOutputs: staleOutputs(staleFrom),
    };
  }

  async info(): Promise<ProjectInfo> {
    const p = this.require();
    let dates: string[] = [];
    let numPairs = 0;
    try {
      const net = await this.stackNetwork();
      dates = net?.dates ?? p.detected.dates;
      numPairs = net?.pairs.length ?? p.detected.pairs.length;
    } catch {
      /* stack not readable yet */
    }
    const last = p.db.runs(1)[0];
    return {
      folder: p.folder,
      name: p.name,
      kind: p.kind,
      templatePath: p.templatePath,
      workDir: p.workDir,
      grid: this.grid(),
      dates,
      numPairs,
      edits: this.editState(),
      lastRun: last ? toSummary(last) : null,
      outputReference: await this.outputReference(),
      running: this.isRunning(),
    };
  }

  private async stackNetwork(): Promise<StackNetwork | null> {
    const p = this.require();
    const path = join(p.workDir, 'inputs', 'ifgramStack.h5');
    if (!existsSync(path)) return null;
    // the coherence comes from coherenceSpatialAvg.txt once modify_network wrote it: its date is part of the key
    const txt = join(p.workDir, COHERENCE_SPATIAL_AVG_FILE);
    const mtime = `${statSync(path).mtimeMs}:${existsSync(txt) ? statSync(txt).mtimeMs : 'none'}`;
    if (this.networkCache?.mtime === mtime) return this.networkCache;
    const key = `pairCoherence:${mtime}`;
    const cached = p.db.meta(key);
    const template = Template.read(p.templatePath).with(overridesOf(p.db.history().current));
    const net = await readStackNetwork(
      path,
      p.workDir,
      template,
      cached ? (JSON.parse(cached) as (number | null)[]).map((c) => c ?? NaN) : undefined,
    );
    if (!cached) p.db.setMeta(key, JSON.stringify(net.coherence.map((c) => (Number.isFinite(c) ? c : null))));
    this.networkCache = { ...net, mtime };
    return this.networkCache;
  }

  async network(): Promise<NetworkInfo> {
    const net = await this.stackNetwork();
    const excluded = this.require().db.history().current.excludedPairs;
    if (!net) {
      // before load_data: the pairs the detection read from the stack, with the perpendicular baselines its
      // metadata carry (ARIA's band metadata; MintPy's plot_network least squares for the dates); no coherence yet
      const d = this.require().detected;
      const ex = new Set(excluded);
      const bp = d.bperp && d.bperp.length === d.pairs.length ? d.bperp : null;
      const pairs = d.pairs.map(([date1, date2], index) => ({
        index,
        date1,
        date2,
        bperp: bp ? bp[index] : 0,
        coherence: NaN,
        days: daysBetween(date1, date2),
      }));
      const kept = pairs.filter((q) => !ex.has(q.index));
      const dateBp = bp
        ? perpBaselineTimeseries(
            d.pairs.map(([a, b]) => `${a}_${b}`),
            bp,
          )
        : null;
      return {
        dates: dateBp?.dates ?? d.dates,
        dateBperp: dateBp ? Array.from(dateBp.bperp) : d.dates.map(() => 0),
        bperpSource: bp ? 'metadata' : 'none',
        pairs,
        excluded,
        ruleDropped: [],
        ...connectivity(pairs, ex),
        kept: kept.length,
      };
    }
    const ruleDropped = this.ruleDropped(net);
    const ex = new Set([...excluded, ...ruleDropped.map((r) => r.index)]);
    const kept = net.pairs.filter((p) => !ex.has(p.index));
    const pairs = net.pairs.map((p) => ({ ...p, coherence: p.coherence ?? NaN }));
    return {
      dates: net.dates,
      dateBperp: net.dateBperp,
      bperpSource: 'stack',
      pairs,
      excluded,
      ruleDropped,
      ...connectivity(net.pairs, ex),
      kept: kept.length,
    };
  }

  /** Pairs modify_network dropped by the template's rules (not by the user's exclusions), from networkSelection.json. */
  private ruleDropped(net: StackNetwork): { index: number; reasons: string[] }[] {
    let sel;
    try {
      sel = readNetworkSelection(this.require().workDir);
    } catch {
      return [];
    }
    if (
      !sel ||
      sel.date12.length !== net.pairs.length ||
      sel.date12.some((d, i) => d !== `${net.pairs[i].date1}_${net.pairs[i].date2}`)
    )
      return [];
    const out: { index: number; reasons: string[] }[] = [];
    sel.keep.forEach((k, i) => {
      if (k) return;
      const reasons = (sel.reasons[sel.date12[i]] ?? []).filter((r) => !r.startsWith('excluded by index'));
      if (reasons.length) out.push({ index: i, reasons });
    });
    return out;
  }

  private commit(label: string, next: EditSnapshot): EditState {
    const p = this.require();
    const st = this.editState(p.db.commitEdit(label, next));
    void this.emitChanged().catch(() => {});
    return st;
  }

  private async emitChanged(): Promise<void> {
    if (this.events && this.project) this.events.emit('onProjectChanged', await this.info());
  }

  async setExcludedPairs(indices: number[]): Promise<EditState> {
    const p = this.require();
    const net = await this.stackNetwork();
    const n = net?.pairs.length ?? p.detected.pairs.length;
    const bad = indices.filter((i) => i >= n);
    if (bad.length)
      throw new ProjectError(`pair index ${bad[0]} does not exist: the stack has ${n} pairs (0–${n - 1})`);
    const cur = p.db.history().current;
    const next = [...new Set(indices)].sort((a, b) => a - b);
    const added = next.filter((i) => !cur.excludedPairs.includes(i)).length;
    const removed = cur.excludedPairs.filter((i) => !next.includes(i)).length;
    const label =
      added && !removed
        ? `exclude ${added} pair${added > 1 ? 's' : ''}`
        : removed && !added
          ? `include ${removed} pair${removed > 1 ? 's' : ''}`
          : 'edit excluded pairs';
    return this.commit(label, { ...cur, excludedPairs: next });
  }

  async setOverrides(overrides: Record<string, string | null>): Promise<EditState> {
    const p = this.require();
    const cur = p.db.history().current;
    const o = { ...cur.overrides };
    for (const [k, v] of Object.entries(overrides))
      if (v === null) delete o[k];
      else o[k] = v;
    return this.commit(`set ${Object.keys(overrides).join(', ')}`, { ...cur, overrides: o });
  }

  undo(): EditState {
    const st = this.editState(this.require().db.undo());
    void this.emitChanged().catch(() => {});
    return st;
  }

  redo(): EditState {
    const st = this.editState(this.require().db.redo());
    void this.emitChanged().catch(() => {});
    return st;
  }

  /**
   * A click on the map as a reference point: src-core's checkReferencePixel, the function the reference_point
   * step runs on mintpy.reference.yx/lalo (MintPy's rules: inside, not masked by mintpy.reference.maskFile,
   * the pixel already stored is accepted, not water, valid data over the pairs the next run keeps — the
   * template's network rules with the current edits).
   */
  async validateReferencePoint(
    lat: number,
    lon: number,
  ): Promise<{ ok: true; row: number; col: number } | { ok: false; reason: string }> {
    const p = this.require();
    const grid = this.grid();
    if (!grid) return { ok: false, reason: 'the project has no geocoded grid yet — run load_data first' };
    const [row, col] = latLonToRowColGeo(grid, lat, lon);
    const stackPath = join(p.workDir, 'inputs', 'ifgramStack.h5');
    if (!existsSync(stackPath)) return { ok: false, reason: `${stackPath}: not found — run load_data first` };
    let template: Template;
    try {
      template = Template.read(p.templatePath).with(overridesOf(p.db.history().current));
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
    const stack = await IfgramStack.open(stackPath);
    try {
      const keep = await plannedKeptPairs(p.workDir, template, stack);
      const check = await checkReferencePixel(row, col, { workDir: p.workDir, template, stack, keep });
      return check.ok ? { ok: true, row, col } : { ok: false, reason: check.reason };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    } finally {
      stack.close();
    }
  }

  /**
   * Where a reference point may go: every pixel by the rules of a click's check (src-core
   * referenceCandidates over the pairs the next run keeps); null before load_data.
   */
  async referenceCandidates(): Promise<ReferenceCandidatesInfo | null> {
    const p = this.require();
    const grid = this.grid();
    const stackPath = join(p.workDir, 'inputs', 'ifgramStack.h5');
    if (!grid || !existsSync(stackPath)) return null;
    const template = Template.read(p.templatePath).with(overridesOf(p.db.history().current));
    const stack = await IfgramStack.open(stackPath);
    try {
      const keep = await plannedKeptPairs(p.workDir, template, stack);
      const r = await referenceCandidates({ workDir: p.workDir, template, stack, keep });
      return { grid, codes: r.codes, counts: r.counts, maskName: r.maskName };
    } finally {
      stack.close();
    }
  }

  async setReferencePoint(lat: number, lon: number): Promise<RefPointResult> {
    const p = this.require();
    const v = await this.validateReferencePoint(lat, lon);
    if (!v.ok) return v;
    const grid = this.grid()!;
    const [clat, clon] = rowColToLatLonGeo(grid, v.row, v.col);
    const point = { lat: clat, lon: clon, row: v.row, col: v.col };
    const edits = this.commit(`reference point ${clat.toFixed(4)}, ${clon.toFixed(4)}`, {
      ...p.db.history().current,
      referencePoint: point,
    });
    return { ok: true, edits, point };
  }

  clearReferencePoint(): EditState {
    const p = this.require();
    const cur = p.db.history().current;
    if (!cur.referencePoint) return this.editState();
    return this.commit('automatic reference point', { ...cur, referencePoint: null });
  }

  /**
   * The chain's last time-series file that exists (work-dir relative): the one `velocity` fitted, for the
   * template the outputs were made with (the last successful run's edits; the current ones before any run).
   */
  timeseriesFile(): string {
    const p = this.require();
    const lastOk = p.db.runs().find((r) => r.status === 'ok');
    let names = ['timeseries.h5'];
    try {
      const t = Template.read(p.templatePath).with(lastOk?.overrides ?? overridesOf(p.db.history().current));
      names = timeseriesChainNames(t);
    } catch {
      /* an unreadable template: timeseries.h5 */
    }
    return [...names].reverse().find((f) => existsSync(join(p.workDir, f))) ?? 'timeseries.h5';
  }

  /** REF_Y/REF_X the outputs were referenced to (velocity.h5, else timeseries.h5). */
  async outputReference(): Promise<ReferencePoint | null> {
    const p = this.require();
    for (const f of ['velocity.h5', 'timeseries.h5']) {
      const path = join(p.workDir, f);
      if (!existsSync(path)) continue;
      try {
        const r = await H5Reader.open(path);
        try {
          const a = r.attrsNamed([...GRID_ATTRS, 'REF_Y', 'REF_X']);
          const g = gridOf(a, path);
          if (a.REF_Y === undefined || a.REF_X === undefined || !g) continue;
          const [row, col] = [Number(a.REF_Y), Number(a.REF_X)];
          const [lat, lon] = rowColToLatLonGeo(g, row, col);
          return { row, col, lat, lon };
        } finally {
          r.close();
        }
      } catch {
        /* unreadable (being written): try the next */
      }
    }
    return null;
  }

  /**
   * The browser host's folder picker (Electron uses the native dialog; listDir is no IPC channel there):
   * the sub-folders of an absolute folder, nothing else — no file names, no hidden entries, at most 2000.
   */
  listDir(path: string): DirListing {
    if (path && !isAbsolute(path)) throw new ProjectError(`${path}: give an absolute folder path`);
    const dir = resolve(path || '/');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ProjectError(`${dir}: not a folder`);
    const entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, path: join(dir, e.name), isDir: true }))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, 2000);
    const parent = dirname(dir);
    return { path: dir, parent: parent === dir ? null : parent, entries };
  }
}

export function toSummary(r: RunSummary): RunSummary {
  return {
    id: r.id,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    status: r.status,
    fromStep: r.fromStep,
    steps: r.steps,
    ...(r.error ? { error: r.error } : {}),
  };
}

/** Parts of the kept network (src-core's rule: dates left without a pair are dropped, not a split). */
function connectivity(
  pairs: { date1: string; date2: string; index: number }[],
  excluded: Set<number>,
): Pick<
  NetworkInfo,
  'components' | 'componentDates' | 'datesWithoutPair' | 'redundantPairs' | 'temporalCoherenceNote'
> {
  const keep = pairs.map((p) => !excluded.has(p.index));
  const c = networkConnectivity(
    pairs.map((p) => `${p.date1}_${p.date2}`),
    keep,
  );
  return {
    components: c.numComponents,
    componentDates: c.components,
    datesWithoutPair: c.datesWithoutPair,
    redundantPairs: c.redundantPairs,
    temporalCoherenceNote: temporalCoherenceNote(c, keep.filter(Boolean).length),
  };
}
