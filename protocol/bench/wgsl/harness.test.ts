import { describe, expect, it } from 'vitest';
import { defaultMatrixSize, grid, isSoftwareAdapter, planFor, webgpuKernelHash } from './harness.js';
import { gemmBlock, tiledGemmSource } from './kernels.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const named = { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' };
const info = (patch: Partial<Parameters<typeof isSoftwareAdapter>[0]>) => ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...patch });

describe('harness planning (pure)', () => {
  it('recognises software adapters by the fallback flag and by name', () => {
    expect(isSoftwareAdapter(info({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isSoftwareAdapter(info({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isSoftwareAdapter(info({ description: 'Microsoft Basic Render Driver' }))).toBe(true);
    expect(isSoftwareAdapter(info({ isFallbackAdapter: true, description: 'Something' }))).toBe(true);
    expect(isSoftwareAdapter(info({ vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA GeForce RTX 4090' }))).toBe(false);
  });

  it('uses 256 MiB triad buffers and 4096² GEMMs on real GPUs, and small sizes on software', () => {
    const real = planFor({ ...named, software: false, maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB }, 'full');
    expect(real.triadBytes).toBe(256 * MiB);
    expect(real.tiling.tile).toBe(8);
    expect(real.variant.id).toBe('nvidia-128x128-k8'); // no storage limit given: WebGPU's default 16 KiB
    expect(real.trialMs.fma).toBeGreaterThanOrEqual(200);
    expect(real.sustainedSeconds).toBeGreaterThanOrEqual(20);
    expect(real.sustainedSeconds).toBeLessThanOrEqual(30);
    expect(defaultMatrixSize({ software: false, maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB }, 'full')).toBe(4096);

    const quick = planFor({ ...named, software: false, maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB }, 'quick');
    expect(quick.sustainedSeconds).toBeLessThan(real.sustainedSeconds);

    const soft = planFor({ ...named, software: true, maxBufferSize: GiB, maxStorageBufferBindingSize: GiB }, 'quick');
    expect(soft.triadBytes).toBeLessThan(64 * MiB);
    expect(soft.variant.vendor).toBe('software');
    expect(defaultMatrixSize({ software: true, maxBufferSize: GiB, maxStorageBufferBindingSize: GiB }, 'quick')).toBe(256);
  });

  it('respects the limits: triad buffers and n shrink to what one binding can hold', () => {
    const small = { ...named, software: false, maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };
    expect(planFor(small, 'full').triadBytes).toBe(128 * MiB);
    expect(defaultMatrixSize(small, 'full')).toBe(4096); // 64 MiB fits
    const tiny = { ...named, software: false, maxBufferSize: 32 * MiB, maxStorageBufferBindingSize: 32 * MiB };
    expect(defaultMatrixSize(tiny, 'full')).toBe(2048);
    expect(defaultMatrixSize(tiny, 'full') % gemmBlock(planFor(tiny, 'full').tiling)).toBe(0);
  });

  it('splits large dispatches into a grid within the per-dimension limit', () => {
    expect(grid(100, 65535)).toEqual([100, 1, 1]);
    const [x, y] = grid(262144, 65535);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(262144);
  });

  it('pins the kernels by hash', () => {
    expect(webgpuKernelHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(webgpuKernelHash()).toBe(webgpuKernelHash());
    expect(tiledGemmSource({ tile: 8, depth: 16 }, 'f16', true)).toContain('enable f16;');
  });
});
