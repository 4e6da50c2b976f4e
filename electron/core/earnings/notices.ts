/** The owner-facing warnings of the earnings book, in plain words, each saying what to do next. Pure. */
import { formatTokenAmount, payoutChainWords, receiptCheckWords, shortSignature } from '../../../protocol/network-format.js';
import type { Notice } from '../../../protocol/state.js';
import type { EarningsRecord, StoredPayout, StoredReceipt } from './ports.js';

export const NOTICE_IDS = {
  badReceipts: 'earnings-receipts-unverified',
  badPayouts: 'earnings-payouts-mismatch',
  damagedFile: 'earnings-file-damaged',
  saveFailed: 'earnings-save-failed',
} as const;

export function badReceiptsNotice(bad: StoredReceipt[]): Notice {
  const [first] = bad;
  const example = `job ${first!.receipt.body.jobId}: ${receiptCheckWords(first!.check).explain}`;
  return {
    id: NOTICE_IDS.badReceipts,
    level: 'warning',
    title: bad.length === 1 ? 'A receipt from the network does not check out' : `${bad.length} receipts from the network do not check out`,
    message: `${bad.length === 1 ? 'The receipt for' : 'For example,'} ${example} ${bad.length === 1 ? 'It is' : 'They are'} kept, marked, on the Earnings page.`,
    nextStep: 'Send the receipt ids (Earnings page, or "offhours earnings --json") to the network operator. If this network keeps sending receipts that fail, choose another in Settings → Network.',
  };
}

/** One notice for all payouts that do not match (it is replaced, not repeated): the latest, and how many in all. */
export function badPayoutNotice(entry: StoredPayout, record: EarningsRecord): Notice {
  const { payout } = entry;
  const cluster = record.chain?.cluster ?? 'Solana';
  const where = payout.signature ? `in transaction ${shortSignature(payout.signature)}` : 'without naming a transaction';
  const count = record.payouts.filter((p) => payoutChainWords(p.chain, p.payout.state).tone === 'bad').length;
  return {
    id: NOTICE_IDS.badPayouts,
    level: 'warning',
    title: count > 1 ? `${count} payouts do not match the blockchain` : 'A payout does not match the blockchain',
    message: `The network says it paid ${formatTokenAmount(payout.transferAmount, record.token)} to ${payout.recipient} ${where}, but on ${cluster}: ${payoutChainWords(entry.chain, payout.state).explain} It is kept, marked, on the Earnings page.`,
    nextStep: 'Look the transaction up in a Solana explorer to see for yourself, then send its signature to the network operator.',
  };
}

export function damagedFileNotice(setAsideAs: string | null): Notice {
  return {
    id: NOTICE_IDS.damagedFile,
    level: 'warning',
    title: 'Your saved earnings record was damaged',
    message: setAsideAs
      ? `Offhours could not read its earnings record and moved it to ${setAsideAs}. It starts a new one; nothing else is affected.`
      : 'Offhours could not read its earnings record, nor move it aside. It keeps a new one in memory; nothing else is affected.',
    nextStep: 'Nothing to do: the network re-sends your latest receipts and payouts when it next connects. Keep the damaged file if you want to compare older ones.',
  };
}

export function saveFailedNotice(error: unknown): Notice {
  return {
    id: NOTICE_IDS.saveFailed,
    level: 'warning',
    title: 'Earnings could not be saved',
    message: `Offhours could not write its earnings record: ${error instanceof Error ? error.message : String(error)}. What you see stays correct until Offhours restarts.`,
    nextStep: 'Free some disk space or fix the data folder’s permissions; Offhours saves again the next time your earnings change.',
  };
}
