/** Typed calls into the raster worker; typed arrays are transferred, not copied. */
import type { WorkerMessages, WorkerResponse, WorkerTask } from './messages';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

function get(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./raster.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if ('error' in e.data) p.fail(new Error(e.data.error));
      else p.ok(e.data.result);
    };
  }
  return worker;
}

/** Start the worker now (its script loads while other work goes on). */
export function startWorker(): void {
  get();
}

function transferables(v: unknown): Transferable[] {
  const out: Transferable[] = [];
  for (const x of Object.values(v as object)) if (ArrayBuffer.isView(x)) out.push(x.buffer as ArrayBuffer);
  return out;
}

export function runTask<K extends WorkerTask>(task: K, params: WorkerMessages[K][0]): Promise<WorkerMessages[K][1]> {
  const id = nextId++;
  return new Promise((ok, fail) => {
    pending.set(id, { ok: ok as (v: unknown) => void, fail });
    get().postMessage({ id, task, params }, transferables(params));
  });
}
