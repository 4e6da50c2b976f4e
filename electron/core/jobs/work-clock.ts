/**
 * The work clock of one job: what the job is paid for. It runs only while the guest runs (frozen time is the
 * owner's), stops for good the moment a stop is asked for (the engine may take minutes to actually stop a
 * guest that misbehaves; none of that is work), and never counts past the job's time limit. Pure: time is
 * passed in.
 */
export class WorkClock {
  private workedBeforeMs: number;
  private runningSince: number | null = null;
  private stoppedForGood = false;

  constructor(
    private readonly limitMs: number,
    workedBeforeMs = 0,
  ) {
    this.workedBeforeMs = Math.min(workedBeforeMs, limitMs);
  }

  get running(): boolean {
    return this.runningSince !== null;
  }

  get stopped(): boolean {
    return this.stoppedForGood;
  }

  /** The guest runs (started or thawed). Ignored once the clock was stopped for good. */
  resume(now: number): void {
    if (this.stoppedForGood || this.runningSince !== null) return;
    this.runningSince = now;
  }

  /** The guest is frozen: the owner's time, not the job's. */
  pause(now: number): void {
    if (this.runningSince === null) return;
    this.workedBeforeMs = this.billable(this.workedBeforeMs + Math.max(0, now - this.runningSince));
    this.runningSince = null;
  }

  /** A stop was asked for (by the owner, the scheduler or the time limit): no more work is counted, ever. */
  stop(now: number): void {
    this.pause(now);
    this.stoppedForGood = true;
  }

  /** Work so far, never past the limit. */
  workedMs(now: number): number {
    return this.billable(this.workedBeforeMs + (this.runningSince === null ? 0 : Math.max(0, now - this.runningSince)));
  }

  /** Running time the job has left before its limit. */
  remainingMs(now: number): number {
    return this.limitMs - this.workedMs(now);
  }

  private billable(ms: number): number {
    return Math.min(ms, this.limitMs);
  }
}
