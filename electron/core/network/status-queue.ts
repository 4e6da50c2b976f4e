import type { JobStatusKind } from '../../../protocol/network.js';

/** A job status as the coordinator wants it, minus the frame fields (seq, replayed) that depend on when it is sent. */
export interface JobStatusReport {
  jobId: string;
  status: JobStatusKind;
  at: string;
  pull: { bytesDone: number; bytesTotal: number | null } | null;
  exitCode: number | null;
  workedSeconds: number | null;
  outputDigest: string | null;
  message: string | null;
}

export interface QueuedStatus extends JobStatusReport {
  /** Local id, increasing (order of events). */
  id: number;
  /** Happened while away, or was sent but not acknowledged before the link dropped. */
  replayed: boolean;
  /** The seq of the last send in the current connection, null when not sent on it yet. */
  sentSeq: number | null;
}

export const STATUS_QUEUE_LIMIT = 200;
const FINAL: ReadonlySet<JobStatusKind> = new Set(['finished', 'failed', 'interrupted']);

/**
 * Job statuses not yet acknowledged by the coordinator, oldest first. Bounded: when full, progress notes
 * (pulling, frozen…) go first, so a job's final status — what the owner is paid by — is the last to be lost.
 * Pure: the link persists `entries()` and restores them with `restore`.
 */
export class StatusQueue {
  private items: QueuedStatus[] = [];
  private nextId = 1;

  constructor(private readonly limit = STATUS_QUEUE_LIMIT) {}

  static restore(entries: QueuedStatus[], limit = STATUS_QUEUE_LIMIT): StatusQueue {
    const queue = new StatusQueue(limit);
    // Whatever was stored came from an earlier connection: it is a replay now and unsent on the next one.
    queue.items = entries.slice(-limit).map((e) => ({ ...e, replayed: true, sentSeq: null }));
    queue.nextId = Math.max(0, ...entries.map((e) => e.id)) + 1;
    return queue;
  }

  /** Adds a status; `connected` says whether it happens while the coordinator is reachable. */
  enqueue(report: JobStatusReport, connected: boolean): QueuedStatus {
    // Pull progress is a level, not an event: only the newest unsent one matters.
    if (report.status === 'pulling') this.items = this.items.filter((e) => !(e.jobId === report.jobId && e.status === 'pulling' && e.sentSeq === null));
    const entry: QueuedStatus = { ...report, id: this.nextId++, replayed: !connected, sentSeq: null };
    this.items.push(entry);
    while (this.items.length > this.limit) this.dropOne();
    return entry;
  }

  private dropOne(): void {
    const progress = this.items.findIndex((e) => !FINAL.has(e.status));
    this.items.splice(progress >= 0 ? progress : 0, 1);
  }

  markSent(id: number, seq: number): void {
    const entry = this.items.find((e) => e.id === id);
    if (entry) entry.sentSeq = seq;
  }

  /** Removes the acknowledged status: the one sent with that seq, else the oldest of that job and kind. */
  ack(jobId: string, status: JobStatusKind, seq: number): boolean {
    let index = this.items.findIndex((e) => e.sentSeq === seq && e.jobId === jobId);
    if (index < 0) index = this.items.findIndex((e) => e.jobId === jobId && e.status === status);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** The link dropped: everything still pending is re-sent as a replay on the next connection. */
  disconnected(): void {
    for (const entry of this.items) {
      entry.replayed = true;
      entry.sentSeq = null;
    }
  }

  /** Statuses not sent on the current connection, oldest first. */
  unsent(): QueuedStatus[] {
    return this.items.filter((e) => e.sentSeq === null);
  }

  entries(): QueuedStatus[] {
    return this.items.map((e) => ({ ...e }));
  }

  get size(): number {
    return this.items.length;
  }
}
