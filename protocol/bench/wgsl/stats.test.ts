import { describe, expect, it } from 'vitest';
import { medianOf, milliRate, summarizeTrials } from './stats.js';

describe('trial statistics', () => {
  it('drops the two trials farthest from the median and reports the median of the rest', () => {
    const summary = summarizeTrials([100, 101, 99, 500, 100, 10, 102]);
    expect(summary.keptNs).toEqual([99, 100, 100, 101, 102]);
    expect(summary.medianNs).toBe(100);
    expect(summary.noisy).toBe(false);
    expect(summary.trialsNs).toHaveLength(7);
  });

  it('flags a kernel noisy when MAD/median exceeds 5 %', () => {
    expect(summarizeTrials([100, 110, 90, 120, 80, 100, 100]).noisy).toBe(false);
    expect(summarizeTrials([100, 112, 88, 120, 80, 94, 106]).noisy).toBe(true);
  });

  it('refuses non-integer trial times', () => {
    expect(() => summarizeTrials([1.5, 2])).toThrow(/integers/);
    expect(() => summarizeTrials([])).toThrow();
  });

  it('medians and rates are integers', () => {
    expect(medianOf([1, 2])).toBe(2);
    expect(milliRate(2_000_000_000, 1_000_000_000)).toBe(2000);
    expect(milliRate(1, 3)).toBe(333);
    expect(milliRate(5, 0)).toBe(0);
  });
});
