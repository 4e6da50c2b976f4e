import type { CurrentJob, JobPhase, JobSpec, PullProgress } from '../../../protocol/job-spec.js';
import type { HaltReport } from './container-halt.js';
import { JobOutput } from './job-output.js';
import type { JobResult } from './journal.js';
import type { LogRingOptions } from './log-ring.js';
import { WorkClock } from './work-clock.js';

/** The job on this machine, as the runner tracks it from acceptance to its recorded end. */
export interface ActiveJob {
  spec: JobSpec;
  specHash: string;
  source: CurrentJob['source'];
  phase: JobPhase;
  pull: PullProgress | null;
  containerId: string | null;
  imageId: string | null;
  usesGpu: boolean;
  output: JobOutput;
  /** What the job is paid for: running time, up to a stop request, never past its limit. */
  work: WorkClock;
  stopReason: string | null;
  timedOut: boolean;
  /** The stop in progress (stop → kill → forced remove), once one was asked for. */
  halting: Promise<HaltReport> | null;
  /** Settles when a stop was asked for: the guest's end no longer waits on the engine's wait call. */
  haltAsked: Promise<void>;
  askHalt: () => void;
  maxTimer: ReturnType<typeof setTimeout> | null;
  heartbeat: ReturnType<typeof setInterval> | null;
  done: Promise<JobResult>;
  /** Set by a clean quit that leaves the job frozen for the next start. */
  detached: boolean;
  /** Cancels an image download in progress. */
  pullAbort: AbortController;
}

export interface NewActiveJob {
  spec: JobSpec;
  specHash: string;
  source: CurrentJob['source'];
  phase: JobPhase;
  /** Work already on record (an adopted job). */
  workedBeforeMs: number;
  /** Why its output stream cannot see all of the output (it was joined mid-run), or null. */
  partialOutputBecause: string | null;
  logRing: LogRingOptions;
  now: () => number;
  /** New output arrived (the runner throttles what it tells listeners). */
  onOutput: () => void;
}

export function newActiveJob(job: NewActiveJob): ActiveJob {
  let askHalt = () => undefined as void;
  const haltAsked = new Promise<void>((resolve) => (askHalt = resolve));
  return {
    spec: job.spec,
    specHash: job.specHash,
    source: job.source,
    phase: job.phase,
    pull: null,
    containerId: null,
    imageId: null,
    usesGpu: job.spec.resources.gpus > 0,
    output: new JobOutput(job.logRing, job.now, job.onOutput, job.partialOutputBecause),
    work: new WorkClock(job.spec.maxDurationSeconds * 1000, job.workedBeforeMs),
    stopReason: null,
    timedOut: false,
    halting: null,
    haltAsked,
    askHalt,
    maxTimer: null,
    heartbeat: null,
    done: Promise.resolve(null as unknown as JobResult),
    detached: false,
    pullAbort: new AbortController(),
  };
}
