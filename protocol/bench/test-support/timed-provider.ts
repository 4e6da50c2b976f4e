/**
 * A provider for timed-challenge tests, computed on the CPU (referenceGemm), honest or cheating in the ways a
 * real cheater would: it always commits to real Merkle trees of what it "computed" and answers the probe from
 * them, so only the coordinator's checks can tell. Also a seeded byte source for reproducible tests.
 */
import { referenceGemm } from '../inputs.js';
import { buildMerkleTree, merkleRoot, type MerkleTree } from '../merkle.js';
import { answerProbe } from '../probe.js';
import { decodeRBits, type RandomBytes, type TimedAnswer, type TimedProbe } from '../timed.js';

/** 'zero-half-gemms': only every other GEMM is computed; 'zero-half-rows': only the first half of each C's rows. */
export type TimedCheat = 'none' | 'zero-half-gemms' | 'zero-half-rows';

export class CpuTimedProvider {
  private cs: Float32Array[] = [];
  private trees: MerkleTree[] = [];
  private n = 0;

  constructor(private readonly cheat: TimedCheat = 'none') {}

  commit(n: number, seeds: readonly string[]): string[] {
    this.n = n;
    this.cs = seeds.map((seed, k) => {
      if (this.cheat === 'zero-half-gemms' && k % 2 === 1) return new Float32Array(n * n);
      const c = referenceGemm(seed, n);
      if (this.cheat === 'zero-half-rows') c.fill(0, (n / 2) * n);
      return c;
    });
    this.trees = this.cs.map((c) => buildMerkleTree(c, n));
    return this.trees.map(merkleRoot);
  }

  open(probes: readonly TimedProbe[]): TimedAnswer[] {
    return probes.map((p) => ({ gemm: p.gemm, response: answerProbe(this.cs[p.gemm]!, this.n, this.trees[p.gemm]!, { r: decodeRBits(p.rBits, this.n)!, rows: p.rows }) }));
  }
}

/** Deterministic bytes (xorshift32) so a test's probes, seeds and outcome never change between runs. */
export function seededRandom(seed: number): RandomBytes {
  let state = seed >>> 0 || 1;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}
