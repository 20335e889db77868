/** A tiny typed event bus: services emit, transports (IPC, WebSocket) forward to the renderer. */
import type { ApiEventName, ApiEvents } from '../../src-shared/api';

type Listener<E extends ApiEventName> = (payload: ApiEvents[E]) => void;

export class EventBus {
  private listeners = new Map<ApiEventName, Set<Listener<ApiEventName>>>();
  private any = new Set<(event: ApiEventName, payload: unknown) => void>();

  on<E extends ApiEventName>(event: E, cb: Listener<E>): () => void {
    let s = this.listeners.get(event);
    if (!s) this.listeners.set(event, (s = new Set()));
    s.add(cb as Listener<ApiEventName>);
    return () => s!.delete(cb as Listener<ApiEventName>);
  }

  /** every event (what a transport forwards) */
  onAny(cb: (event: ApiEventName, payload: unknown) => void): () => void {
    this.any.add(cb);
    return () => this.any.delete(cb);
  }

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const cb of this.listeners.get(event) ?? []) cb(payload);
    for (const cb of this.any) cb(event, payload);
  }
}
