import { describe, expect, it } from 'vitest';
import type { NetworkInfo, ProviderPayout } from '../../../../protocol/network.js';
import type { ReceiptBody } from '../../../../protocol/receipts.js';
import { initialEarningsSlice, type EarningsSlice } from '../../../../protocol/state.js';
import { earningsView } from './earnings-view.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const SIG = '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW';

function body(n: number): ReceiptBody {
  return {
    receiptId: `rcpt-${n}`, coordinatorId: 'c', coordinatorPublicKey: 'ab'.repeat(32), jobId: `job-${n}`, attempt: 1, providerId: 'p', outcome: 'finished',
    startedAt: null, endedAt: '2026-01-01T00:10:00.000Z', seconds: 600, ratePerSecond: '25', amount: '15000', ledgerEntryIds: ['1'], issuedAt: '2026-01-01T00:10:01.000Z',
  };
}

function payout(n: number, patch: Partial<ProviderPayout> = {}): ProviderPayout {
  return { batchId: `batch-${n}`, state: 'paid', amount: '2500000', recipient: 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr', transferAmount: '2500000', mint: 'So11111111111111111111111111111111111111112', signature: SIG, createdAt: '2026-01-01T00:00:00.000Z', paidAt: null, ...patch };
}

// The page shows what core decided; the receipts here carry placeholder signatures (core's tests verify real ones).
const slice: EarningsSlice = {
  daily: [],
  sharedWallet: null,
  summary: { pending: '0', payable: '15000', inFlight: '2500000', paid: '1000000000', nextPayoutAt: '2026-01-01T00:45:00.000Z' },
  receipts: [
    { receipt: { body: body(2), signature: 'a'.repeat(128) }, check: 'verified' },
    { receipt: { body: body(1), signature: 'b'.repeat(128) }, check: 'wrong-amount' },
  ],
  payouts: [
    { payout: payout(2), chain: 'verified' },
    { payout: payout(1), chain: 'wrong-recipient' },
    { payout: payout(3, { state: 'failed', signature: null }), chain: 'not-paid' },
  ],
  chain: { cluster: 'devnet', rpcUrl: 'https://api.devnet.solana.com', mint: 'So11111111111111111111111111111111111111112', explorerTxUrl: 'https://explorer.solana.com/tx/{signature}?cluster=devnet' },
  token: { symbol: 'OFFT', decimals: 6 },
  updatedAt: '2026-01-01T00:10:02.000Z',
};

describe('earningsView', () => {
  it('shows the four figures in token units and when the next payout is', () => {
    const view = earningsView(slice, null, NOW);
    expect(view.empty).toBe(false);
    expect(Object.fromEntries(view.summary.map((f) => [f.id, f.value]))).toEqual({ pending: '0 OFFT', payable: '0.015 OFFT', 'in-flight': '2.5 OFFT', paid: '1000 OFFT' });
    expect(view.nextPayout).toBe('In 45 min');
  });

  it('marks each receipt verified or says plainly what is wrong', () => {
    const [ok, bad] = earningsView(slice, null, NOW).receipts;
    expect(ok).toMatchObject({ jobId: 'job-2', seconds: '600 s', rate: '0.09 OFFT per hour', amount: '0.015 OFFT', check: 'verified', tone: 'ok', label: 'Verified' });
    expect(bad).toMatchObject({ check: 'wrong-amount', tone: 'bad', label: 'Amount does not add up' });
  });

  it('shows each payout with a short signature, its chain check and an explorer link where a public one exists', () => {
    const view = earningsView(slice, null, NOW);
    expect(view.payouts[0]).toMatchObject({ amount: '2.5 OFFT', shortSignature: '5VERv8NM…diSZkQUW', chain: 'verified', tone: 'ok', link: `https://explorer.solana.com/tx/${SIG}?cluster=devnet` });
    expect(view.payouts[1]).toMatchObject({ chain: 'wrong-recipient', tone: 'bad', label: 'Went to another wallet' });
    expect(view.payouts[2]).toMatchObject({ shortSignature: null, link: null, tone: 'info', label: 'Did not go through' });
    expect(view.problems).toBe(2);
    expect(view.checkedAt).toEqual({ text: 'Offhours looks each payout up on the Solana blockchain (devnet) itself.', rpcUrl: 'https://api.devnet.solana.com' });
    const local = earningsView({ ...slice, chain: { ...slice.chain!, cluster: 'localnet', explorerTxUrl: null } }, null, NOW);
    expect(local.payouts[0]!.link).toBeNull();
  });

  it('is empty before anything arrived, and takes the token from the network when the slice has none', () => {
    expect(earningsView(initialEarningsSlice(), null, NOW).empty).toBe(true);
    const network = { tokenSymbol: 'TST', tokenDecimals: 2 } as NetworkInfo;
    expect(earningsView({ ...slice, token: null }, network, NOW).summary[1]!.value).toBe('150 TST');
    expect(earningsView({ ...slice, token: null }, null, NOW).summary[1]!.value).toBe('15000 base units');
  });
});
