/** The one API object the renderer uses: Electron's preload (`window.insar`) or the browser host over HTTP. */
import type { InsarClient } from '../../src-shared/api';
import { createHttpClient } from './httpClient';

declare global {
  interface Window {
    insar?: InsarClient;
    insarHost?: { pathForFile(f: File): string };
  }
}

function make(): InsarClient {
  if (window.insar) return window.insar;
  const token =
    document.querySelector('meta[name="insar-token"]')?.getAttribute('content') ??
    new URLSearchParams(location.search).get('token') ??
    '';
  return createHttpClient(token);
}

export const api: InsarClient = make();
