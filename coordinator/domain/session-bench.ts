/**
 * When a session runs the timed benchmark. Pure: the provider's record and the time are passed in.
 * Right after enrolment when no timed run has passed recently; later, unannounced re-challenges follow the
 * rule in timed-challenge.ts (at most one an hour, only while available and the owner is away).
 */
import type { AvailabilityKind } from '../../protocol/availability.js';
import { RECHALLENGE_INTERVAL_MS, shouldRechallenge } from './timed-challenge.js';

export interface BenchHistory {
  throughputMilliGflops: number | null;
  lastTimedBenchmarkAt: Date | null;
}

export type BenchDecision = { run: false } | { run: true; recheck: boolean };

/** Enrolment: a provider that never passed, or whose last pass is older than the re-challenge interval, is timed now. */
export function benchAfterEnrolment(history: BenchHistory, now: Date): BenchDecision {
  const last = history.lastTimedBenchmarkAt;
  if (history.throughputMilliGflops === null || last === null) return { run: true, recheck: false };
  return now.getTime() - last.getTime() >= RECHALLENGE_INTERVAL_MS ? { run: true, recheck: false } : { run: false };
}

/**
 * On an availability change mid-session: a re-challenge when the rule allows and this session has not already
 * run one in the last interval (the store's time only moves on a pass, so failed runs are counted here).
 */
export function benchOnAvailability(
  history: BenchHistory,
  lastAttemptAt: Date | null,
  now: Date,
  availability: AvailabilityKind | null,
  ownerPresent: boolean,
): BenchDecision {
  if (history.throughputMilliGflops === null) return { run: false };
  if (lastAttemptAt && now.getTime() - lastAttemptAt.getTime() < RECHALLENGE_INTERVAL_MS) return { run: false };
  return shouldRechallenge(history.lastTimedBenchmarkAt, now, availability, ownerPresent) ? { run: true, recheck: true } : { run: false };
}

/** The backend to time: the provider lists what it can run, preferred first. */
export function chooseBackend(backends: readonly ('webgpu' | 'cuda')[]): 'webgpu' | 'cuda' {
  return backends[0] ?? 'webgpu';
}
