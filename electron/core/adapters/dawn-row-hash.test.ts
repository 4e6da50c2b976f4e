/**
 * The GPU Merkle kernels (protocol/bench/wgsl/row-hash.ts) on Dawn (SwiftShader here) against the protocol's
 * CPU tree (protocol/bench/merkle.ts) and against digests computed independently (Python's hashlib).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { buildMerkleTree, leafHash, merkleRoot } from '../../../protocol/bench/merkle.js';
import { dawnGpu, gpuRowCommit, type RowMatrix } from './test-support/dawn-row-commit.js';

const matrix = (rows: number, cols: number, value: (i: number, j: number) => number): RowMatrix => ({
  rows,
  cols,
  values: Float32Array.from({ length: rows * cols }, (_, e) => value(Math.floor(e / cols), e % cols)),
});
const leafHex = (leaves: Uint8Array, i: number) => bytesToHex(leaves.subarray(i * 32, (i + 1) * 32));

describe('GPU row hashes and Merkle root', () => {
  let gpu: GPU;
  beforeAll(async () => {
    gpu = await dawnGpu();
  });

  it('match independently computed SHA-256 digests (leaf padding in one and two blocks, a promoted node)', async () => {
    const [one, thirteen, square] = await gpuRowCommit(gpu, [matrix(1, 3, (_, j) => j + 1), matrix(3, 13, (i, j) => i * 13 + j - 20), matrix(3, 3, (i, j) => i * 3 + j - 4)]);
    expect(leafHex(one!.leaves, 0)).toBe('d4d1e7fa1be301179475afe695af2f340f9933ca1f550230fca92c659d7499ca');
    expect(one!.root).toBe('d4d1e7fa1be301179475afe695af2f340f9933ca1f550230fca92c659d7499ca'); // one leaf: the root
    expect([0, 1, 2].map((i) => leafHex(thirteen!.leaves, i))).toEqual([
      'ba4c5aa2552cb685d9a76662d82f83dbbc9e2d782f15965259e136833a391896',
      '58049799d7afe25585034639c214fb25253787e68e6ba4cc94b564affaff04b4',
      'ba7d931f7c8b6247cfbc18a6a0e60d90e1e6795afcb9e2d978580887a476fb0a',
    ]);
    expect(square!.root).toBe('ced7d8fa32f0173484d6a9922cc5d33a1010b9b6409444a0d1f9697f4ebec47e');
  });

  it('every leaf equals merkle.ts leafHash, whatever the row length (1 to 3 SHA blocks, every padding case)', async () => {
    const shapes = [12, 13, 14, 15, 16, 17, 29, 30, 31].map((cols) => matrix(5, cols, (i, j) => ((i * 31 + j * 7) % 17) - 8));
    const results = await gpuRowCommit(gpu, shapes);
    results.forEach(({ leaves }, s) => {
      const { rows, cols, values } = shapes[s]!;
      for (let i = 0; i < rows; i++) expect(leafHex(leaves, i)).toBe(bytesToHex(leafHash(i, values.subarray(i * cols, (i + 1) * cols))));
    });
  });

  it('roots are bit-identical to the CPU tree for odd and even row counts, and for real GEMM outputs at n = 128 and 256', async () => {
    const odd = [1, 2, 3, 5, 7, 33, 100, 257, 300].map((n) => matrix(n, n, (i, j) => ((i * 131 + j * 17) % 129) - 64));
    const gemms = [128, 256].map((n) => ({ rows: n, cols: n, values: referenceGemm('0123456789abcdef', n) }));
    const results = await gpuRowCommit(gpu, [...odd, ...gemms]);
    [...odd, ...gemms].forEach(({ rows, values }, s) => {
      const tree = buildMerkleTree(values, rows);
      expect(results[s]!.root).toBe(merkleRoot(tree));
      expect(leafHex(results[s]!.leaves, rows - 1)).toBe(bytesToHex(tree.levels[0]![rows - 1]!));
    });
  });

  it('one changed value changes its leaf and the root (the kernel reads every word of the row)', async () => {
    const base = matrix(7, 64, (i, j) => i - j);
    const changed = { ...base, values: base.values.slice() };
    changed.values[3 * 64 + 63] = -changed.values[3 * 64 + 63]! - 1;
    const [a, b] = await gpuRowCommit(gpu, [base, changed]);
    expect(a!.root).not.toBe(b!.root);
    expect([0, 1, 2, 3, 4, 5, 6].filter((i) => leafHex(a!.leaves, i) !== leafHex(b!.leaves, i))).toEqual([3]);
  });
});
