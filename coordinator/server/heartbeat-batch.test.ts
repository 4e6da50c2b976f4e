import { describe, expect, it } from 'vitest';
import { HeartbeatBatch } from './heartbeat-batch.js';
import type { Cancel, Timers } from './timers.js';

/** Timers that run only when the test says so. */
function manualTimers(): Timers & { tick(): void } {
  const periodic: (() => void)[] = [];
  const none: Cancel = { cancel: () => {} };
  return {
    after: () => none,
    every: (_ms, run) => (periodic.push(run), none),
    stop: () => {},
    tick: () => periodic.forEach((run) => run()),
  };
}

describe('HeartbeatBatch', () => {
  it('writes the latest time of each session once per flush, in one call', async () => {
    const writes: { sessionId: string; at: Date }[][] = [];
    const timers = manualTimers();
    const batch = new HeartbeatBatch({ touchSessions: async (entries) => void writes.push([...entries]) }, timers, () => {});
    batch.note('a', new Date(1000));
    batch.note('a', new Date(3000));
    batch.note('a', new Date(2000));
    batch.note('b', new Date(1500));
    expect(batch.size).toBe(2);
    timers.tick();
    await batch.flush();
    expect(writes).toEqual([[{ sessionId: 'a', at: new Date(3000) }, { sessionId: 'b', at: new Date(1500) }]]);
    await batch.flush();
    expect(writes).toHaveLength(1);
  });

  it('logs a failed write and keeps going; close writes what is left', async () => {
    const logged: string[] = [];
    let fail = true;
    const written: string[] = [];
    const batch = new HeartbeatBatch(
      {
        touchSessions: async (entries) => {
          if (fail) throw new Error('database away');
          written.push(...entries.map((e) => e.sessionId));
        },
      },
      manualTimers(),
      (message) => logged.push(message),
    );
    batch.note('a', new Date(1));
    await batch.flush();
    expect(logged).toEqual(['writing 1 heartbeats failed']);
    fail = false;
    batch.note('b', new Date(2));
    await batch.close();
    expect(written).toEqual(['b']);
  });
});
