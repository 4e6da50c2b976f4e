/**
 * The earnings book's decisions, pure: merging what the network reports into what we keep, what the app's own
 * checks made of each receipt and payout, and which payouts still need a look on chain. Time comes in as ISO text.
 */
import { MAX_EARNINGS_ITEMS, type CoordinatorMessageOf, type NetworkInfo, type ProviderPayout } from '../../../protocol/network.js';
import { explorerTxUrlFor } from '../../../protocol/network-format.js';
import { verifyReceipt, type JobReceipt } from '../../../protocol/receipts.js';
import { countsInTotals, dailyEarnings, localDayKey } from '../../../protocol/earnings-stats.js';
import { csvFilename, earningsCsv, type EarningsCsv } from '../../../protocol/earnings-csv.js';
import { payoutForReceipt, settlePostingIdOf } from '../../../protocol/payout-receipts.js';
import type { EarningsSlice, PayoutChainState, ReceiptCheckState } from '../../../protocol/state.js';
import type { EarningsRecord, PayoutChainAnswer, StoredPayout, StoredReceipt } from './ports.js';

/** Most receipts and payouts kept on disk (each); the oldest go first. ~1 MB at most. */
export const MAX_STORED_ITEMS = 1000;
/** A paid payout whose transaction is not found this many times in a row is reported missing (RPC nodes lag). */
export const NOT_FOUND_TRIES = 3;

/** Answers after which a payout is never looked up again. */
const SETTLED: ReadonlySet<PayoutChainState> = new Set(['verified', 'not-found', 'failed', 'wrong-amount', 'wrong-recipient', 'wrong-mint']);

export function emptyEarningsRecord(): EarningsRecord {
  return { summary: null, receipts: [], payouts: [], chain: null, coordinatorPublicKey: null, token: null, updatedAt: null, sharedWallet: null };
}

/** The network as it introduced itself: where it pays, which key signs its receipts, its token. */
export function withNetwork(record: EarningsRecord, network: NetworkInfo): EarningsRecord {
  return {
    ...record,
    chain: network.payouts ?? null,
    coordinatorPublicKey: network.coordinatorPublicKey ?? null,
    token: { symbol: network.tokenSymbol, decimals: network.tokenDecimals },
  };
}

export function checkReceipt(receipt: JobReceipt, publicKey: string | null): ReceiptCheckState {
  if (!publicKey) return 'no-key';
  const result = verifyReceipt(receipt, publicKey);
  return result.ok ? 'verified' : result.reason;
}

/**
 * Receipts by id. A verified receipt on record is never replaced: what the network signed stays as signed. Any
 * other is replaced by the incoming copy and checked again (the key may be known now). Returns the receipts that
 * newly failed, for one warning.
 */
export function mergeReceipts(stored: StoredReceipt[], incoming: JobReceipt[], publicKey: string | null): { receipts: StoredReceipt[]; newlyBad: StoredReceipt[] } {
  const byId = new Map(stored.map((entry) => [entry.receipt.body.receiptId, entry]));
  const newlyBad: StoredReceipt[] = [];
  for (const receipt of incoming) {
    const id = receipt.body.receiptId;
    const before = byId.get(id);
    if (before?.check === 'verified') continue;
    const entry = { receipt, check: checkReceipt(receipt, publicKey) };
    if (entry.check !== 'verified' && before?.check !== entry.check) newlyBad.push(entry);
    byId.set(id, entry);
  }
  const receipts = [...byId.values()].sort((a, b) => newestFirst(a.receipt.body.issuedAt, b.receipt.body.issuedAt) || b.receipt.body.receiptId.localeCompare(a.receipt.body.receiptId));
  return { receipts: receipts.slice(0, MAX_STORED_ITEMS), newlyBad };
}

/** Where a payout starts: looked up once the network says it is paid; "paid" without a transaction is itself missing. */
export function initialChainState(payout: ProviderPayout): PayoutChainState {
  if (payout.state !== 'paid') return 'not-paid';
  return payout.signature ? 'checking' : 'not-found';
}

/** What the chain check covers: when any of it changes, the old answer no longer applies. */
function checkedFacts(payout: ProviderPayout): string {
  return JSON.stringify([payout.state, payout.signature, payout.recipient, payout.transferAmount, payout.mint]);
}

/**
 * Payouts by batch id. A paid payout already settled on chain keeps its record (a later different story from the
 * network does not erase what the chain said); otherwise the incoming copy replaces it, keeping its check when
 * the checked facts are the same. Returns the payouts that are wrong on arrival (paid, no transaction).
 */
export function mergePayouts(stored: StoredPayout[], incoming: ProviderPayout[]): { payouts: StoredPayout[]; newlyBad: StoredPayout[] } {
  const byId = new Map(stored.map((entry) => [entry.payout.batchId, entry]));
  const newlyBad: StoredPayout[] = [];
  for (const payout of incoming) {
    const before = byId.get(payout.batchId);
    if (before && before.payout.state === 'paid' && SETTLED.has(before.chain)) {
      // What the chain said stands; only the ledger position (which receipts it paid) may arrive later, from a newer coordinator.
      if (before.payout.reservePostingId === undefined && payout.reservePostingId !== undefined) byId.set(payout.batchId, { ...before, payout: { ...before.payout, reservePostingId: payout.reservePostingId } });
      continue;
    }
    if (before && checkedFacts(before.payout) === checkedFacts(payout)) {
      byId.set(payout.batchId, { ...before, payout });
      continue;
    }
    const entry: StoredPayout = { payout, chain: initialChainState(payout), notFoundTries: 0 };
    if (entry.chain === 'not-found') newlyBad.push(entry);
    byId.set(payout.batchId, entry);
  }
  const payouts = [...byId.values()].sort((a, b) => newestFirst(a.payout.createdAt, b.payout.createdAt) || b.payout.batchId.localeCompare(a.payout.batchId));
  return { payouts: payouts.slice(0, MAX_STORED_ITEMS), newlyBad };
}

export interface FrameOutcome {
  record: EarningsRecord;
  badReceipts: StoredReceipt[];
  badPayouts: StoredPayout[];
}

/** An `earnings` frame merged into the record, each new receipt checked against the network's announced key. */
export function applyEarningsFrame(record: EarningsRecord, frame: CoordinatorMessageOf<'earnings'>, nowIso: string): FrameOutcome {
  const receipts = mergeReceipts(record.receipts, frame.receipts, record.coordinatorPublicKey);
  const payouts = mergePayouts(record.payouts, frame.payouts);
  return {
    // A coordinator that does not send the shared-wallet view keeps the last one; null from one that does means no wallet.
    record: { ...record, summary: frame.summary, receipts: receipts.receipts, payouts: payouts.payouts, updatedAt: nowIso, sharedWallet: frame.wallet === undefined ? record.sharedWallet : frame.wallet },
    badReceipts: receipts.newlyBad,
    badPayouts: payouts.newlyBad,
  };
}

/** A payout the network says is paid, with a transaction, not yet settled by a chain answer. */
export function needsChainCheck(entry: StoredPayout): boolean {
  return entry.payout.state === 'paid' && entry.payout.signature !== null && (entry.chain === 'checking' || entry.chain === 'unreachable');
}

export type ChainOutcome = 'verified' | 'retry-unreachable' | 'retry-not-found' | 'mismatch' | 'stale';

/**
 * The chain's answer for the payout checked under `signature`. 'stale' when that payout changed meanwhile (the
 * answer is dropped and it is checked again); a "not found" counts up to NOT_FOUND_TRIES before it is final.
 */
export function applyChainAnswer(record: EarningsRecord, batchId: string, signature: string, answer: PayoutChainAnswer, nowIso: string): { record: EarningsRecord; outcome: ChainOutcome; entry: StoredPayout | null } {
  const index = record.payouts.findIndex((entry) => entry.payout.batchId === batchId);
  const before = record.payouts[index];
  if (!before || before.payout.signature !== signature || !needsChainCheck(before)) return { record, outcome: 'stale', entry: null };
  const [entry, outcome] = answeredEntry(before, answer);
  const payouts = record.payouts.slice();
  payouts[index] = entry;
  return { record: { ...record, payouts, updatedAt: nowIso }, outcome, entry };
}

function answeredEntry(before: StoredPayout, answer: PayoutChainAnswer): [StoredPayout, ChainOutcome] {
  if (answer.ok) return [{ ...before, chain: 'verified', notFoundTries: 0 }, 'verified'];
  if (answer.reason === 'unreachable') return [{ ...before, chain: 'unreachable' }, 'retry-unreachable'];
  if (answer.reason === 'not-found') {
    const tries = before.notFoundTries + 1;
    return tries < NOT_FOUND_TRIES ? [{ ...before, chain: 'checking', notFoundTries: tries }, 'retry-not-found'] : [{ ...before, chain: 'not-found', notFoundTries: tries }, 'mismatch'];
  }
  return [{ ...before, chain: answer.reason }, 'mismatch'];
}

/** What ProviderState carries: the newest MAX_EARNINGS_ITEMS of each, the daily series of all, and where to look a payout up. */
export function earningsSlice(record: EarningsRecord, dayOf: (epochMs: number) => string = localDayKey): EarningsSlice {
  const chain = record.chain;
  return {
    summary: record.summary,
    receipts: record.receipts.slice(0, MAX_EARNINGS_ITEMS).map(({ receipt, check }) => ({ receipt, check })),
    payouts: record.payouts.slice(0, MAX_EARNINGS_ITEMS).map(({ payout, chain: state }) => ({ payout, chain: state })),
    chain: chain ? { cluster: chain.cluster, rpcUrl: chain.rpcUrl, mint: chain.mint, explorerTxUrl: explorerTxUrlFor(chain.cluster) } : null,
    token: record.token,
    updatedAt: record.updatedAt,
    sharedWallet: record.sharedWallet,
    daily: dailyEarnings(record.receipts.filter((entry) => countsInTotals(entry.check)).map((entry) => entry.receipt.body), dayOf),
  };
}

/**
 * The payout that paid a receipt, by the ledger rule in protocol/payout-receipts.ts over every payout kept. A
 * receipt whose postings cannot be read (a coordinator that did not send them) gets none rather than a guess.
 */
export function payoutOfReceipt(record: EarningsRecord): (receipt: JobReceipt) => ProviderPayout | null {
  const payouts = record.payouts.map((entry) => entry.payout);
  const byBatch = new Map(payouts.map((payout) => [payout.batchId, payout]));
  return (receipt) => {
    try {
      const batchId = payoutForReceipt(settlePostingIdOf(receipt), payouts);
      return batchId === null ? null : (byBatch.get(batchId) ?? null);
    } catch {
      return null;
    }
  };
}

/** Every receipt kept, as the CSV for tax records (protocol/earnings-csv.ts). */
export function earningsCsvOf(record: EarningsRecord, nowMs: number, dayOf: (epochMs: number) => string = localDayKey): EarningsCsv {
  return { filename: csvFilename(dayOf(nowMs)), csv: earningsCsv(record.receipts, payoutOfReceipt(record), record.token), rows: record.receipts.length };
}

function newestFirst(a: string, b: string): number {
  return (Date.parse(b) || 0) - (Date.parse(a) || 0);
}
