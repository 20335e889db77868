/**
 * The project database (better-sqlite3) at `<project>/.insar-studio/project.sqlite`: the user's edits as an
 * undoable history of full snapshots, and every pipeline run. Each edit is written in a transaction before
 * the call returns, so a kill loses nothing and undo/redo survive a reopen. The user's input files are never
 * touched. No Electron import: plain Node.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReferencePoint, RunStepState, RunSummary } from '../../src-shared/api';

/** The editable state (what undo/redo moves between). */
export interface EditSnapshot {
  excludedPairs: number[];
  referencePoint: ReferencePoint | null;
  overrides: Record<string, string>;
}

export const EMPTY_SNAPSHOT: EditSnapshot = { excludedPairs: [], referencePoint: null, overrides: {} };

export interface HistoryState {
  current: EditSnapshot;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel?: string;
  redoLabel?: string;
}

export interface RunRow extends RunSummary {
  /** the template overrides the run used (to find what the edits made stale) */
  overrides: Record<string, string>;
  outputs: string[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS edits (
  seq INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  from_step TEXT,
  overrides TEXT NOT NULL,
  steps TEXT NOT NULL,
  outputs TEXT NOT NULL DEFAULT '[]',
  error TEXT
);
`;

export class ProjectDb {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    const v = this.meta('schema');
    if (!v) this.setMeta('schema', '1');
    // a run still 'running' at open means the app died mid-run: the run and the step it was in say so
    const why = 'interrupted (the app stopped during the run)';
    const stuck = this.db.prepare(`SELECT id, steps FROM runs WHERE status='running'`).all() as {
      id: number;
      steps: string;
    }[];
    const mark = this.db.prepare(`UPDATE runs SET status='failed', error=?, finished_at=?, steps=? WHERE id=?`);
    for (const r of stuck) {
      let steps: RunStepState[] = [];
      try {
        steps = JSON.parse(r.steps) as RunStepState[];
      } catch {
        /* unreadable: the run is marked failed all the same */
      }
      for (const s of steps) if (s.status === 'running') Object.assign(s, { status: 'failed', error: why });
      mark.run(why, new Date().toISOString(), JSON.stringify(steps), r.id);
    }
  }

  close(): void {
    this.db.close();
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key=?').get(key) as { value: string } | undefined)?.value;
  }
  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value')
      .run(key, value);
  }

  /** seq of the active edit (0 = the initial empty state) */
  private cursor(): number {
    return Number(this.meta('cursor') ?? '0');
  }

  history(): HistoryState {
    const cur = this.cursor();
    const row = cur
      ? (this.db.prepare('SELECT state, label FROM edits WHERE seq=?').get(cur) as { state: string; label: string })
      : undefined;
    const next = this.db.prepare('SELECT label FROM edits WHERE seq>? ORDER BY seq LIMIT 1').get(cur) as
      { label: string } | undefined;
    return {
      current: row ? (JSON.parse(row.state) as EditSnapshot) : structuredClone(EMPTY_SNAPSHOT),
      canUndo: cur > 0,
      canRedo: next !== undefined,
      undoLabel: row?.label,
      redoLabel: next?.label,
    };
  }

  /** Record a new edit (drops the redo branch), durably, and return the new history state. */
  commitEdit(label: string, state: EditSnapshot): HistoryState {
    this.db.transaction(() => {
      const cur = this.cursor();
      this.db.prepare('DELETE FROM edits WHERE seq>?').run(cur);
      const info = this.db
        .prepare('INSERT INTO edits(label, state, created_at) VALUES(?,?,?)')
        .run(label, JSON.stringify(state), new Date().toISOString());
      this.setMeta('cursor', String(info.lastInsertRowid));
    })();
    return this.history();
  }

  undo(): HistoryState {
    this.db.transaction(() => {
      const cur = this.cursor();
      if (cur === 0) return;
      const prev = this.db.prepare('SELECT seq FROM edits WHERE seq<? ORDER BY seq DESC LIMIT 1').get(cur) as
        { seq: number } | undefined;
      this.setMeta('cursor', String(prev?.seq ?? 0));
    })();
    return this.history();
  }

  redo(): HistoryState {
    this.db.transaction(() => {
      const next = this.db.prepare('SELECT seq FROM edits WHERE seq>? ORDER BY seq LIMIT 1').get(this.cursor()) as
        { seq: number } | undefined;
      if (next) this.setMeta('cursor', String(next.seq));
    })();
    return this.history();
  }

  startRun(fromStep: string | null, overrides: Record<string, string>, steps: RunStepState[]): number {
    const info = this.db
      .prepare(`INSERT INTO runs(started_at, status, from_step, overrides, steps) VALUES(?, 'running', ?, ?, ?)`)
      .run(new Date().toISOString(), fromStep, JSON.stringify(overrides), JSON.stringify(steps));
    return Number(info.lastInsertRowid);
  }

  updateRunSteps(id: number, steps: RunStepState[]): void {
    this.db.prepare('UPDATE runs SET steps=? WHERE id=?').run(JSON.stringify(steps), id);
  }

  finishRun(id: number, status: RunSummary['status'], steps: RunStepState[], outputs: string[], error?: string): void {
    this.db
      .prepare('UPDATE runs SET finished_at=?, status=?, steps=?, outputs=?, error=? WHERE id=?')
      .run(new Date().toISOString(), status, JSON.stringify(steps), JSON.stringify(outputs), error ?? null, id);
  }

  runs(limit = 50): RunRow[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[];
    return rows.map(rowToRun);
  }

  run(id: number): RunRow | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id=?').get(id) as Record<string, unknown> | undefined;
    return r ? rowToRun(r) : undefined;
  }
}

function rowToRun(r: Record<string, unknown>): RunRow {
  return {
    id: Number(r.id),
    startedAt: String(r.started_at),
    finishedAt: (r.finished_at as string | null) ?? null,
    status: r.status as RunSummary['status'],
    fromStep: (r.from_step as string | null) ?? null,
    steps: JSON.parse(String(r.steps)) as RunStepState[],
    overrides: JSON.parse(String(r.overrides)) as Record<string, string>,
    outputs: JSON.parse(String(r.outputs ?? '[]')) as string[],
    ...(r.error ? { error: String(r.error) } : {}),
  };
}

/** The app-level database (recent projects), e.g. `~/.config/insar-studio/app.sqlite`. */
export class AppDb {
  readonly db: Database.Database;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS recent (folder TEXT PRIMARY KEY, name TEXT NOT NULL, opened_at TEXT NOT NULL)',
    );
  }
  touchRecent(folder: string, name: string): void {
    this.db
      .prepare(
        'INSERT INTO recent(folder,name,opened_at) VALUES(?,?,?) ON CONFLICT(folder) DO UPDATE SET name=excluded.name, opened_at=excluded.opened_at',
      )
      .run(folder, name, new Date().toISOString());
  }
  removeRecent(folder: string): void {
    this.db.prepare('DELETE FROM recent WHERE folder=?').run(folder);
  }
  recent(limit = 12): { folder: string; name: string; openedAt: string }[] {
    return (
      this.db.prepare('SELECT folder, name, opened_at FROM recent ORDER BY opened_at DESC LIMIT ?').all(limit) as {
        folder: string;
        name: string;
        opened_at: string;
      }[]
    ).map((r) => ({ folder: r.folder, name: r.name, openedAt: r.opened_at }));
  }
  close(): void {
    this.db.close();
  }
}
