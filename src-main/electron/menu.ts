/** The application menu (File › Open, Open Recent, Export KMZ, Quit; Edit › Undo/Redo) from menuTemplate. */
import { Menu, dialog, type BrowserWindow } from 'electron';
import type { Services } from '../services/apiService';
import { menuTemplate } from './menuTemplate';

export function buildMenu(win: BrowserWindow, s: Services, notifyError: (message: string) => void): Menu {
  // a cancelled save dialog is no error
  const guard = (fn: () => Promise<unknown>) => () =>
    void fn().catch((e: Error) => e.name !== 'CancelledError' && notifyError(e.message));
  const template = menuTemplate(
    {
      openFolder: guard(async () => {
        const r = await dialog.showOpenDialog(win, { properties: ['openDirectory'] });
        if (!r.canceled && r.filePaths[0]) await s.api.openProject(r.filePaths[0]);
        Menu.setApplicationMenu(buildMenu(win, s, notifyError));
      }),
      openRecent: (folder) => guard(() => s.api.openProject(folder))(),
      // the save dialog comes from the export itself (services' dialogExports): the only path it may write to
      exportKmz: guard(() => s.api.exportKmz()),
      undo: guard(() => s.api.undo()),
      redo: guard(() => s.api.redo()),
    },
    s.projects.recent(),
    process.platform === 'darwin',
  );
  return Menu.buildFromTemplate(template);
}
