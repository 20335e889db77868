/**
 * Electron's menu and the renderer share one shortcut table: the menu shows the same keys, and the keys the
 * renderer handles (Undo, Redo) are not registered by the menu (otherwise Ctrl+Z would undo twice, and
 * inside a text field).
 */
import { describe, expect, test, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../src-main/electron/menuTemplate';
import { SHORTCUTS, findShortcut, keyLabel, matchesKey, toAccelerator } from '../../src-shared/shortcuts';

function items(t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return t.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

describe('menu template', () => {
  const actions = { openFolder: vi.fn(), openRecent: vi.fn(), exportKmz: vi.fn(), undo: vi.fn(), redo: vi.fn() };
  const all = items(menuTemplate(actions, [{ folder: '/d/demo', name: 'demo', openedAt: '' }], false));
  const byLabel = (l: string) => all.find((i) => i.label === l)!;

  test('Undo/Redo show the table keys and leave them to the renderer; a click calls main', () => {
    expect(byLabel('Undo Edit')).toMatchObject({ accelerator: 'CmdOrCtrl+Z', registerAccelerator: false });
    expect(byLabel('Redo Edit')).toMatchObject({ accelerator: 'CmdOrCtrl+Shift+Z', registerAccelerator: false });
    (byLabel('Undo Edit').click as () => void)();
    expect(actions.undo).toHaveBeenCalledTimes(1);
  });
  test('menu-only shortcuts are registered by the menu', () => {
    expect(byLabel('Open Project Folder…')).toMatchObject({ accelerator: 'CmdOrCtrl+O', registerAccelerator: true });
    expect(byLabel('Export KMZ…')).toMatchObject({ accelerator: 'CmdOrCtrl+E', registerAccelerator: true });
    (all.find((i) => i.label === 'demo — /d/demo')!.click as () => void)();
    expect(actions.openRecent).toHaveBeenCalledWith('/d/demo');
  });
  test('every accelerator in the menu is a key of the shared table', () => {
    const table = new Set(SHORTCUTS.flatMap((s) => s.keys.map(toAccelerator)));
    for (const i of all) if (i.accelerator) expect(table).toContain(i.accelerator);
  });
});

describe('shortcut table', () => {
  const ev = (
    key: string,
    m: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
  ) => ({
    key,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...m,
  });
  test('keys match with the right modifiers (Cmd on macOS)', () => {
    expect(matchesKey(ev('z', { ctrlKey: true }), 'Mod+Z', false)).toBe(true);
    expect(matchesKey(ev('z', { metaKey: true }), 'Mod+Z', true)).toBe(true);
    expect(matchesKey(ev('z', { metaKey: true }), 'Mod+Z', false)).toBe(false);
    expect(matchesKey(ev('Z', { ctrlKey: true, shiftKey: true }), 'Mod+Z', false)).toBe(false);
    expect(matchesKey(ev('Z', { ctrlKey: true, shiftKey: true }), 'Mod+Shift+Z', false)).toBe(true);
    expect(matchesKey(ev('?', { shiftKey: true }), '?', false)).toBe(true);
    expect(matchesKey(ev('p', { ctrlKey: true }), 'P', false)).toBe(false);
    expect(findShortcut(ev('y', { ctrlKey: true }), 'app', false)?.id).toBe('edit.redo');
    expect(findShortcut(ev('ArrowRight'), 'app', false)?.id).toBe('date.next');
    expect(findShortcut(ev('ArrowRight'), 'networkPlot', false)?.id).toBe('network.next');
    expect(findShortcut(ev(' '), 'networkPlot', false)?.id).toBe('network.toggle');
  });
  test('labels and accelerators', () => {
    expect(keyLabel('Mod+Shift+Z', false)).toBe('Ctrl+Shift+Z');
    expect(keyLabel('Mod+Shift+Z', true)).toBe('⌘⇧Z');
    expect(keyLabel('ArrowLeft', false)).toBe('←');
    expect(toAccelerator('?')).toBe('Shift+/');
    expect(toAccelerator('Mod+Enter')).toBe('CmdOrCtrl+Enter');
  });
  test('no key means two things in one scope', () => {
    for (const scope of ['app', 'networkPlot', 'map', 'menu'] as const) {
      const keys = SHORTCUTS.filter((s) => s.scope === scope).flatMap((s) => s.keys as readonly string[]);
      expect(new Set(keys.map((k) => k.toLowerCase())).size).toBe(keys.length);
    }
  });
  test("the map's keys (Enter / Space: the tool at the centre) are no app shortcut", () => {
    const ev = (key: string) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false });
    expect(findShortcut(ev('Enter'), 'map', false)?.id).toBe('mapFocus.apply');
    expect(findShortcut(ev(' '), 'map', false)?.id).toBe('mapFocus.apply');
    for (const k of SHORTCUTS.filter((s) => s.scope === 'map').flatMap((s) => s.keys as readonly string[]))
      expect(findShortcut(ev(k), 'app', false)).toBeUndefined();
  });
});
