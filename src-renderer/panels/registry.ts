/**
 * The side panels, found by file name: a panel is one `*Panel.vue` file in this folder whose
 * `<script lang="ts">` block exports `panel` (its tab: id, title, icon, key, order) and whose default export
 * is its component. Adding a panel touches nothing else (VS Code's view contributions).
 */
import { markRaw, type Component } from 'vue';

export interface PanelSpec {
  /** stable id (tab ids, test ids: `tab-<id>`) */
  id: string;
  title: string;
  /** a short symbol shown before the title (decorative: hidden from screen readers) */
  icon: string;
  /** the key that opens it (digits are free; check the help overlay) */
  key: string;
  /** position in the tab list, ascending */
  order: number;
}

export interface Panel extends PanelSpec {
  component: Component;
}

const modules = import.meta.glob<{ default: Component; panel: PanelSpec }>('./*Panel.vue', { eager: true });

export const PANELS: readonly Panel[] = Object.values(modules)
  .map((m) => ({ ...m.panel, component: markRaw(m.default) }))
  .sort((a, b) => a.order - b.order);

export function panelById(id: string): Panel | undefined {
  return PANELS.find((p) => p.id === id);
}
