/** The application menu: File › Open Project Folder…, Open Recent, Export KMZ…, Quit; Edit › Undo/Redo. */
import { Menu, dialog, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Services } from '../services/apiService';

export function buildMenu(
  win: BrowserWindow,
  s: Services,
  notifyError: (message: string) => void,
  devTools = false,
): Menu {
  const guard = (fn: () => Promise<unknown>) => () => void fn().catch((e: Error) => notifyError(e.message));
  const recent = s.projects.recent();
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Project Folder…',
          accelerator: 'CmdOrCtrl+O',
          click: guard(async () => {
            const r = await dialog.showOpenDialog(win, { properties: ['openDirectory'] });
            if (!r.canceled && r.filePaths[0]) await s.api.openProject(r.filePaths[0]);
            Menu.setApplicationMenu(buildMenu(win, s, notifyError, devTools));
          }),
        },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((p) => ({ label: `${p.name} — ${p.folder}`, click: guard(() => s.api.openProject(p.folder)) }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { type: 'separator' },
        {
          label: 'Export KMZ…',
          accelerator: 'CmdOrCtrl+E',
          click: guard(async () => {
            const r = await dialog.showSaveDialog(win, {
              defaultPath: 'velocity.kmz',
              filters: [{ name: 'KMZ', extensions: ['kmz'] }],
            });
            if (!r.canceled && r.filePath) await s.api.exportKmz(r.filePath);
          }),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { label: 'Undo Edit', accelerator: 'CmdOrCtrl+Z', click: guard(() => s.api.undo()) },
        { label: 'Redo Edit', accelerator: 'CmdOrCtrl+Shift+Z', click: guard(() => s.api.redo()) },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        // DevTools only in development builds (webPreferences.devTools is off when packaged, too)
        ...(devTools ? [{ role: 'toggleDevTools' as const }] : []),
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
