/**
 * One timed benchmark, as a pure state machine the server drives (time passed in, randomness injected):
 *
 *   start(now, rtt, claim) → bench-challenge          state 'sent'
 *   onRoots(now, roots)    → bench-probe | verdict     state 'committed' (roots and their arrival noted) | 'failed'
 *   onOpenings(now, open)  → verdict                   state 'passed' | 'failed'
 *   expire(now)            → verdict when a deadline passed with nothing from the provider
 *
 * The record is the store's TimedBenchmarkRecord, so any coordinator instance can resume a challenge from the
 * database: `TimedChallenge.resume(record, claim, config)`. The provider's GPU claim is not in the record; the
 * server passes the provider's claim again (it is in the provider row).
 *
 * Software adapters: a production coordinator (acceptsSoftwareAdapters false) fails them as 'software-adapter'
 * as soon as the roots say so; the embedded one verifies them like any other run and marks the verdict `demo`.
 * The too-fast rule still applies to a demo, with a CPU's ceiling: a demo shows the real protocol.
 */
import type { AvailabilityKind } from '../../protocol/availability.js';
import { isSoftwareAdapter } from '../../protocol/bench/wgsl/harness.js';
import { GPU_SPECS, matchSpec, matchSpecVariants, type GpuSpec } from '../../protocol/bench/spec-table.js';
import {
  checkTimedCommitment,
  chooseProbes,
  planTimedChallenge,
  specPeakMilliGflops,
  throughputCeiling,
  verifyTimedOpenings,
  type RandomBytes,
  type TimedCommitment,
  type TimedProbe,
} from '../../protocol/bench/timed.js';
import type { CoordinatorMessageOf, GpuClaim, ProviderMessageOf } from '../../protocol/network.js';
import type { TimedBenchmarkRecord } from '../db/store.js';

/** Production sizing: about 6 s on the claimed class (5–10 s in the issue; re-checks stay under 10 s). */
export const PRODUCTION_TIMED_TARGET_MS = 6_000;
/** The embedded network sizes a short run: the whole loop should be seen within a minute on any PC. */
export const EMBEDDED_TIMED_TARGET_MS = 1_500;
/**
 * The provider must commit within max(this, 8 × target) after the challenge left. Generous: the deadline only
 * stops a hung run, the rate comes from the measured time (and a software adapter spends ~5 s compiling).
 */
export const MIN_ROOTS_DEADLINE_MS = 60_000;
export const ROOTS_DEADLINE_FACTOR = 8;
/** Openings are not timed, but they must come within this after the probe. */
export const OPENINGS_TIMEOUT_MS = 60_000;
/** Re-challenges: at most one per this interval, and only when the machine is idle and available. */
export const RECHALLENGE_INTERVAL_MS = 60 * 60 * 1000;
/** A re-challenge must take at most this long on the claimed class. */
export const RECHALLENGE_TARGET_MS = 5_000;
const MiB = 1024 * 1024;

export type TimedVerdictReason =
  | ReturnType<typeof checkTimedCommitment>['reason']
  | 'software-adapter'
  | 'device-mismatch'
  | 'wrong-backend'
  | 'provider-failed'
  | 'disconnected';

export interface TimedVerdict {
  passed: boolean;
  failureReason: NonNullable<TimedVerdictReason> | null;
  /** Coordinator-measured; null when the run failed before it could be measured. */
  throughputMilliGflops: number | null;
  /** A software adapter on a coordinator that accepts them: a demo rate, never a market rate. */
  demo: boolean;
  message: string;
}

export interface TimedClaim {
  /** The GPU the provider claimed in hello (the one this challenge is for), or null when it claimed none. */
  gpu: GpuClaim | null;
}

export interface TimedChallengeConfig {
  acceptsSoftwareAdapters: boolean;
  /** How long the work should take on the claimed class. */
  targetMs: number;
  random: RandomBytes;
  /** Largest GEMM size asked for (TIMED_MAX_N by default; the embedded network may ask less). */
  maxN?: number;
  specs?: readonly GpuSpec[];
  /** Verify with the WebAssembly Philox when available (default true). */
  wasm?: boolean;
}

export interface TimedStart {
  now: Date;
  /** The round trip measured just before (ping → pong), ms; take the smallest of a few pings. */
  rttMs: number;
  claim: TimedClaim;
  backend: 'webgpu' | 'cuda';
  challengeId: string;
  providerId: string;
  sessionId: string;
  recheck: boolean;
}

export type RootsOutcome =
  | { kind: 'probe'; frame: CoordinatorMessageOf<'bench-probe'> }
  | { kind: 'verdict'; verdict: TimedVerdict }
  /** Not for this challenge or not now (a second roots frame): answer with an error frame, change nothing. */
  | { kind: 'refused'; message: string };

export type OpeningsOutcome = { kind: 'verdict'; verdict: TimedVerdict } | { kind: 'refused'; message: string };

/**
 * GEMMs per CUDA challenge until native/ takes many seeds in one run: the figure then undercounts a fast card
 * (process starts inside the window) but never overcounts it.
 */
export const CUDA_MAX_TIMED_GEMMS = 16;

export class TimedChallenge {
  private constructor(
    private state: TimedBenchmarkRecord,
    private readonly claim: TimedClaim,
    private readonly config: TimedChallengeConfig,
  ) {}

  /** Sizes the work for the claimed class and issues fresh seeds. */
  static start(input: TimedStart, config: TimedChallengeConfig): { challenge: TimedChallenge; frame: CoordinatorMessageOf<'bench-challenge'> } {
    const specs = config.specs ?? GPU_SPECS;
    const spec = claimedSpec(input.claim, specs);
    const plan = planTimedChallenge({
      claimedPeakMilliGflops: spec ? specPeakMilliGflops(spec) : null,
      software: claimLooksSoftware(input.claim),
      targetMs: config.targetMs,
      random: config.random,
      ...(config.maxN !== undefined ? { maxN: config.maxN } : {}),
      // The CUDA program runs once per seed (a context start each), so many seeds would time process starts.
      ...(input.backend === 'cuda' ? { maxGemms: CUDA_MAX_TIMED_GEMMS } : {}),
    });
    const sentAt = input.now.getTime();
    const deadline = new Date(sentAt + Math.max(input.rttMs, 0) + Math.max(MIN_ROOTS_DEADLINE_MS, ROOTS_DEADLINE_FACTOR * Math.max(plan.expectedMs, config.targetMs)));
    const record: TimedBenchmarkRecord = {
      challengeId: input.challengeId,
      providerId: input.providerId,
      sessionId: input.sessionId,
      backend: input.backend,
      n: plan.n,
      seeds: plan.seeds,
      recheck: input.recheck,
      sentAt: new Date(sentAt),
      rttMs: Math.max(0, Math.round(input.rttMs)),
      deadline,
      rootsAt: null,
      roots: null,
      probes: null,
      state: 'sent',
      failureReason: null,
      throughputMilliGflops: null,
      software: false,
    };
    const frame: CoordinatorMessageOf<'bench-challenge'> = {
      type: 'bench-challenge',
      challengeId: record.challengeId,
      n: record.n,
      seeds: [...record.seeds],
      backend: record.backend,
      deadline: deadline.toISOString(),
      recheck: record.recheck,
    };
    return { challenge: new TimedChallenge(record, input.claim, config), frame };
  }

  /** Picks a stored challenge up again (another instance, or after a restart). */
  static resume(record: TimedBenchmarkRecord, claim: TimedClaim, config: TimedChallengeConfig): TimedChallenge {
    return new TimedChallenge(copyRecord(record), claim, config);
  }

  /** A copy of the record to persist. */
  get record(): TimedBenchmarkRecord {
    return copyRecord(this.state);
  }

  onRoots(now: Date, msg: ProviderMessageOf<'bench-roots'>): RootsOutcome {
    if (msg.challengeId !== this.state.challengeId) return { kind: 'refused', message: 'These results answer another challenge.' };
    if (this.state.state !== 'sent') return { kind: 'refused', message: 'Results for this challenge were already received.' };
    this.state.rootsAt = new Date(now.getTime());
    this.state.roots = [...msg.roots];
    this.state.software = msg.software || looksSoftware(msg.device);
    const early = this.rootsFailure(msg);
    if (early) return { kind: 'verdict', verdict: this.finish(false, early.reason, early.message, early.throughput) };
    const probes = chooseProbes(this.state.seeds.length, this.state.n, this.config.random);
    this.state.probes = probes.map((p) => ({ ...p, rows: [...p.rows] }));
    this.state.state = 'committed';
    return { kind: 'probe', frame: { type: 'bench-probe', challengeId: this.state.challengeId, probes } };
  }

  onOpenings(now: Date, msg: ProviderMessageOf<'bench-openings'>): OpeningsOutcome {
    if (msg.challengeId !== this.state.challengeId) return { kind: 'refused', message: 'These openings answer another challenge.' };
    if (this.state.state !== 'committed') return { kind: 'refused', message: 'No probe of this challenge is waiting for an answer.' };
    const commitment = this.commitment();
    if (now.getTime() > this.state.rootsAt!.getTime() + OPENINGS_TIMEOUT_MS) {
      return { kind: 'verdict', verdict: this.finish(false, 'deadline', `The probe was answered after more than ${OPENINGS_TIMEOUT_MS / 1000} s.`, null) };
    }
    const check = verifyTimedOpenings(commitment, msg.answers, { wasm: this.config.wasm ?? true });
    return { kind: 'verdict', verdict: this.finish(check.passed, check.reason, check.message, check.throughputMilliGflops) };
  }

  /** The provider said it could not run the challenge. */
  onFailed(msg: ProviderMessageOf<'bench-failed'>): OpeningsOutcome {
    if (msg.challengeId !== this.state.challengeId) return { kind: 'refused', message: 'This answers another challenge.' };
    if (this.state.state !== 'sent' && this.state.state !== 'committed') return { kind: 'refused', message: 'This challenge is already decided.' };
    return { kind: 'verdict', verdict: this.finish(false, 'provider-failed', `The benchmark could not run on the provider (${msg.code}): ${msg.message}`, null) };
  }

  /** The session ended before a verdict: an open challenge cannot be timed any more. Null when already decided. */
  abandon(): TimedVerdict | null {
    if (this.state.state !== 'sent' && this.state.state !== 'committed') return null;
    return this.finish(false, 'disconnected', 'The connection ended before the benchmark was finished.', null);
  }

  /** A verdict when a deadline passed with no answer; null while the challenge may still complete. */
  expire(now: Date): TimedVerdict | null {
    const t = now.getTime();
    if (this.state.state === 'sent' && t > this.state.deadline.getTime()) return this.finish(false, 'deadline', 'No results arrived before the deadline.', null);
    if (this.state.state === 'committed' && t > this.state.rootsAt!.getTime() + OPENINGS_TIMEOUT_MS) return this.finish(false, 'deadline', 'The probe was not answered in time.', null);
    return null;
  }

  private rootsFailure(msg: ProviderMessageOf<'bench-roots'>): { reason: NonNullable<TimedVerdictReason>; message: string; throughput: number | null } | null {
    if (msg.backend !== this.state.backend) return { reason: 'wrong-backend', message: `The challenge was for ${this.state.backend}, but it ran on ${msg.backend}.`, throughput: null };
    if (this.state.software && !msg.software) return { reason: 'device-mismatch', message: `"${msg.device}" is a software renderer, but the results say they came from a graphics card.`, throughput: null };
    if (this.state.software && !this.config.acceptsSoftwareAdapters) {
      return { reason: 'software-adapter', message: 'The benchmark ran on a software (CPU) renderer; this network only accepts graphics cards. Install the GPU driver and try again.', throughput: null };
    }
    const claimed = claimedSpec(this.claim, this.config.specs ?? GPU_SPECS);
    // The device string carries no memory size: it names a model, and any of its memory variants is the claim's.
    const ran = this.state.software ? null : matchSpecVariants({ name: msg.device }, this.config.specs ?? GPU_SPECS);
    if (ran && claimed && !ran.candidates.some((c) => c.id === claimed.id)) {
      return { reason: 'device-mismatch', message: `The results came from "${msg.device}", but this provider claimed a ${claimed.name}.`, throughput: null };
    }
    const check = checkTimedCommitment(this.commitment());
    return check.passed ? null : { reason: check.reason!, message: check.message, throughput: check.throughputMilliGflops };
  }

  private commitment(): TimedCommitment {
    const s = this.state;
    const gpu = this.claim.gpu;
    return {
      n: s.n,
      gemms: s.seeds.length,
      seeds: s.seeds,
      roots: s.roots ?? [],
      probes: (s.probes ?? []) as TimedProbe[],
      sentAtMs: s.sentAt.getTime(),
      rootsAtMs: s.rootsAt!.getTime(),
      rttMs: s.rttMs,
      deadlineMs: s.deadline.getTime(),
      ceiling: throughputCeiling({ name: gpu?.name ?? null, memoryBytes: gpu?.vramMiB != null ? gpu.vramMiB * MiB : null, software: s.software }, this.config.specs ?? GPU_SPECS),
    };
  }

  private finish(passed: boolean, reason: TimedVerdictReason, message: string, throughput: number | null): TimedVerdict {
    this.state.state = passed ? 'passed' : 'failed';
    this.state.failureReason = passed ? null : (reason ?? 'failed');
    this.state.throughputMilliGflops = passed ? throughput : null;
    const demo = passed && this.state.software && this.config.acceptsSoftwareAdapters;
    const shown = demo ? `${message} Software renderer: a demo rate on this local test network.` : message;
    return { passed, failureReason: passed ? null : (reason ?? null), throughputMilliGflops: throughput, demo, message: shown.slice(0, 500) };
  }
}

/** The spec row of the claimed GPU (VRAM tells the two RTX 3080s apart), or null. */
export function claimedSpec(claim: TimedClaim, specs: readonly GpuSpec[] = GPU_SPECS): GpuSpec | null {
  if (!claim.gpu) return null;
  return matchSpec({ name: claim.gpu.name, memoryBytes: claim.gpu.vramMiB != null ? claim.gpu.vramMiB * MiB : null }, specs);
}

/** No GPU claimed, or the claim names a software renderer: plan a CPU-sized run. */
export function claimLooksSoftware(claim: TimedClaim): boolean {
  return !claim.gpu || looksSoftware(claim.gpu.name);
}

function looksSoftware(name: string): boolean {
  return isSoftwareAdapter({ vendor: '', architecture: '', device: name, description: '', isFallbackAdapter: false });
}

function copyRecord(r: TimedBenchmarkRecord): TimedBenchmarkRecord {
  return {
    ...r,
    seeds: [...r.seeds],
    sentAt: new Date(r.sentAt.getTime()),
    deadline: new Date(r.deadline.getTime()),
    rootsAt: r.rootsAt ? new Date(r.rootsAt.getTime()) : null,
    roots: r.roots ? [...r.roots] : null,
    probes: r.probes ? r.probes.map((p) => ({ ...p, rows: [...p.rows] })) : null,
  };
}

/**
 * Whether to send an unannounced re-challenge now: at most one per RECHALLENGE_INTERVAL_MS since the last timed
 * run, only while the machine is available and idle (never while working, never with the owner at the PC).
 * Size it with RECHALLENGE_TARGET_MS so it stays within 10 s.
 */
export function shouldRechallenge(lastTimedAt: Date | null, now: Date, availability: AvailabilityKind | null, ownerPresent: boolean): boolean {
  if (ownerPresent || availability !== 'available') return false;
  return lastTimedAt === null || now.getTime() - lastTimedAt.getTime() >= RECHALLENGE_INTERVAL_MS;
}
