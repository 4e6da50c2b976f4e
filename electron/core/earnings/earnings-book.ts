import type { CoordinatorMessageOf, NetworkInfo, PayoutChainInfo } from '../../../protocol/network.js';
import type { EarningsSlice, Notice } from '../../../protocol/state.js';
import type { Clock, Logger } from '../ports.js';
import { backoffDelay, type BackoffOptions } from '../network/backoff.js';
import type { EarningsSink, Timers } from '../network/ports.js';
import { badPayoutNotice, badReceiptsNotice, damagedFileNotice, saveFailedNotice } from './notices.js';
import type { EarningsRecord, EarningsStore, PayoutChainAnswer, PayoutChainChecker, StoredPayout } from './ports.js';
import { applyChainAnswer, applyEarningsFrame, earningsCsvOf, earningsSlice, needsChainCheck, withNetwork } from './record.js';
import type { EarningsCsv } from '../../../protocol/earnings-csv.js';

export interface EarningsBookDeps {
  store: EarningsStore;
  checker: PayoutChainChecker;
  clock: Clock;
  timers: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  random: () => number;
  logger: Logger;
  /** Shows (or replaces, by id) a notice to the owner. */
  notify(notice: Notice): void;
}

/** One lookup at a time, at most this often: a first sync of 100 payouts stays under public RPC rate limits. */
export const CHECK_SPACING_MS = 500;
/** After an RPC that did not answer, every lookup waits (it is one RPC for all of them). */
export const UNREACHABLE_BACKOFF: BackoffOptions = { baseMs: 10_000, maxMs: 15 * 60_000 };
/** A transaction not found yet is looked up again after this (the RPC node may lag behind the coordinator's). */
export const NOT_FOUND_BACKOFF: BackoffOptions = { baseMs: 20_000, maxMs: 5 * 60_000 };
/** How long one lookup may take before it counts as unreachable. */
export const CHECK_TIMEOUT_MS = 15_000;

/**
 * The app's own record of what it earned (issue: receipts and payouts checked by the app). The network link hands
 * it each `earnings` frame; it verifies every receipt's signature against the key the network announced, looks
 * every paid payout up on chain (once; an unreachable RPC is retried with back-off), keeps it all in the data
 * folder, and warns the owner in plain words about anything that does not match.
 */
export class EarningsBook implements EarningsSink {
  private record: EarningsRecord;
  private slice: EarningsSlice;
  private readonly listeners = new Set<(slice: EarningsSlice) => void>();
  /** Per payout (batch id): not before this time (ms), after a "not found". */
  private readonly notBefore = new Map<string, number>();
  private pausedUntil = 0;
  private unreachableStreak = 0;
  private checking = false;
  private saveFailing = false;
  private timer: unknown = null;
  private stopped = true;

  constructor(private readonly deps: EarningsBookDeps) {
    const loaded = deps.store.load();
    this.record = loaded.record;
    this.slice = earningsSlice(this.record);
    if (loaded.damaged) deps.notify(damagedFileNotice(loaded.damaged.setAsideAs));
  }

  state(): EarningsSlice {
    return this.slice;
  }

  /** Every receipt kept (not only the newest in the slice) as CSV, each with the payout that paid it. */
  exportCsv(): EarningsCsv {
    return earningsCsvOf(this.record, this.deps.clock.now());
  }

  onChange(listener: (slice: EarningsSlice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts looking up payouts still unchecked from an earlier run. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  // ---- from the network link ---------------------------------------------------------------------------

  /** The network that enrolled this PC (every enrolment): where it pays, which key signs receipts, its token. */
  networkInfo(network: NetworkInfo): void {
    const next = withNetwork(this.record, network);
    if (JSON.stringify([next.chain, next.coordinatorPublicKey, next.token]) === JSON.stringify([this.record.chain, this.record.coordinatorPublicKey, this.record.token])) return;
    // Another RPC may answer where the last one did not.
    if (next.chain?.rpcUrl !== this.record.chain?.rpcUrl) this.pausedUntil = 0;
    this.commit(next);
    this.pump();
  }

  earnings(frame: CoordinatorMessageOf<'earnings'>): void {
    const outcome = applyEarningsFrame(this.record, frame, this.nowIso());
    this.commit(outcome.record);
    if (outcome.badReceipts.length > 0) {
      this.deps.logger.warn('receipts from the network failed verification', { receipts: outcome.badReceipts.map((r) => ({ id: r.receipt.body.receiptId, check: r.check })) });
      this.deps.notify(badReceiptsNotice(outcome.badReceipts));
    }
    for (const entry of outcome.badPayouts) this.mismatch(entry);
    this.pump();
  }

  // ---- chain checks ------------------------------------------------------------------------------------

  /** Starts the next due lookup, or sets one timer for when the next one is due. */
  private pump(): void {
    if (this.stopped || this.checking) return;
    this.clearTimer();
    const chain = this.record.chain;
    const due = this.record.payouts.filter(needsChainCheck);
    if (!chain || due.length === 0) return;
    const now = this.deps.clock.now();
    if (now < this.pausedUntil) return this.wakeAt(this.pausedUntil);
    const next = due.find((entry) => (this.notBefore.get(entry.payout.batchId) ?? 0) <= now);
    if (next) void this.checkOne(next, chain);
    else this.wakeAt(Math.min(...due.map((entry) => this.notBefore.get(entry.payout.batchId) ?? now)));
  }

  private async checkOne(entry: StoredPayout, chain: PayoutChainInfo): Promise<void> {
    const { batchId, signature, recipient, transferAmount } = entry.payout;
    this.checking = true;
    let answer: PayoutChainAnswer;
    try {
      answer = await this.deps.checker.check(chain.rpcUrl, { signature: signature!, recipientOwner: recipient, mint: chain.mint, amount: BigInt(transferAmount) });
    } catch (error) {
      // The port promises never to throw; if one does anyway, treat it as an RPC that did not answer.
      answer = { ok: false, reason: 'unreachable', message: String(error) };
    } finally {
      this.checking = false;
    }
    this.applyAnswer(batchId, signature!, answer);
    if (!this.stopped) this.wakeAt(this.deps.clock.now() + CHECK_SPACING_MS);
  }

  private applyAnswer(batchId: string, signature: string, answer: PayoutChainAnswer): void {
    const now = this.deps.clock.now();
    const result = applyChainAnswer(this.record, batchId, signature, answer, this.nowIso());
    if (result.outcome === 'stale') return;
    this.commit(result.record);
    if (result.outcome === 'retry-unreachable') {
      const delay = backoffDelay(this.unreachableStreak++, this.deps.random(), UNREACHABLE_BACKOFF);
      this.pausedUntil = now + delay;
      this.deps.logger.warn('the payout chain did not answer; checking payouts again later', { rpcUrl: this.record.chain?.rpcUrl, retryInMs: delay, detail: answer.ok ? null : answer.message });
      return;
    }
    this.unreachableStreak = 0;
    if (result.outcome === 'retry-not-found') this.notBefore.set(batchId, now + backoffDelay(result.entry!.notFoundTries - 1, this.deps.random(), NOT_FOUND_BACKOFF));
    else this.notBefore.delete(batchId);
    if (result.outcome === 'mismatch') this.mismatch(result.entry!, answer.ok ? null : answer.message);
  }

  private mismatch(entry: StoredPayout, detail: string | null = null): void {
    this.deps.logger.warn('a payout does not match the chain', { batchId: entry.payout.batchId, signature: entry.payout.signature, chain: entry.chain, detail });
    this.deps.notify(badPayoutNotice(entry, this.record));
  }

  private wakeAt(atMs: number): void {
    this.clearTimer();
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, atMs - this.deps.clock.now()));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- state -------------------------------------------------------------------------------------------

  /** Keeps the new record, saves it, and tells listeners. A disk that refuses is said once per failure streak. */
  private commit(record: EarningsRecord): void {
    this.record = record;
    this.slice = earningsSlice(record);
    this.save();
    for (const listener of this.listeners) listener(this.slice);
  }

  private save(): void {
    try {
      this.deps.store.save(this.record);
      this.saveFailing = false;
    } catch (error) {
      this.deps.logger.error('saving the earnings record failed', { error: String(error) });
      if (!this.saveFailing) this.deps.notify(saveFailedNotice(error));
      this.saveFailing = true;
    }
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
