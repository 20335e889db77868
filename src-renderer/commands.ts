/**
 * What each shortcut of the app scope does (src-shared/shortcuts.ts declares the keys), and the window's key
 * handler: shortcuts never fire while the user types in a text field, so Ctrl+Z there undoes the typing.
 */
import { findShortcut, type SHORTCUTS } from '../src-shared/shortcuts';
import { PANELS } from './panels/registry';
import { useInspectStore } from './stores/inspect';
import { useLayersStore } from './stores/layers';
import { useMapViewStore } from './stores/mapView';
import { useNetworkStore } from './stores/network';
import { useProjectStore } from './stores/project';
import { useRunStore } from './stores/run';
import { useUiStore } from './stores/ui';
import { usePlaybackStore } from './stores/playback';
import { useRegionsStore } from './stores/regions';
import { useMeasureStore } from './stores/measure';

/** the shortcuts of the app scope (the network plot, the map and the menu bind their own) */
type AppShortcut = Extract<(typeof SHORTCUTS)[number], { scope: 'app' }>['id'];

export function runCommand(id: AppShortcut): void {
  const ui = useUiStore();
  const layers = useLayersStore();
  const inspect = useInspectStore();
  const commands: Record<AppShortcut, () => unknown> = {
    'edit.undo': () => useNetworkStore().undo(),
    'edit.redo': () => useNetworkStore().redo(),
    'run.start': () => useProjectStore().info && useRunStore().start(),
    'run.cancel': () => (ui.helpOpen ? (ui.helpOpen = false) : useRunStore().cancel()),
    'map.pixel': () => inspect.setTool('pixel'),
    'map.transect': () => inspect.setTool('transect'),
    'map.reference': () => inspect.setTool('reference'),
    'map.displayRef': () => inspect.setTool('displayref'),
    'map.polygon': () => inspect.setTool('polygon'),
    'map.measure': () => inspect.setTool('measure'),
    'map.zoomData': () => useMapViewStore().zoomToData(),
    'map.mask': () => (layers.maskOn = !layers.maskOn),
    'map.hillshade': () => (layers.hillshade = !layers.hillshade),
    'date.prev': () => layers.stepDate(-1),
    'date.next': () => layers.stepDate(1),
    'date.first': () => layers.stepDate('first'),
    'date.last': () => layers.stepDate('last'),
    'time.play': () => usePlaybackStore().toggle(),
    'help.shortcuts': () => (ui.helpOpen = !ui.helpOpen),
  };
  void commands[id]();
}

/** Text fields, where keys type text (a select or a checkbox is not one). */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'file', 'color'].includes(type);
}

/** Elements that use the arrow keys themselves (menus, sliders, the map, tab lists, list boxes). */
function ownsArrows(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.tagName === 'SELECT' || el.tagName === 'CANVAS') return true;
  if (el.tagName === 'INPUT' && ['range', 'radio'].includes((el as HTMLInputElement).type)) return true;
  const role = el.getAttribute('role');
  return role === 'tab' || role === 'listbox' || role === 'option';
}

export function onKeydown(e: KeyboardEvent): void {
  if (e.defaultPrevented || isTyping(e.target)) return;
  const ui = useUiStore();
  // drawing a polygon: Enter closes it, Backspace removes a vertex, Escape cancels it
  const regions = useRegionsStore();
  if (regions.drawing.length) {
    const d = findShortcut(e, 'drawing', ui.isMac);
    if (d) {
      e.preventDefault();
      if (d.id === 'drawing.finish') void regions.finish();
      else if (d.id === 'drawing.undo') regions.drawing = regions.drawing.slice(0, -1);
      else regions.cancelDrawing();
      return;
    }
  }
  // measuring: Backspace drops the last point, Escape clears the measurement
  const measure = useMeasureStore();
  if (useInspectStore().tool === 'measure' && measure.points.length && (e.key === 'Backspace' || e.key === 'Escape')) {
    e.preventDefault();
    if (e.key === 'Backspace') measure.undo();
    else measure.clear();
    return;
  }
  const s = findShortcut(e, 'app', ui.isMac);
  if (s) {
    if (/^(Arrow|Home|End)/.test(e.key) && ownsArrows(e.target)) return;
    if (s.id === 'run.cancel' && !ui.helpOpen && !useRunStore().running) return;
    e.preventDefault();
    runCommand(s.id as AppShortcut);
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const p = PANELS.find((x) => x.key === e.key);
  if (p) {
    e.preventDefault();
    ui.showPanel(p.id);
  }
}
