/**
 * The user's edits: the interferogram network (pairs, exclusions, the selected pair), the reference point,
 * and undo/redo over both (an undoable history in the project database, owned by main).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { EditState, NetworkInfo, PairInfo, RefPointResult } from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';
import { useProjectStore } from './project';
import { useLayersStore } from './layers';
import { usePreviewStore } from './preview';

export const useNetworkStore = defineStore('network', () => {
  const net = shallowRef<NetworkInfo | null>(null);
  const selectedPair = ref<number | null>(null);

  const selected = computed<PairInfo | null>(() =>
    selectedPair.value !== null ? (net.value?.pairs[selectedPair.value] ?? null) : null,
  );
  const excluded = computed(() => new Set(net.value?.excluded ?? []));

  /** Only the latest request's answer is kept: an older answer landing after an edit must not undo it. */
  let generation = 0;
  function reset(): void {
    generation++;
    net.value = null;
    selectedPair.value = null;
  }

  async function refresh(): Promise<void> {
    const g = ++generation;
    const n = await useUiStore().guarded(() => api.network(), 'Reading the network');
    if (g === generation) set(n);
  }

  function set(n: NetworkInfo | null | undefined): void {
    if (n) net.value = markRaw(n);
  }

  /** An edit's result shown at once (kept count from the rules' drops), then the full network from main. */
  async function applyEdits(e: EditState): Promise<void> {
    useProjectStore().applyEdits(e);
    const n = net.value;
    if (n) {
      const ex = new Set(e.excludedPairs);
      const dropped = n.ruleDropped.filter((r) => !ex.has(r.index)).length;
      net.value = markRaw({ ...n, excluded: e.excludedPairs, kept: n.pairs.length - ex.size - dropped });
    }
    void usePreviewStore().request(); // the velocity in view with this edit, while a full run is to come
    await refresh();
  }

  /** Edits changed elsewhere (Electron's menu, another window): follow them if the pairs differ. */
  async function followEdits(e: EditState): Promise<void> {
    // not read yet (or a read in flight that predates this edit): read it now; the older answer is dropped
    if (!net.value) await refresh();
    else if (net.value.excluded.join(',') !== e.excludedPairs.join(',')) await applyEdits(e);
  }

  async function setExcluded(indices: number[]): Promise<void> {
    const e = await useUiStore().guarded(() => api.setExcludedPairs(indices), 'Excluding pairs');
    if (e) await applyEdits(e);
  }

  async function togglePair(i: number): Promise<void> {
    if (!net.value) return;
    const ex = new Set(net.value.excluded);
    if (ex.has(i)) ex.delete(i);
    else ex.add(i);
    await setExcluded([...ex].sort((a, b) => a - b));
  }

  /**
   * A click on a pair (the plot or the coherence matrix) selects it — excluding is an explicit action (the
   * Exclude button, X) — and, when one of the stack's pair layers is on the map, the map follows to it.
   */
  async function clickPair(i: number): Promise<void> {
    selectPair(i);
    await followPairLayer();
  }

  /** The shown pair layer (unwrapped phase, coherence, connected components) moved to the selected pair. */
  async function followPairLayer(): Promise<void> {
    const layers = useLayersStore();
    const a = layers.active;
    const p = selected.value;
    if (!a || !p || layers.activeInfo?.kind !== 'pair') return;
    const date = `${p.date1}_${p.date2}`;
    if (a.ref.date !== date) await layers.show({ ...a.ref, date }, true);
  }

  async function exclude(indices: number[]): Promise<void> {
    if (!net.value || !indices.length) return;
    await setExcluded([...new Set([...net.value.excluded, ...indices])].sort((a, b) => a - b));
  }

  const pairsWhere = (f: (p: PairInfo) => boolean) => (net.value?.pairs ?? []).filter(f).map((p) => p.index);
  const excludeDate = (d: string) => exclude(pairsWhere((p) => p.date1 === d || p.date2 === d));
  const excludeLonger = (days: number) => exclude(pairsWhere((p) => p.days > days));
  const excludeLessCoherent = (min: number) =>
    exclude(pairsWhere((p) => Number.isFinite(p.coherence) && p.coherence < min));

  /** Select the pair k steps from the selected one (in the plot's order: by index), wrapping around. */
  function stepPair(k: number): void {
    const n = net.value?.pairs.length ?? 0;
    if (!n) return;
    const cur = selectedPair.value;
    selectedPair.value = cur === null ? (k > 0 ? 0 : n - 1) : (((cur + k) % n) + n) % n;
    void followPairLayer();
  }

  function selectPair(i: number | null): void {
    selectedPair.value = i;
  }

  /** Show one of the selected pair's datasets (unwrapPhase, coherence, connectComponent) on the map. */
  async function showPairLayer(dataset: string): Promise<void> {
    const p = selected.value;
    if (p) await useLayersStore().show({ file: 'inputs/ifgramStack.h5', dataset, date: `${p.date1}_${p.date2}` });
  }

  async function undo(): Promise<void> {
    const e = await useUiStore().guarded(() => api.undo(), 'Undo');
    if (e) await applyEdits(e);
  }

  async function redo(): Promise<void> {
    const e = await useUiStore().guarded(() => api.redo(), 'Redo');
    if (e) await applyEdits(e);
  }

  /** Set the reference point; a refusal comes back with the rule that failed. */
  async function setReference(lat: number, lon: number): Promise<RefPointResult | undefined> {
    const ui = useUiStore();
    const r = await ui.guarded(() => api.setReferencePoint(lat, lon), 'Setting the reference point');
    if (!r) return undefined;
    if (!r.ok) ui.toast(`Reference point refused: ${r.reason}`);
    else {
      ui.toast(
        `Reference point set at row ${r.point.row}, col ${r.point.col} — re-run from ${r.edits.staleFrom ?? 'reference_point'} to apply it`,
        'info',
      );
      useProjectStore().applyEdits(r.edits);
      void usePreviewStore().request();
    }
    return r;
  }

  async function clearReference(): Promise<void> {
    const e = await useUiStore().guarded(() => api.clearReferencePoint(), 'Clearing the reference point');
    if (e) {
      useProjectStore().applyEdits(e);
      void usePreviewStore().request();
    }
  }

  return {
    net,
    selectedPair,
    selected,
    excluded,
    reset,
    refresh,
    set,
    followEdits,
    setExcluded,
    togglePair,
    clickPair,
    exclude,
    excludeDate,
    excludeLonger,
    excludeLessCoherent,
    stepPair,
    selectPair,
    showPairLayer,
    undo,
    redo,
    setReference,
    clearReference,
  };
});
