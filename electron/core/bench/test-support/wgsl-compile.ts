/**
 * Compiling WGSL on Dawn's null backend (Tint's checks, no GPU). Dawn's Node binding aborts the process (a
 * pthread/futex assertion) when a GPU instance is garbage-collected while its device is still compiling, so
 * every instance made here is kept for the life of the process; and the ~20 GEMMs are spread over three test
 * files, so one process never compiles them all.
 */
import { expect } from 'vitest';
import { create } from 'webgpu';
import { tiledGemmSource, tiledGemmStorageBytes, type GemmTiling } from '../../../../protocol/bench/wgsl/kernels.js';

/** GPU instances made here: never collected while their devices live. */
const instances: GPU[] = [];

/** Dawn's null backend with `toggles`, kept alive (see above). */
export function nullGpu(toggles: string[] = []): GPU {
  const gpu = create(['backend=null', ...toggles]);
  instances.push(gpu);
  return gpu;
}

/** A null-backend device with shader-f16 and the adapter's full workgroup storage. */
export async function nullDevice(): Promise<{ device: GPUDevice; storage: number }> {
  const adapter = await nullGpu().requestAdapter();
  expect(adapter?.features.has('shader-f16')).toBe(true);
  const storage = adapter!.limits.maxComputeWorkgroupStorageSize;
  const device = await adapter!.requestDevice({ requiredFeatures: ['shader-f16'], requiredLimits: { maxComputeWorkgroupStorageSize: storage } });
  return { device, storage };
}

/** Compiles each source into a pipeline on `device`; returns the compiler's errors, named. */
export async function compileAll(device: GPUDevice, sources: Record<string, string>): Promise<string[]> {
  const failures: string[] = [];
  for (const [name, code] of Object.entries(sources)) {
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    for (const m of info.messages) if (m.type === 'error') failures.push(`${name} ${m.lineNum}:${m.linePos} ${m.message}`);
    await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } }).catch((e: Error) => failures.push(`${name}: ${e.message}`));
  }
  return failures;
}

const TILINGS: GemmTiling[] = [4, 8].flatMap((tile) => [8, 16, 32].map((depth) => ({ tile, depth }) as GemmTiling));

/** Every tiled GEMM of one precision whose workgroup tiles fit `storage`, with vec4 and with scalar access. */
export function tiledGemmSources(precision: 'f32' | 'f16', storage: number): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const tiling of TILINGS) {
    if (tiledGemmStorageBytes(tiling, precision) > storage) continue;
    for (const vec of [true, false]) sources[`${precision} gemm ${tiling.tile}/${tiling.depth}${vec ? ' vec4' : ''}`] = tiledGemmSource(tiling, precision, vec);
  }
  return sources;
}
