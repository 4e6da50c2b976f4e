/**
 * Which payout paid which receipt, from what a provider receives in `earnings` frames alone. Pure.
 *
 * A payout intent reserves a provider's whole payable balance at once, and every receipt adds its amount to
 * that balance in its settle posting. The coordinator orders the two under one lock (coordinator/db/run-money.ts,
 * payout-store.ts), so ledger posting ids tell the story: a receipt is paid by the earliest payout of its
 * provider that did not fail and whose reserve posting came after the receipt's settle posting. A failed payout
 * returned its amount to payable, so its receipts belong to the next one. The coordinator stores the same
 * answer (`receipts.payout_batch_id`) and its tests check that both agree.
 */
import type { ProviderPayout } from './network.js';
import type { JobReceipt } from './receipts.js';

/** What the rule needs of a payout. */
export type PayoutPosition = Pick<ProviderPayout, 'batchId' | 'state' | 'reservePostingId'>;

const POSTING_ID = /^[0-9]{1,20}$/;

function postingId(value: string, what: string): bigint {
  if (!POSTING_ID.test(value)) throw new Error(`${what} must be a ledger posting id (decimal digits), not ${JSON.stringify(value)}`);
  return BigInt(value);
}

/** The receipt's settle posting: the largest of its ledgerEntryIds (the coordinator lists it last). */
export function settlePostingIdOf(receipt: Pick<JobReceipt, 'body'>): string {
  const { receiptId, ledgerEntryIds } = receipt.body;
  if (ledgerEntryIds.length === 0) throw new Error(`receipt ${receiptId} names no ledger postings`);
  const ids = ledgerEntryIds.map((id) => postingId(id, `a ledger entry id of receipt ${receiptId}`));
  return ids.reduce((largest, id) => (id > largest ? id : largest)).toString();
}

/**
 * The batch id of the payout that pays a receipt with this settle posting id, or null when none does yet (the
 * amount is still payable). Payouts without a reservePostingId (from coordinators that did not send it) cannot
 * be placed and are skipped, so an answer is only as complete as the payouts given: all of the provider's
 * payouts since the receipt.
 */
export function payoutForReceipt(receiptSettlePostingId: string, payouts: readonly PayoutPosition[]): string | null {
  const settle = postingId(receiptSettlePostingId, 'the receipt settle posting id');
  let best: { batchId: string; reserve: bigint } | null = null;
  for (const payout of payouts) {
    if (payout.state === 'failed' || payout.reservePostingId === undefined) continue;
    const reserve = postingId(payout.reservePostingId, `reservePostingId of payout ${payout.batchId}`);
    if (reserve > settle && (best === null || reserve < best.reserve)) best = { batchId: payout.batchId, reserve };
  }
  return best?.batchId ?? null;
}

/** payoutForReceipt for each of one provider's receipts, given that provider's payouts: receipt id → batch id or null. */
export function payoutsForReceipts(receipts: readonly Pick<JobReceipt, 'body'>[], payouts: readonly PayoutPosition[]): Map<string, string | null> {
  return new Map(receipts.map((receipt) => [receipt.body.receiptId, payoutForReceipt(settlePostingIdOf(receipt), payouts)]));
}
