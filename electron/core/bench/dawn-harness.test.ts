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

  it('generates inputs on the GPU and computes C bit-identical to the CPU reference', async () => {
    const n = 128;
    const result = await runner.run({ seed: SEED, n, mode: 'quick', kernels: ['sgemm'], includeNaive: true });
    const reference = referenceGemm(SEED, n);
    expect(new Uint32Array(result.c.buffer)).toEqual(new Uint32Array(reference.buffer));
    expect(merkleRoot(buildMerkleTree(result.c, n))).toBe(merkleRoot(buildMerkleTree(reference, n)));
    const sgemm = result.kernels.find((k) => k.name === 'sgemm')!;
    expect(sgemm.trialsNs).toHaveLength(7);
    expect(sgemm.value).toBeGreaterThan(0);
    expect(result.naive!.value).toBeGreaterThan(0);
  });

  it('the 128×128-tile kernel real GPUs use is exact too', async () => {
    const n = 128;
    const result = await runner.run({ seed: 'ffffffffffffffff', n, mode: 'quick', kernels: ['sgemm'], tiling: { tile: 8, depth: 16 } });
    expect(new Uint32Array(result.c.buffer)).toEqual(new Uint32Array(referenceGemm('ffffffffffffffff', n).buffer));
  });

  it('refuses a size the kernels cannot tile, saying what to do', async () => {
    await expect(runner.run({ seed: SEED, n: 100, mode: 'quick', kernels: ['sgemm'] })).rejects.toMatchObject({ code: 'bench-bad-size' });
  });
});
