import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, formatThroughput, percentOfPeak } from './format.js';

describe('benchmark figures in words', () => {
  it('formats throughput with sensible units', () => {
    expect(formatThroughput(12_740_000, 'GFLOPS')).toBe('12.7 TFLOPS');
    expect(formatThroughput(845_000, 'GFLOPS')).toBe('845 GFLOPS');
    expect(formatThroughput(3_210, 'GFLOPS')).toBe('3.21 GFLOPS');
    expect(formatThroughput(360_000, 'GB/s')).toBe('360 GB/s');
    expect(formatThroughput(3_350_000, 'GB/s')).toBe('3.35 TB/s');
  });

  it('never rounds a tiny share up to a misleading 1 %', () => {
    expect(percentOfPeak(1, null)).toBeNull();
    expect(formatPercent(percentOfPeak(50, 100)!)).toBe('50 %');
    expect(formatPercent(percentOfPeak(1_730, 12_740_000)!)).toBe('under 1 %');
    expect(formatPercent(0)).toBe('0 %');
  });

  it('formats durations', () => {
    expect(formatDuration(23_400)).toBe('23 s');
    expect(formatDuration(83_000)).toBe('1 min 23 s');
  });
});
