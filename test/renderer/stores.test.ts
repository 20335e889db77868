// @vitest-environment happy-dom
/**
 * The feature stores against a fake API: what each action asks main for, what state it leaves, and that no
 * data action switches panels (navigation is the user's).
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DATES, GRID, LAYERS, edits, emit, fakeApi, projectInfo } from './fakeApi';
import { useProjectStore } from '../../src-renderer/stores/project';
import { defaultDisplay, niceRound, useLayersStore } from '../../src-renderer/stores/layers';
import { useNetworkStore } from '../../src-renderer/stores/network';
import { useInspectStore } from '../../src-renderer/stores/inspect';
import { useTransectsStore } from '../../src-renderer/stores/transects';
import { useRunStore } from '../../src-renderer/stores/run';
import { useExportStore } from '../../src-renderer/stores/export';
import { useDisplayRefStore } from '../../src-renderer/stores/displayRef';
import { useUiStore } from '../../src-renderer/stores/ui';
import { parseGeoJson, useOverlaysStore } from '../../src-renderer/stores/overlays';
import { installEventHandlers } from '../../src-renderer/stores/events';
import { usePreviewStore } from '../../src-renderer/stores/preview';
import { useTilesStore } from '../../src-renderer/stores/tiles';
import type { LayerInfo, ProjectInfo } from '../../src-shared/api';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));

beforeEach(() => {
  setActivePinia(createPinia());
  fakeApi.resetState();
  vi.clearAllMocks();
});

async function opened() {
  const project = useProjectStore();
  await project.open('/data/demo');
  return project;
}

describe('project', () => {
  test('open: info, layers, network, the velocity shown — and the panel stays where the user left it', async () => {
    const ui = useUiStore();
    ui.showPanel('export');
    const project = await opened();
    expect(fakeApi.openProject).toHaveBeenCalledWith('/data/demo');
    expect(project.info?.name).toBe('demo');
    expect(useLayersStore().active?.id).toBe('velocity.h5:velocity');
    expect(useNetworkStore().net?.pairs).toHaveLength(5);
    expect(ui.panel).toBe('export');
  });
  test('start: the project with its layers, network and kept layer list in one round trip; without a project nothing more', async () => {
    const project = useProjectStore();
    await project.init();
    expect(fakeApi.startState).toHaveBeenCalledTimes(1);
    for (const single of [fakeApi.projectInfo, fakeApi.listLayers, fakeApi.network, fakeApi.layerList])
      expect(single.mock.calls.length).toBe(fakeApi.startState.mock.calls.length); // only inside startState
    expect(useLayersStore().active?.id).toBe('velocity.h5:velocity');
    expect(useNetworkStore().net?.pairs).toHaveLength(5);

    setActivePinia(createPinia());
    vi.clearAllMocks();
    fakeApi.projectInfo.mockResolvedValueOnce(null);
    await useProjectStore().init();
    expect(useProjectStore().info).toBeNull();
    expect(fakeApi.listLayers).not.toHaveBeenCalled();
    expect(fakeApi.network).not.toHaveBeenCalled();
    expect(fakeApi.layerMeta).not.toHaveBeenCalled();
    expect(useLayersStore().list).toEqual([]);
    expect(useUiStore().toasts).toEqual([]);
  });
  test("another project's context (basemap, hillshade, names) waits until its layer list is known and its layer described", async () => {
    await opened();
    const layers = useLayersStore();
    expect(layers.contextMayLoad).toBe(true);
    let list!: (l: LayerInfo[]) => void;
    fakeApi.listLayers.mockImplementationOnce(() => new Promise<LayerInfo[]>((ok) => (list = ok)));
    const opening = useProjectStore().open('/data/other');
    await new Promise((ok) => setTimeout(ok, 0));
    // the list is empty until main answers: that is not "no layers to show"
    expect(layers.list).toEqual([]);
    expect(layers.contextMayLoad).toBe(false);
    list(await fakeApi.listLayers.getMockImplementation()!());
    await opening;
    expect(layers.active?.id).toBe('velocity.h5:velocity');
    expect(layers.contextMayLoad).toBe(true);
  });
  test('tiles asked for while another project opens are not sent to main and come back empty', async () => {
    await opened();
    const tiles = useTilesStore();
    let answer!: (p: ProjectInfo) => void;
    fakeApi.openProject.mockImplementationOnce(() => new Promise<ProjectInfo>((ok) => (answer = ok)));
    const opening = useProjectStore().open('/data/other');
    const t = tiles.tile({ file: 'inputs/geometryGeo.h5', dataset: 'height' }, 9, 1, 1, 1, 'low');
    await new Promise((ok) => setTimeout(ok, 10));
    expect(fakeApi.layerTiles).not.toHaveBeenCalled();
    answer(projectInfo({ folder: '/data/other' }));
    await opening;
    expect(await t).toBeNull();
    expect(fakeApi.layerTiles).not.toHaveBeenCalledWith(
      { file: 'inputs/geometryGeo.h5', dataset: 'height' },
      [[9, 1, 1]],
      1,
    );
    // a failed open sends what waited
    fakeApi.openProject.mockRejectedValueOnce(new Error('/nowhere: no such folder'));
    const failing = useProjectStore().open('/nowhere');
    const u = tiles.tile({ file: 'velocity.h5', dataset: 'velocity' }, 9, 2, 1);
    await failing;
    await u;
    expect(fakeApi.layerTiles).toHaveBeenCalledWith({ file: 'velocity.h5', dataset: 'velocity' }, [[9, 2, 1]], 0);
  });
  test('main announcing the project being opened (before openProject answers) asks nothing twice', async () => {
    await opened();
    vi.clearAllMocks();
    const project = useProjectStore();
    let answer!: (p: ProjectInfo) => void;
    fakeApi.openProject.mockImplementationOnce(() => new Promise<ProjectInfo>((ok) => (answer = ok)));
    const opening = project.open('/data/other');
    project.onChanged(projectInfo({ folder: '/data/other', name: 'other' })); // main's event, first
    answer(projectInfo({ folder: '/data/other', name: 'other' }));
    expect(await opening).toBe(true);
    await new Promise((ok) => setTimeout(ok, 10));
    expect(fakeApi.projectInfo).not.toHaveBeenCalled();
    expect(fakeApi.listLayers).toHaveBeenCalledTimes(1);
    expect(fakeApi.network).toHaveBeenCalledTimes(1);
    expect(fakeApi.recentProjects).toHaveBeenCalledTimes(1);
    expect(project.info?.name).toBe('other');
    // a change announced afterwards (another window opened a third project) is followed
    project.onChanged(projectInfo({ folder: '/data/third', name: 'third' }));
    await new Promise((ok) => setTimeout(ok, 10));
    expect(fakeApi.listLayers).toHaveBeenCalledTimes(2);
  });
  test('a failed open is a toast naming what failed, and nothing changes', async () => {
    fakeApi.openProject.mockRejectedValueOnce(new Error('/nowhere: no such folder'));
    const project = useProjectStore();
    expect(await project.open('/nowhere')).toBe(false);
    expect(project.info).toBeNull();
    expect(useUiStore().toasts[0].text).toBe('Opening the project failed: /nowhere: no such folder');
  });
});

describe('layers', () => {
  test('default colour limits: symmetric, two significant digits, in display units', () => {
    expect(niceRound(1.234)).toBe(1.3);
    expect(niceRound(-0.0123, true)).toBe(-0.013);
    const d = {
      ref: { file: 'velocity.h5', dataset: 'velocity' },
      units: 'm/year',
      fileType: 'velocity',
      stats: { min: -1, max: 1, mean: 0, p2: -0.008, p98: 0.0123, validCount: 3 },
    } as Parameters<typeof defaultDisplay>[0];
    expect(defaultDisplay(d)).toEqual({ cmap: 'RdBu_r', vmin: -1.3, vmax: 1.3 });
  });
  test('a time-series layer opens at its last date; stepping keeps the limits the user chose', async () => {
    await opened();
    const layers = useLayersStore();
    await layers.pick('timeseries.h5:timeseries');
    expect(layers.active?.ref.date).toBe(DATES[3]);
    layers.setDisplay({ vmin: -5, vmax: 5, cmap: 'jet' });
    await layers.stepDate(-1);
    expect(layers.active).toMatchObject({ ref: { date: DATES[2] }, vmin: -5, vmax: 5, cmap: 'jet' });
    await layers.stepDate('first');
    expect(layers.active?.ref.date).toBe(DATES[0]);
    await layers.stepDate(-1); // already at the first date: stays
    expect(layers.active?.ref.date).toBe(DATES[0]);
    await layers.stepDate('last');
    expect(layers.active?.ref.date).toBe(DATES[3]);
  });
  test('a date step goes to the map at once, without asking main; a pair step fetches its footprint later', async () => {
    await opened();
    const layers = useLayersStore();
    await layers.pick('timeseries.h5:timeseries');
    fakeApi.layerMeta.mockClear();
    await layers.stepDate(-1);
    expect(layers.active?.ref.date).toBe(DATES[2]);
    expect(layers.meta?.ref.date).toBe(DATES[2]);
    expect(fakeApi.layerMeta).not.toHaveBeenCalled();
    vi.useFakeTimers();
    await layers.pick('inputs/ifgramStack.h5:coherence');
    fakeApi.layerMeta.mockClear();
    await layers.stepDate(1);
    await layers.stepDate(1);
    expect(fakeApi.layerMeta).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    expect(fakeApi.layerMeta).toHaveBeenCalledTimes(1);
    expect(fakeApi.layerMeta).toHaveBeenCalledWith(expect.objectContaining({ date: '20200113_20200125' }));
    vi.useRealTimers();
  });
  test('pair layers are offered once a pair is selected', async () => {
    await opened();
    const layers = useLayersStore();
    expect(layers.selectable.map((l) => l.kind)).not.toContain('pair');
    useNetworkStore().selectPair(2);
    expect(layers.selectable.map((l) => l.kind)).toContain('pair');
  });
});

describe('layer list', () => {
  const keys = () => useLayersStore().entries.map((e) => e.key);
  const ids = () => useLayersStore().entries.map((e) => e.id);

  test('add: a layer on top, selected, with its own colours; the layer bar and the colour bar follow it', async () => {
    await opened();
    const layers = useLayersStore();
    expect(ids()).toEqual(['velocity.h5:velocity']);
    layers.setDisplay({ vmin: -2, vmax: 2 });
    const k = await layers.add('timeseries.h5:timeseries');
    expect(k).toBe('data-2');
    expect(ids()).toEqual(['velocity.h5:velocity', 'timeseries.h5:timeseries']);
    expect(layers.active?.key).toBe('data-2');
    expect(layers.activeInfo?.kind).toBe('timeseries');
    expect(layers.dates).toEqual(DATES);
    expect(layers.meta?.ref.file).toBe('timeseries.h5');
    // each keeps its own colours: the velocity's limits are still the user's
    expect(layers.entries[0]).toMatchObject({ vmin: -2, vmax: 2, style: 'fill' });
    expect(layers.entries[1]).toMatchObject({ cmap: 'RdBu_r', vmin: -1.3, vmax: 1.3, opacity: 0.7, visible: true });
    // a date step moves the selected layer only
    await layers.stepDate(-1);
    expect(layers.entries[1].ref.date).toBe(DATES[2]);
    expect(layers.entries[0].ref).toEqual({ file: 'velocity.h5', dataset: 'velocity' });
    // selecting the velocity again: the slider has no dates, the layer menu picks into the selected entry
    layers.select('data');
    expect(layers.active?.id).toBe('velocity.h5:velocity');
    expect(layers.dates).toBeNull();
    await layers.pick('inputs/geometryGeo.h5:height');
    expect(ids()).toEqual(['inputs/geometryGeo.h5:height', 'timeseries.h5:timeseries']);
    expect(layers.units.label).toBe('m');
  });

  test('a mask added over a layer opens as its outline; style, visibility and opacity are per entry', async () => {
    await opened();
    const layers = useLayersStore();
    await layers.add('maskTempCoh.h5:mask');
    expect(layers.entries[1]).toMatchObject({ id: 'maskTempCoh.h5:mask', style: 'outline', opacity: 1 });
    layers.setDisplay({ visible: false }, 'data');
    layers.setDisplay({ opacity: 0.3 }, 'data');
    layers.setDisplay({ style: 'fill' });
    expect(layers.entries.map((e) => [e.key, e.visible, e.opacity, e.style])).toEqual([
      ['data', false, 0.3, 'fill'],
      ['data-2', true, 1, 'fill'],
    ]);
    // a mask that is the only layer is filled
    layers.remove('data');
    layers.remove('data-2');
    expect(layers.entries).toEqual([]);
    expect(layers.active).toBeNull();
    await layers.add('maskTempCoh.h5:mask');
    expect(layers.entries[0]).toMatchObject({ key: 'data', style: 'fill' });
  });

  test('reorder: up and down by one (stopping at the ends), or to a place (drag and drop)', async () => {
    await opened();
    const layers = useLayersStore();
    await layers.add('timeseries.h5:timeseries');
    await layers.add('maskTempCoh.h5:mask');
    expect(keys()).toEqual(['data', 'data-2', 'data-3']);
    layers.move('data-3', -1);
    expect(keys()).toEqual(['data', 'data-3', 'data-2']);
    layers.move('data', -1); // already at the bottom
    expect(keys()).toEqual(['data', 'data-3', 'data-2']);
    layers.move('data', 1);
    expect(keys()).toEqual(['data-3', 'data', 'data-2']);
    layers.moveTo('data-2', 0);
    expect(keys()).toEqual(['data-2', 'data-3', 'data']);
    layers.moveTo('data-2', 99);
    expect(keys()).toEqual(['data-3', 'data', 'data-2']);
    // the selection stays with its entry wherever it goes
    expect(layers.active?.key).toBe('data-3');
  });

  test('remove: the selection goes to the top entry left; a freed key is used again', async () => {
    await opened();
    const layers = useLayersStore();
    await layers.add('timeseries.h5:timeseries');
    await layers.add('maskTempCoh.h5:mask');
    layers.select('data-2');
    layers.remove('data-2');
    expect(keys()).toEqual(['data', 'data-3']);
    expect(layers.active?.key).toBe('data-3');
    expect(layers.metas['data-2']).toBeUndefined();
    expect(await layers.add('inputs/geometryGeo.h5:height')).toBe('data-2');
    expect(keys()).toEqual(['data', 'data-3', 'data-2']);
  });

  test('the list is kept with the project: reopened, it comes back (layers that are gone left out)', async () => {
    vi.useFakeTimers();
    await opened();
    const layers = useLayersStore();
    await layers.add('maskTempCoh.h5:mask');
    await layers.add('timeseries.h5:timeseries');
    await layers.stepDate(-1);
    layers.setDisplay({ opacity: 0.4, visible: false }, 'data');
    layers.move('data-3', -1);
    layers.select('data-2');
    await vi.advanceTimersByTimeAsync(500);
    vi.useRealTimers();
    expect(fakeApi.saveLayerList).toHaveBeenCalled();
    const saved = fakeApi.saveLayerList.mock.calls.at(-1)![0];
    expect(saved.selected).toBe(2);
    expect(saved.layers.map((l) => [l.ref.file, l.style, l.opacity, l.visible])).toEqual([
      ['velocity.h5', 'fill', 0.4, false],
      ['timeseries.h5', 'fill', 0.7, true],
      ['maskTempCoh.h5', 'outline', 1, true],
    ]);
    // opened again (a new window): the same list, the same selection, the same date
    setActivePinia(createPinia());
    fakeApi.listLayers.mockImplementationOnce(async () => LAYERS.filter((l) => l.file !== 'maskTempCoh.h5'));
    await opened();
    const again = useLayersStore();
    expect(again.entries.map((e) => [e.key, e.id, e.opacity, e.visible])).toEqual([
      ['data', 'velocity.h5:velocity', 0.4, false],
      ['data-2', 'timeseries.h5:timeseries', 0.7, true],
    ]);
    expect(again.active?.ref.date).toBe(DATES[2]);
    expect(again.active?.key).toBe('data-2');
    expect(again.meta?.ref.file).toBe('timeseries.h5');
  });

  test('after a run every entry is described again (same dates and colours); a layer that is gone leaves', async () => {
    await opened();
    const layers = useLayersStore();
    await layers.add('timeseries.h5:timeseries');
    await layers.stepDate(-1);
    layers.setDisplay({ vmin: -7 });
    fakeApi.listLayers.mockImplementationOnce(async () => LAYERS.filter((l) => l.file !== 'velocity.h5'));
    fakeApi.layerMeta.mockClear();
    const gen = layers.generation;
    await layers.reloadAfterRun();
    expect(layers.generation).toBe(gen + 1);
    expect(ids()).toEqual(['timeseries.h5:timeseries']);
    expect(layers.active).toMatchObject({ key: 'data-2', vmin: -7, ref: { date: DATES[2] } });
    expect(fakeApi.layerMeta).toHaveBeenCalledWith(expect.objectContaining({ file: 'timeseries.h5', date: DATES[2] }));
  });
});

describe('network edits', () => {
  test('toggling a pair sends the sorted exclusion list; the kept count follows at once', async () => {
    await opened();
    const net = useNetworkStore();
    await net.togglePair(3);
    await net.togglePair(1);
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([1, 3]);
    expect(net.net?.kept).toBe(3);
    expect(useProjectStore().edits?.staleFrom).toBe('modify_network');
    await net.togglePair(3);
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([1]);
  });
  test('a click selects without excluding; with a pair layer on the map the map follows the selection', async () => {
    await opened();
    const net = useNetworkStore();
    await net.clickPair(2);
    expect(net.selected?.index).toBe(2);
    expect(fakeApi.setExcludedPairs).not.toHaveBeenCalled();
    await net.showPairLayer('coherence');
    const layers = useLayersStore();
    expect(layers.active?.ref).toEqual({
      file: 'inputs/ifgramStack.h5',
      dataset: 'coherence',
      date: `${DATES[1]}_${DATES[2]}`,
    });
    await net.clickPair(4);
    const p4 = net.net!.pairs[4];
    expect(layers.active?.ref).toEqual({
      file: 'inputs/ifgramStack.h5',
      dataset: 'coherence',
      date: `${p4.date1}_${p4.date2}`,
    });
    expect(fakeApi.setExcludedPairs).not.toHaveBeenCalled();
  });
  test('exclude by temporal baseline, by coherence, by date', async () => {
    await opened();
    const net = useNetworkStore();
    await net.excludeLonger(12);
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([1, 3]);
    await net.setExcluded([]);
    await net.excludeLessCoherent(0.5);
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([1, 3]);
    await net.setExcluded([]);
    await net.excludeDate(DATES[3]);
    expect(fakeApi.setExcludedPairs).toHaveBeenLastCalledWith([3, 4]);
  });
  test('keyboard stepping through pairs wraps around', async () => {
    await opened();
    const net = useNetworkStore();
    net.stepPair(1);
    expect(net.selectedPair).toBe(0);
    net.stepPair(-1);
    expect(net.selectedPair).toBe(4);
    net.stepPair(1);
    expect(net.selectedPair).toBe(0);
  });
  test('undo restores the previous exclusions', async () => {
    await opened();
    const net = useNetworkStore();
    await net.togglePair(2);
    await net.undo();
    expect(net.net?.excluded).toEqual([]);
    expect(useProjectStore().edits?.canRedo).toBe(true);
  });
  test('a refused reference point says why; an accepted one becomes the edit', async () => {
    await opened();
    const net = useNetworkStore();
    const bad = await net.setReference(40, -120);
    expect(bad).toEqual({ ok: false, reason: 'outside the grid' });
    expect(useUiStore().toasts.at(-1)?.text).toBe('Reference point refused: outside the grid');
    await net.setReference(35.985, -119.975);
    expect(useProjectStore().edits?.referencePoint).toMatchObject({ row: 1, col: 2 });
  });
});

describe('inspect', () => {
  test('the readout: value in display units, "no data" for NaN, "masked" under the mask (never 0)', async () => {
    await opened();
    const inspect = useInspectStore();
    const at = (row: number, col: number): [number, number] => [
      GRID.xFirst + (col + 0.5) * GRID.xStep,
      GRID.yFirst + (row + 0.5) * GRID.yStep,
    ];
    inspect.cursor = at(2, 3); // pixel 13: (13 − 10)·0.001 m/yr = 0.3 cm/yr
    expect(inspect.readout).toBe('35.97500°, -119.96500°   row 2 col 3   …'); // main is asked once
    await vi.waitFor(() => expect(inspect.readout).toBe('35.97500°, -119.96500°   row 2 col 3   0.3000 cm/yr'));
    expect(fakeApi.layerValue).toHaveBeenCalledWith({ file: 'velocity.h5', dataset: 'velocity' }, 2, 3);
    inspect.cursor = at(0, 0);
    await vi.waitFor(() => expect(inspect.readout).toMatch(/row 0 col 0 {3}no data$/));
    inspect.cursor = at(0, 1);
    await vi.waitFor(() => expect(inspect.readout).toMatch(/row 0 col 1 {3}masked$/));
    useLayersStore().maskOn = false;
    expect(inspect.readout).toMatch(/row 0 col 1 {3}-0\.9000 cm\/yr \(masked\)$/);
    inspect.cursor = [-121, 36.5];
    expect(inspect.readout).toBe('36.50000°, -121.00000°');
  });
  test('a typed lat/lon inspects the pixel that holds it; outside the grid is said so', async () => {
    await opened();
    const inspect = useInspectStore();
    expect(await inspect.inspectLonLat(-119.955, 35.975)).toBe(true);
    expect(fakeApi.pixelSeries).toHaveBeenCalledWith(2, 4);
    expect(await inspect.inspectLonLat(-118, 35.975)).toBe(false);
    expect(useUiStore().toasts.at(-1)?.text).toContain('is outside the data');
    expect(await inspect.inspectPixel(9, 0)).toBe(false);
    expect(useUiStore().toasts.at(-1)?.text).toBe('Row 9, col 0 is outside the 4 × 5 grid');
  });
  test('a reference typed as row/col goes to main as its pixel centre', async () => {
    await opened();
    await useInspectStore().referenceAtPixel(1, 2);
    expect(fakeApi.setReferencePoint).toHaveBeenCalledWith(
      GRID.yFirst + 1.5 * GRID.yStep,
      GRID.xFirst + 2.5 * GRID.xStep,
    );
  });
  test('two transect points compute the profile of the shown layer; the next two add another line', async () => {
    await opened();
    const tr = useTransectsStore();
    expect(await tr.addPoint(35.99, -119.99)).toBe(false);
    expect(await tr.addPoint(35.97, -119.96)).toBe(true);
    expect(fakeApi.transect).toHaveBeenCalledWith(
      { file: 'velocity.h5', dataset: 'velocity' },
      [35.99, -119.99],
      [35.97, -119.96],
      undefined,
    );
    await tr.addPoint(35.98, -119.98);
    expect(tr.pending).toEqual([35.98, -119.98]);
    expect(tr.list.map((t) => t.name)).toEqual(['A']);
  });
  test('pinned pixels get distinct colours and no duplicates', async () => {
    await opened();
    const inspect = useInspectStore();
    await inspect.inspectPixel(1, 1);
    inspect.pin();
    inspect.pin();
    await inspect.inspectPixel(2, 2);
    inspect.pin();
    expect(inspect.pinned.map((p) => [p.row, p.col])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(new Set(inspect.pinned.map((p) => p.color)).size).toBe(2);
  });
});

describe('run', () => {
  test('progress and log mark the running step; the end reloads layers and says so', async () => {
    await opened();
    const stop = installEventHandlers();
    const run = useRunStore();
    await run.start();
    expect(run.running).toBe(true);
    emit('onStep', { runId: 1, step: 'load_data', status: 'started' });
    expect(run.steps[0].status).toBe('running');
    emit('onStep', { runId: 1, step: 'load_data', status: 'finished', seconds: 1.5, outputs: [] });
    emit('onStep', { runId: 1, step: 'invert_network', status: 'started' });
    emit('onProgress', { runId: 1, step: 'invert_network', done: 1, total: 4 });
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'running']);
    expect(run.steps[0].seconds).toBe(1.5);
    expect(run.progress.invert_network).toEqual({ done: 1, total: 4, label: undefined });
    emit('onLog', { runId: 1, time: '2026-01-01T00:00:01Z', message: 'step load_data' });
    expect(run.log).toEqual(['00:00:01  step load_data']);
    fakeApi.listLayers.mockClear();
    emit('onRunFinished', {
      run: {
        id: 1,
        startedAt: '',
        finishedAt: '',
        status: 'ok',
        fromStep: null,
        steps: [
          { name: 'load_data', status: 'done', seconds: 1 },
          { name: 'invert_network', status: 'done', seconds: 2 },
        ],
      },
    });
    expect(run.running).toBe(false);
    expect(useUiStore().toasts.at(-1)?.text).toBe('Run finished: layers updated');
    await vi.waitFor(() => expect(fakeApi.listLayers).toHaveBeenCalled());
    expect(useUiStore().panel).toBe('project');
    stop();
  });
  test('cancel: "cancelling…" from the click until the run ends; one cancel call however often it is asked', async () => {
    await opened();
    const stop = installEventHandlers();
    const run = useRunStore();
    await run.start();
    emit('onStep', { runId: 1, step: 'invert_network', status: 'started' });
    await run.cancel();
    await run.cancel();
    expect(fakeApi.cancelRun).toHaveBeenCalledTimes(1);
    expect([run.running, run.cancelling]).toEqual([true, true]);
    emit('onRunFinished', {
      run: {
        id: 1,
        startedAt: '',
        finishedAt: '',
        status: 'cancelled',
        fromStep: null,
        steps: [{ name: 'invert_network', status: 'cancelled', seconds: 0.3 }],
      },
    });
    expect([run.running, run.cancelling]).toEqual([false, false]);
    expect(run.steps.map((x) => x.status)).toEqual(['cancelled']);
    expect(useUiStore().panel).toBe('project'); // the panel stays where the user was
    stop();
  });
  test('an edit made elsewhere (Electron menu) is followed', async () => {
    await opened();
    const stop = installEventHandlers();
    await fakeApi.setExcludedPairs([4]);
    emit('onProjectChanged', projectInfo({ edits: edits([4]) }));
    await vi.waitFor(() => expect(useNetworkStore().net?.excluded).toEqual([4]));
    stop();
  });
});

describe('export', () => {
  test('an interferogram exports the velocity KMZ; the last result is kept', async () => {
    await opened();
    const exp = useExportStore();
    await exp.exportLayer('kmz');
    expect(fakeApi.exportKmz).toHaveBeenLastCalledWith(undefined, { file: 'velocity.h5', dataset: 'velocity' });
    await useLayersStore().show({
      file: 'inputs/ifgramStack.h5',
      dataset: 'coherence',
      date: `${DATES[0]}_${DATES[1]}`,
    });
    await exp.exportLayer('kmz');
    expect(fakeApi.exportKmz).toHaveBeenLastCalledWith(undefined, undefined);
    await exp.exportLayer('tif');
    expect(exp.last?.path).toBe('/data/demo/mintpy/velocity.tif');
  });
  test("a time series' CSV (the layer at a date, the pixel's series) and the pixel's figure are relative to the shown reference date", async () => {
    await opened();
    const exp = useExportStore();
    await useLayersStore().show({ file: 'timeseries.h5', dataset: 'timeseries', date: DATES[3] });
    await exp.exportLayer('csv');
    expect(fakeApi.exportCsv).toHaveBeenLastCalledWith({
      kind: 'layer',
      ref: { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[3] },
    });
    await useDisplayRefStore().setRefDate(DATES[2]);
    await exp.exportLayer('csv');
    expect(fakeApi.exportCsv).toHaveBeenLastCalledWith({
      kind: 'layer',
      ref: { file: 'timeseries.h5', dataset: 'timeseries', date: DATES[3], refDate: DATES[2] },
    });
    expect(await useInspectStore().inspectPixel(1, 2)).toBe(true);
    await exp.exportPixelCsv();
    expect(fakeApi.exportCsv).toHaveBeenLastCalledWith({ kind: 'pixel', row: 1, col: 2, refDate: DATES[2] });
    // the pixel's figure too
    await exp.exportFigure('timeseries');
    expect(fakeApi.exportFigure).toHaveBeenLastCalledWith({ kind: 'timeseries', row: 1, col: 2, refDate: DATES[2] });
    // back to the file's own reference date: the stored values
    await useDisplayRefStore().setRefDate(null);
    await exp.exportPixelCsv();
    expect(fakeApi.exportCsv).toHaveBeenLastCalledWith({ kind: 'pixel', row: 1, col: 2 });
    await exp.exportFigure('timeseries');
    expect(fakeApi.exportFigure).toHaveBeenLastCalledWith({ kind: 'timeseries', row: 1, col: 2 });
  });
});

describe('overlays', () => {
  test('GeoJSON: a collection, a feature or a geometry; anything else is named', () => {
    expect(parseGeoJson('{"type":"Point","coordinates":[1,2]}').features[0].geometry.type).toBe('Point');
    expect(() => parseGeoJson('{"type":"Topology"}')).toThrow('not GeoJSON: "type" is "Topology"');
    expect(() => parseGeoJson('nope')).toThrow(/^not JSON/);
    const o = useOverlaysStore();
    expect(o.add('bad.json', '[]')).toBeNull();
    expect(useUiStore().toasts[0].text).toMatch(/^bad\.json: not GeoJSON/);
    o.add('wells.geojson', '{"type":"FeatureCollection","features":[]}');
    expect(o.list.map((x) => x.name)).toEqual(['wells.geojson']);
  });
});

describe('edit preview', () => {
  const lastRun = {
    id: 1,
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    status: 'ok' as const,
    fromStep: null,
    steps: [],
  };
  test('an excluded pair asks main for the preview of the view; a finished run replaces it', async () => {
    await opened();
    useProjectStore().info = projectInfo({ lastRun });
    const off = installEventHandlers();
    const preview = usePreviewStore();
    await useNetworkStore().togglePair(3);
    await vi.waitFor(() => expect(preview.data).not.toBeNull());
    // no map in this test: the whole grid is the view
    expect(fakeApi.previewVelocity).toHaveBeenCalledWith(
      { row0: 0, row1: GRID.length, col0: 0, col1: GRID.width },
      700_000,
    );
    expect(preview.data?.keptPairs).toBe(4);
    emit('onRunFinished', { run: { ...lastRun, id: 2 } });
    expect(preview.data).toBeNull();
    off();
  });

  test('a refusal is kept as the reason; nothing is asked before a first run', async () => {
    await opened();
    await useNetworkStore().togglePair(1);
    expect(fakeApi.previewVelocity).not.toHaveBeenCalled();
    useProjectStore().info = projectInfo({ lastRun });
    fakeApi.previewVelocity.mockResolvedValueOnce({ ok: false, reason: 'the stack has no geographic grid' } as never);
    await usePreviewStore().request();
    expect(usePreviewStore().message).toMatch(/no geographic grid/);
    expect(usePreviewStore().data).toBeNull();
  });
});
