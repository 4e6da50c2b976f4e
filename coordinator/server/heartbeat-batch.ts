/**
 * Heartbeats that change nothing but the time are the bulk of a coordinator's traffic (5,000 providers every
 * 5 s is 1,000 a second). One transaction each would keep the embedded database busy with nothing else, so a
 * heartbeat only notes its session's time here, and the batch is written in one statement every
 * FLUSH_INTERVAL_MS (far inside the session timeout the stale sweep uses). Availability changes are never
 * batched: matching needs them at once.
 */
import type { CoordinatorStore } from '../db/store.js';
import type { Cancel, Timers } from './timers.js';

export const HEARTBEAT_FLUSH_INTERVAL_MS = 2_000;

export class HeartbeatBatch {
  private pending = new Map<string, Date>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: Cancel;

  constructor(
    private readonly store: Pick<CoordinatorStore, 'touchSessions'>,
    timers: Timers,
    private readonly log: (message: string, error?: unknown) => void,
    intervalMs = HEARTBEAT_FLUSH_INTERVAL_MS,
  ) {
    this.timer = timers.every(intervalMs, () => void this.flush());
  }

  /** The session was seen at `at` (the latest time wins). */
  note(sessionId: string, at: Date): void {
    const previous = this.pending.get(sessionId);
    if (!previous || previous < at) this.pending.set(sessionId, at);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Writes what is pending; one flush at a time, a failed batch is logged (the next heartbeats carry the time again). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending].map(([sessionId, at]) => ({ sessionId, at }));
      this.pending = new Map();
      await this.store.touchSessions(batch).catch((error: unknown) => this.log(`writing ${batch.length} heartbeats failed`, error));
    });
    return this.flushing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    this.timer.cancel();
    await this.flush();
  }
}
