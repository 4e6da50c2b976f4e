/**
 * Every WGSL kernel, including the FP16 ones SwiftShader cannot run, compiled by Dawn's shader compiler (Tint)
 * on Dawn's null backend, which exposes shader-f16. Catches WGSL that a real GPU's driver would refuse.
 */
import { describe, expect, it } from 'vitest';
import { create } from 'webgpu';
import { FMA_SOURCE, NAIVE_GEMM_SOURCE, TRIAD_SOURCE, fillSource, tiledGemmSource } from '../../../protocol/bench/wgsl/kernels.js';

describe('WGSL kernels compile, FP16 included', () => {
  it('every kernel builds a compute pipeline on a device with shader-f16', async () => {
    const adapter = await create(['backend=null']).requestAdapter();
    expect(adapter?.features.has('shader-f16')).toBe(true);
    const device = await adapter!.requestDevice({ requiredFeatures: ['shader-f16'] });
    const sources: Record<string, string> = {
      'fill f32': fillSource('f32'),
      'fill f16': fillSource('f16'),
      fma: FMA_SOURCE,
      triad: TRIAD_SOURCE,
      naive: NAIVE_GEMM_SOURCE,
      'sgemm 4x4': tiledGemmSource({ tile: 4, depth: 16 }, 'f32'),
      'sgemm 8x8': tiledGemmSource({ tile: 8, depth: 16 }, 'f32'),
      'hgemm 4x4': tiledGemmSource({ tile: 4, depth: 16 }, 'f16'),
      'hgemm 8x8': tiledGemmSource({ tile: 8, depth: 16 }, 'f16'),
    };
    const failures: string[] = [];
    for (const [name, code] of Object.entries(sources)) {
      const module = device.createShaderModule({ code });
      const info = await module.getCompilationInfo();
      for (const m of info.messages) if (m.type === 'error') failures.push(`${name} ${m.lineNum}:${m.linePos} ${m.message}`);
      await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } }).catch((e: Error) => failures.push(`${name}: ${e.message}`));
    }
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
