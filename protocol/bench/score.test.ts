import { describe, expect, it } from 'vitest';
import { computeScore, REFERENCE_MILLI, WEIGHTS } from './score.js';
import type { KernelName } from './report.js';

const all = (track: 'webgpu' | 'cuda', factor: number) =>
  (Object.keys(WEIGHTS) as KernelName[]).map((name) => ({ name, value: Math.round(REFERENCE_MILLI[track][name] * factor) }));

describe('score formula v1', () => {
  it('scores the reference GPU at 1000 and scales linearly', () => {
    expect(computeScore('cuda', all('cuda', 1)).composite).toBe(1000);
    expect(computeScore('webgpu', all('webgpu', 2)).composite).toBe(2000);
    expect(computeScore('webgpu', all('webgpu', 0.25)).perKernel.triad).toBe(250);
  });

  it('is a weighted geometric mean', () => {
    const kernels = [
      { name: 'fma' as const, value: REFERENCE_MILLI.cuda.fma * 4 },
      { name: 'triad' as const, value: REFERENCE_MILLI.cuda.triad },
    ];
    const expected = Math.round(Math.exp((0.15 * Math.log(4)) / 0.45) * 1000);
    expect(computeScore('cuda', kernels).composite).toBe(expected);
  });

  it('separates the tracks for hgemm (tensor cores on CUDA only)', () => {
    const hgemm = [{ name: 'hgemm' as const, value: 25_500_000 }];
    expect(computeScore('cuda', hgemm).composite).toBe(1000);
    expect(computeScore('webgpu', hgemm).composite).toBe(2002);
  });

  it('gives 0 when a kernel measured nothing and for no kernels', () => {
    expect(computeScore('cuda', [{ name: 'fma', value: 0 }, { name: 'triad', value: 360_000 }]).composite).toBe(0);
    expect(computeScore('cuda', []).composite).toBe(0);
  });

  it('drops when the sustained phase throttles', () => {
    const steady = computeScore('cuda', all('cuda', 1)).composite;
    const throttled = all('cuda', 1).map((k) => (k.name === 'sgemm_sustained' ? { ...k, value: k.value / 2 } : k));
    expect(computeScore('cuda', throttled).composite).toBeLessThan(steady);
  });
});
