import type { PreemptionEvent } from '../../../protocol/availability.js';
import type { Clock, Logger } from '../ports.js';
import { finalReport, observeJob, preemptionReport, type FinishedJob, type SeenJob } from './job-status.js';
import type { LinkStateStore, NetworkJobs, PersistedLinkState } from './ports.js';
import { StatusQueue, type JobStatusReport, type QueuedStatus } from './status-queue.js';

/**
 * Turns what our network jobs do into job statuses, keeps the ones the coordinator has not acknowledged
 * (on disk, so a daemon restart loses none), and knows which network jobs are ours. Sends nothing itself:
 * the link drains `unsent()` whenever it is connected.
 */
export class JobReporter {
  private readonly queue: StatusQueue;
  private readonly active: Set<string>;
  private seen: SeenJob | null = null;
  private state: PersistedLinkState;

  constructor(
    private readonly deps: { jobs: NetworkJobs | undefined; store: LinkStateStore; clock: Clock; logger: Logger; connected: () => boolean },
    private readonly onQueued: () => void,
  ) {
    this.state = deps.store.load();
    this.queue = StatusQueue.restore(this.state.pending);
    this.active = new Set(this.state.activeJobIds);
  }

  persisted(): PersistedLinkState {
    return this.state;
  }

  /** Saves the session, seq and queue (called on every change that matters after a crash). */
  save(patch: Partial<Omit<PersistedLinkState, 'pending' | 'activeJobIds'>> = {}): void {
    this.state = { ...this.state, ...patch, pending: this.queue.entries(), activeJobIds: [...this.active] };
    try {
      this.deps.store.save(this.state);
    } catch (error) {
      this.deps.logger.error('could not save the network link state', { error: String(error) });
    }
  }

  /** After the job runner reconciled: network jobs of an earlier run that are gone get their final status now. */
  reconcile(): void {
    const jobs = this.deps.jobs;
    if (!jobs) return;
    const current = jobs.current()?.jobId ?? null;
    for (const jobId of [...this.active]) {
      if (jobId === current) continue;
      const record = jobs.recent().find((r) => r.jobId === jobId);
      this.finish(jobId, record ? { outcome: record.outcome, exitCode: record.exitCode, workedMs: record.workedSeconds * 1000, outputDigest: record.outputDigest, reason: record.reason } : { outcome: 'interrupted', exitCode: null, workedMs: 0, outputDigest: null, reason: 'Offhours stopped while the job ran.' });
    }
  }

  isOurs(jobId: string): boolean {
    return this.active.has(jobId);
  }

  runningJobIds(): string[] {
    const current = this.deps.jobs?.current();
    return current && this.active.has(current.jobId) ? [current.jobId] : [];
  }

  accepted(jobId: string, done: Promise<FinishedJob>): void {
    this.active.add(jobId);
    this.save();
    done.then(
      (result) => this.finish(jobId, result),
      (error: unknown) => this.finish(jobId, { outcome: 'error', exitCode: null, workedMs: 0, outputDigest: null, reason: `The job runner failed: ${String(error)}` }),
    );
  }

  /** The job runner changed: report progress of our job, and the end of one adopted after a restart. */
  jobsChanged(): void {
    const jobs = this.deps.jobs;
    if (!jobs) return;
    const current = jobs.current();
    if (current && this.active.has(current.jobId)) {
      const { seen, reports } = observeJob(this.seen, current, this.deps.clock.now());
      this.seen = seen;
      for (const report of reports) this.add(report);
    } else if (this.seen && this.active.has(this.seen.jobId)) {
      // Jobs adopted after a restart have no `done` promise: their end shows up in the recent list.
      const record = jobs.recent().find((r) => r.jobId === this.seen!.jobId);
      if (record) this.finish(record.jobId, { outcome: record.outcome, exitCode: record.exitCode, workedMs: record.workedSeconds * 1000, outputDigest: record.outputDigest, reason: record.reason });
    }
  }

  preempted(event: PreemptionEvent): void {
    if (!this.active.has(event.jobId) || (event.action !== 'frozen' && event.action !== 'thawed')) return;
    const worked = this.deps.jobs?.current()?.jobId === event.jobId ? this.deps.jobs.current()!.elapsedSeconds : null;
    this.add(preemptionReport(event.jobId, event.action, event.reason, this.deps.clock.now(), worked));
  }

  /** Exactly once per job: the first final status wins, later ones (done and recent both seeing it) are dropped. */
  private finish(jobId: string, result: FinishedJob): void {
    if (!this.active.delete(jobId)) return;
    if (this.seen?.jobId === jobId) this.seen = null;
    this.add(finalReport(jobId, result, this.deps.clock.now()));
  }

  private add(report: JobStatusReport): void {
    this.queue.enqueue(report, this.deps.connected());
    this.save();
    this.onQueued();
  }

  unsent(): QueuedStatus[] {
    return this.queue.unsent();
  }

  markSent(id: number, seq: number): void {
    this.queue.markSent(id, seq);
  }

  ack(jobId: string, status: QueuedStatus['status'], seq: number): void {
    if (this.queue.ack(jobId, status, seq)) this.save();
  }

  disconnected(): void {
    this.queue.disconnected();
  }

  get pendingCount(): number {
    return this.queue.size;
  }
}
