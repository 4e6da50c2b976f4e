import { describe, expect, it } from 'vitest';
import { assignJobs, compareCandidates, meetsPrice, meetsRequirements, rankCandidates, type MatchCandidate, type MatchJob } from './matching.js';

const GPU = { name: 'GPU', vendor: 'nvidia' as const, vramMiB: 24_000 };

function candidate(id: string, overrides: Partial<MatchCandidate> = {}): MatchCandidate {
  return { providerId: id, gpus: [GPU], throughputMilliGflops: 1_000_000, minPricePerGpuHour: 3600n, reputationScore: 500, ...overrides };
}

function job(id: string, overrides: Partial<MatchJob> = {}): MatchJob {
  return { jobId: id, gpus: 1, minVramMiB: 0, minThroughputMilliGflops: 0, pricePerSecond: 1n, ...overrides };
}

describe('requirements and price', () => {
  it('needs enough GPUs with enough VRAM each, unknown VRAM counting as none', () => {
    const mixed = candidate('a', { gpus: [GPU, { ...GPU, vramMiB: 8_000 }, { ...GPU, vramMiB: null }] });
    expect(meetsRequirements(mixed, job('j', { gpus: 3 }))).toBe(true);
    expect(meetsRequirements(mixed, job('j', { gpus: 2, minVramMiB: 8_000 }))).toBe(true);
    expect(meetsRequirements(mixed, job('j', { gpus: 2, minVramMiB: 16_000 }))).toBe(false);
    expect(meetsRequirements(candidate('b', { gpus: [] }), job('j', { gpus: 0 }))).toBe(true);
  });

  it('needs the measured throughput', () => {
    expect(meetsRequirements(candidate('a'), job('j', { minThroughputMilliGflops: 1_000_000 }))).toBe(true);
    expect(meetsRequirements(candidate('a'), job('j', { minThroughputMilliGflops: 1_000_001 }))).toBe(false);
  });

  it('compares price per GPU-hour exactly, GPU-less jobs paying per hour', () => {
    expect(meetsPrice(candidate('a', { minPricePerGpuHour: 3600n }), job('j', { pricePerSecond: 1n }))).toBe(true);
    expect(meetsPrice(candidate('a', { minPricePerGpuHour: 3601n }), job('j', { pricePerSecond: 1n }))).toBe(false);
    expect(meetsPrice(candidate('a', { minPricePerGpuHour: 3600n }), job('j', { gpus: 2, pricePerSecond: 1n }))).toBe(false);
    expect(meetsPrice(candidate('a', { minPricePerGpuHour: 3600n }), job('j', { gpus: 0, pricePerSecond: 1n }))).toBe(true);
    expect(meetsPrice(candidate('a', { minPricePerGpuHour: 10n ** 29n }), job('j', { pricePerSecond: 10n ** 26n }))).toBe(true);
  });
});

describe('ranking', () => {
  it('puts the most throughput per price first, then reputation, then provider id', () => {
    const ranked = rankCandidates([
      candidate('slow-cheap', { throughputMilliGflops: 100, minPricePerGpuHour: 1n }),
      candidate('fast-dear', { throughputMilliGflops: 1_000, minPricePerGpuHour: 5n }),
      candidate('same-b', { throughputMilliGflops: 300, minPricePerGpuHour: 3n, reputationScore: 700 }),
      candidate('same-a', { throughputMilliGflops: 300, minPricePerGpuHour: 3n, reputationScore: 700 }),
      candidate('same-low-rep', { throughputMilliGflops: 200, minPricePerGpuHour: 2n, reputationScore: 100 }),
    ]);
    expect(ranked.map((c) => c.providerId)).toEqual(['fast-dear', 'same-a', 'same-b', 'slow-cheap', 'same-low-rep']);
  });

  it('treats a zero minimum price as best, the faster of two free providers first', () => {
    const free = candidate('free', { minPricePerGpuHour: 0n, throughputMilliGflops: 1 });
    const freeFast = candidate('free-fast', { minPricePerGpuHour: 0n, throughputMilliGflops: 2 });
    const paid = candidate('paid', { minPricePerGpuHour: 1n, throughputMilliGflops: 10 ** 9 });
    expect(rankCandidates([paid, free, freeFast]).map((c) => c.providerId)).toEqual(['free-fast', 'free', 'paid']);
    expect(compareCandidates(free, free)).toBe(0);
  });
});

describe('assignJobs', () => {
  it('gives each job in queue order the best free provider that fits, one job per provider', () => {
    const big = candidate('big', { gpus: [GPU, GPU], throughputMilliGflops: 10 });
    const best = candidate('best', { throughputMilliGflops: 100 });
    const jobs = [job('one'), job('two'), job('needs-two', { gpus: 2 }), job('three')];
    expect(assignJobs(jobs, [big, best])).toEqual([
      { jobId: 'one', providerId: 'best' },
      { jobId: 'two', providerId: 'big' },
    ]);
  });

  it('leaves out jobs nobody can take', () => {
    expect(assignJobs([job('x', { pricePerSecond: 0n })], [candidate('a')])).toEqual([]);
    expect(assignJobs([job('x')], [])).toEqual([]);
  });
});
