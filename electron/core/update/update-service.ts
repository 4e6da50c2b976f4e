import type { UpdateSlice } from '../../../protocol/update.js';
import type { Timers } from '../network/ports.js';
import type { Clock, Logger, Updater, UpdaterEvent } from '../ports.js';
import { applyUpdaterEvent, initialUpdateSlice, mayCheckNow, withJobState } from './update-policy.js';

/** How often the service asks the policy whether a check is due (the daily check, a retry, a check a job deferred). */
export const UPDATE_TICK_MS = 10 * 60 * 1000;

export interface UpdateServiceDeps {
  updater: Updater;
  clock: Clock;
  logger: Logger;
  timers: Pick<Timers, 'setInterval' | 'clearInterval'>;
  /** A job is on this PC (running or frozen): no check starts and quitting does not install. */
  busy(): boolean;
}

/**
 * Runs the desktop app's self-update by the policy (update-policy.ts): looks at start and daily, lets the updater
 * download in the background, and tells it whether quitting may install, again whenever the job changes.
 */
export class UpdateService {
  private slice: UpdateSlice = initialUpdateSlice();
  private lastAttemptAt: number | null = null;
  private timer: unknown = null;
  private offEvents: (() => void) | null = null;
  private readonly listeners = new Set<(slice: UpdateSlice) => void>();

  constructor(private readonly deps: UpdateServiceDeps) {}

  state(): UpdateSlice {
    return this.slice;
  }

  onChange(listener: (slice: UpdateSlice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.timer !== null) return;
    this.offEvents = this.deps.updater.onEvent((event) => this.onUpdaterEvent(event));
    this.timer = this.deps.timers.setInterval(() => this.tick(), UPDATE_TICK_MS);
    this.tick();
  }

  stop(): void {
    if (this.timer !== null) this.deps.timers.clearInterval(this.timer);
    this.timer = null;
    this.offEvents?.();
    this.offEvents = null;
  }

  /** Starts a check when the policy says one is due. */
  tick(): void {
    const now = this.deps.clock.now();
    if (!mayCheckNow({ slice: this.slice, lastAttemptAt: this.lastAttemptAt, now, busy: this.deps.busy() })) return;
    this.lastAttemptAt = now;
    this.deps.updater.check().catch((error: unknown) => this.onUpdaterEvent({ kind: 'error', message: error instanceof Error ? error.message : String(error) }));
  }

  /** A job started or ended: the ready line and install-on-quit follow, and a check it deferred may run now. */
  jobChanged(): void {
    this.set(withJobState(this.slice, this.deps.busy()));
    this.tick();
  }

  private onUpdaterEvent(event: UpdaterEvent): void {
    if (event.kind === 'error') this.deps.logger.warn('update check failed', { error: event.message });
    if (event.kind === 'downloaded') this.deps.logger.info('update downloaded', { version: event.version });
    this.set(applyUpdaterEvent(this.slice, event, new Date(this.deps.clock.now()).toISOString(), this.deps.busy()));
  }

  private set(next: UpdateSlice): void {
    if (next === this.slice) return;
    // The updater starts with install-on-quit off; it hears only the changes.
    if (next.installOnQuit !== this.slice.installOnQuit) this.deps.updater.setInstallOnQuit(next.installOnQuit);
    this.slice = next;
    this.listeners.forEach((listener) => listener(next));
  }
}
