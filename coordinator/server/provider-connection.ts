/**
 * One provider's WebSocket session on this instance. Every frame passes the SessionGate first (synchronously,
 * so the replay rule sees frames in arrival order); accepted frames are then handled one at a time against the
 * store. Errors become error frames; nothing here may throw into the socket library.
 */
import type { AvailabilityKind, AvailabilityReason } from '../../protocol/availability.js';
import type { CoordinatorErrorCode, CoordinatorMessage, CoordinatorMessageOf, NetworkInfo, ProviderMessage, ProviderMessageOf } from '../../protocol/network.js';
import { MAX_EARNINGS_ITEMS, MAX_FRAME_BYTES, NETWORK_PROTOCOL_VERSION } from '../../protocol/network.js';
import type { RandomBytes } from '../../protocol/bench/timed.js';
import { StoreInputError, type CoordinatorStore, type OfferRecord, type ProviderRecord, type StoreRefusal } from '../db/store.js';
import { errorFrame, SessionGate, type ErrorFrame, type RawFrame } from '../domain/session.js';
import { benchAfterEnrolment, benchOnAvailability } from '../domain/session-bench.js';
import type { SessionLimits } from '../domain/session-limits.js';
import type { TimedChallengeConfig } from '../domain/timed-challenge.js';
import { keepFirstMachines } from '../domain/shared-wallet.js';
import type { ConnectedProvider, ProviderHub } from './hub.js';
import { TimedBenchRunner, type BenchFrameResult } from './timed-bench.js';
import type { HeartbeatBatch } from './heartbeat-batch.js';
import type { LatencyRecorder } from './latency.js';
import type { Timers } from './timers.js';

/** Receipts and payouts in an earnings update after the first (the app keeps the rest it already has). */
const EARNINGS_UPDATE_ITEMS = 10;
/** Accepted frames waiting for the store: more than this and the provider is sending faster than we can answer. */
const MAX_PENDING_FRAMES = 32;
/** WebSocket close codes: 1008 policy violation, 1001 going away. */
const CLOSE_POLICY = 1008;
const CLOSE_GOING_AWAY = 1001;

export interface ConnectionDeps {
  store: CoordinatorStore;
  clock: () => Date;
  timers: Timers;
  random: RandomBytes;
  newId: (prefix: string) => string;
  instanceId: string;
  network: NetworkInfo;
  limits: SessionLimits;
  hub: ProviderHub;
  matcher: { kick(): void };
  challengeConfig: Omit<TimedChallengeConfig, 'random'>;
  /** A disconnected session stays open this long, so a reconnect resumes it. */
  reconnectGraceMs: number;
  /** Heartbeat handling times (arrival → handled), shown in the admin status. */
  heartbeatLatency: LatencyRecorder;
  /** Heartbeats that change only the time are written in batches. */
  heartbeats: HeartbeatBatch;
  /** When the next payout is due (null: this network does not pay out). */
  nextPayoutAt: () => Date | null;
  /** Tells every instance that this provider's money moved (its connection, and its wallet's others, send fresh earnings). */
  moneyMoved: (providerId: string) => void;
  /**
   * Tells every instance that the machines sharing this payout address should refresh their view of this one
   * (its money moved and it was told already, or it came or went); its own connection is left alone.
   */
  walletChanged: (providerId: string, payoutAddress: string) => void;
  log: (message: string, error?: unknown) => void;
}

/** The socket as this handler sees it. */
export interface FrameSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

interface Enrolment {
  provider: ProviderRecord;
  sessionId: string;
  availability: AvailabilityKind | null;
  availabilityReason: AvailabilityReason | null;
  ownerPresent: boolean;
}

export class ProviderConnection implements ConnectedProvider {
  private readonly gate: SessionGate;
  private enrolment: Enrolment | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private closed = false;
  private readonly offersSent = new Set<string>();
  private readonly bench: TimedBenchRunner;
  /** An earnings refresh is queued and has not started: another request until it starts adds nothing. */
  private earningsQueued = false;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly socket: FrameSocket,
  ) {
    this.gate = new SessionGate(bytesHex(deps.random(16)), deps.limits, deps.clock().getTime());
    this.bench = new TimedBenchRunner({
      store: deps.store,
      clock: deps.clock,
      timers: deps.timers,
      random: deps.random,
      newId: deps.newId,
      challengeConfig: deps.challengeConfig,
      send: (message) => this.send(message),
      onVerdict: (verdict) => {
        if (!verdict.passed) return;
        this.enqueue(async () => void (await this.reloadProvider()));
        deps.matcher.kick();
      },
      log: deps.log,
    });
  }

  get providerId(): string {
    return this.enrolment?.provider.providerId ?? '';
  }

  get payoutAddress(): string {
    return this.enrolment?.provider.payoutAddress ?? '';
  }

  open(): void {
    this.send({ type: 'welcome', protocolVersion: NETWORK_PROTOCOL_VERSION, coordinatorNonce: this.gate.nonce, serverTime: this.deps.clock().toISOString(), network: this.deps.network });
  }

  receive(frame: RawFrame): void {
    if (this.closed) return;
    const verdict = this.gate.admit(frame, this.deps.clock().getTime());
    if (verdict.kind === 'refuse') return this.refuse(verdict.error);
    if (this.pending >= MAX_PENDING_FRAMES) return this.refuse(errorFrame('rate-limited', 'Too many frames waiting: slow down.', seqOf(verdict.message), false));
    this.pending += 1;
    const arrivedAt = performance.now();
    this.queue = this.queue
      .then(() => this.handle(verdict.message))
      .catch((error: unknown) => this.failed(verdict.message, error))
      .finally(() => {
        this.pending -= 1;
        if (verdict.message.type === 'heartbeat') this.deps.heartbeatLatency.record(performance.now() - arrivedAt);
      });
  }

  /** The socket closed (either side): stop sending, keep the session open for a grace period. */
  onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.gate.markClosed();
    void this.queue.then(() => this.leave());
  }

  // ConnectedProvider -------------------------------------------------------------------------------

  deliverOffer(offerId: string): void {
    if (this.offersSent.has(offerId)) return;
    this.enqueue(async () => {
      const offer = await this.deps.store.getOpenOffer(offerId);
      if (offer && offer.providerId === this.providerId) this.sendOffer(offer);
    });
  }

  sendOffer(offer: OfferRecord): void {
    if (this.offersSent.has(offer.offerId) || !this.enrolment) return;
    this.offersSent.add(offer.offerId);
    this.send({ type: 'offer', offerId: offer.offerId, jobId: offer.jobId, spec: offer.spec, deadline: offer.deadline.toISOString() });
  }

  withdrawOffer(offerId: string, reason: string): void {
    this.offersSent.delete(offerId);
    this.send({ type: 'offer-withdrawn', offerId, reason: reason.slice(0, 500) });
  }

  cancelJob(jobId: string, reason: string): void {
    this.send({ type: 'cancel-job', jobId, reason: reason.slice(0, 500) });
  }

  refreshStanding(): void {
    this.enqueue(async () => {
      if (this.enrolment) this.send({ type: 'standing', standing: await this.deps.store.standing(this.providerId, this.deps.clock()) });
    });
  }

  /**
   * Coalesced: a payout batch moves the money of every machine of a wallet at once, and each of them asks each
   * of the others to refresh; one frame read after the last of those changes says it all.
   */
  refreshEarnings(): void {
    if (this.earningsQueued) return;
    this.earningsQueued = true;
    this.enqueue(() => {
      this.earningsQueued = false;
      return this.sendEarnings(EARNINGS_UPDATE_ITEMS);
    });
  }

  /**
   * The provider's balances with its latest receipts and payouts: the whole window after enrolment, only the
   * newest few on later changes (the app merges them by id and keeps its own history); and the machines
   * sharing its wallet.
   */
  private async sendEarnings(items = MAX_EARNINGS_ITEMS): Promise<void> {
    if (!this.enrolment) return;
    const earnings = await this.deps.store.earningsOf(this.providerId, items, this.deps.clock());
    const next = this.deps.nextPayoutAt();
    const frame: CoordinatorMessageOf<'earnings'> = {
      type: 'earnings',
      summary: { ...earnings.summary, nextPayoutAt: next ? next.toISOString() : null },
      receipts: earnings.receipts,
      payouts: earnings.payouts,
      wallet: earnings.wallet,
    };
    this.send(withinFrameBudget(frame));
  }

  /** The other machines of this provider's wallet, on any instance, refresh their view of it. */
  private tellWallet(): void {
    if (this.enrolment?.provider.payoutAddress) this.deps.walletChanged(this.providerId, this.enrolment.provider.payoutAddress);
  }

  supersede(): void {
    this.refuse(errorFrame('refused', 'A newer connection of this provider took over.', null, true));
  }

  // Frames ------------------------------------------------------------------------------------------

  private async handle(message: ProviderMessage): Promise<void> {
    if (this.closed) return;
    switch (message.type) {
      case 'hello':
        return this.enrol(message);
      case 'heartbeat':
        return this.heartbeat(message.availability, message.reason);
      case 'availability':
        return this.touch(message.state, message.reason, message.ownerPresent);
      case 'pong':
        return this.answerBench(message.seq, this.bench.onPong(message));
      case 'bench-roots':
        return this.answerBench(message.seq, await this.bench.onRoots(message));
      case 'bench-openings':
        return this.answerBench(message.seq, await this.bench.onOpenings(message));
      case 'bench-failed':
        return this.answerBench(message.seq, await this.bench.onFailed(message));
      case 'offer-reply':
        return this.answerOffer(message);
      case 'job-status':
        return this.recordStatus(message);
      case 'job-logs':
        // No log request is ever outstanding yet (no admin route asks for logs): nothing can match.
        return this.reject('refused', 'No log request with this id is waiting.', message.seq);
    }
  }

  private async enrol(hello: ProviderMessageOf<'hello'>): Promise<void> {
    const now = this.deps.clock();
    const body = hello.body;
    const { provider } = await this.deps.store.enrolProvider(
      { devicePublicKey: body.devicePublicKey, payoutAddress: body.payoutAddress, gpus: body.gpus, minPricePerGpuHour: body.minPricePerGpuHour, appVersion: body.appVersion, backends: body.backends },
      now,
    );
    const { session, resumed } = await this.deps.store.openSession({ providerId: provider.providerId, instanceId: this.deps.instanceId, resumeSessionId: body.resumeSessionId }, now);
    const expected = new Set(await this.deps.store.runningJobsOf(provider.providerId));
    const standing = await this.deps.store.standing(provider.providerId, now);
    if (this.closed) return;
    this.enrolment = { provider, sessionId: session.sessionId, availability: session.availability, availabilityReason: session.availabilityReason, ownerPresent: session.ownerPresent };
    this.deps.hub.attach(this);
    this.gate.markEnrolled();
    this.send({ type: 'enrolled', sessionId: session.sessionId, resumed, standing, keepJobIds: body.runningJobIds.filter((id) => expected.has(id)) });
    await this.sendEarnings();
    // The others of its wallet see it online (or listed at all, when it is new there).
    this.tellWallet();
    if (benchAfterEnrolment(provider, now).run) void this.bench.start(provider, session.sessionId, false);
  }

  /** Nothing changed but the time: noted for the next batch write. A changed state is written at once. */
  private async heartbeat(state: AvailabilityKind, reason: AvailabilityReason): Promise<void> {
    const enrolment = this.enrolment!;
    if (state !== enrolment.availability || reason !== enrolment.availabilityReason) return this.touch(state, reason, enrolment.ownerPresent);
    this.deps.heartbeats.note(enrolment.sessionId, this.deps.clock());
    if (!this.bench.busy && state === 'available') await this.maybeRechallenge(this.deps.clock());
  }

  private async touch(state: AvailabilityKind, reason: AvailabilityReason, ownerPresent: boolean): Promise<void> {
    const enrolment = this.enrolment!;
    const now = this.deps.clock();
    const becameAvailable = state === 'available' && enrolment.availability !== 'available';
    // What the provider said holds even if storing it fails (a swept session): never re-challenge an owner at the PC.
    enrolment.availability = state;
    enrolment.availabilityReason = reason;
    enrolment.ownerPresent = ownerPresent;
    await this.deps.store.touchSession(enrolment.sessionId, now, { state, reason, ownerPresent });
    if (becameAvailable) this.deps.matcher.kick();
    if (!this.bench.busy && state === 'available') await this.maybeRechallenge(now);
  }

  /**
   * Decided on the cached provider row (no query per heartbeat); the row is reloaded after each pass here, and
   * once more before a re-challenge in case another session of this provider passed meanwhile.
   */
  private async maybeRechallenge(now: Date): Promise<void> {
    const enrolment = this.enrolment!;
    const decide = () => benchOnAvailability(enrolment.provider, this.bench.lastAttemptAt, now, enrolment.availability, enrolment.ownerPresent);
    if (!decide().run || !(await this.reloadProvider())) return;
    const decision = decide();
    if (decision.run) void this.bench.start(enrolment.provider, enrolment.sessionId, decision.recheck);
  }

  private async reloadProvider(): Promise<boolean> {
    const enrolment = this.enrolment;
    const provider = enrolment ? await this.deps.store.getProvider(enrolment.provider.providerId) : null;
    if (!enrolment || !provider) return false;
    enrolment.provider = provider;
    return true;
  }

  private answerBench(seq: number, result: BenchFrameResult): void {
    if (!result.ok) this.reject(result.code, result.message, seq);
  }

  private async answerOffer(reply: ProviderMessageOf<'offer-reply'>): Promise<void> {
    const answer = await this.deps.store.answerOffer(reply.offerId, this.providerId, reply.accept, reply.reason, this.deps.clock());
    if (!answer) return this.reject('unknown-offer', 'This offer is not open for you (expired, withdrawn or already answered).', reply.seq);
    this.offersSent.delete(reply.offerId);
    if (!reply.accept) this.deps.matcher.kick();
  }

  private async recordStatus(status: ProviderMessageOf<'job-status'>): Promise<void> {
    const outcome = await this.deps.store.recordJobStatus(
      {
        jobId: status.jobId,
        providerId: this.providerId,
        status: status.status,
        reportedAt: new Date(status.at),
        exitCode: status.exitCode,
        workedSeconds: status.workedSeconds,
        outputDigest: status.outputDigest,
        message: status.message,
      },
      this.deps.clock(),
    );
    if (!outcome.accepted) return this.reject('unknown-job', 'This job is not running on your machine as far as the coordinator knows.', status.seq);
    this.send({ type: 'job-status-ack', jobId: status.jobId, status: status.status, seq: status.seq });
    if (status.status === 'finished' || status.status === 'failed' || status.status === 'interrupted') {
      this.deps.matcher.kick();
      if (!outcome.duplicate) {
        await this.sendEarnings(EARNINGS_UPDATE_ITEMS);
        this.tellWallet();
      }
    }
  }

  // Plumbing ----------------------------------------------------------------------------------------

  /** A store refusal is the provider's mistake (named); anything else is ours (logged, 'internal'). */
  private failed(message: ProviderMessage, error: unknown): void {
    if (error instanceof StoreInputError) return this.reject(refusalCode(error.code), error.message, seqOf(message));
    this.deps.log(`provider frame "${message.type}" failed`, error);
    this.send(errorFrame('internal', 'The coordinator could not handle this frame. Try again.', seqOf(message), false));
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.deps.log('provider session task failed', error));
  }

  private async leave(): Promise<void> {
    await this.bench.abandon().catch((error: unknown) => this.deps.log('abandoning the timed benchmark failed', error));
    const enrolment = this.enrolment;
    if (!enrolment) return;
    this.deps.hub.detach(this);
    // Closed only after the grace, and only when no newer connection of this provider arrived here meanwhile.
    this.deps.timers.after(this.deps.reconnectGraceMs, () => {
      if (this.deps.hub.get(enrolment.provider.providerId)) return;
      void this.closeSession(enrolment).catch((error: unknown) => this.deps.log('closing a session failed', error));
    });
  }

  private async closeSession(enrolment: Enrolment): Promise<void> {
    const now = this.deps.clock();
    // Only while this instance still holds it: a provider that resumed on another instance keeps its jobs.
    if (!(await this.deps.store.closeSession(enrolment.sessionId, now, this.deps.instanceId))) return;
    const requeued = await this.deps.store.requeueJobsOfProvider(enrolment.provider.providerId, 'The provider disconnected and did not come back.', now);
    if (requeued.length > 0) {
      this.deps.matcher.kick();
      this.deps.moneyMoved(enrolment.provider.providerId);
    } else if (enrolment.provider.payoutAddress) {
      // Nothing was earned, but the others of its wallet now see it offline.
      this.deps.walletChanged(enrolment.provider.providerId, enrolment.provider.payoutAddress);
    }
  }

  /** A refusal after the gate: counted as a strike; the one that reaches the limit closes the connection. */
  private reject(code: CoordinatorErrorCode, message: string, seq: number | null): void {
    const closing = this.gate.strike();
    this.refuse(errorFrame(code, closing ? `${message} Too many refused frames: closing.` : message, seq, closing));
  }

  private refuse(error: ErrorFrame): void {
    this.send(error);
    if (error.fatal) {
      this.gate.markClosed();
      this.socket.close(CLOSE_POLICY, error.code);
    }
  }

  private send(message: CoordinatorMessage): void {
    if (this.closed) return;
    try {
      this.socket.send(JSON.stringify(message));
    } catch (error) {
      this.deps.log('sending a frame failed', error);
      this.socket.close(CLOSE_GOING_AWAY, 'send failed');
    }
  }
}

/** Earnings frames stay well under the frame limit. */
const EARNINGS_FRAME_BUDGET = MAX_FRAME_BYTES / 2;

/**
 * A frame over the budget first lists fewer of its wallet's other machines (they are counted in `more`, and the
 * wallet's total still covers them: the owner's own history matters more), then leaves out the oldest receipts
 * (long runs name many postings).
 */
export function withinFrameBudget(frame: CoordinatorMessageOf<'earnings'>, budget = EARNINGS_FRAME_BUDGET): CoordinatorMessageOf<'earnings'> {
  const fits = (candidate: CoordinatorMessageOf<'earnings'>) => JSON.stringify(candidate).length <= budget;
  let trimmed = frame;
  while (!fits(trimmed) && trimmed.wallet && trimmed.wallet.machines.length > 1) {
    trimmed = { ...trimmed, wallet: keepFirstMachines(trimmed.wallet, Math.floor(trimmed.wallet.machines.length / 2)) };
  }
  while (!fits(trimmed) && trimmed.receipts.length > 0) trimmed = { ...trimmed, receipts: trimmed.receipts.slice(0, Math.floor(trimmed.receipts.length / 2)) };
  return trimmed;
}

function refusalCode(code: StoreRefusal): CoordinatorErrorCode {
  if (code === 'unknown-job' || code === 'unknown-challenge') return code;
  return code === 'invalid-input' ? 'malformed' : 'refused';
}

function seqOf(message: ProviderMessage): number | null {
  return message.type === 'hello' ? null : message.seq;
}

function bytesHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
