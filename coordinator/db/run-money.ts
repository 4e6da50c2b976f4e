/**
 * What a run earns, inside the store's transactions: metering (confirmed seconds released from the job's
 * escrow to the provider's pending balance), the signed receipt when the run ends (pending → payable), and the
 * refund of what is left of a job's budget when the job ends. The caller holds the job's row lock, so a job's
 * escrow never moves under two writers at once.
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { JobReceipt, ReceiptBody, ReceiptOutcome } from '../../protocol/receipts.js';
import { accounts, holdPosting, meterPosting, refundPosting, settlePosting } from '../domain/ledger.js';
import { confirmedSeconds, confirmedUntil, nextMeterStep, type RunClock } from '../domain/metering.js';
import { balanceOf, postToLedger, runPostingIds } from './ledger-queries.js';
import type { JobRow, Schema } from './schema.js';

type Trx = Transaction<Schema>;

/** Signs receipts with the coordinator's key (coordinator/receipt-key.ts). */
export interface ReceiptIssuer {
  coordinatorId: string;
  publicKey: string;
  sign(body: ReceiptBody): Promise<JobReceipt>;
}

export interface RunRow {
  job_id: string;
  attempt_no: number;
  provider_id: string;
  started_at: Date | null;
  frozen_since: Date | null;
  frozen_seconds: number;
  metered_seconds: number;
}

export interface MeterResult {
  /** Seconds newly credited. */
  seconds: number;
  /** The escrow cannot pay another second: the job should be stopped. */
  budgetSpent: boolean;
}

function runClock(run: RunRow): RunClock {
  return { startedAt: run.started_at, frozenSince: run.frozen_since, frozenSeconds: run.frozen_seconds, meteredSeconds: run.metered_seconds };
}

export async function holdBudget(trx: Trx, job: Pick<JobRow, 'job_id' | 'submitted_by' | 'budget'>, now: Date): Promise<void> {
  await postToLedger(trx, holdPosting(job.job_id, job.submitted_by, BigInt(job.budget)), now);
}

/**
 * Credits the run's confirmed seconds not yet credited. `lastSeenAt`: the provider's last sign of life, or
 * null when the caller just heard from it (its own status frame).
 */
export async function meterRun(trx: Trx, job: Pick<JobRow, 'job_id' | 'price_per_second'>, run: RunRow, now: Date, lastSeenAt: Date | null): Promise<MeterResult> {
  const clock = runClock(run);
  const confirmed = confirmedSeconds(clock, confirmedUntil(clock, now, lastSeenAt));
  const rate = BigInt(job.price_per_second);
  const step = nextMeterStep(clock, confirmed, rate, await balanceOf(trx, accounts.escrow(job.job_id)));
  if (step.seconds > 0) {
    await postToLedger(trx, meterPosting({ jobId: run.job_id, attemptNo: run.attempt_no, providerId: run.provider_id }, step.toSeconds, step.amount), now);
    await trx.updateTable('job_attempts').set({ metered_seconds: step.toSeconds }).where('job_id', '=', run.job_id).where('attempt_no', '=', run.attempt_no).execute();
    run.metered_seconds = step.toSeconds;
  }
  return { seconds: step.seconds, budgetSpent: step.budgetSpent };
}

/**
 * The run ended (its final metering done): moves what it earned to payable and stores the receipt the
 * coordinator signs for it. A run that never started earned nothing and gets no receipt.
 */
export async function issueReceipt(
  trx: Trx,
  issuer: ReceiptIssuer,
  job: Pick<JobRow, 'job_id' | 'price_per_second'>,
  run: RunRow,
  outcome: ReceiptOutcome,
  now: Date,
): Promise<JobReceipt | null> {
  if (!run.started_at) return null;
  const ids = { jobId: run.job_id, attemptNo: run.attempt_no, providerId: run.provider_id };
  const amount = BigInt(job.price_per_second) * BigInt(run.metered_seconds);
  await lockPayable(trx, run.provider_id);
  const settle = await postToLedger(trx, settlePosting(ids, amount), now);
  const receiptId = `rc_${randomBytes(12).toString('hex')}`;
  const receipt = await issuer.sign({
    receiptId,
    coordinatorId: issuer.coordinatorId,
    coordinatorPublicKey: issuer.publicKey,
    jobId: run.job_id,
    attempt: run.attempt_no,
    providerId: run.provider_id,
    outcome,
    startedAt: run.started_at.toISOString(),
    endedAt: now.toISOString(),
    seconds: run.metered_seconds,
    ratePerSecond: job.price_per_second,
    amount: amount.toString(),
    ledgerEntryIds: [...(await runPostingIds(trx, run.job_id, run.attempt_no, ['meter'])), settle.postingId],
    issuedAt: now.toISOString(),
  });
  await trx
    .insertInto('receipts')
    .values({ receipt_id: receiptId, job_id: run.job_id, attempt_no: run.attempt_no, provider_id: run.provider_id, seconds: run.metered_seconds, amount: amount.toString(), receipt: JSON.stringify(receipt), issued_at: now })
    .execute();
  await trx.updateTable('job_attempts').set({ receipt_id: receiptId }).where('job_id', '=', run.job_id).where('attempt_no', '=', run.attempt_no).execute();
  return receipt;
}

/**
 * Takes the provider's payable balance row before the settle posting gets its id. A payout intent holds the
 * same row while it reserves the balance (payout-store.ts), so a receipt's settle posting id is below the
 * reserve posting id of the batch that takes it and above that of every batch reserved before it: the order
 * the app relies on to place receipts in payouts (protocol/payout-receipts.ts). Without this, a settle could
 * take its id, wait for the intent's lock, and commit after it with a smaller id. No row yet: no batch can
 * reserve from it either.
 */
async function lockPayable(trx: Trx, providerId: string): Promise<void> {
  await trx.selectFrom('ledger_balances').select('account').where('account', '=', accounts.payable(providerId)).forUpdate().execute();
}

/** The job reached its end: what is left in its escrow goes back to whoever funded it. */
export async function refundRemainder(trx: Trx, job: Pick<JobRow, 'job_id' | 'submitted_by'>, now: Date): Promise<void> {
  const remaining = await balanceOf(trx, accounts.escrow(job.job_id));
  if (remaining > 0n) await postToLedger(trx, refundPosting(job.job_id, job.submitted_by, remaining), now);
}
