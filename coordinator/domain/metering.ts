/**
 * Metering: how many whole seconds of a run the coordinator itself has confirmed, and what they earn. Pure.
 *
 * A second counts when the coordinator saw the run started ('started' status) and, up to that second, the
 * provider's session was alive (its last heartbeat or frame) and the run was not frozen (the owner had the GPU
 * back). Client counters are never used. The count only grows: a later, smaller figure (clock rounding) never
 * takes back what was credited, and what the job's escrow can no longer cover is not credited at all.
 */

export interface RunClock {
  /** When the coordinator saw the run start; null: never started, nothing to meter. */
  startedAt: Date | null;
  /** Set while frozen: no second after it counts until the thaw. */
  frozenSince: Date | null;
  /** Whole seconds of earlier freezes (ended). */
  frozenSeconds: number;
  /** Seconds already credited for this run. */
  meteredSeconds: number;
}

/** The latest moment the run is known to have been working: now, the session's last sign of life, or the freeze. */
export function confirmedUntil(clock: RunClock, now: Date, lastSeenAt: Date | null): Date {
  let until = now.getTime();
  if (lastSeenAt) until = Math.min(until, lastSeenAt.getTime());
  if (clock.frozenSince) until = Math.min(until, clock.frozenSince.getTime());
  return new Date(until);
}

/** Whole seconds of work confirmed by `until` (never below what was already credited). */
export function confirmedSeconds(clock: RunClock, until: Date): number {
  if (!clock.startedAt) return clock.meteredSeconds;
  const elapsed = Math.floor((until.getTime() - clock.startedAt.getTime()) / 1000);
  return Math.max(clock.meteredSeconds, elapsed - clock.frozenSeconds, 0);
}

export interface MeterStep {
  /** The run's credited seconds after this step. */
  toSeconds: number;
  /** Seconds newly credited (0: nothing to post). */
  seconds: number;
  amount: bigint;
  /** The escrow could not cover every confirmed second: the job's budget is spent. */
  budgetSpent: boolean;
}

/**
 * The next credit for a run: the confirmed seconds not yet credited, as many as the escrow still covers at
 * `ratePerSecond`. A free job (rate 0) is metered in seconds with no money.
 */
export function nextMeterStep(clock: RunClock, confirmed: number, ratePerSecond: bigint, escrowBalance: bigint): MeterStep {
  const wanted = Math.max(0, confirmed - clock.meteredSeconds);
  const affordable = ratePerSecond === 0n ? BigInt(wanted) : escrowBalance > 0n ? escrowBalance / ratePerSecond : 0n;
  const seconds = BigInt(wanted) <= affordable ? wanted : Number(affordable);
  const budgetSpent = ratePerSecond > 0n && escrowBalance - BigInt(seconds) * ratePerSecond < ratePerSecond;
  return { toSeconds: clock.meteredSeconds + seconds, seconds, amount: BigInt(seconds) * ratePerSecond, budgetSpent };
}
