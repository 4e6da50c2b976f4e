/**
 * The periodic work of one instance: matching passes (every few seconds, and at once when a job is queued or
 * a provider becomes free) and sweeps (expired offers back to the queue, sessions of vanished instances
 * closed and their jobs requeued). Every instance runs both; the store's row locks keep them from colliding.
 */
import type { CoordinatorBus, CoordinatorStore, OfferRecord } from '../db/store.js';
import type { ProviderHub } from './hub.js';
import type { Cancel, Timers } from './timers.js';

export interface MaintenanceOptions {
  /** False: this instance never runs matching passes (it holds sockets, sweeps, and delivers offers others made). */
  matching: boolean;
  matchIntervalMs: number;
  sweepIntervalMs: number;
  matchBatch: number;
  offerTtlMs: number;
  /** A session not seen for this long belongs to a provider (or instance) that is gone: its jobs are requeued. */
  providerGoneMs: number;
  /** How often running jobs' confirmed seconds are credited (escrow → provider). */
  meterIntervalMs: number;
}

export const DEFAULT_MAINTENANCE: MaintenanceOptions = {
  matching: true,
  matchIntervalMs: 5_000,
  sweepIntervalMs: 5_000,
  matchBatch: 100,
  offerTtlMs: 30_000,
  providerGoneMs: 60_000,
  meterIntervalMs: 10_000,
};

const METER_BATCH = 1_000;

export interface MaintenanceDeps {
  store: CoordinatorStore;
  bus: CoordinatorBus;
  hub: ProviderHub;
  timers: Timers;
  clock: () => Date;
  startedAt: Date;
  options: MaintenanceOptions;
  log: (message: string, error?: unknown) => void;
  /** Runs after each matching pass (the demo feed hangs here). */
  afterPass?: () => Promise<void>;
}

export class Maintenance {
  private running: Promise<void> | null = null;
  private sweeping = false;
  private metering = false;
  private again = false;
  private stopped = false;
  private readonly handles: Cancel[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: MaintenanceDeps) {}

  start(): void {
    const { timers, options } = this.deps;
    this.handles.push(timers.every(options.matchIntervalMs, () => this.kick()));
    this.handles.push(timers.every(options.sweepIntervalMs, () => void this.sweep()));
    this.handles.push(timers.every(options.meterIntervalMs, () => void this.meter()));
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      if (event.kind === 'job-queued') this.kick();
    });
    this.kick();
  }

  /** Asks for a matching pass soon; passes never overlap, and a kick during one runs another after it. */
  kick(): void {
    if (this.stopped || !this.deps.options.matching) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.matchLoop().finally(() => {
      this.running = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const handle of this.handles) handle.cancel();
    await this.running;
  }

  /** Waits for the pass in progress (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async matchLoop(): Promise<void> {
    do {
      this.again = false;
      await this.matchOnce().catch((error: unknown) => this.deps.log('matching pass failed', error));
    } while (this.again && !this.stopped);
  }

  private async matchOnce(): Promise<void> {
    const { store, options } = this.deps;
    const offers = await store.matchQueuedJobs(this.deps.clock(), { limit: options.matchBatch, offerTtlMs: options.offerTtlMs });
    for (const offer of offers) await this.announce(offer);
    if (offers.length === options.matchBatch) this.again = true;
    await this.deps.afterPass?.().catch((error: unknown) => this.deps.log('after-pass task failed', error));
  }

  /** The provider's socket may be here or on another instance: send it directly, or tell the others. */
  private async announce(offer: OfferRecord): Promise<void> {
    const local = this.deps.hub.get(offer.providerId);
    if (local) return local.sendOffer(offer);
    await this.deps.bus.publish({ kind: 'offer', providerId: offer.providerId, offerId: offer.offerId });
  }

  /** Credits running jobs' confirmed seconds; a job whose budget is spent is cancelled (the provider stops it). */
  async meter(): Promise<void> {
    if (this.stopped || this.metering) return;
    this.metering = true;
    const { store, bus } = this.deps;
    try {
      const now = this.deps.clock();
      const result = await store.meterRunningJobs(now, METER_BATCH);
      for (const spent of result.budgetSpent) {
        const reason = 'The job’s budget is spent.';
        const cancelled = await store.cancelJob(spent.jobId, reason, now);
        if (!cancelled?.providerId) continue;
        await bus.publish({ kind: 'cancel-job', providerId: cancelled.providerId, jobId: spent.jobId, reason });
        await bus.publish({ kind: 'earnings', providerId: cancelled.providerId });
      }
    } catch (error) {
      this.deps.log('metering pass failed', error);
    } finally {
      this.metering = false;
    }
  }

  async sweep(): Promise<void> {
    // A slow database must not pile sweeps on top of each other.
    if (this.stopped || this.sweeping) return;
    this.sweeping = true;
    const { store, bus, options } = this.deps;
    const now = this.deps.clock();
    try {
      const expired = await store.expireOffers(now);
      for (const offer of expired) await bus.publish({ kind: 'offer-withdrawn', providerId: offer.providerId, offerId: offer.offerId, reason: 'The offer was not answered in time.' });
      // Right after a restart every session looks stale; give providers time to reconnect and resume first.
      let requeued = 0;
      if (now.getTime() - this.deps.startedAt.getTime() >= options.providerGoneMs) {
        for (const providerId of await store.expireStaleSessions(now, options.providerGoneMs)) {
          const jobs = await store.requeueJobsOfProvider(providerId, 'The provider stopped answering.', now);
          requeued += jobs.length;
          if (jobs.length > 0) await bus.publish({ kind: 'earnings', providerId });
        }
      }
      if (expired.length > 0 || requeued > 0) this.kick();
    } catch (error) {
      this.deps.log('sweep failed', error);
    } finally {
      this.sweeping = false;
    }
  }
}
