import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './latency.js';

describe('LatencyRecorder', () => {
  it('has no summary before the first sample', () => {
    expect(new LatencyRecorder().summary()).toBeNull();
  });

  it('reports nearest-rank percentiles over the samples', () => {
    const recorder = new LatencyRecorder();
    for (let ms = 1; ms <= 100; ms++) recorder.record(ms);
    expect(recorder.summary()).toEqual({ count: 100, p50Ms: 50, p99Ms: 99 });
  });

  it('keeps only the latest samples, counting all of them', () => {
    const recorder = new LatencyRecorder(10);
    for (let i = 0; i < 10; i++) recorder.record(1000);
    for (let i = 0; i < 10; i++) recorder.record(2);
    expect(recorder.summary()).toEqual({ count: 20, p50Ms: 2, p99Ms: 2 });
  });
});
