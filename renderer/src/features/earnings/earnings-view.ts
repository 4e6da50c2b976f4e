import { explorerLink, formatRatePerSecond, formatTokenAmount, payoutChainWords, receiptCheckWords, shortSignature, type CheckTone, type TokenUnits } from '../../../../protocol/network-format.js';
import type { NetworkInfo } from '../../../../protocol/network.js';
import type { EarningsSlice, PayoutChainState, ReceiptCheckState } from '../../../../protocol/state.js';

export interface SummaryFigure {
  id: 'pending' | 'payable' | 'in-flight' | 'paid';
  label: string;
  value: string;
  hint: string;
}

export interface ReceiptRow {
  id: string;
  jobId: string;
  seconds: string;
  rate: string;
  amount: string;
  endedAt: string;
  check: ReceiptCheckState;
  tone: CheckTone;
  label: string;
  explain: string;
}

export interface PayoutRow {
  id: string;
  amount: string;
  createdAt: string;
  signature: string | null;
  shortSignature: string | null;
  chain: PayoutChainState;
  tone: CheckTone;
  label: string;
  explain: string;
  link: string | null;
}

export interface EarningsView {
  /** Nothing was ever reported: the page says how earnings arrive instead of showing zeros. */
  empty: boolean;
  summary: SummaryFigure[];
  nextPayout: string;
  receipts: ReceiptRow[];
  payouts: PayoutRow[];
  /** Where payouts are looked up, in words, and the server asked; null while the network has not said. */
  checkedAt: { text: string; rpcUrl: string } | null;
  /** Receipts and payouts that did not check out. */
  problems: number;
}

function tokenOf(slice: EarningsSlice, network: NetworkInfo | null): TokenUnits | null {
  return slice.token ?? (network ? { symbol: network.tokenSymbol, decimals: network.tokenDecimals } : null);
}

function nextPayoutText(iso: string | null, nowMs: number): string {
  if (!iso) return 'Not scheduled yet';
  const minutes = Math.ceil((Date.parse(iso) - nowMs) / 60_000);
  if (!Number.isFinite(minutes) || minutes <= 0) return 'Due now';
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `In ${hours} h ${minutes % 60} min` : `In ${minutes} min`;
}

function summaryFigures(slice: EarningsSlice, token: TokenUnits | null): SummaryFigure[] {
  const s = slice.summary ?? { pending: '0', payable: '0', inFlight: '0', paid: '0' };
  return [
    { id: 'pending', label: 'Pending', value: formatTokenAmount(s.pending, token), hint: 'Earned in work going on now' },
    { id: 'payable', label: 'Payable', value: formatTokenAmount(s.payable, token), hint: 'Waiting for the next payout' },
    { id: 'in-flight', label: 'On its way', value: formatTokenAmount(s.inFlight, token), hint: 'In a payout not confirmed yet' },
    { id: 'paid', label: 'Paid', value: formatTokenAmount(s.paid, token), hint: 'Confirmed on chain, all time' },
  ];
}

function receiptRows(slice: EarningsSlice, token: TokenUnits | null): ReceiptRow[] {
  return slice.receipts.map(({ receipt: { body }, check }) => ({
    id: body.receiptId,
    jobId: body.jobId,
    seconds: `${body.seconds} s`,
    rate: formatRatePerSecond(body.ratePerSecond, token),
    amount: formatTokenAmount(body.amount, token),
    endedAt: body.endedAt,
    check,
    ...receiptCheckWords(check),
  }));
}

function payoutRows(slice: EarningsSlice, token: TokenUnits | null): PayoutRow[] {
  return slice.payouts.map(({ payout, chain }) => ({
    id: payout.batchId,
    amount: formatTokenAmount(payout.amount, token),
    createdAt: payout.createdAt,
    signature: payout.signature,
    shortSignature: payout.signature ? shortSignature(payout.signature) : null,
    chain,
    ...payoutChainWords(chain, payout.state),
    link: explorerLink(slice.chain?.explorerTxUrl ?? null, payout.signature),
  }));
}

/** What the Earnings page shows for a slice at a moment. Pure; amounts from integer strings only. */
export function earningsView(slice: EarningsSlice, network: NetworkInfo | null, nowMs: number): EarningsView {
  const token = tokenOf(slice, network);
  const receipts = receiptRows(slice, token);
  const payouts = payoutRows(slice, token);
  return {
    empty: slice.summary === null && receipts.length === 0 && payouts.length === 0,
    summary: summaryFigures(slice, token),
    nextPayout: nextPayoutText(slice.summary?.nextPayoutAt ?? null, nowMs),
    receipts,
    payouts,
    checkedAt: slice.chain ? { text: `Offhours looks each payout up on the Solana blockchain (${slice.chain.cluster}) itself.`, rpcUrl: slice.chain.rpcUrl } : null,
    problems: [...receipts, ...payouts].filter((row) => row.tone === 'bad').length,
  };
}
