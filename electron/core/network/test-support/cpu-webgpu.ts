import { referenceGemm } from '../../../../protocol/bench/inputs.js';
import { buildMerkleTree, merkleRoot } from '../../../../protocol/bench/merkle.js';
import type { WebGpuRunner } from '../../ports.js';

/**
 * The timed benchmark's WebGPU step computed on the CPU (protocol/bench's reference GEMM and Merkle tree),
 * for machines without any WebGPU adapter: the same roots and leaves the GPU kernels return. It says it is a
 * software adapter, so only the embedded network's demo rate accepts it — exactly what SwiftShader gets.
 * `zeroRows` commits to a C whose second half of rows was never computed (left zero): a cheater's GPU run.
 */
export function cpuTimedGemms(options: { zeroRows?: boolean } = {}): Pick<WebGpuRunner, 'runTimedGemms'> {
  return {
    runTimedGemms: async ({ n, seeds }) => {
      const trees = seeds.map((seed) => {
        const c = referenceGemm(seed, n);
        if (options.zeroRows) c.fill(0, (n / 2) * n);
        return buildMerkleTree(c, n);
      });
      return {
        n,
        tiling: { tile: 4, depth: 16 },
        wallMs: 0,
        roots: trees.map(merkleRoot),
        leaves: trees.map((tree) => concat(tree.levels[0]!)),
        adapter: { vendor: 'cpu', architecture: 'reference', device: 'CPU', description: 'CPU reference GEMM (test)', isFallbackAdapter: true, software: true, features: [], maxBufferSize: 0, maxStorageBufferBindingSize: 0 },
      };
    },
  };
}

function concat(digests: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(digests.length * 32);
  digests.forEach((digest, i) => out.set(digest, i * 32));
  return out;
}
