import { describe, expect, it } from 'vitest';
import { KeyedBuckets, TokenBucket } from './session-limits.js';

describe('TokenBucket', () => {
  it('allows a burst of capacity, then refills at the given rate and never above capacity', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 4 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false]);
    expect(bucket.take(100)).toBe(false); // 0.4 token
    expect(bucket.take(250)).toBe(true); // 1 token
    expect(bucket.take(10_000) && bucket.take(10_000) && !bucket.take(10_000)).toBe(true);
  });

  it('does not mint tokens when the clock steps backwards', () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, 5_000);
    expect(bucket.take(5_000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(999)).toBe(false);
    expect(bucket.take(1_000)).toBe(true);
  });
});

describe('KeyedBuckets', () => {
  it('limits each key on its own and bounds how many keys it remembers', () => {
    const buckets = new KeyedBuckets({ capacity: 1, refillPerSecond: 1 }, 2);
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('a', 0)).toBe(false);
    expect(buckets.take('b', 0)).toBe(true);
    expect(buckets.take('c', 0)).toBe(false); // both remembered clients are mid-burst
    expect(buckets.take('c', 2_000)).toBe(true); // a and b refilled and were forgotten
    expect(buckets.size).toBe(1);
  });
});
