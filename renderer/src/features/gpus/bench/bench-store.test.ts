import { describe, expect, it } from 'vitest';
import type { BenchProgress } from '../../../../../protocol/bench/wgsl/api-schemas.js';
import { initialBenchState, reduceProgress, stepOf, stepStatuses } from './bench-store.js';

const base: BenchProgress = { runId: 'r1', running: true, stage: 'preparing', kernel: null, perMille: 0, message: '', startedAt: '2026-01-01T00:00:00.000Z', error: null };
const at = (patch: Partial<BenchProgress>): BenchProgress => ({ ...base, ...patch });

describe('benchmark progress slice', () => {
  it('maps stages and kernels to the listed steps', () => {
    expect(stepOf(at({ stage: 'inputs' }))).toBe('inputs');
    expect(stepOf(at({ stage: 'kernel', kernel: 'sgemm' }))).toBe('sgemm');
    expect(stepOf(at({ stage: 'kernel', kernel: 'naive_gemm' }))).toBeNull();
    expect(stepOf(at({ stage: 'sustained', kernel: 'sgemm_sustained' }))).toBe('sgemm_sustained');
    expect(stepOf(at({ stage: 'signing' }))).toBe('proof');
  });

  it('marks steps done, running, waiting, and skipped when a kernel never ran', () => {
    let state = initialBenchState;
    for (const p of [at({ stage: 'inputs' }), at({ stage: 'kernel', kernel: 'fma' }), at({ stage: 'kernel', kernel: 'sgemm' }), at({ stage: 'kernel', kernel: 'triad' })]) {
      state = reduceProgress(state, p);
    }
    const statuses = stepStatuses(state.progress, state.seen);
    expect(statuses).toMatchObject({ inputs: 'done', fma: 'done', sgemm: 'done', hgemm: 'skipped', triad: 'running', sgemm_sustained: 'waiting', proof: 'waiting' });
    const done = reduceProgress(state, at({ stage: 'done', running: false, perMille: 1000 }));
    expect(stepStatuses(done.progress, done.seen).proof).toBe('skipped');
    expect(stepStatuses(done.progress, done.seen).triad).toBe('done');
  });

  it('starts over when a new run begins', () => {
    const first = reduceProgress(reduceProgress(initialBenchState, at({ stage: 'kernel', kernel: 'fma' })), at({ stage: 'kernel', kernel: 'sgemm' }));
    const second = reduceProgress(first, at({ startedAt: '2026-01-01T00:05:00.000Z', stage: 'inputs' }));
    expect(second.seen).toEqual(['inputs']);
  });

  it('shows nothing running before the first event and keeps finished steps on failure', () => {
    expect(Object.values(stepStatuses(null, []))).toEqual(Array(7).fill('waiting'));
    const failed = stepStatuses(at({ stage: 'failed', running: false }), ['inputs', 'fma']);
    expect(failed.fma).toBe('done');
    expect(failed.sgemm).toBe('waiting');
  });
});
