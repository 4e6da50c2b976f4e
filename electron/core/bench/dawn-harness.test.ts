import { describe, expect, it } from 'vitest';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { buildMerkleTree, merkleRoot } from '../../../protocol/bench/merkle.js';
import { DawnWebGpuRunner } from '../adapters/dawn-webgpu.js';

const SEED = '0123456789abcdef';

describe('WebGPU harness on Dawn (SwiftShader here)', () => {
  const runner = new DawnWebGpuRunner();

  it('describes the adapter and flags SwiftShader as software', async () => {
    const adapter = await runner.describe();
    expect(adapter.description.length + adapter.device.length).toBeGreaterThan(0);
    if (/swiftshader/i.test(`${adapter.architecture} ${adapter.description}`)) expect(adapter.software).toBe(true);
  });

  const exact = (c: Float32Array, seed: string, n: number) => expect(new Uint32Array(c.buffer, c.byteOffset, c.length)).toEqual(new Uint32Array(referenceGemm(seed, n).buffer));

  it('generates inputs on the GPU and computes C bit-identical to the CPU reference, the naive GEMM under its own name', async () => {
    const n = 128;
    const result = await runner.run({ seed: SEED, n, mode: 'quick', kernels: ['sgemm'], includeNaive: true });
    const reference = referenceGemm(SEED, n);
    exact(result.c, SEED, n);
    expect(merkleRoot(buildMerkleTree(result.c, n))).toBe(merkleRoot(buildMerkleTree(reference, n)));
    expect(result.gemmVariant).toBe('software-64x64-k8');
    const sgemm = result.kernels.find((k) => k.name === 'sgemm')!;
    expect(sgemm.trialsNs).toHaveLength(7);
    expect(sgemm.value).toBeGreaterThan(0);
    expect(result.naive).toMatchObject({ name: 'naive_gemm', unit: 'GFLOPS' });
    expect(result.naive!.value).toBeGreaterThan(0);
  }, 180_000);

  // Sizes that are not multiples of the 64×64 (or 128×128) tile, nor of 4 (scalar loads and stores), nor of 8.
  it('is exact for odd sizes: 67 and 255 with the tiling SwiftShader gets, checked against the naive GEMM too', async () => {
    for (const n of [67, 255]) {
      const result = await runner.run({ seed: SEED, n, mode: 'quick', kernels: ['sgemm'], includeNaive: n === 67 });
      exact(result.c, SEED, n);
    }
  }, 300_000);

  it('the 128×128-tile kernel real GPUs use is exact too, at a multiple of 4 that is not one of 128 and at 129', async () => {
    for (const n of [132, 129]) {
      const result = await runner.run({ seed: 'ffffffffffffffff', n, mode: 'quick', kernels: ['sgemm'], tiling: { tile: 8, depth: 16 } });
      expect(result.gemmVariant).toBe('software-128x128-k16');
      exact(result.c, 'ffffffffffffffff', n);
    }
  }, 300_000);

  it('the 64×64 tilings with deeper K steps (Intel, Apple and other GPUs) are exact at odd sizes too', async () => {
    for (const [depth, n] of [[32, 67], [16, 129]] as const) {
      const result = await runner.run({ seed: SEED, n, mode: 'quick', kernels: ['sgemm'], tiling: { tile: 4, depth } });
      expect(result.gemmVariant).toBe(`software-64x64-k${depth}`);
      exact(result.c, SEED, n);
    }
  }, 300_000);

  it('runs every kernel where FP16 is missing: the FP16 GEMM is skipped with a note and no path', async () => {
    const result = await runner.run({ seed: SEED, n: 64, mode: 'quick', kernels: ['fma', 'hgemm', 'triad'] });
    expect(result.kernels.map((k) => k.name)).toEqual(['fma', 'triad']);
    expect(result.hgemmPath).toBeNull();
    expect(result.notes.join(' ')).toMatch(/FP16/);
    expect(result.kernels.every((k) => k.value > 0)).toBe(true);
  }, 180_000);

  it('refuses a size that is not a whole number of rows, saying what to do', async () => {
    await expect(runner.run({ seed: SEED, n: 0, mode: 'quick', kernels: ['sgemm'] })).rejects.toMatchObject({ code: 'bench-bad-size' });
  });
});
