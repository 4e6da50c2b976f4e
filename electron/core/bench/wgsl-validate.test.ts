/**
 * Every WGSL kernel, including the FP16 ones SwiftShader cannot run and the subgroup-matrix GEMM no adapter
 * here has, compiled by Dawn's shader compiler (Tint) on Dawn's null backend, which exposes shader-f16 (and,
 * with unsafe APIs allowed, chromium-experimental-subgroup-matrix). Catches WGSL a real GPU's driver would refuse.
 */
import { describe, expect, it } from 'vitest';
import { FMA_SOURCE, NAIVE_GEMM_SOURCE, TRIAD_SOURCE, fillSource, subgroupMatrixGemmSource } from '../../../protocol/bench/wgsl/kernels.js';
import { compileAll, nullDevice, nullGpu } from './test-support/wgsl-compile.js';

// The tiled GEMMs: wgsl-validate-gemm-f32.test.ts and wgsl-validate-gemm-f16.test.ts (one process each).
describe('WGSL kernels compile, FP16 included', () => {
  it('every kernel builds a compute pipeline on a device with shader-f16', async () => {
    const { device } = await nullDevice();
    const sources: Record<string, string> = { 'fill f32': fillSource('f32'), 'fill f16': fillSource('f16'), fma: FMA_SOURCE, triad: TRIAD_SOURCE, naive: NAIVE_GEMM_SOURCE };
    const failures = await compileAll(device, sources);
    device.destroy();
    expect(failures).toEqual([]);
  });

  it('the subgroup-matrix FP16 GEMM compiles where the feature exists', async () => {
    const adapter = await nullGpu(['enable-dawn-features=allow_unsafe_apis']).requestAdapter();
    expect(adapter?.features.has('chromium-experimental-subgroup-matrix')).toBe(true);
    const device = await adapter!.requestDevice({ requiredFeatures: ['shader-f16', 'chromium-experimental-subgroup-matrix' as GPUFeatureName] });
    // One subgroup per workgroup, as the harness plans it (gemm-variants.ts subgroupMatrixPlan).
    const subgroup = adapter!.info.subgroupMaxSize ?? 0;
    expect(subgroup).toBeGreaterThan(0);
    const failures = await compileAll(device, { 'matrix 8': subgroupMatrixGemmSource(8, subgroup), 'matrix 16': subgroupMatrixGemmSource(16, subgroup) });
    device.destroy();
    expect(failures).toEqual([]);
  });

  it('a broken kernel is reported (the check can fail)', async () => {
    const adapter = await nullGpu().requestAdapter();
    const device = await adapter!.requestDevice();
    const module = device.createShaderModule({ code: fillSource('f16') });
    const info = await module.getCompilationInfo();
    expect(info.messages.some((m) => m.type === 'error')).toBe(true);
    device.destroy();
  });
});
