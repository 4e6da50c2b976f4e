import { describe, expect, it } from 'vitest';
import type { IdleReading, IdleSource } from '../ports.js';
import { CombinedIdleSource, DeferredIdleSource } from './idle.js';

/** A source that records what the wrappers forward to it and lets the test fire its activity. */
function recording(name: string) {
  const listeners = new Set<() => void>();
  const watched: boolean[] = [];
  const source: IdleSource = {
    name,
    read: async (): Promise<IdleReading> => ({ idleSeconds: 10, locked: false, onBattery: false }),
    onActivity: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchClosely: (on) => watched.push(on),
  };
  return { source, watched, listeners, fire: () => listeners.forEach((l) => l()) };
}

describe('idle source wrappers', () => {
  it('combined: activity from the input or the lock source, watching forwarded to both, unsubscribing from both', () => {
    const input = recording('evdev');
    const lock = recording('logind');
    const combined = new CombinedIdleSource(input.source, lock.source);
    let seen = 0;
    const off = combined.onActivity(() => seen++);
    input.fire();
    lock.fire();
    expect(seen).toBe(2);
    combined.watchClosely(true);
    expect([input.watched, lock.watched]).toEqual([[true], [true]]);
    off();
    expect(input.listeners.size + lock.listeners.size).toBe(0);
  });

  it('deferred: listeners and the watch flag given before the source is found reach it; unsubscribing works before and after', async () => {
    const inner = recording('found');
    const deferred = new DeferredIdleSource(async () => inner.source);
    let seen = 0;
    const offEarly = deferred.onActivity(() => seen++);
    const offDropped = deferred.onActivity(() => (seen += 100));
    offDropped();
    deferred.watchClosely(true);
    await deferred.read();
    expect(inner.watched).toEqual([true]);
    inner.fire();
    expect(seen).toBe(1);
    offEarly();
    expect(inner.listeners.size).toBe(0);
    deferred.watchClosely(false);
    expect(inner.watched).toEqual([true, false]);
  });
});
