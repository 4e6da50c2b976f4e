import { describe, expect, it } from 'vitest';
import type { BenchKernelSummary } from '../../../../protocol/bench/wgsl/api-schemas.js';
import { quickResultFlags } from './quick-result.js';

const kernel = (name: BenchKernelSummary['name'], label: string, noisy: boolean): BenchKernelSummary => ({ name, label, unit: 'GFLOPS', value: 1000, noisy, specPeak: null, referenceValue: null });
const software = { code: 'software' as const, message: 'Software graphics — not a real GPU, can’t earn.' };

describe('the wizard’s notes under a quick run', () => {
  it('folds the noisy notes into one line naming the tests, after the others', () => {
    const flags = quickResultFlags({
      flags: [software, { code: 'noisy', message: 'Raw FP32 compute: noisy' }, { code: 'noisy', message: 'FP32 matrix multiply: noisy' }],
      kernels: [kernel('fma', 'Raw FP32 compute', true), kernel('sgemm', 'FP32 matrix multiply', true), kernel('triad', 'Memory bandwidth', false)],
    });
    expect(flags).toEqual([software, { code: 'noisy', message: 'Timings varied between tries (Raw FP32 compute and FP32 matrix multiply). Close games and other busy apps, then run it again for a steadier figure.' }]);
  });

  it('leaves a steady run’s notes as they are', () => {
    expect(quickResultFlags({ flags: [software], kernels: [kernel('fma', 'Raw FP32 compute', false)] })).toEqual([software]);
  });
});
