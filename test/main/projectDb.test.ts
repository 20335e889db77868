import { describe, expect, test } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppDb, ProjectDb, EMPTY_SNAPSHOT } from '../../src-main/services/projectDb';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'insar-db-')), '.insar-studio', 'project.sqlite');

describe('ProjectDb', () => {
  test('edits are durable: undo/redo positions survive closing and reopening', () => {
    const path = tmp();
    let db = new ProjectDb(path);
    db.commitEdit('exclude 1 pair', { ...EMPTY_SNAPSHOT, excludedPairs: [3] });
    db.commitEdit('exclude 2 pairs', { ...EMPTY_SNAPSHOT, excludedPairs: [3, 5, 9] });
    db.commitEdit('reference point', {
      excludedPairs: [3, 5, 9],
      referencePoint: { lat: 36, lon: -119, row: 4, col: 7 },
      overrides: {},
    });
    db.undo();
    db.close(); // like a kill after the acknowledgement: nothing is buffered in memory

    db = new ProjectDb(path);
    let h = db.history();
    expect(h.current.excludedPairs).toEqual([3, 5, 9]);
    expect(h.current.referencePoint).toBeNull();
    expect(h.canRedo).toBe(true);
    expect(h.redoLabel).toBe('reference point');
    h = db.redo();
    expect(h.current.referencePoint).toEqual({ lat: 36, lon: -119, row: 4, col: 7 });
    h = db.undo();
    h = db.undo();
    expect(h.current.excludedPairs).toEqual([3]);
    h = db.undo();
    expect(h.current).toEqual(EMPTY_SNAPSHOT);
    expect(h.canUndo).toBe(false);
    // undo at the start is a no-op
    expect(db.undo().current).toEqual(EMPTY_SNAPSHOT);
    db.close();
  });

  test('a new edit after undo drops the redo branch', () => {
    const db = new ProjectDb(tmp());
    db.commitEdit('a', { ...EMPTY_SNAPSHOT, excludedPairs: [1] });
    db.commitEdit('b', { ...EMPTY_SNAPSHOT, excludedPairs: [1, 2] });
    db.undo();
    const h = db.commitEdit('c', { ...EMPTY_SNAPSHOT, excludedPairs: [1, 7] });
    expect(h.canRedo).toBe(false);
    expect(h.current.excludedPairs).toEqual([1, 7]);
    expect(db.undo().current.excludedPairs).toEqual([1]);
    expect(db.redo().current.excludedPairs).toEqual([1, 7]);
    db.close();
  });

  test('runs keep parameters, step timings and outputs; a run left "running" is marked interrupted on reopen', () => {
    const path = tmp();
    let db = new ProjectDb(path);
    const id = db.startRun('modify_network', { 'mintpy.network.excludeIfgIndex': '2' }, [
      { name: 'modify_network', status: 'pending' },
    ]);
    db.finishRun(id, 'ok', [{ name: 'modify_network', status: 'done', seconds: 0.25 }], ['/x/velocity.h5']);
    const id2 = db.startRun(null, {}, []);
    db.close();
    db = new ProjectDb(path);
    const runs = db.runs();
    expect(runs.map((r) => r.id)).toEqual([id2, id]);
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error).toMatch(/interrupted/);
    expect(runs[1]).toMatchObject({
      status: 'ok',
      fromStep: 'modify_network',
      overrides: { 'mintpy.network.excludeIfgIndex': '2' },
      outputs: ['/x/velocity.h5'],
    });
    expect(runs[1].steps[0].seconds).toBe(0.25);
    db.close();
  });

  test('AppDb keeps recent projects, most recent first, one row per folder', async () => {
    const db = new AppDb(join(mkdtempSync(join(tmpdir(), 'insar-app-')), 'app.sqlite'));
    db.touchRecent('/a', 'a');
    await new Promise((r) => setTimeout(r, 5));
    db.touchRecent('/b', 'b');
    await new Promise((r) => setTimeout(r, 5));
    db.touchRecent('/a', 'a2');
    expect(db.recent().map((r) => [r.folder, r.name])).toEqual([
      ['/a', 'a2'],
      ['/b', 'b'],
    ]);
    db.close();
  });
});
