/**
 * When the map's canvas is shown. It is hidden while a project's first picture is on its way (at start, after
 * opening another project): the map meanwhile draws only partial states (the world before the project's
 * view, empty sources filling one by one), and each frame of a visible WebGL canvas costs the page's main
 * thread (in software compositing, 50–200 ms: the canvas is read back). Shown when the data layer's tiles in
 * view are drawn, when there is nothing to wait for (no layer shown or being described, no call on its way,
 * the app started), or after `maxMs` at the latest.
 */
import { ref, type Ref } from 'vue';

export interface RevealSignals {
  /** the data layer's tiles in view are drawn */
  dataDrawn(): boolean;
  /** no layer shown or being described, no call on its way */
  idle(): boolean;
  /** the app has made its first calls (before, idle means nothing yet) */
  started(): boolean;
}

/** how long nothing must be on its way: between two calls of one action there may be nothing for a microtask */
export const IDLE_MS = 50;

export function createReveal(
  s: RevealSignals,
  maxMs = 3000,
): { waiting: Ref<boolean>; wait(): void; check(): void; dispose(): void } {
  const waiting = ref(false);
  let cap: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const show = () => {
    waiting.value = false;
    clearTimeout(cap);
    clearTimeout(idleTimer);
  };
  function wait(): void {
    waiting.value = true;
    clearTimeout(cap);
    cap = setTimeout(show, maxMs);
  }
  function check(): void {
    if (!waiting.value) return;
    if (s.dataDrawn()) return show();
    clearTimeout(idleTimer);
    if (s.idle())
      idleTimer = setTimeout(() => {
        if (!s.idle()) return;
        if (s.started()) show();
        else check();
      }, IDLE_MS);
  }
  return { waiting, wait, check, dispose: show };
}
