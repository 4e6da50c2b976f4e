/**
 * Which provider gets which queued job: pure rules over plain data. Requirements first (GPU count and VRAM,
 * coordinator-measured throughput, the owner's minimum price), then ranking: the most throughput per unit of
 * the provider's minimum price, reputation breaking ties, provider id last so the same inputs always give the
 * same answer on every coordinator instance.
 */
import type { GpuClaim } from '../../protocol/network.js';

export interface MatchCandidate {
  providerId: string;
  gpus: GpuClaim[];
  throughputMilliGflops: number;
  /** Base units per GPU-hour (per hour for GPU-less jobs). */
  minPricePerGpuHour: bigint;
  /** 0…1000 (domain/reputation.ts). */
  reputationScore: number;
}

export interface MatchJob {
  jobId: string;
  gpus: number;
  /** Per GPU. */
  minVramMiB: number;
  minThroughputMilliGflops: number;
  /** Base units per second of work. */
  pricePerSecond: bigint;
}

export interface Assignment {
  jobId: string;
  providerId: string;
}

const SECONDS_PER_HOUR = 3600n;

/** Enough GPUs with enough VRAM each, and enough measured throughput. Unknown VRAM counts as none. */
export function meetsRequirements(candidate: MatchCandidate, job: MatchJob): boolean {
  if (candidate.throughputMilliGflops < job.minThroughputMilliGflops) return false;
  const bigEnough = candidate.gpus.filter((gpu) => job.minVramMiB === 0 || (gpu.vramMiB ?? 0) >= job.minVramMiB);
  return bigEnough.length >= job.gpus;
}

/** The job pays at least the owner's minimum: price/s × 3600 ≥ minimum per GPU-hour × max(1, GPUs). */
export function meetsPrice(candidate: MatchCandidate, job: MatchJob): boolean {
  const gpuHours = BigInt(Math.max(1, job.gpus));
  return job.pricePerSecond * SECONDS_PER_HOUR >= candidate.minPricePerGpuHour * gpuHours;
}

/**
 * Negative when `a` ranks before `b`. Throughput per price compares as cross-products (exact integers, no
 * division); a provider asking nothing beats any that asks something, and among those the faster one wins.
 */
export function compareCandidates(a: MatchCandidate, b: MatchCandidate): number {
  const byValue = compareValue(a, b);
  if (byValue !== 0) return byValue;
  if (a.reputationScore !== b.reputationScore) return b.reputationScore - a.reputationScore;
  return a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0;
}

function compareValue(a: MatchCandidate, b: MatchCandidate): number {
  const aFree = a.minPricePerGpuHour === 0n;
  const bFree = b.minPricePerGpuHour === 0n;
  if (aFree !== bFree) return aFree ? -1 : 1;
  if (aFree && bFree) return b.throughputMilliGflops - a.throughputMilliGflops;
  const aValue = BigInt(a.throughputMilliGflops) * b.minPricePerGpuHour;
  const bValue = BigInt(b.throughputMilliGflops) * a.minPricePerGpuHour;
  return aValue > bValue ? -1 : aValue < bValue ? 1 : 0;
}

export function rankCandidates(candidates: readonly MatchCandidate[]): MatchCandidate[] {
  return [...candidates].sort(compareCandidates);
}

/**
 * Jobs in queue order each take the best-ranked provider still free that meets their requirements and price:
 * one job per provider, one provider per job. Jobs nobody fits are left out (they stay queued).
 */
export function assignJobs(jobsInQueueOrder: readonly MatchJob[], candidates: readonly MatchCandidate[]): Assignment[] {
  const ranked = rankCandidates(candidates);
  const taken = new Set<string>();
  const assignments: Assignment[] = [];
  for (const job of jobsInQueueOrder) {
    const chosen = ranked.find((candidate) => !taken.has(candidate.providerId) && meetsRequirements(candidate, job) && meetsPrice(candidate, job));
    if (!chosen) continue;
    taken.add(chosen.providerId);
    assignments.push({ jobId: job.jobId, providerId: chosen.providerId });
  }
  return assignments;
}
