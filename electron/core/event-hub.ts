import type { EventPayload, ProviderEventName, Unsubscribe } from '../../protocol/api.js';

type AnyListener = (payload: unknown) => void;

/** Typed fan-out of ProviderApi events to every connected transport. */
export class EventHub {
  private readonly listeners = new Map<ProviderEventName, Set<AnyListener>>();

  on<E extends ProviderEventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  emit<E extends ProviderEventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}
