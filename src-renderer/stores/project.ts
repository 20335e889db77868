/** The open project (folder, grid, dates, edit state, last run), the recent list and the host's capabilities. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Capabilities, DirListing, EditState, ProjectInfo, RecentProject } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useTilesStore } from './tiles';
import { useLayersStore } from './layers';
import { useNetworkStore } from './network';
import { useInspectStore } from './inspect';
import { useRunStore } from './run';
import { useDisplayRefStore } from './displayRef';
import { usePlaybackStore } from './playback';
import { useRegionsStore } from './regions';
import { useTransectsStore } from './transects';
import { useGnssStore } from './gnss';

export const useProjectStore = defineStore('project', () => {
  const info = ref<ProjectInfo | null>(null);
  const recent = ref<RecentProject[]>([]);
  const capabilities = ref<Capabilities | null>(null);
  /** the folder listing of the browser host's folder browser */
  const listing = ref<DirListing | null>(null);

  const edits = computed(() => info.value?.edits ?? null);
  const grid = computed(() => info.value?.grid ?? null);

  /**
   * At start: everything main can tell at once — capabilities, and in one round trip the project with its
   * layers, network and kept layer list (startState) — then the default layer.
   */
  async function init(): Promise<void> {
    const ui = useUiStore();
    const [c, st] = await Promise.all([
      ui.guarded(() => api.capabilities(), 'Connecting to the app'),
      ui.guarded(() => api.startState(), 'Reading the project'),
    ]);
    capabilities.value = c ?? null;
    info.value = st?.project ?? null;
    recent.value = st?.recent ?? [];
    useRunStore().followProject(info.value);
    if (!st?.project) return;
    useNetworkStore().set(st.network);
    const layers = useLayersStore();
    layers.setList(st.layers);
    await layers.showDefault(Promise.resolve(st.layerList));
  }

  /** Project info and the recent list from main. */
  async function refreshInfo(): Promise<void> {
    const ui = useUiStore();
    const [p, r] = await Promise.all([
      ui.guarded(() => api.projectInfo(), 'Reading the project'),
      ui.guarded(() => api.recentProjects(), 'Reading the recent projects'),
    ]);
    info.value = p ?? null;
    recent.value = r ?? [];
    useRunStore().followProject(info.value);
  }

  /** Project info, recent list, layers and network from main. */
  async function refresh(): Promise<void> {
    await refreshInfo();
    if (!info.value) return;
    await Promise.all([useLayersStore().refreshList(), useNetworkStore().refresh()]);
  }

  /** openProject calls of this window not answered yet */
  let opening = 0;

  /** Open a project: its layers and network in parallel, then the default layer (one projectInfo only). */
  async function open(folder: string): Promise<boolean> {
    const ui = useUiStore();
    // the map's tile requests wait: sent during the switch, main would resolve their paths in the new project
    useTilesStore().hold();
    opening++;
    const p = await ui.guarded(() => api.openProject(folder.trim()), 'Opening the project').finally(() => opening--);
    if (!p) {
      useTilesStore().resume();
      return false;
    }
    usePlaybackStore().pause();
    useLayersStore().reset(); // forgets the tiles, answers the held ones empty
    useInspectStore().reset();
    useNetworkStore().reset();
    useDisplayRefStore().reset();
    useRegionsStore().reset();
    useTransectsStore().reset();
    useGnssStore().reset();
    info.value = p;
    useRunStore().followProject(p);
    const saved = useLayersStore().savedList(); // with the layers, not after them
    await Promise.all([
      ui.guarded(() => api.recentProjects(), 'Reading the recent projects').then((r) => (recent.value = r ?? [])),
      useNetworkStore().refresh(),
      useLayersStore()
        .refreshList()
        .then(() => useLayersStore().showDefault(saved)),
    ]);
    return true;
  }

  /** List a folder on the main side (the browser host has no native folder dialog). */
  async function browse(path: string): Promise<DirListing | null> {
    const l = await useUiStore().guarded(() => api.listDir(path || '/'), 'Listing the folder');
    if (l) listing.value = l;
    return l ?? null;
  }

  /** The native folder dialog (Electron), then open what was chosen. */
  async function pickAndOpen(): Promise<boolean> {
    const f = await useUiStore().guarded(() => api.pickFolder(), 'Choosing a folder');
    return f ? open(f) : false;
  }

  /** An edit's result (from an action or another window) applied to the project at once. */
  function applyEdits(e: EditState): void {
    if (info.value) info.value = { ...info.value, edits: e };
  }

  /** A project change pushed by main (an edit from the Electron menu, another window, a run). */
  function onChanged(p: ProjectInfo | null): void {
    // main announces the project this window is opening before openProject answers: open() reads it all
    if (opening) return;
    const same = p && info.value && p.folder === info.value.folder;
    info.value = p;
    if (!p) return;
    if (same) void useNetworkStore().followEdits(p.edits);
    else void refresh();
  }

  return {
    info,
    recent,
    capabilities,
    listing,
    edits,
    grid,
    init,
    refreshInfo,
    refresh,
    open,
    browse,
    pickAndOpen,
    applyEdits,
    onChanged,
  };
});
