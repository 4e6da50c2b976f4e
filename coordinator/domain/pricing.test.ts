import { describe, expect, it } from 'vitest';
import { ratePerHour, REFERENCE_PRICE_PER_TFLOP_HOUR, SOFTWARE_ADAPTER_DEMO_RATE_PER_HOUR } from './pricing.js';

describe('ratePerHour', () => {
  it('follows measured throughput at the reference price per TFLOP-hour, rounded down', () => {
    expect(ratePerHour({ throughputMilliGflops: 1_000_000, demo: false })).toBe(REFERENCE_PRICE_PER_TFLOP_HOUR);
    expect(ratePerHour({ throughputMilliGflops: 80_000_000, demo: false })).toBe(320_000_000n);
    expect(ratePerHour({ throughputMilliGflops: 1, demo: false }, 999_999n)).toBe(0n);
    expect(ratePerHour({ throughputMilliGflops: 3, demo: false }, 1_000_000n)).toBe(3n);
  });

  it('pays software adapters the fixed demo rate, and nothing before a benchmark passed', () => {
    expect(ratePerHour({ throughputMilliGflops: 5_000, demo: true })).toBe(SOFTWARE_ADAPTER_DEMO_RATE_PER_HOUR);
    expect(ratePerHour({ throughputMilliGflops: null, demo: false })).toBeNull();
  });

  it('refuses impossible inputs', () => {
    expect(() => ratePerHour({ throughputMilliGflops: -1, demo: false })).toThrow(/non-negative/);
    expect(() => ratePerHour({ throughputMilliGflops: 1.5, demo: false })).toThrow(/whole/);
    expect(() => ratePerHour({ throughputMilliGflops: 1, demo: false }, -1n)).toThrow(/negative/);
  });
});
