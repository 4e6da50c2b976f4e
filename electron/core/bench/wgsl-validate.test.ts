/**
 * Every WGSL kernel, including the FP16 ones SwiftShader cannot run and the subgroup-matrix GEMM no adapter
 * here has, compiled by Dawn's shader compiler (Tint) on Dawn's null backend, which exposes shader-f16 (and,
 * with unsafe APIs allowed, chromium-experimental-subgroup-matrix). Catches WGSL a real GPU's driver would refuse.
 */
import { describe, expect, it } from 'vitest';
import { create } from 'webgpu';
import { FMA_SOURCE, NAIVE_GEMM_SOURCE, TRIAD_SOURCE, fillSource, subgroupMatrixGemmSource, tiledGemmSource, tiledGemmStorageBytes, type GemmTiling } from '../../../protocol/bench/wgsl/kernels.js';

const TILINGS: GemmTiling[] = [4, 8].flatMap((tile) => [8, 16, 32].map((depth) => ({ tile, depth }) as GemmTiling));

/** Compiles each source into a pipeline on `device`; returns the compiler's errors, named. */
async function compileAll(device: GPUDevice, sources: Record<string, string>): Promise<string[]> {
  const failures: string[] = [];
  for (const [name, code] of Object.entries(sources)) {
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    for (const m of info.messages) if (m.type === 'error') failures.push(`${name} ${m.lineNum}:${m.linePos} ${m.message}`);
    await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } }).catch((e: Error) => failures.push(`${name}: ${e.message}`));
  }
  return failures;
}

describe('WGSL kernels compile, FP16 included', () => {
  it('every kernel builds a compute pipeline on a device with shader-f16', async () => {
    const adapter = await create(['backend=null']).requestAdapter();
    expect(adapter?.features.has('shader-f16')).toBe(true);
    const storage = adapter!.limits.maxComputeWorkgroupStorageSize;
    const device = await adapter!.requestDevice({ requiredFeatures: ['shader-f16'], requiredLimits: { maxComputeWorkgroupStorageSize: storage } });
    const sources: Record<string, string> = { 'fill f32': fillSource('f32'), 'fill f16': fillSource('f16'), fma: FMA_SOURCE, triad: TRIAD_SOURCE, naive: NAIVE_GEMM_SOURCE };
    // Every tiling whose workgroup tiles fit this device, vec4 and scalar, f32 and f16.
    let gemms = 0;
    for (const tiling of TILINGS) {
      for (const precision of ['f32', 'f16'] as const) {
        if (tiledGemmStorageBytes(tiling, precision) > storage) continue;
        for (const vec of [true, false]) {
          sources[`${precision} gemm ${tiling.tile}/${tiling.depth}${vec ? ' vec4' : ''}`] = tiledGemmSource(tiling, precision, vec);
          gemms++;
        }
      }
    }
    expect(gemms).toBeGreaterThanOrEqual(12);
    const failures = await compileAll(device, sources);
    device.destroy();
    expect(failures).toEqual([]);
  });

  it('the subgroup-matrix FP16 GEMM compiles where the feature exists', async () => {
    const adapter = await create(['backend=null', 'enable-dawn-features=allow_unsafe_apis']).requestAdapter();
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
    const adapter = await create(['backend=null']).requestAdapter();
    const device = await adapter!.requestDevice();
    const module = device.createShaderModule({ code: fillSource('f16') });
    const info = await module.getCompilationInfo();
    expect(info.messages.some((m) => m.type === 'error')).toBe(true);
    device.destroy();
  });
});
