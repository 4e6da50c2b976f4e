/**
 * The provider's side of the timed benchmark, end to end through the coordinator's pure state machine.
 * (A test-only import of coordinator/domain: the app itself reaches the coordinator over the wire only.)
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { buildMerkleTree, merklePath, merkleRoot } from '../../../protocol/bench/merkle.js';
import { specById } from '../../../protocol/bench/spec-table.js';
import { seededRandom } from '../../../protocol/bench/test-support/timed-provider.js';
import { chooseProbes, throughputCeiling, TIMED_MAX_GEMMS, TIMED_MAX_N, verifyTimedOpenings } from '../../../protocol/bench/timed.js';
import type { CoordinatorMessageOf } from '../../../protocol/network.js';
import { TimedChallenge, type TimedChallengeConfig, type TimedClaim } from '../../../coordinator/domain/timed-challenge.js';
import { CudaBenchProcessRunner } from '../adapters/cuda-bench-runner.js';
import { DawnWebGpuRunner } from '../adapters/dawn-webgpu.js';
import { cpuTimedGemms } from './test-support/cpu-webgpu.js';
import { ReferenceCudaRunner } from './test-support/reference-cuda-runner.js';
import { buildMerkleTreeNative, DEFAULT_TIMED_MAX_BYTES, TimedBenchResponder, treeFromLeaves } from './timed-responder.js';

const random = (length: number) => new Uint8Array(randomBytes(length));
const swiftshader: TimedClaim = { gpu: { name: 'SwiftShader Device', vendor: 'other', vramMiB: null } };
const embedded: TimedChallengeConfig = { acceptsSoftwareAdapters: true, targetMs: 20, maxN: 128, random };

/** Challenge → commit → roots (timed with the real clock) → probe → open → verdict. */
async function exchange(responder: TimedBenchResponder, config: TimedChallengeConfig, claim: TimedClaim, backend: 'webgpu' | 'cuda' = 'webgpu') {
  const { challenge, frame } = TimedChallenge.start({ now: new Date(), rttMs: 1, claim, backend, challengeId: 'tc1', providerId: 'p1', sessionId: 's1', recheck: false }, config);
  const committed = await responder.commit(frame);
  const outcome = challenge.onRoots(new Date(), { type: 'bench-roots', seq: 1, challengeId: frame.challengeId, ...committed });
  if (outcome.kind !== 'probe') return { frame, committed, verdict: outcome.kind === 'verdict' ? outcome.verdict : null, probe: null };
  const answers = await responder.open(outcome.frame);
  const done = challenge.onOpenings(new Date(), { type: 'bench-openings', seq: 2, challengeId: frame.challengeId, answers });
  return { frame, committed, verdict: done.kind === 'verdict' ? done.verdict : null, probe: outcome.frame };
}

describe('buildMerkleTreeNative and treeFromLeaves', () => {
  it('build the protocol tree exactly (roots and paths), odd sizes included', () => {
    for (const n of [1, 5, 100, 128]) {
      const c = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 129) - 64);
      const js = buildMerkleTree(c, n);
      const native = buildMerkleTreeNative(c, n);
      expect(merkleRoot(native)).toBe(merkleRoot(js));
      expect(merklePath(native, n - 1)).toEqual(merklePath(js, n - 1));
      expect(merklePath(native, n >> 1)).toEqual(merklePath(js, n >> 1));
    }
  });

  it('holds at most 128 MiB of leaves for the largest plan (1024 GEMMs at n = 4096), never C', () => {
    expect(DEFAULT_TIMED_MAX_BYTES).toBe(TIMED_MAX_GEMMS * TIMED_MAX_N * 32);
    expect(DEFAULT_TIMED_MAX_BYTES).toBe(128 * 1024 * 1024);
    expect(() => treeFromLeaves(new Uint8Array(31), 1)).toThrow();
  });
});

describe('TimedBenchResponder on Dawn (SwiftShader here)', () => {
  const dawn = new DawnWebGpuRunner();

  it('computes the challenge on the GPU and passes the coordinator\'s checks as a demo on the embedded network', async () => {
    const responder = new TimedBenchResponder({ webgpu: dawn, cuda: null });
    const { frame, committed, verdict, probe } = await exchange(responder, embedded, swiftshader);
    expect(committed).toMatchObject({ backend: 'webgpu', software: true });
    expect(committed.roots).toHaveLength(frame.seeds.length);
    expect(committed.device).toMatch(/WebGPU/);
    expect(probe!.probes.length).toBeGreaterThanOrEqual(Math.min(frame.seeds.length, 4));
    expect(verdict).toMatchObject({ passed: true, failureReason: null, demo: true });
    expect(verdict!.throughputMilliGflops).toBeGreaterThan(0);
    // Answered once, then released.
    await expect(responder.open(probe!)).rejects.toMatchObject({ code: 'bench-unknown-challenge' });
  });

  it('the same honest run is refused by a production coordinator as a software adapter', async () => {
    const responder = new TimedBenchResponder({ webgpu: dawn, cuda: null });
    const { verdict } = await exchange(responder, { ...embedded, acceptsSoftwareAdapters: false }, swiftshader);
    expect(verdict).toMatchObject({ passed: false, failureReason: 'software-adapter', demo: false });
  });

  it('commits on the GPU to exactly the CPU tree: roots and leaves, both tilings, across read-back chunks', async () => {
    const seeds = ['0123456789abcdef', 'fedcba9876543210', '00000000000000ff', 'a5a5a5a5a5a5a5a5', '1111111111111111'];
    // 256² with the 128×128 tile in one read-back; 128² with the 64×64 tile in chunks of 2, 2 and 1 GEMMs.
    for (const [n, tiling, chunkGemms] of [[256, { tile: 8, depth: 16 }, undefined], [128, { tile: 4, depth: 16 }, 2]] as const) {
      const result = await dawn.runTimedHere({ n, seeds, tiling, ...(chunkGemms ? { chunkGemms } : {}) });
      const trees = seeds.map((seed) => buildMerkleTree(referenceGemm(seed, n), n));
      expect(result.roots).toEqual(trees.map(merkleRoot));
      expect(result.leaves.map((l) => merkleRoot(treeFromLeaves(l, n)))).toEqual(result.roots);
      expect(result.leaves.every((l) => l.length === n * 32)).toBe(true);
    }
  });

  it('answers the probe from the GPU\'s leaves and the seed: the coordinator verifies it against the GPU\'s roots', async () => {
    const n = 128;
    const seeds = ['0123456789abcdef', 'fedcba9876543210', '00000000000000ff', 'a5a5a5a5a5a5a5a5', '1111111111111111'];
    const responder = new TimedBenchResponder({ webgpu: dawn, cuda: null });
    const committed = await responder.commit({ type: 'bench-challenge', challengeId: 'tc9', n, seeds, backend: 'webgpu', deadline: new Date(Date.now() + 60_000).toISOString(), recheck: false });
    const commitment = {
      n,
      gemms: seeds.length,
      seeds,
      roots: committed.roots,
      probes: chooseProbes(seeds.length, n, seededRandom(5), 16),
      sentAtMs: 0,
      rootsAtMs: 60_000,
      rttMs: 0,
      deadlineMs: 120_000,
      ceiling: throughputCeiling({ name: 'SwiftShader', software: true }),
    };
    const answers = await responder.open({ type: 'bench-probe', challengeId: 'tc9', probes: commitment.probes });
    expect(verifyTimedOpenings(commitment, answers)).toMatchObject({ passed: true, reason: null });
  });
});

describe('TimedBenchResponder without a GPU', () => {
  it('a provider whose GPU hashed zero rows for half of each C fails, though its openings are recomputed honestly', async () => {
    const cheater = new TimedBenchResponder({ webgpu: cpuTimedGemms({ zeroRows: true }), cuda: null });
    const seeded: TimedChallengeConfig = { ...embedded, random: seededRandom(3) };
    const { verdict } = await exchange(cheater, seeded, swiftshader);
    expect(verdict).toMatchObject({ passed: false, failureReason: 'merkle-path-invalid' });
    const honest = await exchange(new TimedBenchResponder({ webgpu: cpuTimedGemms(), cuda: null }), seeded, swiftshader);
    expect(honest.verdict).toMatchObject({ passed: true, demo: true });
  });

  const challenge = (patch: Partial<CoordinatorMessageOf<'bench-challenge'>> = {}): CoordinatorMessageOf<'bench-challenge'> => ({
    type: 'bench-challenge',
    challengeId: 'tc1',
    n: 128,
    seeds: ['0123456789abcdef', '1111111111111111', '2222222222222222', '3333333333333333'],
    backend: 'cuda',
    deadline: new Date(Date.now() + 60_000).toISOString(),
    recheck: false,
    ...patch,
  });

  it('runs the CUDA program once per seed (SGEMM, one trial) and passes with its C', async () => {
    const cuda = new ReferenceCudaRunner();
    const responder = new TimedBenchResponder({ webgpu: null, cuda });
    const claim: TimedClaim = { gpu: { name: 'NVIDIA GeForce RTX 3060', vendor: 'nvidia', vramMiB: 12288 } };
    // The card's spec row shrunk to 50 GFLOPS, so the plan is 4 GEMMs the CPU reference computes in a blink.
    const specs = [{ ...specById('rtx-3060')!, fp32Tflops: 0.05 }];
    const { frame, committed, verdict } = await exchange(responder, { acceptsSoftwareAdapters: false, targetMs: 1, maxN: 128, random, specs }, claim, 'cuda');
    expect(frame.seeds).toHaveLength(4);
    expect(cuda.calls.map((c) => [c.seedHex, c.kernels, c.trials])).toEqual(frame.seeds.map((s) => [s, ['sgemm'], 1]));
    expect(committed).toMatchObject({ backend: 'cuda', software: false, device: 'NVIDIA GeForce RTX 3060 (CUDA)' });
    expect(verdict).toMatchObject({ passed: true, demo: false });
  });

  it('says plainly when CUDA is unavailable (no program installed), so the WebGPU benchmark is used', async () => {
    const responder = new TimedBenchResponder({ webgpu: null, cuda: new CudaBenchProcessRunner({ candidates: [] }) });
    await expect(responder.commit(challenge())).rejects.toMatchObject({ code: 'bench-cuda-unavailable', nextStep: expect.stringMatching(/WebGPU/) });
  });

  it('refuses a challenge larger than the memory it may hold, and a probe for a challenge it does not hold', async () => {
    const responder = new TimedBenchResponder({ webgpu: null, cuda: new ReferenceCudaRunner(), maxBytes: 128 * 32 * 3 });
    await expect(responder.commit(challenge())).rejects.toMatchObject({ code: 'bench-too-large' });
    await expect(responder.open({ type: 'bench-probe', challengeId: 'nope', probes: [{ gemm: 0, rBits: '00'.repeat(16), rows: [0] }] })).rejects.toMatchObject({
      code: 'bench-unknown-challenge',
    });
  });
});
