import { describe, expect, it } from 'vitest';
import type { BenchProgress } from '../../../../../protocol/bench/wgsl/api-schemas.js';
import type { ProviderApi } from '../../../../../protocol/api.js';
import type { BenchRunSummary } from '../../../../../protocol/bench/wgsl/api-schemas.js';
import { createBenchStore, initialBenchState, reduceProgress, stepOf, stepStatuses } from './bench-store.js';

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

function run(id: string): BenchRunSummary {
  return {
    id, createdAt: '2026-01-01T00:00:00.000Z', backend: 'webgpu', quick: true, n: 256, deviceName: 'SwiftShader', software: true, detectedModel: null, composite: 0,
    kernels: [], sustained: null, merkleRoot: 'a'.repeat(64), correctlyComputed: true, scoreEligible: false, flags: [], wallMs: 1000,
  };
}

describe('benchmark store against an in-memory API', () => {
  it('a started run lands in latest and history; a failed one keeps its next step for the panel', async () => {
    let history: BenchRunSummary[] = [];
    let fail = false;
    const api = {
      getBenchHistory: async () => history,
      runBenchmark: async () => {
        if (fail) throw Object.assign(new Error('No NVIDIA driver.'), { code: 'no-cuda-device', nextStep: 'Install the driver.' });
        history = [run('one'), ...history];
        return history[0]!;
      },
    } as unknown as ProviderApi;
    const errors: unknown[] = [];
    const store = createBenchStore(api, (e) => errors.push(e));
    await store.getState().loadHistory();
    expect(store.getState()).toMatchObject({ historyLoaded: true, latest: null, history: [] });
    await store.getState().start(true, 'webgpu');
    expect(store.getState().latest?.id).toBe('one');
    expect(store.getState().history.map((h) => h.id)).toEqual(['one']);
    fail = true;
    await store.getState().start(true, 'cuda');
    expect(store.getState().runError).toEqual({ message: 'No NVIDIA driver.', nextStep: 'Install the driver.' });
    expect(store.getState().starting).toBe(false);
    expect(errors).toEqual([]);
  });

  it('picks up a run another window finished', async () => {
    const history = [run('other')];
    const api = { getBenchHistory: async () => history } as unknown as ProviderApi;
    const store = createBenchStore(api, () => undefined);
    store.getState().applyProgress(at({ stage: 'done', running: false, perMille: 1000 }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().latest?.id).toBe('other');
  });
});
