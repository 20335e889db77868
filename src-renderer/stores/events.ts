/** Main's events, each handed to the store it concerns. Installed once by the app. */
import { api } from '../api/client';
import { useInspectStore } from './inspect';
import { useLayersStore } from './layers';
import { useNetworkStore } from './network';
import { useProjectStore } from './project';
import { useRunStore } from './run';
import { usePreviewStore } from './preview';

export function installEventHandlers(): () => void {
  const run = useRunStore();
  const offs = [
    api.on('onProgress', (p) => run.onProgress(p)),
    api.on('onStep', (e) => run.onStep(e)),
    api.on('onLog', (l) => run.onLog(l)),
    api.on('onRunFinished', (e) => {
      run.onFinished(e.run);
      // the full result replaces the edit preview
      if (e.run.status === 'ok') usePreviewStore().clear();
      void (async () => {
        await useProjectStore().refreshInfo();
        await Promise.all([useLayersStore().reloadAfterRun(), useNetworkStore().refresh()]);
        await useInspectStore().refreshAfterRun();
      })();
    }),
    api.on('onProjectChanged', (p) => useProjectStore().onChanged(p)),
  ];
  return () => offs.forEach((off) => off());
}
