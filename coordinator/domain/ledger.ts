/**
 * The double-entry ledger's postings, as pure data. Every movement of money is one posting: an idempotency
 * key (the same key is never posted twice) and entries whose amounts sum to zero. Accounts are named strings:
 *
 *   funding:<submitter>          where a job's budget comes from (goes negative: money brought in)
 *   escrow:<jobId>               a job's budget, held from submission on
 *   provider:<id>:pending        earned in a run still going on (released per second from escrow)
 *   provider:<id>:payable        receipted, waiting for a payout
 *   provider:<id>:in-flight      in a payout transaction not yet confirmed
 *   provider:<id>:paid           confirmed on chain (all time)
 *
 * Amounts are bigint base units. Nothing here reads a clock or a database.
 */

export type PostingKind = 'hold' | 'meter' | 'settle' | 'refund' | 'payout-reserve' | 'payout-paid' | 'payout-reverse';

export interface LedgerEntry {
  account: string;
  /** Signed base units: what this posting adds to the account's balance. */
  amount: bigint;
}

export interface Posting {
  /** Unique across the ledger: posting it again changes nothing. */
  idempotencyKey: string;
  kind: PostingKind;
  entries: LedgerEntry[];
  jobId: string | null;
  attemptNo: number | null;
  providerId: string | null;
  batchId: string | null;
}

export const accounts = {
  funding: (submitter: string) => `funding:${submitter}`,
  escrow: (jobId: string) => `escrow:${jobId}`,
  pending: (providerId: string) => `provider:${providerId}:pending`,
  payable: (providerId: string) => `provider:${providerId}:payable`,
  inFlight: (providerId: string) => `provider:${providerId}:in-flight`,
  paid: (providerId: string) => `provider:${providerId}:paid`,
};

export class LedgerError extends Error {}

/** Sum of a posting's entries: zero for every valid posting. */
export function postingSum(entries: readonly LedgerEntry[]): bigint {
  return entries.reduce((sum, entry) => sum + entry.amount, 0n);
}

/** Two entries moving `amount` from one account to another; refuses negative amounts and unbalanced results. */
function transfer(from: string, to: string, amount: bigint): LedgerEntry[] {
  if (amount < 0n) throw new LedgerError(`a posting cannot move a negative amount (${amount})`);
  const entries = [
    { account: from, amount: -amount },
    { account: to, amount },
  ];
  if (postingSum(entries) !== 0n) throw new LedgerError('unbalanced posting');
  return entries;
}

const none = { jobId: null, attemptNo: null, providerId: null, batchId: null };

/** A job's whole budget is held in its escrow when it is submitted. */
export function holdPosting(jobId: string, submitter: string, budget: bigint): Posting {
  return { ...none, idempotencyKey: `job:${jobId}:hold`, kind: 'hold', jobId, entries: transfer(accounts.funding(submitter), accounts.escrow(jobId), budget) };
}

/**
 * Seconds `fromSeconds`…`toSeconds` of a run, released from escrow to the provider's pending balance. The key
 * names the range's end, so a repeated metering pass over the same seconds posts nothing.
 */
export function meterPosting(run: { jobId: string; attemptNo: number; providerId: string }, toSeconds: number, amount: bigint): Posting {
  return {
    ...none,
    idempotencyKey: `run:${run.jobId}:${run.attemptNo}:meter:${toSeconds}`,
    kind: 'meter',
    jobId: run.jobId,
    attemptNo: run.attemptNo,
    providerId: run.providerId,
    entries: transfer(accounts.escrow(run.jobId), accounts.pending(run.providerId), amount),
  };
}

/** A run ended and its receipt was issued: what it earned moves from pending to payable. */
export function settlePosting(run: { jobId: string; attemptNo: number; providerId: string }, amount: bigint): Posting {
  return {
    ...none,
    idempotencyKey: `run:${run.jobId}:${run.attemptNo}:settle`,
    kind: 'settle',
    jobId: run.jobId,
    attemptNo: run.attemptNo,
    providerId: run.providerId,
    entries: transfer(accounts.pending(run.providerId), accounts.payable(run.providerId), amount),
  };
}

/** A job reached its end (finished, failed, cancelled): what is left of its budget goes back. */
export function refundPosting(jobId: string, submitter: string, remaining: bigint): Posting {
  return { ...none, idempotencyKey: `job:${jobId}:refund`, kind: 'refund', jobId, entries: transfer(accounts.escrow(jobId), accounts.funding(submitter), remaining) };
}

/** The reserve posting's key: the payouts a provider is shown name that posting's id (protocol/payout-receipts.ts). */
export function payoutReserveKey(batchId: string, providerId: string): string {
  return `payout:${batchId}:${providerId}:reserve`;
}

/** A payout intent takes the provider's payable balance into flight. */
export function payoutReservePosting(batchId: string, providerId: string, amount: bigint): Posting {
  return { ...none, idempotencyKey: payoutReserveKey(batchId, providerId), kind: 'payout-reserve', providerId, batchId, entries: transfer(accounts.payable(providerId), accounts.inFlight(providerId), amount) };
}

/** The payout's transaction is confirmed on chain. */
export function payoutPaidPosting(batchId: string, providerId: string, amount: bigint): Posting {
  return { ...none, idempotencyKey: `payout:${batchId}:${providerId}:paid`, kind: 'payout-paid', providerId, batchId, entries: transfer(accounts.inFlight(providerId), accounts.paid(providerId), amount) };
}

/** The payout's transaction failed on chain or can never land: the amount is payable again. */
export function payoutReversePosting(batchId: string, providerId: string, amount: bigint): Posting {
  return { ...none, idempotencyKey: `payout:${batchId}:${providerId}:reverse`, kind: 'payout-reverse', providerId, batchId, entries: transfer(accounts.inFlight(providerId), accounts.payable(providerId), amount) };
}
