import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, parseCsv } from '../../../protocol/earnings-csv.js';
import { EarningsFile } from '../../core/earnings/earnings-file.js';
import { emptyEarningsRecord } from '../../core/earnings/record.js';
import { initialEarningsSlice, initialNetworkSlice, NetworkSliceSchema, type EarningsSlice } from '../../../protocol/state.js';
import { coordinatorKey, networkInfo, payout, receipt, receiptBody, signatureFor, silentLogger } from '../../core/earnings/test-support/earnings-world.js';
import { earningsCommand, formatEarnings, untilText } from './earnings.js';
import { formatNetwork } from './network.js';

const KEY = 'ab'.repeat(32);
const NOW = Date.parse('2026-01-01T00:00:00Z');

// The CLI only formats what core decided; the signatures here need not be genuine (core's tests check those).
const slice: EarningsSlice = {
  daily: [],
  sharedWallet: null,
  summary: { pending: '250', payable: '1500000', inFlight: '0', paid: '123456789', nextPayoutAt: '2026-01-01T02:05:00.000Z' },
  receipts: [
    { receipt: { body: receiptBody(KEY, 2), signature: 'a'.repeat(128) }, check: 'verified' },
    { receipt: { body: receiptBody(KEY, 1), signature: 'b'.repeat(128) }, check: 'bad-signature' },
  ],
  payouts: [
    { payout: payout(2), chain: 'verified' },
    { payout: payout(1), chain: 'wrong-amount' },
    { payout: payout(3, { state: 'pending', signature: null, paidAt: null }), chain: 'not-paid' },
  ],
  chain: { cluster: 'devnet', rpcUrl: 'https://api.devnet.solana.com', mint: networkInfo(undefined).payouts!.mint, explorerTxUrl: 'https://explorer.solana.com/tx/{signature}?cluster=devnet' },
  token: { symbol: 'OFFT', decimals: 6 },
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('offhours earnings (text)', () => {
  it('prints the summary in token units from integer strings', () => {
    const text = formatEarnings(slice, NOW);
    expect(text).toContain('Pending:        0.00025 OFFT  (earned in work going on now)');
    expect(text).toContain('Payable:            1.5 OFFT');
    expect(text).toContain('In flight:            0 OFFT');
    expect(text).toContain('Paid:        123.456789 OFFT');
    expect(text).toContain('Next payout: 2026-01-01T02:05:00.000Z (in 2 h 5 min)');
  });

  it('lists each receipt with its seconds, rate, amount and check, in aligned columns', () => {
    const lines = formatEarnings(slice, NOW).split('\n');
    const receipts = lines.filter((line) => /^ {2}job-\d/.test(line));
    expect(receipts).toHaveLength(2);
    expect(receipts[0]).toBe('  job-2  120 s  0.09 OFFT per hour   0.003 OFFT  ✓ verified');
    expect(receipts[1]).toMatch(/^ {2}job-1 {3}60 s {2}0\.09 OFFT per hour {2}0\.0015 OFFT {2}⚠ Changed after signing: .*changed after the network signed it\.$/);
  });

  it('lists each payout with its full signature, the chain check and where it was checked', () => {
    const text = formatEarnings(slice, NOW);
    expect(text).toContain('Payouts (newest first), checked on devnet at https://api.devnet.solana.com');
    expect(text).toContain(`1.5 OFFT  ${signatureFor(2)}  ✓ Confirmed on chain https://explorer.solana.com/tx/${signatureFor(2)}?cluster=devnet`);
    expect(text).toMatch(new RegExp(`${signatureFor(1)} {2}⚠ Wrong amount on chain: The blockchain shows a different amount`));
    expect(text).toMatch(/1\.5 OFFT {2}no transaction yet +… Being sent/);
  });

  it('says how earnings arrive when there are none, and falls back to base units without a token', () => {
    expect(formatEarnings(initialEarningsSlice(), NOW)).toBe('No earnings reported yet. They appear here once this PC has done paid work for the network.\n');
    expect(formatEarnings({ ...slice, token: null }, NOW)).toContain('Payable:       1500000 base units');
    expect(formatEarnings({ ...slice, token: null }, NOW, { symbol: 'OFFT', decimals: 6 })).toContain('Payable:            1.5 OFFT');
  });

  it('counts down to the next payout', () => {
    expect(untilText('2026-01-01T00:00:30Z', NOW)).toBe('in 1 min');
    expect(untilText('2025-12-31T23:00:00Z', NOW)).toBe('due now');
    expect(untilText('2026-01-02T00:00:00Z', NOW)).toBe('in 24 h 0 min');
  });
});

describe('offhours network names where payouts settle', () => {
  it('prints the cluster, RPC URL and mint, and keeps them in --json', () => {
    const connected = { ...initialNetworkSlice('embedded'), connection: 'connected' as const, message: 'Connected to Test network', network: networkInfo(KEY, 'localnet') };
    expect(formatNetwork(connected)).toContain(`Payouts:     localnet, RPC http://127.0.0.1:8899, token mint ${networkInfo(undefined).payouts!.mint}`);
    expect(NetworkSliceSchema.parse(JSON.parse(JSON.stringify(connected))).network?.payouts).toMatchObject({ cluster: 'localnet', rpcUrl: 'http://127.0.0.1:8899', mint: networkInfo(undefined).payouts!.mint });
    expect(formatNetwork({ ...connected, network: { ...connected.network, payouts: null } })).toContain('Payouts:     this network does not pay out (yet)');
  });
});

describe('offhours earnings --csv (no Offhours running: the data folder)', () => {
  it('writes every receipt kept to a new file, never over an existing one, and reads the folder without a service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-csv-'));
    try {
      const key = await coordinatorKey();
      const receipts = [{ receipt: await receipt(key.signer, 2), check: 'verified' as const }, { receipt: await receipt(key.signer, 1), check: 'verified' as const }];
      new EarningsFile(join(dir, 'earnings.json'), silentLogger).save({ ...emptyEarningsRecord(), receipts, token: { symbol: 'OFFT', decimals: 6 } });
      const out = join(dir, 'out.csv');
      expect(await earningsCommand.run(['--csv', out, '--data-dir', dir])).toBe(0);
      const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
      expect(header).toEqual([...CSV_COLUMNS]);
      expect(rows.map((row) => row[CSV_COLUMNS.indexOf('receipt_id')])).toEqual(['rcpt-1', 'rcpt-2']);
      await expect(earningsCommand.run(['--csv', out, '--data-dir', dir])).rejects.toThrow(/already exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says plainly when nothing was recorded and Offhours is not running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-csv-'));
    try {
      expect(await earningsCommand.run(['--data-dir', dir])).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
