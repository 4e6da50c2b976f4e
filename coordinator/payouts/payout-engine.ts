/**
 * Settles payable balances on Solana, exactly once. Each cycle (one instance at a time, under a lease):
 *
 *   1. every batch not yet paid or failed is resumed first: each signature it was ever signed under is looked
 *      up on chain; one that landed is booked; a live one is re-broadcast (same bytes, same signature); only
 *      when every one of them has expired (its blockhash too old to ever land) is the batch signed again;
 *   2. new payouts: balances at or above the threshold, one transfer per wallet, as many per transaction as
 *      fit; for each transaction: intent written (balances reserved) → signed, signature stored → broadcast →
 *      confirmation polled → booked as paid.
 *
 * A coordinator killed between any two steps resumes at step 1, so a transfer is never sent twice and never
 * lost. `checkpoint` names each step for the crash tests (see coordinator/README.md).
 */
import type { PayoutChain, PayoutTransfer, SignedPayout } from '../chain/payout-chain.js';
import type { KyselyPayoutStore, PayoutBatchRecord } from '../db/payout-store.js';
import { batchTransfers, signatureVerdict, transfersByRecipient, withinTransferLimit, type PlannedTransfer } from '../domain/payout-plan.js';
import type { Cancel, Timers } from '../server/timers.js';

export type PayoutCheckpoint = 'intent' | 'signed' | 'sent' | 'confirmed' | 'paid';

export interface PayoutOptions {
  /** Payable balances at or above this are paid (base units; 0: every balance). */
  threshold: bigint;
  intervalMs: number;
  /** How often a sent transaction's status is polled. */
  pollMs: number;
  /** How long one cycle waits for a confirmation before leaving the batch to the next cycle. */
  confirmWaitMs: number;
  /** Most providers paid per cycle. */
  maxProvidersPerCycle: number;
  /** How long the payout lease lasts without renewal (renewed at every step and poll). */
  leaseMs: number;
  /** True when no other instance can share the database (embedded PGlite): a dead process's lease is taken over. */
  exclusiveDatabase: boolean;
}

export const DEFAULT_PAYOUT_OPTIONS: PayoutOptions = { threshold: 0n, intervalMs: 300_000, pollMs: 1_000, confirmWaitMs: 90_000, maxProvidersPerCycle: 1_000, leaseMs: 30_000, exclusiveDatabase: false };

/** The lease was lost (this instance stalled past it): another instance carries on; this one stops here. */
class LeaseLostError extends Error {}

export type PayoutStorePort = Pick<
  KyselyPayoutStore,
  'acquireLease' | 'releaseLease' | 'payableBalances' | 'createIntent' | 'recordSignature' | 'markSent' | 'markConfirmed' | 'markPaid' | 'markFailed' | 'unsettledBatches'
>;

export interface PayoutEngineDeps {
  store: PayoutStorePort;
  chain: PayoutChain;
  clock: () => Date;
  timers: Timers;
  newId: (prefix: string) => string;
  instanceId: string;
  options: PayoutOptions;
  log: (message: string, error?: unknown) => void;
  /** Providers whose money moved (intent, paid, failed): their earnings are pushed to them. */
  onMoneyMoved?: (providerIds: string[]) => void;
  /** Fault injection for the crash tests; a no-op in normal runs. */
  checkpoint?: (step: PayoutCheckpoint, batchId: string) => void;
}

const LEASE = 'payouts';

export class PayoutEngine {
  private cycleRunning: Promise<void> | null = null;
  private handle: Cancel | null = null;
  private stopped = false;
  private lastCycleAt: Date | null = null;
  private treasuryWarned = false;

  constructor(private readonly deps: PayoutEngineDeps) {}

  start(): void {
    this.handle = this.deps.timers.every(this.deps.options.intervalMs, () => void this.runCycle());
    // Resume unfinished batches right after a restart.
    void this.runCycle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.handle?.cancel();
    await this.cycleRunning;
    await this.deps.store.releaseLease(LEASE, this.deps.instanceId).catch(() => undefined);
  }

  /** When the next cycle is due (shown to providers). */
  nextPayoutAt(): Date | null {
    if (this.stopped) return null;
    const base = this.lastCycleAt ?? this.deps.clock();
    return new Date(base.getTime() + this.deps.options.intervalMs);
  }

  /** One cycle now (cycles never overlap); resolves when it ends. */
  runCycle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.cycleRunning ??= this.cycle()
      .catch((error: unknown) => this.deps.log('payout cycle failed', error))
      .finally(() => {
        this.cycleRunning = null;
      });
    return this.cycleRunning;
  }

  private async cycle(): Promise<void> {
    const { store, options, instanceId, clock } = this.deps;
    this.lastCycleAt = clock();
    if (!(await store.acquireLease(LEASE, instanceId, clock(), options.leaseMs, options.exclusiveDatabase))) return;
    try {
      for (const batch of await store.unsettledBatches()) {
        if (this.stopped) return;
        await this.resume(batch);
      }
      if (!this.stopped) await this.payNew();
    } catch (error) {
      if (error instanceof LeaseLostError) return this.deps.log('payouts: another instance took the payout lease; it carries on');
      throw error;
    }
  }

  /** Renewed before every step that talks to the chain; throws when another instance holds it now. */
  private async renewLease(): Promise<void> {
    const { store, instanceId, clock, options } = this.deps;
    if (!(await store.acquireLease(LEASE, instanceId, clock(), options.leaseMs))) throw new LeaseLostError();
  }

  private async payNew(): Promise<void> {
    const { store, chain, options, clock, newId } = this.deps;
    const balances = await store.payableBalances(options.threshold, options.maxProvidersPerCycle);
    let transfers = await this.affordable(withinTransferLimit(transfersByRecipient(balances)));
    while (transfers.length > 0 && !this.stopped) {
      const count = Math.max(1, Math.min(transfers.length, await chain.fit(transfers.map(toChainTransfer))));
      const chunk = transfers.slice(0, count);
      transfers = transfers.slice(count);
      const wanted = chunk.flatMap((transfer) => transfer.providerIds.map((providerId) => ({ providerId, recipient: transfer.recipientOwner })));
      const batch = await store.createIntent(newId('po'), chain.mint, wanted, options.threshold, clock());
      if (!batch) continue;
      this.moved(batch);
      this.checkpoint('intent', batch.batchId);
      await this.signAndSend(batch);
    }
  }

  /** The transfers the treasury can cover now, in order; the rest wait (and the operator is told once). */
  private async affordable(transfers: PlannedTransfer[]): Promise<PlannedTransfer[]> {
    if (transfers.length === 0) return transfers;
    let left = await this.deps.chain.treasuryBalance();
    const covered: PlannedTransfer[] = [];
    for (const transfer of transfers) {
      if (transfer.amount > left) continue;
      left -= transfer.amount;
      covered.push(transfer);
    }
    if (covered.length < transfers.length && !this.treasuryWarned) {
      this.treasuryWarned = true;
      this.deps.log(`the treasury ${this.deps.chain.treasury} holds too few tokens for ${transfers.length - covered.length} payout(s); they wait until it is topped up`);
    }
    if (covered.length === transfers.length) this.treasuryWarned = false;
    return covered;
  }

  /** Brings a batch left unfinished (by a crash, an expired blockhash or a slow cluster) to its end. */
  private async resume(batch: PayoutBatchRecord): Promise<void> {
    if (batch.state === 'confirmed') return this.book(batch);
    if (batch.signatures.length === 0) return this.signAndSend(batch);
    const { chain } = this.deps;
    const statuses = await chain.statuses(batch.signatures.map((s) => s.signature));
    const height = await chain.blockHeight();
    const verdicts = batch.signatures.map((signed, i) => ({ signed, status: statuses[i] ?? { state: 'unknown' as const }, verdict: signatureVerdict(statuses[i] ?? { state: 'unknown' }, height, signed.lastValidBlockHeight) }));
    const landed = verdicts.find((v) => v.verdict === 'landed');
    if (landed && 'slot' in landed.status) return this.confirmed(batch, landed.signed.signature, landed.status.slot);
    const live = verdicts.filter((v) => v.verdict === 'pending');
    if (live.length > 0) {
      const latest = live[live.length - 1]!.signed;
      return this.send(batch, latest);
    }
    const failed = verdicts.find((v) => v.verdict === 'failed');
    // Every signature is dead. One that failed on chain moved nothing: the amounts are payable again.
    if (failed && 'error' in failed.status) return void (await this.fail(batch, `the payout transaction failed on chain: ${failed.status.error ?? 'unknown error'}`));
    await this.signAndSend(batch);
  }

  private async signAndSend(batch: PayoutBatchRecord): Promise<void> {
    await this.renewLease();
    const previous = batch.signatures.at(-1)?.signature ?? null;
    const signed = await this.deps.chain.sign(batch.batchId, batchTransfers(batch.items).map(toChainTransfer));
    // Never broadcast a transaction whose signature is not on record first, nor one another instance raced.
    if (!(await this.deps.store.recordSignature(batch.batchId, previous, signed, this.deps.clock()))) return this.deps.log(`payout ${batch.batchId}: signed elsewhere meanwhile; leaving it to that signature`);
    this.checkpoint('signed', batch.batchId);
    await this.send(batch, signed);
  }

  private async send(batch: PayoutBatchRecord, signed: SignedPayout): Promise<void> {
    const { chain, store, clock, log } = this.deps;
    await this.renewLease();
    try {
      await chain.broadcast(signed.wireBase64);
    } catch (error) {
      // It may have reached the cluster anyway; only its status on chain decides what happened.
      log(`payout ${batch.batchId}: broadcast failed (its status on chain decides what happens next)`, error);
    }
    await store.markSent(batch.batchId, signed.signature, clock());
    this.checkpoint('sent', batch.batchId);
    await this.awaitConfirmation(batch, signed);
  }

  private async awaitConfirmation(batch: PayoutBatchRecord, signed: SignedPayout): Promise<void> {
    const { chain, options, clock } = this.deps;
    const until = clock().getTime() + options.confirmWaitMs;
    for (let poll = 1; !this.stopped && clock().getTime() <= until; poll += 1) {
      const [status] = await chain.statuses([signed.signature]);
      const verdict = signatureVerdict(status ?? { state: 'unknown' }, await chain.blockHeight(), signed.lastValidBlockHeight);
      if (verdict === 'landed' && status && 'slot' in status) return this.confirmed(batch, signed.signature, status.slot);
      if (verdict === 'failed' && status && 'error' in status) return void (await this.fail(batch, `the payout transaction failed on chain: ${status.error ?? 'unknown error'}`));
      // Expired: the next cycle finds every signature dead and signs again.
      if (verdict === 'expired') return;
      // Sent with no retries by the cluster: re-broadcast now and then, as wallets do.
      if (poll % 5 === 0) await chain.broadcast(signed.wireBase64).catch(() => undefined);
      await this.renewLease();
      await sleep(options.pollMs);
    }
  }

  private async confirmed(batch: PayoutBatchRecord, signature: string, slot: bigint): Promise<void> {
    await this.renewLease();
    await this.deps.store.markConfirmed(batch.batchId, signature, slot, this.deps.clock());
    this.checkpoint('confirmed', batch.batchId);
    await this.book(batch);
  }

  private async book(batch: PayoutBatchRecord): Promise<void> {
    const items = await this.deps.store.markPaid(batch.batchId, this.deps.clock());
    this.checkpoint('paid', batch.batchId);
    this.moved({ ...batch, items: items.length > 0 ? items : batch.items });
  }

  private async fail(batch: PayoutBatchRecord, reason: string): Promise<void> {
    this.deps.log(`payout ${batch.batchId}: ${reason}; the amounts are payable again`);
    await this.deps.store.markFailed(batch.batchId, reason, this.deps.clock());
    this.moved(batch);
  }

  private moved(batch: Pick<PayoutBatchRecord, 'items'>): void {
    this.deps.onMoneyMoved?.([...new Set(batch.items.map((item) => item.providerId))]);
  }

  private checkpoint(step: PayoutCheckpoint, batchId: string): void {
    this.deps.checkpoint?.(step, batchId);
  }
}

function toChainTransfer(transfer: { recipientOwner: string; amount: bigint }): PayoutTransfer {
  return { recipientOwner: transfer.recipientOwner, amount: transfer.amount };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
