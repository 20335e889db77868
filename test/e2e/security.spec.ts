/**
 * Issue #16 in a real browser: the token arrives in the URL fragment, leaves the address bar at once, lives
 * in sessionStorage (a reload keeps working), never in a cookie; the event socket connects under the page's
 * CSP (exact port, no wildcard) with the token as a subprotocol.
 */
import { expect, test } from '@playwright/test';
import { URL_, origin, token } from './host';

test('token: fragment → sessionStorage, out of the address bar, no cookie; events flow under the CSP', async ({
  page,
  context,
}) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(URL_);
  await expect.poll(() => page.url()).toBe(`${origin}/`);
  expect(await page.evaluate("sessionStorage.getItem('insar-studio-token')")).toBe(token);
  expect(await context.cookies()).toEqual([]);
  // the page's own API calls work with the stored token, also after a reload (no fragment any more)
  await page.reload();
  expect(page.url()).toBe(`${origin}/`);
  const caps = await page.evaluate(async (t) => {
    const r = await fetch('/api/capabilities', { method: 'POST', headers: { 'x-insar-token': t } });
    return r.status;
  }, token);
  expect(caps).toBe(200);
  // the event socket: connected, no token in its URL
  await expect.poll(() => sockets.length).toBeGreaterThan(0);
  for (const u of sockets) {
    expect(u).toBe(`${origin.replace('http', 'ws')}/events`);
    expect(u).not.toContain(token);
  }
  const events = await page.evaluate(`new Promise((ok) => {
    const ws = new WebSocket('ws://' + location.host + '/events', ['insar.v1', 'insar-token.${token}']);
    ws.onopen = () => ok('open ' + ws.protocol);
    ws.onerror = () => ok('error');
  })`);
  expect(events).toBe('open insar.v1');
  expect(violations).toEqual([]);
  expect(await context.cookies()).toEqual([]);
});
