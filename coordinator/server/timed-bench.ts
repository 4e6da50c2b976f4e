/**
 * Drives one connection's timed benchmarks: a few pings for the round trip, then the TimedChallenge state
 * machine (coordinator/domain/timed-challenge.ts), persisting each step through the store before the next
 * frame leaves, and the verdict as bench-result + standing. The clock and randomness come in from outside.
 */
import type { CoordinatorMessage, ProviderMessageOf } from '../../protocol/network.js';
import type { RandomBytes } from '../../protocol/bench/timed.js';
import type { CoordinatorStore, ProviderRecord } from '../db/store.js';
import { chooseBackend } from '../domain/session-bench.js';
import { OPENINGS_TIMEOUT_MS, TimedChallenge, type TimedChallengeConfig, type TimedVerdict } from '../domain/timed-challenge.js';
import type { Timers } from './timers.js';

/** Round trips measured before a challenge; the smallest counts (a busy moment must not shorten the timed part). */
const PINGS = 3;
const PONG_TIMEOUT_MS = 10_000;

export interface TimedBenchDeps {
  store: CoordinatorStore;
  clock: () => Date;
  timers: Timers;
  random: RandomBytes;
  newId: (prefix: string) => string;
  challengeConfig: Omit<TimedChallengeConfig, 'random'>;
  send: (message: CoordinatorMessage) => void;
  /** A verdict was stored (the provider may now be matchable, or its standing changed). */
  onVerdict: (verdict: TimedVerdict) => void;
  log: (message: string, error?: unknown) => void;
}

export type BenchFrameResult = { ok: true } | { ok: false; code: 'unknown-challenge' | 'refused'; message: string };

interface PendingPing {
  pingId: string;
  sentAtMs: number;
  resolve: (rttMs: number | null) => void;
}

export class TimedBenchRunner {
  private challenge: TimedChallenge | null = null;
  private running = false;
  private ping: PendingPing | null = null;
  private expiryTimer: { cancel(): void } | null = null;
  /** When this session last started a timed run (re-challenges are spaced by it). */
  lastAttemptAt: Date | null = null;

  constructor(private readonly deps: TimedBenchDeps) {}

  get busy(): boolean {
    return this.running;
  }

  /** Runs one timed benchmark; resolves once the challenge is out (the rest arrives as frames). */
  async start(provider: ProviderRecord, sessionId: string, recheck: boolean): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.lastAttemptAt = this.deps.clock();
    try {
      const rttMs = await this.measureRtt();
      if (rttMs === null) return this.reset();
      const { challenge, frame } = TimedChallenge.start(
        {
          now: this.deps.clock(),
          rttMs,
          claim: { gpu: provider.gpus[0] ?? null },
          backend: chooseBackend(provider.backends),
          challengeId: this.deps.newId('tc'),
          providerId: provider.providerId,
          sessionId,
          recheck,
        },
        { ...this.deps.challengeConfig, random: this.deps.random },
      );
      const record = challenge.record;
      await this.deps.store.createTimedBenchmark({
        challengeId: record.challengeId,
        providerId: record.providerId,
        sessionId: record.sessionId,
        backend: record.backend,
        n: record.n,
        seeds: record.seeds,
        recheck: record.recheck,
        sentAt: record.sentAt,
        rttMs: record.rttMs,
        deadline: record.deadline,
      });
      this.challenge = challenge;
      this.deps.send(frame);
      this.armExpiry(record.deadline.getTime() - this.deps.clock().getTime());
    } catch (error) {
      this.deps.log('timed benchmark could not start', error);
      this.reset();
    }
  }

  onPong(message: ProviderMessageOf<'pong'>): BenchFrameResult {
    const ping = this.ping;
    if (!ping || ping.pingId !== message.pingId) return { ok: false, code: 'refused', message: 'No ping with this id is waiting.' };
    this.ping = null;
    ping.resolve(Math.max(0, this.deps.clock().getTime() - ping.sentAtMs));
    return { ok: true };
  }

  async onRoots(message: ProviderMessageOf<'bench-roots'>): Promise<BenchFrameResult> {
    const challenge = this.challenge;
    if (!challenge) return { ok: false, code: 'unknown-challenge', message: 'No timed benchmark is running.' };
    const outcome = challenge.onRoots(this.deps.clock(), message);
    if (outcome.kind === 'refused') return { ok: false, code: 'unknown-challenge', message: outcome.message };
    if (outcome.kind === 'verdict') return this.finish(outcome.verdict);
    const record = challenge.record;
    const committed = await this.deps.store.commitTimedBenchmark(record.challengeId, {
      rootsAt: record.rootsAt!,
      roots: record.roots!,
      probes: record.probes!,
      software: record.software,
    });
    if (!committed) return { ok: false, code: 'refused', message: 'This challenge is no longer open.' };
    this.deps.send(outcome.frame);
    // The openings have their own time limit from the roots on.
    this.armExpiry(record.rootsAt!.getTime() + OPENINGS_TIMEOUT_MS - this.deps.clock().getTime());
    return { ok: true };
  }

  async onOpenings(message: ProviderMessageOf<'bench-openings'>): Promise<BenchFrameResult> {
    const challenge = this.challenge;
    if (!challenge) return { ok: false, code: 'unknown-challenge', message: 'No timed benchmark is running.' };
    const outcome = challenge.onOpenings(this.deps.clock(), message);
    if (outcome.kind === 'refused') return { ok: false, code: 'unknown-challenge', message: outcome.message };
    return this.finish(outcome.verdict);
  }

  async onFailed(message: ProviderMessageOf<'bench-failed'>): Promise<BenchFrameResult> {
    const challenge = this.challenge;
    if (!challenge) return { ok: false, code: 'unknown-challenge', message: 'No timed benchmark is running.' };
    const outcome = challenge.onFailed(message);
    if (outcome.kind === 'refused') return { ok: false, code: 'unknown-challenge', message: outcome.message };
    return this.finish(outcome.verdict);
  }

  /** The connection ended: a challenge still open fails (it cannot be timed any more). */
  async abandon(): Promise<void> {
    this.ping?.resolve(null);
    const challenge = this.challenge;
    if (!challenge) return this.reset();
    await this.store(challenge, { passed: false, failureReason: 'disconnected', throughputMilliGflops: null, demo: false, message: 'The connection ended.' });
    this.reset();
  }

  private async measureRtt(): Promise<number | null> {
    let best: number | null = null;
    for (let i = 0; i < PINGS; i++) {
      const rtt = await this.pingOnce();
      if (rtt === null) return null;
      best = best === null ? rtt : Math.min(best, rtt);
    }
    return best;
  }

  private pingOnce(): Promise<number | null> {
    return new Promise((resolve) => {
      const pingId = this.deps.newId('ping');
      const timer = this.deps.timers.after(PONG_TIMEOUT_MS, () => {
        if (this.ping?.pingId === pingId) this.ping = null;
        resolve(null);
      });
      this.ping = {
        pingId,
        sentAtMs: this.deps.clock().getTime(),
        resolve: (rtt) => {
          timer.cancel();
          resolve(rtt);
        },
      };
      this.deps.send({ type: 'ping', pingId });
    });
  }

  private armExpiry(inMs: number): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = this.deps.timers.after(Math.max(0, inMs) + 1, () => void this.expire());
  }

  private async expire(): Promise<void> {
    const challenge = this.challenge;
    if (!challenge) return;
    const verdict = challenge.expire(this.deps.clock());
    if (verdict) await this.finish(verdict).catch((error: unknown) => this.deps.log('timed benchmark expiry failed', error));
  }

  private async finish(verdict: TimedVerdict): Promise<BenchFrameResult> {
    const challenge = this.challenge!;
    this.reset();
    await this.store(challenge, verdict);
    const record = challenge.record;
    const standing = await this.deps.store.standing(record.providerId, this.deps.clock());
    this.deps.send({
      type: 'bench-result',
      challengeId: record.challengeId,
      passed: verdict.passed,
      reason: verdict.failureReason,
      message: verdict.message,
      throughputMilliGflops: verdict.passed ? verdict.throughputMilliGflops : null,
      standing,
    });
    this.deps.onVerdict(verdict);
    return { ok: true };
  }

  private store(challenge: TimedChallenge, verdict: Pick<TimedVerdict, 'passed' | 'failureReason' | 'throughputMilliGflops' | 'demo'> & { message: string }): Promise<void> {
    return this.deps.store.finishTimedBenchmark(
      challenge.record.challengeId,
      { passed: verdict.passed, failureReason: verdict.failureReason, throughputMilliGflops: verdict.passed ? verdict.throughputMilliGflops : null, demo: verdict.demo },
      this.deps.clock(),
    );
  }

  private reset(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = null;
    this.challenge = null;
    this.running = false;
  }
}
