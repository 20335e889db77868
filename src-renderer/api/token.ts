/**
 * The page bootstrap of the browser host's token: read it from the URL fragment (`#token=…`, which the
 * browser never sends to a server), keep it in this tab's sessionStorage (gone when the tab closes; a reload
 * keeps working), and take it out of the address bar and the history entry at once. No cookie, no query.
 */
import { TOKEN_FRAGMENT_KEY, TOKEN_STORAGE_KEY, tokenFromFragment } from '../../src-shared/hostAuth';

export interface TokenEnv {
  location: { hash: string; pathname: string; search: string };
  storage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
  /** history.replaceState(null, '', url) */
  replaceUrl(url: string): void;
}

export function takeToken(env: TokenEnv): string {
  const fromUrl = tokenFromFragment(env.location.hash);
  if (env.location.hash) {
    // drop the token (and only it) from the fragment, whatever else it holds
    const rest = new URLSearchParams(env.location.hash.slice(1));
    const hadToken = rest.has(TOKEN_FRAGMENT_KEY);
    rest.delete(TOKEN_FRAGMENT_KEY);
    const hash = rest.toString();
    if (hadToken) env.replaceUrl(`${env.location.pathname}${env.location.search}${hash ? `#${hash}` : ''}`);
  }
  if (fromUrl) {
    try {
      env.storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      /* storage disabled: the token lives for this page only */
    }
    return fromUrl;
  }
  try {
    return env.storage.getItem(TOKEN_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}
