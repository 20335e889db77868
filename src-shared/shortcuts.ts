/**
 * Every keyboard shortcut of the app, declared once. The renderer binds them (src-renderer/commands.ts),
 * the help overlay lists them, tooltips quote them, and Electron's menu shows the same accelerators
 * (src-main/electron/menuTemplate.ts). Pure: no DOM, no Electron.
 *
 * (Each panel declares its own key with its tab, in its one file: src-renderer/panels/*Panel.vue.)
 *
 * Keys are written in one neutral form: `Mod` = Ctrl (Cmd on macOS), then `Shift`/`Alt`, then the key as
 * KeyboardEvent.key spells it (`Z`, `Enter`, `Escape`, `ArrowLeft`, `?`, `1`).
 */

export type ShortcutScope =
  /** anywhere in the window, except while typing in a text field */
  | 'app'
  /** while the network plot has the keyboard focus */
  | 'networkPlot'
  /** while a polygon is being drawn on the map (before the app's own keys) */
  | 'drawing'
  /** while the map has the keyboard focus (its arrow keys pan, + / − zoom: MapLibre's own) */
  | 'map'
  /** Electron's menu only (the browser host has no menu) */
  | 'menu';

export interface Shortcut {
  id: string;
  /** the first key is the one shown in tooltips and the menu */
  keys: readonly string[];
  label: string;
  group: 'Edit' | 'Run' | 'Map' | 'Time' | 'Network editor' | 'Drawing an area' | 'Help' | 'File';
  scope: ShortcutScope;
}

export const SHORTCUTS = [
  { id: 'edit.undo', keys: ['Mod+Z'], label: 'Undo the last edit', group: 'Edit', scope: 'app' },
  { id: 'edit.redo', keys: ['Mod+Shift+Z', 'Mod+Y'], label: 'Redo', group: 'Edit', scope: 'app' },
  { id: 'run.start', keys: ['Mod+Enter'], label: 'Run (from the first stale step)', group: 'Run', scope: 'app' },
  { id: 'run.cancel', keys: ['Escape'], label: 'Cancel the run', group: 'Run', scope: 'app' },
  { id: 'map.pixel', keys: ['P'], label: 'Map tool: inspect a pixel', group: 'Map', scope: 'app' },
  { id: 'map.transect', keys: ['T'], label: 'Map tool: draw a transect', group: 'Map', scope: 'app' },
  { id: 'map.reference', keys: ['R'], label: 'Map tool: set the reference point', group: 'Map', scope: 'app' },
  {
    id: 'map.displayRef',
    keys: ['D'],
    label: 'Map tool: display reference pixel (view only, no re-run)',
    group: 'Map',
    scope: 'app',
  },
  {
    id: 'map.polygon',
    keys: ['A'],
    label: 'Map tool: draw an area (its mean series in the chart)',
    group: 'Map',
    scope: 'app',
  },
  {
    id: 'map.measure',
    keys: ['G'],
    label: 'Map tool: measure a distance or an area (Backspace drops a point, Esc clears)',
    group: 'Map',
    scope: 'app',
  },
  { id: 'map.zoomData', keys: ['Z'], label: 'Zoom to the data', group: 'Map', scope: 'app' },
  { id: 'map.mask', keys: ['M'], label: 'Mask on / off', group: 'Map', scope: 'app' },
  { id: 'map.hillshade', keys: ['H'], label: 'Hillshade on / off', group: 'Map', scope: 'app' },
  {
    id: 'mapFocus.apply',
    keys: ['Enter', ' '],
    label: 'On the map: the map tool at the centre cross (as a click there)',
    group: 'Map',
    scope: 'map',
  },
  { id: 'date.prev', keys: ['ArrowLeft'], label: 'Previous date (or pair)', group: 'Time', scope: 'app' },
  { id: 'date.next', keys: ['ArrowRight'], label: 'Next date (or pair)', group: 'Time', scope: 'app' },
  { id: 'date.first', keys: ['Home'], label: 'First date', group: 'Time', scope: 'app' },
  { id: 'date.last', keys: ['End'], label: 'Last date', group: 'Time', scope: 'app' },
  { id: 'time.play', keys: ['K'], label: 'Play / pause the dates', group: 'Time', scope: 'app' },
  { id: 'help.shortcuts', keys: ['?'], label: 'Show the keyboard shortcuts', group: 'Help', scope: 'app' },
  {
    id: 'network.prev',
    keys: ['ArrowLeft', 'ArrowUp'],
    label: 'Previous pair',
    group: 'Network editor',
    scope: 'networkPlot',
  },
  {
    id: 'network.next',
    keys: ['ArrowRight', 'ArrowDown'],
    label: 'Next pair',
    group: 'Network editor',
    scope: 'networkPlot',
  },
  {
    id: 'network.toggle',
    keys: ['X', ' ', 'Enter'],
    label: 'Exclude / include the selected pair',
    group: 'Network editor',
    scope: 'networkPlot',
  },
  { id: 'drawing.finish', keys: ['Enter'], label: 'Close the polygon', group: 'Drawing an area', scope: 'drawing' },
  {
    id: 'drawing.undo',
    keys: ['Backspace'],
    label: 'Remove the last vertex',
    group: 'Drawing an area',
    scope: 'drawing',
  },
  {
    id: 'drawing.cancel',
    keys: ['Escape'],
    label: 'Cancel the polygon',
    group: 'Drawing an area',
    scope: 'drawing',
  },
  { id: 'file.open', keys: ['Mod+O'], label: 'Open a project folder…', group: 'File', scope: 'menu' },
  { id: 'file.exportKmz', keys: ['Mod+E'], label: 'Export KMZ…', group: 'File', scope: 'menu' },
] as const satisfies readonly Shortcut[];

export type ShortcutId = (typeof SHORTCUTS)[number]['id'];

export function shortcut(id: ShortcutId): Shortcut {
  const s = SHORTCUTS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown shortcut ${id}`);
  return s;
}

/** What a key event carries (KeyboardEvent satisfies it; so does a plain object in tests). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface ParsedKey {
  mod: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

function parse(k: string): ParsedKey {
  const parts = k === '+' ? ['+'] : k.split('+');
  const key = parts[parts.length - 1];
  const mods = new Set(parts.slice(0, -1));
  return { mod: mods.has('Mod'), shift: mods.has('Shift'), alt: mods.has('Alt'), key };
}

/** Whether a key event is `k` (`Mod` = Cmd on macOS, Ctrl elsewhere). */
export function matchesKey(e: KeyLike, k: string, isMac: boolean): boolean {
  const p = parse(k);
  const mod = isMac ? e.metaKey : e.ctrlKey;
  const otherMod = isMac ? e.ctrlKey : e.metaKey;
  if (mod !== p.mod || otherMod || e.altKey !== p.alt) return false;
  const single = p.key.length === 1;
  // a printed character already says whether Shift was down ('?' is Shift+/ on US keyboards): ignore Shift
  // for non-letters; letters compare case-insensitively and need the Shift the table asks for
  const letter = single && /[a-z]/i.test(p.key);
  if ((letter || !single) && e.shiftKey !== p.shift) return false;
  return letter ? e.key.toLowerCase() === p.key.toLowerCase() : e.key === p.key;
}

/** The shortcut of `scope` a key event triggers, if any. */
export function findShortcut(e: KeyLike, scope: ShortcutScope, isMac: boolean): Shortcut | undefined {
  return (SHORTCUTS as readonly Shortcut[]).find(
    (s) => s.scope === scope && s.keys.some((k) => matchesKey(e, k, isMac)),
  );
}

const KEY_NAMES: Record<string, [string, string]> = {
  // key → [shown to people, Electron accelerator]
  ArrowLeft: ['←', 'Left'],
  ArrowRight: ['→', 'Right'],
  ArrowUp: ['↑', 'Up'],
  ArrowDown: ['↓', 'Down'],
  Escape: ['Esc', 'Esc'],
  Enter: ['Enter', 'Enter'],
  ' ': ['Space', 'Space'],
  Home: ['Home', 'Home'],
  End: ['End', 'End'],
  Backspace: ['Backspace', 'Backspace'],
  '?': ['?', 'Shift+/'],
};

/** How a key reads in a tooltip or the help overlay: 'Ctrl+Shift+Z', '⌘⇧Z', '←'. */
export function keyLabel(k: string, isMac: boolean): string {
  const p = parse(k);
  const key = KEY_NAMES[p.key]?.[0] ?? p.key.toUpperCase();
  if (isMac) return `${p.mod ? '⌘' : ''}${p.alt ? '⌥' : ''}${p.shift ? '⇧' : ''}${key}`;
  return [p.mod ? 'Ctrl' : '', p.shift ? 'Shift' : '', p.alt ? 'Alt' : '', key].filter(Boolean).join('+');
}

/** The same key as an Electron accelerator ('CmdOrCtrl+Shift+Z'). */
export function toAccelerator(k: string): string {
  const p = parse(k);
  const key = KEY_NAMES[p.key]?.[1] ?? p.key.toUpperCase();
  return [p.mod ? 'CmdOrCtrl' : '', p.shift ? 'Shift' : '', p.alt ? 'Alt' : '', key].filter(Boolean).join('+');
}

/** '<text> (<first key>)' — how a control's tooltip names its shortcut. */
export function withShortcut(text: string, id: ShortcutId, isMac: boolean): string {
  return `${text} (${keyLabel(shortcut(id).keys[0], isMac)})`;
}

/** The value of an element's aria-keyshortcuts attribute (WAI-ARIA spelling: 'Control+Shift+Z'). */
export function ariaKeys(id: ShortcutId): string {
  return shortcut(id)
    .keys.map((k) => {
      const p = parse(k);
      const key = p.key === ' ' ? 'Space' : p.key;
      return [p.mod ? 'Control' : '', p.shift ? 'Shift' : '', p.alt ? 'Alt' : '', key].filter(Boolean).join('+');
    })
    .join(' ');
}
