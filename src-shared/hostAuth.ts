/**
 * How the browser host's page proves it holds the per-start token (both sides of the contract).
 *
 * - The host prints `http://127.0.0.1:PORT/#token=<token>`: the fragment is never sent to any server, so
 *   the token is in no request line, no server log, no cookie. The page moves it to `sessionStorage` and
 *   removes it from the address bar (and from the history entry).
 * - API calls carry it in the `x-insar-token` header (TOKEN_HEADER in api.ts).
 * - The event WebSocket carries it as a subprotocol (`Sec-WebSocket-Protocol: insar.v1, insar-token.<token>`),
 *   not in the URL; the host answers with `insar.v1` only, so the token is never echoed.
 * The token is base64url, which is a valid subprotocol token character set.
 */

/** The fragment key: `#token=…`. */
export const TOKEN_FRAGMENT_KEY = 'token';
/** The sessionStorage key the page keeps the token under. */
export const TOKEN_STORAGE_KEY = 'insar-studio-token';
/** The event socket's subprotocol (what the host selects). */
export const WS_PROTOCOL = 'insar.v1';
/** Prefix of the subprotocol that carries the token. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'insar-token.';

/** The subprotocols a client offers to the event socket. */
export function wsProtocols(token: string): string[] {
  return [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + token];
}

/** The URL the host prints (and the e2e tests open). */
export function hostUrl(origin: string, token: string): string {
  return `${origin}/#${TOKEN_FRAGMENT_KEY}=${token}`;
}

/** The token in a URL's fragment (`#token=…`, possibly among other `&`-separated keys), or null. */
export function tokenFromFragment(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  const v = new URLSearchParams(h).get(TOKEN_FRAGMENT_KEY);
  return v && /^[A-Za-z0-9_-]{16,256}$/.test(v) ? v : null;
}
