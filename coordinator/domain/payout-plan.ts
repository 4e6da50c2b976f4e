/**
 * Which transfers a payout makes, as pure data. Several providers (PCs) may share one wallet: their items
 * become one transfer to that wallet. Transfers are ordered by recipient so a batch re-signed after its
 * blockhash expired carries exactly the same transfers as before.
 */

export interface PlannedItem {
  providerId: string;
  recipient: string;
  amount: bigint;
}

export interface PlannedTransfer {
  recipientOwner: string;
  amount: bigint;
  providerIds: string[];
}

/** One transfer per recipient, recipients in first-seen order (callers pass largest balances first). */
export function transfersByRecipient(items: readonly PlannedItem[]): PlannedTransfer[] {
  const byRecipient = new Map<string, PlannedTransfer>();
  for (const item of items) {
    const transfer = byRecipient.get(item.recipient) ?? { recipientOwner: item.recipient, amount: 0n, providerIds: [] };
    transfer.amount += item.amount;
    transfer.providerIds.push(item.providerId);
    byRecipient.set(item.recipient, transfer);
  }
  return [...byRecipient.values()];
}

/** A batch's transfers in the canonical (signing) order: by recipient address. */
export function batchTransfers(items: readonly PlannedItem[]): PlannedTransfer[] {
  return transfersByRecipient(items).sort((a, b) => (a.recipientOwner < b.recipientOwner ? -1 : a.recipientOwner > b.recipientOwner ? 1 : 0));
}

/** The largest amount one SPL transfer can carry (u64). */
export const MAX_TRANSFER_AMOUNT = 2n ** 64n - 1n;

/** Items whose transfer would not fit in a u64 are left for later rounds (never split silently). */
export function withinTransferLimit(transfers: readonly PlannedTransfer[]): PlannedTransfer[] {
  return transfers.filter((transfer) => transfer.amount <= MAX_TRANSFER_AMOUNT);
}

/** What a signature's status means for a batch still waiting on it. */
export type SignatureVerdict = 'landed' | 'failed' | 'pending' | 'expired';

export function signatureVerdict(status: { state: 'unknown' | 'processed' | 'confirmed' | 'finalized'; error?: string | null }, blockHeight: bigint, lastValidBlockHeight: bigint): SignatureVerdict {
  if (status.state === 'confirmed' || status.state === 'finalized') return status.error ? 'failed' : 'landed';
  if (status.state === 'processed') return 'pending';
  // Not seen: it may still land until its blockhash expires; after that it never can.
  return blockHeight > lastValidBlockHeight ? 'expired' : 'pending';
}
