import { describe, expect, it } from 'vitest';
import { benchAfterEnrolment, benchOnAvailability, chooseBackend } from './session-bench.js';
import { RECHALLENGE_INTERVAL_MS } from './timed-challenge.js';

const now = new Date('2030-01-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('benchAfterEnrolment', () => {
  it('times a provider that never passed, or passed longer ago than the interval', () => {
    expect(benchAfterEnrolment({ throughputMilliGflops: null, lastTimedBenchmarkAt: null }, now)).toEqual({ run: true, recheck: false });
    expect(benchAfterEnrolment({ throughputMilliGflops: 5, lastTimedBenchmarkAt: ago(RECHALLENGE_INTERVAL_MS) }, now)).toEqual({ run: true, recheck: false });
    expect(benchAfterEnrolment({ throughputMilliGflops: 5, lastTimedBenchmarkAt: ago(RECHALLENGE_INTERVAL_MS - 1) }, now)).toEqual({ run: false });
  });
});

describe('benchOnAvailability', () => {
  const passedLongAgo = { throughputMilliGflops: 5, lastTimedBenchmarkAt: ago(2 * RECHALLENGE_INTERVAL_MS) };
  it('re-challenges an idle, available provider at most once per interval', () => {
    expect(benchOnAvailability(passedLongAgo, null, now, 'available', false)).toEqual({ run: true, recheck: true });
    expect(benchOnAvailability(passedLongAgo, ago(60_000), now, 'available', false)).toEqual({ run: false });
  });
  it('never while the owner is present, while working, or before a first pass', () => {
    expect(benchOnAvailability(passedLongAgo, null, now, 'available', true)).toEqual({ run: false });
    expect(benchOnAvailability(passedLongAgo, null, now, 'working', false)).toEqual({ run: false });
    expect(benchOnAvailability({ throughputMilliGflops: null, lastTimedBenchmarkAt: null }, null, now, 'available', false)).toEqual({ run: false });
  });
});

describe('chooseBackend', () => {
  it('takes the provider’s first choice', () => {
    expect(chooseBackend(['cuda', 'webgpu'])).toBe('cuda');
    expect(chooseBackend(['webgpu'])).toBe('webgpu');
  });
});
