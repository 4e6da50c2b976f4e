import { describe, expect, it } from 'vitest';
import { matchSpec } from '../protocol/bench/spec-table.js';
import type { BenchRunSummary } from '../protocol/bench/wgsl/api-schemas.js';
import type { CudaBenchResult } from '../electron/core/ports.js';
import { cudaEfficiencyFigures } from './cuda.bench.js';
import { wgslSgemmEfficiency } from './webgpu.bench.js';

/** The GPU efficiency figures of `npm run bench` (issue 13's goals), with and without a GPU. */

const DEVICE = { name: 'NVIDIA GeForce RTX 4090', computeCapability: '8.9', smCount: 128, memoryBytes: 24 * 1024 ** 3, driverVersion: '13.0', runtimeVersion: '13.0' };

/** A CUDA run whose kernels each ran at `fraction` of the device's spec peak (1 ms trials). */
function cudaRun(fraction: number, kernels = ['fma', 'sgemm', 'hgemm', 'triad']): CudaBenchResult {
  const spec = matchSpec({ name: DEVICE.name, memoryBytes: DEVICE.memoryBytes })!;
  const peak: Record<string, number> = { fma: spec.fp32Tflops * 1000, sgemm: spec.fp32Tflops * 1000, hgemm: spec.fp16TensorTflops! * 1000, triad: spec.memoryGBs };
  return {
    ok: true,
    mode: 'cuda',
    kernelHash: 'x'.repeat(64),
    seedHex: '0123456789abcdef',
    n: 4096,
    device: DEVICE,
    deviceDetails: null,
    // GFLOPS (or GB/s) = work per trial / ns, so work = rate * 1e6 for 1 ms trials.
    kernels: kernels.map((name) => ({ name, unit: name === 'triad' ? 'GB/s' : 'GFLOPS', launchesPerTrial: 1, workPerTrial: Math.round(peak[name]! * fraction * 1e6), trialsNs: Array(7).fill(1e6), params: `${name} params` })),
    gemm: null,
    triad: null,
    selfCheck: null,
    sustained: null,
    wallMs: 1,
  } as CudaBenchResult;
}

describe('GPU efficiency figures', () => {
  it('without a GPU: every CUDA goal is reported, value null, "unmeasured: no GPU"', () => {
    const figures = cudaEfficiencyFigures(null, 'no GPU (no-cuda-device)');
    expect(figures.map((f) => [f.name, f.goal, f.value, f.unit])).toEqual([
      ['cuda.efficiency.fma', '≥ 85 % of spec peak', null, '%'],
      ['cuda.efficiency.triad', '≥ 80 % of spec peak', null, '%'],
      ['cuda.efficiency.sgemm', '≥ 60 % of spec peak', null, '%'],
      ['cuda.efficiency.hgemm', '≥ 70 % of spec peak', null, '%'],
    ]);
    for (const f of figures) expect(f.note).toBe('unmeasured: no GPU (no-cuda-device)');
  });

  it('with a GPU: each kernel as a percentage of its spec peak (FP32 for FMA/SGEMM, FP16 tensor for HGEMM, memory for triad)', () => {
    const figures = cudaEfficiencyFigures(cudaRun(0.9), 'full run');
    expect(figures.map((f) => f.value)).toEqual([90, 90, 90, 90]);
    expect(figures[2]!.note).toMatch(/^NVIDIA GeForce RTX 4090, full run: .* GFLOPS \(GeForce RTX 4090 spec\), sgemm params$/);
  });

  it('a GPU run without a kernel, or a GPU missing from the spec table, stays unmeasured and says why', () => {
    const partial = cudaEfficiencyFigures(cudaRun(0.5, ['fma']), 'quick run');
    expect(partial.map((f) => f.value)).toEqual([50, null, null, null]);
    expect(partial[1]!.note).toBe('unmeasured: NVIDIA GeForce RTX 4090: quick run has no triad result');
    const unknown = cudaRun(0.5);
    unknown.device = { ...DEVICE, name: 'NVIDIA Mystery 9999' };
    for (const f of cudaEfficiencyFigures(unknown, 'full run')) expect(f).toMatchObject({ value: null, note: 'unmeasured: NVIDIA Mystery 9999 is not in the spec table' });
  });

  it('WGSL SGEMM: "unmeasured: no GPU" on a software adapter, else the percentage of the spec peak against 50 %', () => {
    const base = { n: 4096, deviceName: 'SwiftShader Device (Subzero)', software: true, kernels: [{ name: 'sgemm', value: 41_300_000, specPeak: null }] } as unknown as BenchRunSummary;
    expect(wgslSgemmEfficiency(base)).toEqual({ name: 'webgpu.efficiency.sgemm', value: null, unit: '%', goal: '≥ 50 % of spec peak', note: 'unmeasured: no GPU (software adapter SwiftShader Device (Subzero))' });
    const gpu = { ...base, deviceName: 'NVIDIA GeForce RTX 4090', software: false, kernels: [{ name: 'sgemm', value: 41_300_000, specPeak: 82_600_000 }] } as BenchRunSummary;
    expect(wgslSgemmEfficiency(gpu)).toMatchObject({ value: 50, goal: '≥ 50 % of spec peak' });
  });
});
