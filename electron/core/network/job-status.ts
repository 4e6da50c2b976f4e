import type { AvailabilityReason } from '../../../protocol/availability.js';
import type { CurrentJob, JobOutcomeKind } from '../../../protocol/job-spec.js';
import type { JobStatusKind } from '../../../protocol/network.js';
import type { JobStatusReport } from './status-queue.js';

/** How often pull progress goes upstream while an image downloads (the entering "pulling" is sent at once). */
export const PULL_REPORT_EVERY_MS = 2_000;

export interface SeenJob {
  jobId: string;
  phase: CurrentJob['phase'];
  started: boolean;
  lastPullReportMs: number;
}

function report(jobId: string, status: JobStatusKind, nowMs: number, extra: Partial<JobStatusReport> = {}): JobStatusReport {
  return { jobId, status, at: new Date(nowMs).toISOString(), pull: null, exitCode: null, workedSeconds: null, outputDigest: null, message: null, ...extra };
}

/**
 * What changed in the job on this machine since the last look, as statuses for the coordinator: "pulling"
 * (on entering the download, then progress every PULL_REPORT_EVERY_MS) and "started" (the first time it runs).
 * Frozen/thawed come from preemption events and the end from the runner's result. Pure.
 */
export function observeJob(seen: SeenJob | null, job: CurrentJob, nowMs: number): { seen: SeenJob; reports: JobStatusReport[] } {
  const previous = seen && seen.jobId === job.jobId ? seen : { jobId: job.jobId, phase: 'queued' as const, started: false, lastPullReportMs: -Infinity };
  const next: SeenJob = { ...previous, phase: job.phase };
  const reports: JobStatusReport[] = [];
  if (job.phase === 'pulling') {
    const entering = previous.phase !== 'pulling';
    if (entering || nowMs - previous.lastPullReportMs >= PULL_REPORT_EVERY_MS) {
      reports.push(report(job.jobId, 'pulling', nowMs, { pull: job.pull ? { bytesDone: job.pull.bytesDone, bytesTotal: job.pull.bytesTotal } : null }));
      next.lastPullReportMs = nowMs;
    }
  }
  if ((job.phase === 'running' || job.phase === 'frozen') && !previous.started) {
    reports.push(report(job.jobId, 'started', nowMs, { workedSeconds: job.elapsedSeconds }));
    next.started = true;
  }
  return { seen: next, reports };
}

export interface FinishedJob {
  outcome: JobOutcomeKind;
  exitCode: number | null;
  workedMs: number;
  outputDigest: string | null;
  reason: string | null;
}

const FINAL_STATUS: Record<JobOutcomeKind, JobStatusKind> = {
  succeeded: 'finished',
  failed: 'failed',
  'timed-out': 'failed',
  error: 'failed',
  // Stopped by the owner, the preemption grace running out, a cancel or a quit: the work was cut short.
  stopped: 'interrupted',
  interrupted: 'interrupted',
};

export function finalReport(jobId: string, result: FinishedJob, nowMs: number): JobStatusReport {
  return report(jobId, FINAL_STATUS[result.outcome], nowMs, {
    exitCode: result.exitCode,
    workedSeconds: Math.floor(result.workedMs / 1000),
    outputDigest: result.outputDigest && /^[0-9a-f]{64}$/.test(result.outputDigest) ? result.outputDigest : null,
    message: result.reason ? result.reason.slice(0, 500) : null,
  });
}

export function preemptionReport(jobId: string, action: 'frozen' | 'thawed', reason: string, nowMs: number, workedSeconds: number | null): JobStatusReport {
  return report(jobId, action, nowMs, { message: reason.slice(0, 500), workedSeconds });
}

/** Reasons under which the owner (or their game) is at the PC: re-challenges never run then. */
const OWNER_PRESENT: ReadonlySet<AvailabilityReason> = new Set(['owner-active', 'game-running', 'foreign-gpu']);

export function ownerPresent(reason: AvailabilityReason): boolean {
  return OWNER_PRESENT.has(reason);
}
