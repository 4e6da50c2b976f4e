import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merklePath, merkleRoot, type MerkleTree } from '../../../protocol/bench/merkle.js';
import { decodeRBits, recomputeProbeAnswer, TIMED_MAX_GEMMS, TIMED_MAX_N } from '../../../protocol/bench/timed.js';
import { DIGEST_BYTES } from '../../../protocol/bench/wgsl/row-hash.js';
import { UserFacingError } from '../../../protocol/errors.js';
import type { CoordinatorMessageOf, ProviderMessageOf } from '../../../protocol/network.js';
import type { CudaBenchRunner, WebGpuRunner } from '../ports.js';
import type { BenchResponder } from './ports.js';

/**
 * Most leaf memory one challenge may hold: K·n·32 B, 128 MiB at the coordinator's largest plan (1024 GEMMs at
 * n = 4096). C itself is never held: WebGPU hashes it on the GPU, CUDA's is hashed and dropped one at a time.
 */
export const DEFAULT_TIMED_MAX_BYTES = TIMED_MAX_GEMMS * TIMED_MAX_N * DIGEST_BYTES;

export interface TimedBenchResponderOptions {
  webgpu: Pick<WebGpuRunner, 'runTimedGemms'> | null;
  cuda: CudaBenchRunner | null;
  maxBytes?: number;
  /** A scratch folder for the CUDA program's C files (removed after each run); default: a fresh one under tmpdir. */
  scratchDir?: () => string;
}

type Roots = Pick<ProviderMessageOf<'bench-roots'>, 'roots' | 'device' | 'backend' | 'software'>;
type Answers = ProviderMessageOf<'bench-openings'>['answers'];
interface Computed {
  roots: string[];
  /** Per GEMM, its n leaf digests back to back. */
  leaves: Uint8Array[];
  device: string;
  software: boolean;
}
interface Held {
  challengeId: string;
  n: number;
  seeds: string[];
  roots: string[];
  leaves: Uint8Array[];
}

const RETRY = 'The network will ask again later; nothing needs doing.';

/**
 * The provider's side of the coordinator's timed benchmark: compute every C_k = A_k·B_k on the backend the
 * challenge names and commit to each with a Merkle root, keeping only the leaves (32 B per row). When probed,
 * the opened rows and C·r are recomputed exactly from the seed on the CPU (O(n²) per probed GEMM) and their
 * paths built from the kept leaves; a row the GPU got wrong (or skipped) then fails the coordinator's path
 * check, exactly as it should. Holds one challenge at a time, never more than maxBytes of leaves.
 */
export class TimedBenchResponder implements BenchResponder {
  private held: Held | null = null;

  constructor(private readonly options: TimedBenchResponderOptions) {}

  async commit(challenge: CoordinatorMessageOf<'bench-challenge'>): Promise<Roots> {
    this.held = null;
    const { n, seeds } = challenge;
    if (seeds.length > TIMED_MAX_GEMMS || n > TIMED_MAX_N || n * DIGEST_BYTES * seeds.length > (this.options.maxBytes ?? DEFAULT_TIMED_MAX_BYTES)) {
      throw new UserFacingError('bench-too-large', `The network asked for ${seeds.length} results of ${n}×${n}, more memory than Offhours keeps for its benchmark.`, RETRY);
    }
    const computed = challenge.backend === 'cuda' ? await this.computeCuda(n, seeds) : await this.computeWebGpu(n, seeds);
    if (computed.roots.length !== seeds.length || computed.leaves.length !== seeds.length || computed.leaves.some((l) => l.length !== n * DIGEST_BYTES)) {
      throw new UserFacingError('bench-bad-output', 'The benchmark returned an incomplete result.', RETRY);
    }
    this.held = { challengeId: challenge.challengeId, n, seeds: [...seeds], roots: computed.roots, leaves: computed.leaves };
    return { roots: [...computed.roots], device: computed.device.slice(0, 300), backend: challenge.backend, software: computed.software };
  }

  async open(probe: CoordinatorMessageOf<'bench-probe'>): Promise<Answers> {
    const held = this.held;
    if (!held || held.challengeId !== probe.challengeId) {
      throw new UserFacingError('bench-unknown-challenge', 'The network asked about a benchmark this computer no longer holds (Offhours restarted, or a newer one replaced it).', RETRY);
    }
    const answers: Answers = [];
    for (const { gemm, rBits, rows } of probe.probes) {
      answers.push(answerFromLeaves(held, gemm, rBits, rows));
      // Each answer is up to ~0.3 s of CPU at n = 4096: let heartbeats and other frames through in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.held = null; // answered once: the leaves are of no further use
    return answers;
  }

  /** Forgets a challenge that will not be probed (the session ended, the coordinator gave up). */
  discard(): void {
    this.held = null;
  }

  private async computeWebGpu(n: number, seeds: string[]): Promise<Computed> {
    if (!this.options.webgpu) throw new UserFacingError('bench-no-webgpu', 'WebGPU is not available in this Offhours build.', 'Reinstall Offhours.');
    const result = await this.options.webgpu.runTimedGemms({ n, seeds });
    const a = result.adapter;
    const name = a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown adapter';
    return { roots: result.roots, leaves: result.leaves, device: `${name} (WebGPU)`, software: a.software };
  }

  /**
   * One run of the CUDA program per seed (SGEMM only, one trial); its C is read back from the --out-c file,
   * hashed into leaves with the native SHA-256 and dropped, so at most one C (64 MiB at n = 4096) is held.
   */
  private async computeCuda(n: number, seeds: string[]): Promise<Computed> {
    if (!this.options.cuda) throw cudaUnavailable('this build has no CUDA benchmark');
    const scratch = this.options.scratchDir?.() ?? mkdtempSync(join(tmpdir(), 'offhours-timed-'));
    try {
      const computed: Computed = { roots: [], leaves: [], device: '', software: false };
      for (const [k, seedHex] of seeds.entries()) {
        const outC = join(scratch, `c${k}.f32`);
        const result = await this.options.cuda.run({ seedHex, n, quick: true, kernels: ['sgemm'], trials: 1, outC });
        if (!result.ok) throw cudaUnavailable(result.message);
        if (!result.device) throw cudaUnavailable('the CUDA program ran without a graphics card');
        const bytes = readFileSync(outC);
        rmSync(outC, { force: true });
        if (bytes.length !== n * n * 4) throw new UserFacingError('bench-bad-output', 'The CUDA benchmark wrote an incomplete result.', RETRY);
        const leaves = leafHashesNative(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), n);
        computed.leaves.push(leaves);
        computed.roots.push(merkleRoot(treeFromLeaves(leaves, n)));
        computed.device = `${result.device.name} (CUDA)`;
      }
      return computed;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** One probed GEMM's answer: the tree rebuilt from its leaves (checked against the committed root), the rows and C·r from the seed. */
function answerFromLeaves(held: Held, gemm: number, rBits: string, rows: number[]): Answers[number] {
  const leaves = held.leaves[gemm];
  const r = decodeRBits(rBits, held.n);
  if (!leaves || !r || rows.some((row) => row >= held.n)) throw new UserFacingError('bench-bad-probe', 'The network sent a probe that does not fit its own challenge.', RETRY);
  const tree = treeFromLeaves(leaves, held.n);
  if (merkleRoot(tree) !== held.roots[gemm]) {
    // The GPU's tree kernel disagrees with its own leaves: a driver fault. Say so instead of sending garbage.
    throw new UserFacingError('bench-bad-output', 'The graphics card returned inconsistent benchmark hashes.', 'Update the graphics driver; the network will ask again later.');
  }
  const { cr, values } = recomputeProbeAnswer(held.seeds[gemm]!, held.n, r, rows);
  return { gemm, response: { cr, rows: rows.map((index, t) => ({ index, values: values[t]!, path: merklePath(tree, index) })) } };
}

/** leaf_i = sha256(0x00 ‖ u32le(i) ‖ row_i) of an n×n f32 matrix given as its little-endian bytes, back to back. */
export function leafHashesNative(c: Uint8Array, n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 1 || c.length !== n * n * 4) throw new Error(`C must hold n·n = ${n * n} values, got ${c.length / 4}`);
  const prefix = new Uint8Array(5);
  const view = new DataView(prefix.buffer);
  const leaves = new Uint8Array(n * DIGEST_BYTES);
  for (let i = 0; i < n; i++) {
    view.setUint32(1, i, true);
    leaves.set(createHash('sha256').update(prefix).update(c.subarray(i * n * 4, (i + 1) * n * 4)).digest(), i * DIGEST_BYTES);
  }
  return leaves;
}

/**
 * protocol/bench/merkle.ts's tree over given leaf digests (n × 32 B back to back), hashed with Node's native
 * SHA-256: same tags, same promotion of an unpaired node, so merklePath and merkleRoot read it as usual.
 */
export function treeFromLeaves(leaves: Uint8Array, n: number): MerkleTree {
  if (!Number.isInteger(n) || n < 1 || leaves.length !== n * DIGEST_BYTES) throw new Error(`expected ${n} leaf digests, got ${leaves.length} bytes`);
  const levels: Uint8Array[][] = [Array.from({ length: n }, (_, i) => leaves.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES))];
  const tag = new Uint8Array([0x01]);
  for (let level = levels[0]!; level.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(k + 1 < level.length ? createHash('sha256').update(tag).update(level[k]!).update(level[k + 1]!).digest() : level[k]!);
    levels.push(next);
    level = next;
  }
  return { leafCount: n, levels };
}

/** The whole tree of an n×n f32 matrix (tests, and anything holding a C). */
export function buildMerkleTreeNative(c: Float32Array, n: number): MerkleTree {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
  return treeFromLeaves(leafHashesNative(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), n), n);
}

function cudaUnavailable(detail: string): UserFacingError {
  return new UserFacingError('bench-cuda-unavailable', `The CUDA benchmark could not run (${detail}).`, 'Offhours will offer the WebGPU benchmark instead; update the NVIDIA driver to use CUDA.');
}
