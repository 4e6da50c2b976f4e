import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { CpuTimedProvider, seededRandom, type TimedCheat } from '../../protocol/bench/test-support/timed-provider.js';
import type { GpuClaim, ProviderMessageOf } from '../../protocol/network.js';
import { RECHALLENGE_INTERVAL_MS, shouldRechallenge, TimedChallenge, type TimedChallengeConfig, type TimedClaim } from './timed-challenge.js';

const T0 = new Date('2025-06-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const swiftshader: TimedClaim = { gpu: { name: 'SwiftShader Device (Subzero)', vendor: 'other', vramMiB: null } };
const rtx3060: TimedClaim = { gpu: { name: 'NVIDIA GeForce RTX 3060', vendor: 'nvidia', vramMiB: 12288 } };
const madeUp: TimedClaim = { gpu: { name: 'NVIDIA GeForce RTX 9999 Hyper', vendor: 'nvidia', vramMiB: 65536 } satisfies GpuClaim };

/** Small work, so the CPU provider answers in milliseconds (n = 128 at most). */
function config(accepts: boolean, seed = 1): TimedChallengeConfig {
  return { acceptsSoftwareAdapters: accepts, targetMs: 100, maxN: 128, random: seededRandom(seed) };
}

function start(claim: TimedClaim, cfg: TimedChallengeConfig, challengeId = 'tc1') {
  return TimedChallenge.start({ now: T0, rttMs: 10, claim, backend: 'webgpu', challengeId, providerId: 'p1', sessionId: 's1', recheck: false }, cfg);
}

function rootsFrame(challengeId: string, roots: string[], patch: Partial<ProviderMessageOf<'bench-roots'>> = {}): ProviderMessageOf<'bench-roots'> {
  return { type: 'bench-roots', seq: 2, challengeId, roots, device: 'SwiftShader Device (Subzero) (WebGPU)', backend: 'webgpu', software: true, ...patch };
}

/** The whole exchange with a CPU provider; roots arrive `elapsedMs` after the challenge left. */
function run(opts: { claim?: TimedClaim; accepts?: boolean; cheat?: TimedCheat; elapsedMs?: number; roots?: (real: string[]) => string[]; patch?: Partial<ProviderMessageOf<'bench-roots'>> } = {}) {
  const { challenge, frame } = start(opts.claim ?? swiftshader, config(opts.accepts ?? true));
  const provider = new CpuTimedProvider(opts.cheat ?? 'none');
  const real = provider.commit(frame.n, frame.seeds);
  const roots = opts.roots ? opts.roots(real) : real;
  const elapsed = opts.elapsedMs ?? 2000;
  const outcome = challenge.onRoots(at(elapsed), rootsFrame(frame.challengeId, roots, opts.patch));
  if (outcome.kind !== 'probe') return { challenge, frame, outcome, verdict: outcome.kind === 'verdict' ? outcome.verdict : null };
  const answers = provider.open(outcome.frame.probes);
  const done = challenge.onOpenings(at(elapsed + 50), { type: 'bench-openings', seq: 3, challengeId: frame.challengeId, answers });
  return { challenge, frame, outcome, verdict: done.kind === 'verdict' ? done.verdict : null };
}

describe('TimedChallenge', () => {
  it('an honest software provider passes on the embedded network as a marked demo, with the coordinator-measured rate', () => {
    const { frame, outcome, verdict, challenge } = run();
    expect(frame).toMatchObject({ type: 'bench-challenge', n: 128, backend: 'webgpu', recheck: false });
    expect(frame.seeds.length).toBeGreaterThanOrEqual(4);
    expect(outcome.kind).toBe('probe');
    expect(verdict).toMatchObject({ passed: true, failureReason: null, demo: true });
    // K·2·128³ FLOPs in 2000 − 10 ms.
    expect(verdict!.throughputMilliGflops).toBe(Math.floor((frame.seeds.length * 2 * 128 ** 3) / (1990 * 1000)));
    expect(challenge.record).toMatchObject({ state: 'passed', software: true, throughputMilliGflops: verdict!.throughputMilliGflops });
  });

  it('a production coordinator refuses a software adapter as soon as the roots say so', () => {
    const { outcome, verdict } = run({ accepts: false });
    expect(outcome.kind).toBe('verdict');
    expect(verdict).toMatchObject({ passed: false, failureReason: 'software-adapter', demo: false });
  });

  it('forged roots (random hex) fail the Merkle check', () => {
    const random = seededRandom(99);
    expect(run({ roots: (real) => real.map(() => bytesToHex(random(32))) }).verdict?.failureReason).toBe('merkle-path-invalid');
  });

  it('roots reused from another challenge fail: the opened rows are not A·B for the new seeds', () => {
    const { frame: earlier } = start(swiftshader, config(true, 5), 'tc0');
    const previous = new CpuTimedProvider();
    const oldRoots = previous.commit(earlier.n, earlier.seeds);
    const { challenge, frame } = start(swiftshader, config(true, 6));
    expect(frame.seeds).not.toEqual(earlier.seeds);
    const outcome = challenge.onRoots(at(2000), rootsFrame(frame.challengeId, oldRoots));
    if (outcome.kind !== 'probe') throw new Error('expected a probe');
    const done = challenge.onOpenings(at(2100), { type: 'bench-openings', seq: 3, challengeId: frame.challengeId, answers: previous.open(outcome.frame.probes) });
    expect(done).toMatchObject({ kind: 'verdict', verdict: { passed: false, failureReason: 'row-mismatch' } });
  });

  it('a provider that did part of the work behind real-looking trees fails', () => {
    for (const cheat of ['zero-half-gemms', 'zero-half-rows'] as const) {
      const { verdict } = run({ cheat });
      expect(verdict?.passed).toBe(false);
      expect(['row-mismatch', 'freivalds-mismatch']).toContain(verdict?.failureReason);
    }
  });

  it('a made-up GPU that "finishes" in 1 ms is too fast even for the fastest known GPU', () => {
    // Sized for an unknown card: the reference RTX 3060 class, n = 2048, 64 GEMMs (1.1 TFLOP).
    const { challenge, frame } = TimedChallenge.start(
      { now: T0, rttMs: 0, claim: madeUp, backend: 'webgpu', challengeId: 'tc9', providerId: 'p1', sessionId: 's1', recheck: false },
      { acceptsSoftwareAdapters: false, targetMs: 6000, random: seededRandom(3) },
    );
    const roots = frame.seeds.map(() => '00'.repeat(32));
    const outcome = challenge.onRoots(at(1), rootsFrame(frame.challengeId, roots, { device: 'NVIDIA GeForce RTX 9999 Hyper (WebGPU)', software: false }));
    expect(outcome).toMatchObject({ kind: 'verdict', verdict: { passed: false, failureReason: 'too-fast' } });
  });

  it('a claimed RTX 3060 answering faster than its peak fails too-fast; at a believable time it gets probed', () => {
    const cfg = { acceptsSoftwareAdapters: false, targetMs: 6000, random: seededRandom(4) };
    const begin = () => TimedChallenge.start({ now: T0, rttMs: 5, claim: rtx3060, backend: 'webgpu', challengeId: 'tc3', providerId: 'p1', sessionId: 's1', recheck: false }, cfg);
    const hardware = { device: 'NVIDIA GeForce RTX 3060 (WebGPU)', software: false };
    const fast = begin();
    // 22.9 TFLOP in 1 s = 22.9 TFLOPS > 15.9 (12.74 × 1.25).
    expect(fast.challenge.onRoots(at(1000), rootsFrame('tc3', fast.frame.seeds.map(() => 'ab'.repeat(32)), hardware))).toMatchObject({ kind: 'verdict', verdict: { failureReason: 'too-fast' } });
    const believable = begin();
    expect(believable.challenge.onRoots(at(6000), rootsFrame('tc3', believable.frame.seeds.map(() => 'ab'.repeat(32)), hardware)).kind).toBe('probe');
  });

  it('a device string that contradicts the claim, or a software renderer posing as hardware, fails device-mismatch', () => {
    expect(run({ claim: rtx3060, accepts: false, patch: { device: 'NVIDIA GeForce RTX 4090 (WebGPU)', software: false } }).verdict?.failureReason).toBe('device-mismatch');
    expect(run({ accepts: false, patch: { device: 'Google SwiftShader (WebGPU)', software: false } }).verdict?.failureReason).toBe('device-mismatch');
  });

  it('late roots fail deadline; a wrong count fails roots-count; another backend fails wrong-backend', () => {
    const { frame } = start(swiftshader, config(true));
    const late = Date.parse(frame.deadline) - T0.getTime() + 1;
    expect(run({ elapsedMs: late }).verdict?.failureReason).toBe('deadline');
    expect(run({ roots: (real) => real.slice(1) }).verdict?.failureReason).toBe('roots-count');
    expect(run({ patch: { backend: 'cuda' } }).verdict?.failureReason).toBe('wrong-backend');
  });

  it('refuses frames that are not for it or not now, without changing state', () => {
    const { challenge, frame } = start(swiftshader, config(true));
    expect(challenge.onOpenings(at(10), { type: 'bench-openings', seq: 2, challengeId: frame.challengeId, answers: [{ gemm: 0, response: { cr: [], rows: [] } }] }).kind).toBe('refused');
    expect(challenge.onRoots(at(10), rootsFrame('other', ['00'.repeat(32)])).kind).toBe('refused');
    const roots = new CpuTimedProvider().commit(frame.n, frame.seeds);
    expect(challenge.onRoots(at(1000), rootsFrame(frame.challengeId, roots)).kind).toBe('probe');
    expect(challenge.onRoots(at(1001), rootsFrame(frame.challengeId, roots)).kind).toBe('refused');
    expect(challenge.record.rootsAt).toEqual(at(1000));
  });

  it('expires without an answer, resumes from its record, and fails when the session ends', () => {
    const { challenge, frame } = start(swiftshader, config(true));
    expect(challenge.expire(at(1000))).toBeNull();
    const resumed = TimedChallenge.resume(challenge.record, swiftshader, config(true));
    expect(resumed.expire(new Date(Date.parse(frame.deadline) + 1))).toMatchObject({ passed: false, failureReason: 'deadline' });
    const other = start(swiftshader, config(true)).challenge;
    expect(other.abandon()).toMatchObject({ passed: false, failureReason: 'disconnected' });
    expect(other.abandon()).toBeNull();
    expect(other.onFailed({ type: 'bench-failed', seq: 9, challengeId: 'tc1', code: 'x', message: 'y' }).kind).toBe('refused');
  });
});

describe('shouldRechallenge', () => {
  const now = at(10 * RECHALLENGE_INTERVAL_MS);
  it('runs at most once an hour, only while available with nobody at the PC', () => {
    expect(shouldRechallenge(null, now, 'available', false)).toBe(true);
    expect(shouldRechallenge(new Date(now.getTime() - RECHALLENGE_INTERVAL_MS), now, 'available', false)).toBe(true);
    expect(shouldRechallenge(new Date(now.getTime() - RECHALLENGE_INTERVAL_MS + 1), now, 'available', false)).toBe(false);
    expect(shouldRechallenge(null, now, 'available', true)).toBe(false);
    for (const state of ['working', 'yielding', 'waiting', 'cooling', 'off'] as const) expect(shouldRechallenge(null, now, state, false)).toBe(false);
    expect(shouldRechallenge(null, now, null, false)).toBe(false);
  });
});
