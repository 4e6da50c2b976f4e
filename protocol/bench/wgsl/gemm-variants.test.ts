import { describe, expect, it } from 'vitest';
import { chooseGemmVariant, fmaWorkgroups, FMA_WAVES, subgroupMatrixPlan, triadWorkgroups, vendorClass, SUBGROUP_MATRIX_FEATURE, type AdapterTraits } from './gemm-variants.js';
import { WORKGROUP_SIZE, tiledGemmStorageBytes } from './kernels.js';

const KiB = 1024;
const adapter = (patch: Partial<AdapterTraits>): AdapterTraits => ({ vendor: '', architecture: '', description: '', software: false, maxComputeWorkgroupStorageSize: 32 * KiB, ...patch });

describe('per-vendor SGEMM variant (pure: adapter info → variant)', () => {
  it('classifies vendors by the adapter info strings', () => {
    expect(vendorClass(adapter({ vendor: 'nvidia', architecture: 'ada-lovelace' }))).toBe('nvidia');
    expect(vendorClass(adapter({ description: 'NVIDIA GeForce RTX 3060' }))).toBe('nvidia');
    expect(vendorClass(adapter({ vendor: 'amd', architecture: 'rdna-3' }))).toBe('amd');
    expect(vendorClass(adapter({ description: 'AMD Radeon RX 7800 XT' }))).toBe('amd');
    expect(vendorClass(adapter({ vendor: 'intel', architecture: 'xe-hpg' }))).toBe('intel');
    expect(vendorClass(adapter({ vendor: 'apple', architecture: 'metal-3' }))).toBe('apple');
    expect(vendorClass(adapter({ vendor: 'qualcomm', description: 'Adreno 740' }))).toBe('other');
    expect(vendorClass(adapter({ vendor: 'google', architecture: 'swiftshader', software: true }))).toBe('software');
  });

  it('gives each vendor its own tiling where the workgroup storage allows it', () => {
    expect(chooseGemmVariant(adapter({ vendor: 'nvidia' }))).toEqual({ id: 'nvidia-128x128-k16', vendor: 'nvidia', tiling: { tile: 8, depth: 16 } });
    expect(chooseGemmVariant(adapter({ vendor: 'amd' })).id).toBe('amd-128x128-k16');
    expect(chooseGemmVariant(adapter({ vendor: 'intel' })).id).toBe('intel-64x64-k32');
    expect(chooseGemmVariant(adapter({ vendor: 'apple' })).id).toBe('apple-64x64-k32');
    expect(chooseGemmVariant(adapter({ vendor: 'arm' })).id).toBe('other-64x64-k16');
    expect(chooseGemmVariant(adapter({ vendor: 'google', software: true })).id).toBe('software-64x64-k8');
  });

  it('falls back to a shallower step when the adapter offers only 16 KiB (WebGPU\'s default)', () => {
    expect(chooseGemmVariant(adapter({ vendor: 'nvidia', maxComputeWorkgroupStorageSize: 16 * KiB })).id).toBe('nvidia-128x128-k8');
    expect(chooseGemmVariant(adapter({ vendor: 'intel', maxComputeWorkgroupStorageSize: 16 * KiB })).id).toBe('intel-64x64-k16');
    expect(chooseGemmVariant(adapter({ vendor: 'apple', maxComputeWorkgroupStorageSize: undefined })).id).toBe('apple-64x64-k16');
  });

  it('never picks a tiling whose FP32 or FP16 tiles exceed the adapter\'s workgroup storage', () => {
    for (const vendor of ['nvidia', 'amd', 'intel', 'apple', 'qualcomm', 'google']) {
      for (const storage of [16 * KiB, 32 * KiB, 48 * KiB, 64 * KiB]) {
        const { tiling } = chooseGemmVariant(adapter({ vendor, software: vendor === 'google', maxComputeWorkgroupStorageSize: storage }));
        expect(tiledGemmStorageBytes(tiling, 'f32')).toBeLessThanOrEqual(storage);
        expect(tiledGemmStorageBytes(tiling, 'f16')).toBeLessThanOrEqual(storage);
      }
    }
  });
});

describe('FP16 GEMM path (subgroup matrices only where the adapter has them)', () => {
  const f16to32 = (size: number) => ({ componentType: 'f16', resultComponentType: 'f32', M: size, N: size, K: size });
  const caps = { features: ['shader-f16', SUBGROUP_MATRIX_FEATURE], subgroupMatrixConfigs: [f16to32(16)], subgroupMaxSize: 32 };

  it('uses the matrix units with an exact (f32-result) configuration and a whole number of fragments', () => {
    expect(subgroupMatrixPlan(caps, 4096)).toEqual({ size: 16, workgroupSize: 32 });
    expect(subgroupMatrixPlan({ ...caps, subgroupMatrixConfigs: [f16to32(8)] }, 256)).toEqual({ size: 8, workgroupSize: 32 });
  });

  it('falls back to the tiled kernel otherwise', () => {
    expect(subgroupMatrixPlan({ ...caps, features: ['shader-f16'] }, 4096)).toBeNull();
    expect(subgroupMatrixPlan({ ...caps, features: [SUBGROUP_MATRIX_FEATURE] }, 4096)).toBeNull();
    // f16 results would round sums above 2048.
    expect(subgroupMatrixPlan({ ...caps, subgroupMatrixConfigs: [{ ...f16to32(16), resultComponentType: 'f16' }] }, 4096)).toBeNull();
    expect(subgroupMatrixPlan(caps, 4100)).toBeNull();
    expect(subgroupMatrixPlan({ ...caps, subgroupMaxSize: 0 }, 4096)).toBeNull();
  });
});

describe('FMA and triad grids', () => {
  it('dispatches FMA as a whole number of the vendor\'s guessed waves', () => {
    for (const vendor of ['nvidia', 'amd', 'intel', 'apple', 'other'] as const) {
      expect(fmaWorkgroups(vendor) % FMA_WAVES).toBe(0);
      expect(fmaWorkgroups(vendor)).toBeGreaterThanOrEqual(FMA_WAVES * 16);
    }
    expect(fmaWorkgroups('nvidia')).toBe(48 * 6 * FMA_WAVES);
  });

  it('sizes the triad grid to the device, never beyond what the buffers need', () => {
    const count4 = (256 * 1024 * 1024) / 16;
    expect(triadWorkgroups('nvidia', count4)).toBe(48 * 6 * 4);
    expect(triadWorkgroups('nvidia', 1000)).toBe(Math.ceil(1000 / (WORKGROUP_SIZE * 4)));
  });
});
