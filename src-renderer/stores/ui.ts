/**
 * What the window shows around the data: the open panel (the user's choice only), toasts, the busy count,
 * the help overlay, the colour theme (follows the operating system) and the platform (for key labels).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export type Theme = 'light' | 'dark';

function osTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useUiStore = defineStore('ui', () => {
  const panel = ref('project');
  const toasts = ref<Toast[]>([]);
  const busy = ref(0);
  const helpOpen = ref(false);
  const theme = ref<Theme>(osTheme());
  const isMac = ref(typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform));
  let nextId = 0;

  /** Open a panel: called from the tab list, the panel shortcuts and other explicit user actions only. */
  function showPanel(id: string): void {
    panel.value = id;
  }

  function toast(text: string, kind: Toast['kind'] = 'error'): void {
    const t = { id: ++nextId, kind, text };
    toasts.value.push(t);
    if (toasts.value.length > 4) toasts.value.splice(0, toasts.value.length - 4);
    setTimeout(() => dismiss(t.id), kind === 'error' ? 9000 : 4000);
  }

  function dismiss(id: number): void {
    const i = toasts.value.findIndex((x) => x.id === id);
    if (i >= 0) toasts.value.splice(i, 1);
  }

  /** Run an API call; an error becomes a toast naming what failed (and undefined is returned). */
  async function guarded<T>(fn: () => Promise<T>, what: string): Promise<T | undefined> {
    busy.value++;
    try {
      return await fn();
    } catch (e) {
      toast(`${what} failed: ${(e as Error).message}`);
      return undefined;
    } finally {
      busy.value--;
    }
  }

  /** Follow the operating system's light/dark setting, now and when it changes. */
  function followOsTheme(): () => void {
    if (typeof matchMedia !== 'function') return () => {};
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => (theme.value = mq.matches ? 'dark' : 'light');
    on();
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }

  return { panel, toasts, busy, helpOpen, theme, isMac, showPanel, toast, dismiss, guarded, followOsTheme };
});
