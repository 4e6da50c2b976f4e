import { describe, expect, it } from 'vitest';
import { CoordinatorMessageSchema, type CoordinatorMessageOf, type WalletMachine } from '../../protocol/network.js';
import type { JobReceipt } from '../../protocol/receipts.js';
import { withinFrameBudget } from './provider-connection.js';

type Earnings = CoordinatorMessageOf<'earnings'>;

function receipt(n: number, postings: number): JobReceipt {
  return {
    body: {
      receiptId: `rc_${n}`,
      coordinatorId: 'test',
      coordinatorPublicKey: 'a'.repeat(64),
      jobId: `job_${n}`,
      attempt: 1,
      providerId: 'prv_self',
      outcome: 'finished',
      startedAt: '2030-01-01T00:00:00.000Z',
      endedAt: '2030-01-01T00:10:00.000Z',
      seconds: 600,
      ratePerSecond: '10',
      amount: '6000',
      ledgerEntryIds: Array.from({ length: postings }, (_, i) => String(1000 + i)),
      issuedAt: '2030-01-01T00:10:00.000Z',
    },
    signature: 'b'.repeat(128),
  };
}

function machine(n: number): WalletMachine {
  return { providerId: `prv_${n}`, label: `prv_${n}`, self: n === 0, online: n % 2 === 0, lastSeenAt: '2030-01-01T00:00:00.000Z', pending: '0', payable: '100', inFlight: '0', paid: '0' };
}

function frame(receipts: number, machines: number): Earnings {
  return {
    type: 'earnings',
    summary: { pending: '0', payable: '100', inFlight: '0', paid: '0', nextPayoutAt: null },
    receipts: Array.from({ length: receipts }, (_, n) => receipt(n, 20)),
    payouts: [],
    wallet: { address: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T', machines: Array.from({ length: machines }, (_, n) => machine(n)), more: 0, total: { pending: '0', payable: String(100 * machines), inFlight: '0', paid: '0' } },
  };
}

const size = (earnings: Earnings) => JSON.stringify(earnings).length;

describe('withinFrameBudget', () => {
  it('leaves a frame that fits as it is', () => {
    const whole = frame(10, 50);
    expect(withinFrameBudget(whole)).toEqual(whole);
  });

  it("lists fewer of the wallet's machines before it leaves out any receipt", () => {
    const whole = frame(10, 50);
    const withoutWallet = { ...whole, wallet: { ...whole.wallet!, machines: whole.wallet!.machines.slice(0, 1) } };
    const budget = size(withoutWallet) + 2_000;
    const trimmed = withinFrameBudget(whole, budget);
    expect(size(trimmed)).toBeLessThanOrEqual(budget);
    expect(trimmed.receipts).toHaveLength(10);
    expect(trimmed.wallet!.machines.length).toBeGreaterThan(1);
    expect(trimmed.wallet!.machines.length).toBeLessThan(50);
    expect(trimmed.wallet!.machines[0]?.self).toBe(true);
    expect(trimmed.wallet!.machines.length + trimmed.wallet!.more).toBe(50);
    expect(trimmed.wallet!.total).toEqual(whole.wallet!.total);
    expect(CoordinatorMessageSchema.safeParse(trimmed).success).toBe(true);
  });

  it('then leaves out the oldest receipts, keeping this machine in its wallet', () => {
    const trimmed = withinFrameBudget(frame(40, 50), 4_000);
    expect(size(trimmed)).toBeLessThanOrEqual(4_000);
    expect(trimmed.wallet!.machines.map((m) => m.providerId)).toEqual(['prv_0']);
    expect(trimmed.wallet!.more).toBe(49);
    expect(trimmed.receipts.length).toBeGreaterThan(0);
    expect(trimmed.receipts.length).toBeLessThan(40);
    expect(trimmed.receipts[0]?.body.receiptId).toBe('rc_0');
  });

  it('copes with a frame without a wallet', () => {
    const trimmed = withinFrameBudget({ ...frame(40, 1), wallet: null }, 4_000);
    expect(trimmed.wallet).toBeNull();
    expect(size(trimmed)).toBeLessThanOrEqual(4_000);
  });
});
