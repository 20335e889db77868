/** The one API object the renderer uses: Electron's preload (`window.insar`) or the browser host over HTTP. */
import type { InsarClient } from '../../src-shared/api';
import { createHttpClient } from './httpClient';
import { takeToken } from './token';

declare global {
  interface Window {
    insar?: InsarClient;
    insarHost?: { pathForFile(f: File): string };
  }
}

function make(): InsarClient {
  if (window.insar) return window.insar;
  return createHttpClient(
    takeToken({
      location: window.location,
      storage: window.sessionStorage,
      replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    }),
  );
}

export const api: InsarClient = make();
