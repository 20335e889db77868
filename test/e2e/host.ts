/** What every end-to-end spec needs: the host's URL and token (from globalSetup) and a typed API call over HTTP. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY_CONTENT_TYPE, TOKEN_HEADER } from '../../src-shared/api';
import { decodeBinary } from '../../src-shared/binaryCodec';
import { tokenFromFragment } from '../../src-shared/hostAuth';

export const URL_ = process.env.INSAR_E2E_URL!;
export const DEMO = process.env.INSAR_E2E_DEMO!;
export const origin = new URL(URL_).origin;
/** the host prints `http://127.0.0.1:PORT/#token=…`: the token is in the fragment, never sent to the server */
export const token = tokenFromFragment(new URL(URL_).hash)!;
export const shots = join(dirname(fileURLToPath(import.meta.url)), '__screenshots__');

export async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const r = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
    body: JSON.stringify({ args }),
  });
  if ((r.headers.get('content-type') ?? '').startsWith(BINARY_CONTENT_TYPE))
    return decodeBinary(await r.arrayBuffer()) as T;
  const b = (await r.json()) as { result: T; error?: { message: string } };
  if (b.error) throw new Error(b.error.message);
  return b.result;
}
