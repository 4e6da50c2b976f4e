/**
 * Rows as read from the database → the records and wire objects the rest of the coordinator uses. Pure: the
 * standing combines a provider row with its latest timed benchmark through domain/pricing and
 * domain/reputation, with the time passed in.
 */
import type { Selectable } from 'kysely';
import type { AdminJob, ProviderStanding } from '../../protocol/network.js';
import { ratePerHour } from '../domain/pricing.js';
import { computeReputation, type ReputationInput } from '../domain/reputation.js';
import type { JobEventsTable, JobRow, ProviderRow, SessionRow, TimedBenchmarksTable } from './schema.js';
import type { OfferRecord, ProviderRecord, SessionRecord, TimedBenchmarkRecord } from './store.js';

/** A drop (gone while available) counts at most this long, so one long absence cannot erase years of uptime. */
export const MAX_OFFLINE_COUNTED_MS = 24 * 3600_000;

export type BenchmarkRow = Selectable<TimedBenchmarksTable>;
export type EventRow = Selectable<JobEventsTable>;

export function toProviderRecord(row: ProviderRow): ProviderRecord {
  return {
    providerId: row.provider_id,
    devicePublicKey: row.device_public_key,
    payoutAddress: row.payout_address,
    gpus: row.gpus,
    minPricePerGpuHour: row.min_price_per_gpu_hour,
    backends: row.backends,
    throughputMilliGflops: row.throughput_milli_gflops,
    demo: row.demo,
    lastTimedBenchmarkAt: row.last_timed_benchmark_at,
    createdAt: row.created_at,
  };
}

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    sessionId: row.session_id,
    providerId: row.provider_id,
    instanceId: row.instance_id,
    openedAt: row.opened_at,
    lastSeenAt: row.last_seen_at,
    closedAt: row.closed_at,
    availability: row.availability,
    availabilityReason: row.availability_reason,
    ownerPresent: row.owner_present,
  };
}

export function toTimedBenchmarkRecord(row: BenchmarkRow): TimedBenchmarkRecord {
  return {
    challengeId: row.challenge_id,
    providerId: row.provider_id,
    sessionId: row.session_id,
    backend: row.backend,
    n: row.n,
    seeds: row.seeds,
    recheck: row.recheck,
    sentAt: row.sent_at,
    rttMs: row.rtt_ms,
    deadline: row.deadline,
    rootsAt: row.roots_at,
    roots: row.roots,
    probes: row.probes,
    state: row.state,
    failureReason: row.failure_reason,
    throughputMilliGflops: row.throughput_milli_gflops,
    software: row.software,
  };
}

export function toAdminJob(row: JobRow, events: readonly EventRow[]): AdminJob {
  return {
    jobId: row.job_id,
    state: row.state,
    image: row.image,
    providerId: row.provider_id,
    pricePerSecond: row.price_per_second,
    budget: row.budget,
    attempts: row.attempts,
    history: events.map((event) => ({ at: event.at.toISOString(), state: event.state, providerId: event.provider_id, detail: event.detail })),
    submittedAt: row.submitted_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toOfferRecord(offer: { offer_id: string; job_id: string; provider_id: string; deadline: Date }, job: Pick<JobRow, 'spec'>): OfferRecord {
  return { offerId: offer.offer_id, jobId: offer.job_id, providerId: offer.provider_id, spec: job.spec, deadline: offer.deadline };
}

type ReputationColumns = Pick<
  ProviderRow,
  'online_available_seconds' | 'offline_available_seconds' | 'dropped_while_available_at' | 'runs_ended' | 'runs_finished' | 'runs_interrupted' | 'runs_yielded' | 'last_timed_benchmark_at'
>;

/** Seconds of a drop that count now (still gone: up to now, capped). */
export function offlineSecondsOfDrop(droppedAt: Date, now: Date): number {
  return Math.floor(Math.min(Math.max(0, now.getTime() - droppedAt.getTime()), MAX_OFFLINE_COUNTED_MS) / 1000);
}

export function reputationInput(row: ReputationColumns, now: Date): ReputationInput {
  const ongoingDrop = row.dropped_while_available_at ? offlineSecondsOfDrop(row.dropped_while_available_at, now) : 0;
  return {
    onlineAvailableSeconds: row.online_available_seconds,
    offlineAvailableSeconds: row.offline_available_seconds + ongoingDrop,
    runsFinished: row.runs_finished,
    runsInterrupted: row.runs_interrupted,
    runsEnded: row.runs_ended,
    runsYielded: row.runs_yielded,
    lastTimedBenchmarkAt: row.last_timed_benchmark_at,
    now,
  };
}

export function buildStanding(provider: ProviderRow, latestBenchmark: BenchmarkRow | undefined, now: Date, referencePricePerTflopHour: bigint): ProviderStanding {
  const rate = ratePerHour({ throughputMilliGflops: provider.throughput_milli_gflops, demo: provider.demo }, referencePricePerTflopHour);
  return {
    providerId: provider.provider_id,
    benchmark: {
      state: benchmarkState(latestBenchmark),
      throughputMilliGflops: provider.throughput_milli_gflops,
      demo: provider.demo,
      failureReason: latestBenchmark?.state === 'failed' ? latestBenchmark.failure_reason : null,
      message: benchmarkMessage(provider, latestBenchmark),
      at: latestBenchmark ? (latestBenchmark.finished_at ?? latestBenchmark.sent_at).toISOString() : null,
    },
    ratePerHour: rate === null ? null : rate.toString(),
    reputation: computeReputation(reputationInput(provider, now)),
  };
}

function benchmarkState(row: BenchmarkRow | undefined): ProviderStanding['benchmark']['state'] {
  if (!row) return 'none';
  if (row.state === 'sent' || row.state === 'committed') return 'running';
  return row.state;
}

function benchmarkMessage(provider: ProviderRow, row: BenchmarkRow | undefined): string {
  if (!row) return 'No timed benchmark yet: it runs right after enrolment.';
  if (row.state === 'sent' || row.state === 'committed') return 'The coordinator is timing a benchmark run.';
  if (row.state === 'failed') return `The timed benchmark failed (${row.failure_reason ?? 'no reason given'}); no jobs until one passes.`;
  const gflops = Math.floor((provider.throughput_milli_gflops ?? 0) / 1000);
  return provider.demo ? `Measured ${gflops} GFLOPS on a software adapter: paid the demo rate.` : `Measured ${gflops} GFLOPS by the coordinator's own clock.`;
}
