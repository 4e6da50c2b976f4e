import { describe, expect, it } from 'vitest';
import { payoutForReceipt, payoutsForReceipts, settlePostingIdOf, type PayoutPosition } from './payout-receipts.js';

function receipt(receiptId: string, ledgerEntryIds: string[]) {
  return { body: { receiptId, ledgerEntryIds } } as unknown as Parameters<typeof settlePostingIdOf>[0];
}

function payout(batchId: string, reservePostingId: string | undefined, state: PayoutPosition['state'] = 'paid'): PayoutPosition {
  return { batchId, state, ...(reservePostingId === undefined ? {} : { reservePostingId }) };
}

describe('settlePostingIdOf', () => {
  it('is the largest posting id, compared as numbers (not as text)', () => {
    expect(settlePostingIdOf(receipt('r', ['9', '10', '11']))).toBe('11');
    expect(settlePostingIdOf(receipt('r', ['98', '100', '99']))).toBe('100');
    expect(settlePostingIdOf(receipt('r', ['18446744073709551610', '9007199254740993']))).toBe('18446744073709551610');
  });

  it('refuses a receipt without postings or with an id that is not digits', () => {
    expect(() => settlePostingIdOf(receipt('r1', []))).toThrow(/r1 names no ledger postings/);
    expect(() => settlePostingIdOf(receipt('r2', ['1', '-2']))).toThrow(/receipt r2 must be a ledger posting id/);
  });
});

describe('payoutForReceipt', () => {
  // Settles at 10 and 20; batch A reserved at 15 (failed, reversed), B at 25, C at 40.
  const payouts = [payout('C', '40', 'pending'), payout('A', '15', 'failed'), payout('B', '25')];

  it('is the earliest payout that did not fail and was reserved after the settle posting', () => {
    expect(payoutForReceipt('10', payouts)).toBe('B');
    expect(payoutForReceipt('20', payouts)).toBe('B');
    expect(payoutForReceipt('30', payouts)).toBe('C');
  });

  it('is null while no payout was reserved after it (still payable)', () => {
    expect(payoutForReceipt('41', payouts)).toBeNull();
    expect(payoutForReceipt('10', [payout('A', '15', 'failed')])).toBeNull();
    expect(payoutForReceipt('10', [])).toBeNull();
  });

  it('compares ids as numbers, beyond 2^53 too', () => {
    expect(payoutForReceipt('9', [payout('big', '100'), payout('small', '10')])).toBe('small');
    expect(payoutForReceipt('9007199254740993', [payout('x', '9007199254740994'), payout('y', '9007199254740995')])).toBe('x');
  });

  it('skips payouts that carry no reserve posting id (older coordinators) instead of guessing', () => {
    expect(payoutForReceipt('10', [payout('old', undefined), payout('new', '30')])).toBe('new');
  });

  it('refuses malformed ids with a message naming them', () => {
    expect(() => payoutForReceipt('1e3', payouts)).toThrow(/settle posting id must be a ledger posting id/);
    expect(() => payoutForReceipt('10', [payout('bad', '0x20')])).toThrow(/reservePostingId of payout bad/);
  });
});

describe('payoutsForReceipts', () => {
  it('maps each receipt by its settle posting (its last ledger entry)', () => {
    const receipts = [receipt('r1', ['5', '10']), receipt('r2', ['12', '20']), receipt('r3', ['31'])];
    const mapped = payoutsForReceipts(receipts, [payout('A', '15', 'failed'), payout('B', '25', 'pending')]);
    expect(mapped).toEqual(new Map([['r1', 'B'], ['r2', 'B'], ['r3', null]]));
  });
});
