import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { receiptSigningBytes, type JobReceipt, type ReceiptBody } from '../../../protocol/receipts.js';
import { EarningsSliceSchema } from '../../../protocol/state.js';
import { CHECK_SPACING_MS } from './earnings-book.js';
import { EarningsFile } from './earnings-file.js';
import { NOTICE_IDS } from './notices.js';
import { MAX_STORED_ITEMS, mergePayouts, NOT_FOUND_TRIES } from './record.js';
import { CSV_COLUMNS, parseCsv } from '../../../protocol/earnings-csv.js';
import { bookWorld, coordinatorKey, earningsFrame, MemoryEarningsStore, networkInfo, payout, receipt, RecordedChain, run, settle, signatureFor, silentLogger, WALLET } from './test-support/earnings-world.js';

/** Every signed field, changed to another value the schema still accepts: each must fail the check. */
const TAMPERS: Array<[keyof ReceiptBody, (body: ReceiptBody) => unknown]> = [
  ['receiptId', () => 'rcpt-other'],
  ['coordinatorId', () => 'coord-2'],
  ['jobId', () => 'job-other'],
  ['attempt', (b) => b.attempt + 1],
  ['providerId', () => 'prov-2'],
  ['outcome', () => 'failed'],
  ['startedAt', () => null],
  ['endedAt', () => '2026-01-01T00:11:00.000Z'],
  ['seconds', (b) => b.seconds + 1],
  ['ratePerSecond', () => '26'],
  ['amount', (b) => String(BigInt(b.amount) + 1n)],
  ['ledgerEntryIds', () => ['999']],
  ['issuedAt', () => '2026-01-02T00:00:00.000Z'],
  ['coordinatorPublicKey', () => 'ab'.repeat(32)],
];

describe('EarningsBook: receipts', () => {
  it('verifies genuine receipts against the key the network announced', async () => {
    const key = await coordinatorKey();
    const w = bookWorld();
    w.book.networkInfo(networkInfo(key.publicKey));
    w.book.earnings(earningsFrame([await receipt(key.signer, 1), await receipt(key.signer, 2)], []));
    const slice = w.book.state();
    expect(slice.receipts.map((r) => [r.receipt.body.receiptId, r.check])).toEqual([['rcpt-2', 'verified'], ['rcpt-1', 'verified']]);
    expect(slice.summary?.payable).toBe('1500000');
    expect(slice.token).toEqual({ symbol: 'OFFT', decimals: 6 });
    expect(w.notices).toEqual([]);
    expect(EarningsSliceSchema.parse(slice)).toEqual(slice);
  });

  it.each(TAMPERS)('keeps a receipt whose %s was changed after signing, marks it, and warns', async (field, change) => {
    const key = await coordinatorKey();
    const genuine = await receipt(key.signer, 1);
    const tampered: JobReceipt = { ...genuine, body: { ...genuine.body, [field]: change(genuine.body) } as ReceiptBody };
    const w = bookWorld();
    w.book.networkInfo(networkInfo(key.publicKey));
    w.book.earnings(earningsFrame([tampered], []));
    const [entry] = w.book.state().receipts;
    expect(entry!.receipt).toEqual(tampered);
    expect(entry!.check).toBe(field === 'coordinatorPublicKey' ? 'wrong-key' : 'bad-signature');
    expect(w.notices).toEqual([expect.objectContaining({ id: NOTICE_IDS.badReceipts, level: 'warning', title: 'A receipt from the network does not check out' })]);
    expect(w.notices[0]!.message).toContain(`job ${tampered.body.jobId}`);
    expect(w.notices[0]!.nextStep).toMatch(/network operator/);
  });

  it('marks a changed signature, a receipt from another network, an amount that is not rate × seconds, and one it cannot check', async () => {
    const key = await coordinatorKey();
    const other = await coordinatorKey();
    const genuine = await receipt(key.signer, 1);
    const flipped = { ...genuine, signature: `${genuine.signature.slice(0, -1)}${genuine.signature.endsWith('0') ? '1' : '0'}` };
    // Signed correctly by the network's own key, but 1 base unit more than rate × seconds.
    const body = { ...genuine.body, receiptId: 'rcpt-greedy', amount: String(BigInt(genuine.body.amount) + 1n) };
    const greedy = { body, signature: bytesToHex(await key.signer.sign(receiptSigningBytes(body))) };
    const w = bookWorld();
    w.book.networkInfo(networkInfo(key.publicKey));
    w.book.earnings(earningsFrame([flipped, await receipt(other.signer, 2), greedy], []));
    const checks = Object.fromEntries(w.book.state().receipts.map((r) => [r.receipt.body.receiptId, r.check]));
    expect(checks).toEqual({ 'rcpt-1': 'bad-signature', 'rcpt-2': 'wrong-key', 'rcpt-greedy': 'wrong-amount' });
    expect(w.notices).toHaveLength(1);
    expect(w.notices[0]!.title).toBe('3 receipts from the network do not check out');

    const unkeyed = bookWorld();
    unkeyed.book.networkInfo(networkInfo(undefined));
    unkeyed.book.earnings(earningsFrame([genuine], []));
    expect(unkeyed.book.state().receipts[0]!.check).toBe('no-key');
  });

  it('never lets a later copy replace a verified receipt, and warns once per new problem', async () => {
    const key = await coordinatorKey();
    const genuine = await receipt(key.signer, 1);
    const w = bookWorld();
    w.book.networkInfo(networkInfo(key.publicKey));
    w.book.earnings(earningsFrame([genuine], []));
    w.book.earnings(earningsFrame([{ ...genuine, body: { ...genuine.body, seconds: 9999 } }], []));
    expect(w.book.state().receipts).toEqual([{ receipt: genuine, check: 'verified' }]);
    expect(w.notices).toEqual([]);
    const bad = { ...(await receipt(key.signer, 2)), signature: 'f'.repeat(128) };
    w.book.earnings(earningsFrame([bad], []));
    w.book.earnings(earningsFrame([bad], []));
    expect(w.notices).toHaveLength(1);
  });
});

describe('EarningsBook: payouts on chain', () => {
  it('looks each paid payout up once, with its transfer amount and wallet, and never again', async () => {
    const key = await coordinatorKey();
    const w = bookWorld();
    w.book.start();
    w.book.networkInfo(networkInfo(key.publicKey));
    w.book.earnings(earningsFrame([], [payout(2), payout(1), payout(3, { state: 'pending', signature: null, paidAt: null })]));
    expect(w.book.state().payouts.map((p) => p.chain)).toEqual(['not-paid', 'checking', 'checking']);
    await run(w.timers, 5_000);
    expect(w.book.state().payouts.map((p) => p.chain)).toEqual(['not-paid', 'verified', 'verified']);
    expect(w.chain.lookups).toEqual([
      { rpcUrl: 'https://api.devnet.solana.com', signature: signatureFor(2), recipientOwner: WALLET, mint: networkInfo(undefined).payouts!.mint, amount: 3_000_000n },
      expect.objectContaining({ signature: signatureFor(1) }),
    ]);
    w.book.earnings(earningsFrame([], [payout(2), payout(1)]));
    await run(w.timers, 5_000);
    expect(w.chain.lookups).toHaveLength(2);
    expect(w.notices).toEqual([]);
    // The pending one is looked up once the network says it is paid.
    w.book.earnings(earningsFrame([], [payout(3)]));
    await run(w.timers, 5_000);
    expect(w.chain.lookups.map((l) => l.signature)).toEqual([signatureFor(2), signatureFor(1), signatureFor(3)]);
    w.book.stop();
  });

  it('marks a payout the chain contradicts, and warns in plain words', async () => {
    const w = bookWorld();
    w.chain.answer(signatureFor(1), { ok: false, reason: 'wrong-amount', message: 'the transfer was 2000000, not 3000000' });
    w.chain.answer(signatureFor(2), { ok: false, reason: 'wrong-recipient', message: 'no transfer to that wallet' });
    w.book.start();
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], [payout(1), payout(2)]));
    await run(w.timers, 5_000);
    expect(Object.fromEntries(w.book.state().payouts.map((p) => [p.payout.batchId, p.chain]))).toEqual({ 'batch-1': 'wrong-amount', 'batch-2': 'wrong-recipient' });
    expect(w.notices.map((n) => n.id)).toEqual([NOTICE_IDS.badPayouts, NOTICE_IDS.badPayouts]);
    // Newest first: batch 2, then batch 1; the one notice (same id) counts every payout that does not match.
    expect(w.notices[0]!.title).toBe('A payout does not match the blockchain');
    expect(w.notices[1]!.title).toBe('2 payouts do not match the blockchain');
    expect(w.notices[1]!.message).toMatch(/The network says it paid 3 OFFT to Gh9Z\w+ in transaction 51x{6}…x{8}, but on devnet: The blockchain shows a different amount/);
    // Settled: a later different story from the network does not erase what the chain said.
    w.book.earnings(earningsFrame([], [payout(1, { signature: signatureFor(9) })]));
    await run(w.timers, 5_000);
    expect(w.book.state().payouts.find((p) => p.payout.batchId === 'batch-1')).toMatchObject({ chain: 'wrong-amount', payout: { signature: signatureFor(1) } });
    expect(w.chain.lookups).toHaveLength(2);
  });

  it('flags a payout marked paid without any transaction at once', () => {
    const w = bookWorld();
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], [payout(1, { signature: null })]));
    expect(w.book.state().payouts[0]!.chain).toBe('not-found');
    expect(w.notices[0]!.message).toContain('without naming a transaction');
  });

  it('backs off while the RPC does not answer, for all payouts at once, then checks them', async () => {
    const w = bookWorld();
    const down = { ok: false as const, reason: 'unreachable' as const, message: 'ECONNREFUSED' };
    w.chain.answer(signatureFor(2), down, down);
    w.book.start();
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], [payout(1), payout(2)]));
    await run(w.timers, 100);
    expect(w.chain.lookups).toHaveLength(1);
    expect(w.book.state().payouts.map((p) => p.chain)).toEqual(['unreachable', 'checking']);
    // First back-off: 7.5 s (10 s ceiling, random 0.5); nothing is asked meanwhile, for either payout.
    await run(w.timers, 7_000);
    expect(w.chain.lookups).toHaveLength(1);
    await run(w.timers, 1_000);
    expect(w.chain.lookups).toHaveLength(2);
    // Second: 15 s.
    await run(w.timers, 14_000);
    expect(w.chain.lookups).toHaveLength(2);
    await run(w.timers, 2_000);
    expect(w.book.state().payouts.map((p) => p.chain)).toEqual(['verified', 'verified']);
    expect(w.chain.lookups.map((l) => l.signature)).toEqual([signatureFor(2), signatureFor(2), signatureFor(2), signatureFor(1)]);
    expect(w.notices).toEqual([]);
  });

  it('looks a transaction not found again (RPC nodes lag), then reports it missing', async () => {
    const w = bookWorld();
    const notFound = { ok: false as const, reason: 'not-found' as const, message: 'no such transaction' };
    w.chain.answer(signatureFor(1), ...Array.from({ length: NOT_FOUND_TRIES }, () => notFound));
    w.book.start();
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], [payout(1)]));
    await run(w.timers, 1_000);
    expect(w.book.state().payouts[0]!.chain).toBe('checking');
    expect(w.notices).toEqual([]);
    await run(w.timers, 10 * 60_000, 1_000);
    expect(w.chain.lookups).toHaveLength(NOT_FOUND_TRIES);
    expect(w.book.state().payouts[0]!.chain).toBe('not-found');
    expect(w.notices).toEqual([expect.objectContaining({ id: NOTICE_IDS.badPayouts })]);
  });

  it('spaces lookups out instead of firing them all at once', async () => {
    const w = bookWorld();
    w.book.start();
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], Array.from({ length: 10 }, (_, i) => payout(i + 1))));
    await run(w.timers, CHECK_SPACING_MS * 4, 50);
    expect(w.chain.lookups.length).toBeGreaterThanOrEqual(4);
    expect(w.chain.lookups.length).toBeLessThanOrEqual(5);
  });

  it('keeps at most MAX_STORED_ITEMS payouts, dropping the oldest', () => {
    const many = Array.from({ length: MAX_STORED_ITEMS + 5 }, (_, i) => payout(i + 1, { state: 'pending', signature: null, paidAt: null }));
    const { payouts } = mergePayouts([], many);
    expect(payouts).toHaveLength(MAX_STORED_ITEMS);
    expect(payouts[0]!.payout.batchId).toBe(`batch-${MAX_STORED_ITEMS + 5}`);
    expect(payouts.at(-1)!.payout.batchId).toBe('batch-6');
  });
});

describe('EarningsBook: figures over time, the CSV export and the shared wallet', () => {
  it('buckets every receipt that checks out by the day it ended; a receipt that fails counts nowhere', async () => {
    const key = await coordinatorKey();
    const w = bookWorld();
    w.book.networkInfo(networkInfo(key.publicKey));
    const bad = { ...(await receipt(key.signer, 3, { endedAt: '2026-01-02T10:00:00.000Z' })), signature: 'f'.repeat(128) };
    w.book.earnings(earningsFrame([await receipt(key.signer, 1, { endedAt: '2026-01-01T10:00:00.000Z' }), await receipt(key.signer, 2, { endedAt: '2026-01-02T10:00:00.000Z' }), bad], []));
    // The day of a receipt is the machine's local date; with TZ unknown here, compare with the same rule.
    const dayOf = (iso: string) => { const d = new Date(iso); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };
    expect(w.book.state().daily).toEqual([
      { day: dayOf('2026-01-01T10:00:00.000Z'), amount: '1500', seconds: 60, runs: 1 },
      { day: dayOf('2026-01-02T10:00:00.000Z'), amount: '3000', seconds: 120, runs: 1 },
    ]);
  });

  it('exports every receipt kept with the payout that paid it, by ledger position, signature only once paid', async () => {
    const key = await coordinatorKey();
    const w = bookWorld();
    w.book.networkInfo(networkInfo(key.publicKey));
    // Settle postings 1, 2 and 5; payout batch-1 reserved at posting 3 (pays 1 and 2), batch-2 at 6 (pays 5, not confirmed yet).
    const receipts = [await receipt(key.signer, 1, { ledgerEntryIds: ['1'] }), await receipt(key.signer, 2, { ledgerEntryIds: ['2'] }), await receipt(key.signer, 5, { ledgerEntryIds: ['4', '5'] })];
    w.book.earnings(earningsFrame(receipts, [payout(1, { reservePostingId: '3' }), payout(2, { reservePostingId: '6', state: 'pending', signature: null, paidAt: null })]));
    const file = w.book.exportCsv();
    expect(file.rows).toBe(3);
    expect(file.filename).toMatch(/^offhours-earnings-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = parseCsv(file.csv);
    expect(header).toEqual([...CSV_COLUMNS]);
    const at = (column: (typeof CSV_COLUMNS)[number]) => rows.map((row) => row[CSV_COLUMNS.indexOf(column)]);
    expect(at('receipt_id')).toEqual(['rcpt-1', 'rcpt-2', 'rcpt-5']);
    expect(at('payout_signature')).toEqual([signatureFor(1), signatureFor(1), '']);
    expect(at('payout_state')).toEqual(['paid', 'paid', 'pending']);
    expect(at('amount')).toEqual(['0.0015', '0.003', '0.0075']);
  });

  it('learns a settled payout’s ledger position from a newer coordinator without touching what the chain said', async () => {
    const w = bookWorld();
    w.book.start();
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], [payout(1)]));
    await run(w.timers, 2_000);
    expect(w.book.state().payouts[0]!.chain).toBe('verified');
    w.book.earnings(earningsFrame([], [payout(1, { reservePostingId: '42', amount: '1' })]));
    expect(w.book.state().payouts[0]!.payout).toMatchObject({ reservePostingId: '42', amount: '1500000' });
    expect(w.book.state().payouts[0]!.chain).toBe('verified');
  });

  it('keeps the PCs sharing the wallet as the network last said, also across a frame from a coordinator that does not say', () => {
    const w = bookWorld();
    w.book.networkInfo(networkInfo(undefined));
    const shared = { address: WALLET, machines: [{ providerId: 'prov-1', label: 'prov-1', self: true, online: true, lastSeenAt: null, pending: '0', payable: '1', inFlight: '0', paid: '2' }], more: 0, total: { pending: '0', payable: '1', inFlight: '0', paid: '2' } };
    w.book.earnings({ ...earningsFrame([], []), wallet: shared });
    expect(w.book.state().sharedWallet).toEqual(shared);
    w.book.earnings(earningsFrame([], []));
    expect(w.book.state().sharedWallet).toEqual(shared);
    w.book.earnings({ ...earningsFrame([], []), wallet: null });
    expect(w.book.state().sharedWallet).toBeNull();
  });
});

describe('EarningsFile', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-earnings-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('survives a restart: same slice, settled payouts not looked up again, unfinished ones are', async () => {
    const dir = tempDir();
    const key = await coordinatorKey();
    const first = bookWorld({ store: new EarningsFile(join(dir, 'earnings.json'), silentLogger) });
    first.chain.answer(signatureFor(2), { ok: false, reason: 'unreachable', message: 'down' });
    first.book.start();
    first.book.networkInfo(networkInfo(key.publicKey));
    first.book.earnings(earningsFrame([await receipt(key.signer, 1), { ...(await receipt(key.signer, 2)), signature: 'e'.repeat(128) }], [payout(1), payout(2)]));
    await run(first.timers, 2_000);
    first.book.stop();
    const before = first.book.state();
    // Batch 2 (newest) found the RPC down, so batch 1 waits with it.
    expect(before.payouts.map((p) => p.chain)).toEqual(['unreachable', 'checking']);

    const second = bookWorld({ store: new EarningsFile(join(dir, 'earnings.json'), silentLogger) });
    expect(second.book.state()).toEqual(before);
    expect(second.book.state().chain).toEqual({ cluster: 'devnet', rpcUrl: 'https://api.devnet.solana.com', mint: networkInfo(undefined).payouts!.mint, explorerTxUrl: 'https://explorer.solana.com/tx/{signature}?cluster=devnet' });
    second.book.start();
    await run(second.timers, 2_000);
    expect(second.chain.lookups.map((l) => l.signature)).toEqual([signatureFor(2), signatureFor(1)]);
    expect(second.book.state().payouts.map((p) => p.chain)).toEqual(['verified', 'verified']);
    expect(second.notices).toEqual([]);
    expect(readdirSync(dir)).toEqual(['earnings.json']);
  });

  it('sets a damaged file aside with a notice, starts fresh, and touches nothing else', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'earnings.json'), '{"version":1,"receipts":[{"half');
    writeFileSync(join(dir, 'network-link.json'), '{"keep":"me"}');
    const w = bookWorld({ store: new EarningsFile(join(dir, 'earnings.json'), silentLogger, () => Date.parse('2026-02-03T04:05:06.789Z')) });
    expect(w.book.state()).toMatchObject({ summary: null, receipts: [], payouts: [] });
    const aside = join(dir, 'earnings.json.damaged-2026-02-03T04-05-06-789Z');
    expect(readFileSync(aside, 'utf8')).toBe('{"version":1,"receipts":[{"half');
    expect(existsSync(join(dir, 'earnings.json'))).toBe(false);
    expect(readFileSync(join(dir, 'network-link.json'), 'utf8')).toBe('{"keep":"me"}');
    expect(w.notices).toEqual([expect.objectContaining({ id: NOTICE_IDS.damagedFile, level: 'warning' })]);
    expect(w.notices[0]!.message).toContain(aside);
    expect(w.notices[0]!.nextStep).toMatch(/re-sends/);
  });

  it('says once when the disk refuses, and keeps the record in memory', async () => {
    const store = new MemoryEarningsStore();
    store.save = () => {
      throw new Error('ENOSPC: no space left on device');
    };
    const w = bookWorld({ store });
    w.book.networkInfo(networkInfo(undefined));
    w.book.earnings(earningsFrame([], [payout(1, { state: 'pending', signature: null, paidAt: null })]));
    w.book.earnings(earningsFrame([], [payout(2, { state: 'pending', signature: null, paidAt: null })]));
    await settle();
    expect(w.book.state().payouts).toHaveLength(2);
    expect(w.notices).toEqual([expect.objectContaining({ id: NOTICE_IDS.saveFailed, message: expect.stringContaining('ENOSPC') })]);
  });
});

describe('RecordedChain', () => {
  it('answers verified unless told otherwise', async () => {
    const chain = new RecordedChain();
    expect(await chain.check('http://x', { signature: 's', recipientOwner: 'w', mint: 'm', amount: 1n })).toMatchObject({ ok: true });
  });
});
