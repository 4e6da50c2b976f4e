import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, earningsCsv, parseCsv } from './earnings-csv.js';
import type { ProviderPayout } from './network.js';
import type { JobReceipt } from './receipts.js';

const KEY = 'ab'.repeat(32);

function receipt(n: number, endedAt: string, amount: string, seconds: number, rate: string): JobReceipt {
  return {
    body: {
      receiptId: `rcpt-${n}`,
      coordinatorId: 'c',
      coordinatorPublicKey: KEY,
      jobId: `job-${n}`,
      attempt: 1,
      providerId: 'p',
      outcome: 'finished',
      startedAt: null,
      endedAt,
      seconds,
      ratePerSecond: rate,
      amount,
      ledgerEntryIds: [String(n)],
      issuedAt: endedAt,
    },
    signature: 'cd'.repeat(64),
  };
}

const paid: ProviderPayout = {
  batchId: 'b1',
  state: 'paid',
  amount: '150',
  recipient: 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr',
  transferAmount: '150',
  mint: 'So11111111111111111111111111111111111111112',
  signature: '5'.padEnd(88, 'x'),
  createdAt: '2026-11-30T10:00:00Z',
  paidAt: '2026-11-30T10:00:05Z',
  reservePostingId: '10',
} as ProviderPayout;
const pending: ProviderPayout = { ...paid, batchId: 'b2', state: 'pending', signature: '6'.padEnd(88, 'y'), paidAt: null };

describe('earningsCsv', () => {
  const receipts = [
    { receipt: receipt(3, '2026-11-30T12:00:00Z', '7', 7, '1'), check: 'verified' as const },
    { receipt: receipt(1, '2026-11-29T12:00:00Z', '1234567', 1000, '1234'), check: 'verified' as const },
    { receipt: receipt(2, '2026-11-30T09:00:00Z', '18446744073709551615', 1, '18446744073709551615'), check: 'bad-signature' as const },
  ];
  const payoutOf = (r: JobReceipt) => (r.body.receiptId === 'rcpt-1' ? paid : r.body.receiptId === 'rcpt-2' ? pending : null);

  it('writes one row per receipt, oldest first, with exact token amounts and the paying transaction', () => {
    const rows = parseCsv(earningsCsv(receipts, payoutOf, { symbol: 'OFFT', decimals: 6 }));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((row) => row[CSV_COLUMNS.indexOf('receipt_id')])).toEqual(['rcpt-1', 'rcpt-2', 'rcpt-3']);
    const first = Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, rows[1]![i]]));
    expect(first).toEqual({
      date: '2026-11-29T12:00:00Z',
      job: 'job-1',
      seconds: '1000',
      rate_per_second: '0.001234',
      amount: '1.234567',
      receipt_id: 'rcpt-1',
      payout_signature: paid.signature,
      token: 'OFFT',
      attempt: '1',
      outcome: 'finished',
      amount_base_units: '1234567',
      receipt_check: 'verified',
      payout_state: 'paid',
    });
    // u64::MAX base units stays exact; an unconfirmed payout gives no signature yet; a failed check is written as such.
    expect(rows[2]![CSV_COLUMNS.indexOf('amount')]).toBe('18446744073709.551615');
    expect(rows[2]![CSV_COLUMNS.indexOf('payout_signature')]).toBe('');
    expect(rows[2]![CSV_COLUMNS.indexOf('payout_state')]).toBe('pending');
    expect(rows[2]![CSV_COLUMNS.indexOf('receipt_check')]).toBe('bad-signature');
    expect(rows[3]![CSV_COLUMNS.indexOf('payout_state')]).toBe('not paid yet');
    expect(rows).toHaveLength(4);
  });

  it('writes base units where the token is not known yet', () => {
    const rows = parseCsv(earningsCsv(receipts.slice(0, 1), () => null, null));
    expect(rows[1]![CSV_COLUMNS.indexOf('amount')]).toBe('7');
    expect(rows[1]![CSV_COLUMNS.indexOf('token')]).toBe('base units');
  });

  it('is only a header when nothing was earned', () => {
    expect(earningsCsv([], () => null, null)).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});

describe('csvCell', () => {
  it('quotes what RFC 4180 needs and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(parseCsv(`${csvCell('line\nbreak')},x\r\n`)).toEqual([['line\nbreak', 'x']]);
  });
});
