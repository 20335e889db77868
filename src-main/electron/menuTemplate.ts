/**
 * The application menu as data (no Electron import at runtime, so it is unit-tested): accelerators come
 * from the shared shortcut table (src-shared/shortcuts.ts), the same the renderer binds.
 *
 * Shortcuts the renderer handles (Undo, Redo) are shown in the menu but not registered with the system
 * (`registerAccelerator: false`): the key reaches the renderer only, which acts once and never while the
 * user types in a text field (there Ctrl+Z undoes the typing). A click on the menu item calls main directly.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentProject } from '../../src-shared/api';
import { shortcut, toAccelerator, type ShortcutId } from '../../src-shared/shortcuts';

export interface MenuActions {
  openFolder(): void;
  openRecent(folder: string): void;
  exportKmz(): void;
  undo(): void;
  redo(): void;
}

/** The menu item of a shortcut: its label and first key; registered only for menu-only shortcuts. */
function item(id: ShortcutId, click: () => void, label?: string): MenuItemConstructorOptions {
  const s = shortcut(id);
  return {
    label: label ?? s.label,
    accelerator: toAccelerator(s.keys[0]),
    registerAccelerator: s.scope === 'menu',
    click,
  };
}

export function menuTemplate(a: MenuActions, recent: RecentProject[], isMac: boolean): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('file.open', a.openFolder, 'Open Project Folder…'),
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((p) => ({ label: `${p.name} — ${p.folder}`, click: () => a.openRecent(p.folder) }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { type: 'separator' },
        item('file.exportKmz', a.exportKmz),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('edit.undo', a.undo, 'Undo Edit'),
        item('edit.redo', a.redo, 'Redo Edit'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
      ],
    },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
  ];
}
