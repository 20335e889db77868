/**
 * Reference-picking mode: where a reference point may go, pixel by pixel by the rules of a click's check
 * (main's src-core referenceCandidates: the reference mask file, water, valid data over the pairs the next
 * run keeps). Read when the Reference tool is chosen (edits change the kept pairs), dropped when it is left.
 */
import { defineStore } from 'pinia';
import { markRaw, shallowRef, watch } from 'vue';
import type { ReferenceCandidatesInfo } from '../../src-shared/api';
import { api } from '../api/client';
import { useInspectStore } from './inspect';
import { useUiStore } from './ui';

/** RGBA of a refused pixel per code (1 masked, 2 water, 3 no data); allowed pixels stay clear */
export const CANDIDATE_COLORS: Record<number, [number, number, number, number]> = {
  1: [120, 60, 160, 150],
  2: [40, 90, 200, 150],
  3: [90, 90, 90, 150],
};

export const useRefCandidatesStore = defineStore('refCandidates', () => {
  const info = shallowRef<ReferenceCandidatesInfo | null>(null);
  let seq = 0;

  async function load(): Promise<void> {
    const s = ++seq;
    const r = await useUiStore().guarded(() => api.referenceCandidates(), 'Where a reference may go');
    if (s === seq) info.value = r ? markRaw(r) : null;
  }

  function clear(): void {
    seq++;
    info.value = null;
  }

  watch(
    () => useInspectStore().tool,
    (t) => (t === 'reference' ? void load() : clear()),
    { immediate: true },
  );

  return { info, load, clear };
});

/** The refused pixels coloured by their rule, allowed ones transparent (RGBA, row-major). */
export function candidatesRgba(codes: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(codes.length * 4);
  for (let i = 0; i < codes.length; i++) {
    const c = CANDIDATE_COLORS[codes[i]];
    if (c) out.set(c, 4 * i);
  }
  return out;
}
