import { beforeEach, describe, expect, it } from 'vitest';
import { payoutForReceipt, settlePostingIdOf } from '../../protocol/payout-receipts.js';
import { accounts, holdPosting } from '../domain/ledger.js';
import { testEngines } from '../test-support/postgres-engines.js';
import { postToLedger } from './ledger-queries.js';
import { stampEarlierReceipts } from './migrations/003-receipt-payouts.js';
import type { ProviderRecord, SessionRecord } from './store.js';
import { at, jobRequest, readyProvider } from './test-support/fixtures.js';
import { jobStatus, MATCH, MINT, OTHER_WALLET, useStoreSuite, WALLET } from './test-support/store-suite.js';

describe.each(testEngines())('receipts and the payouts that paid them on $name', ({ start }) => {
  const suite = useStoreSuite({ start });
  let clock = 0;
  let signatures = 0;
  beforeEach(() => {
    clock = 0;
    signatures = 0;
  });

  const tick = (seconds = 1) => at((clock += seconds));

  /** A ready provider (the only one available, so every match goes to it) paid to `wallet`. */
  async function provider(key: number, wallet = WALLET): Promise<{ provider: ProviderRecord; session: SessionRecord }> {
    const ready = await readyProvider(suite.store, { key, now: tick() });
    await suite.store.enrolProvider({ devicePublicKey: ready.provider.devicePublicKey, payoutAddress: wallet, gpus: ready.provider.gpus, minPricePerGpuHour: ready.provider.minPricePerGpuHour, appVersion: '0.1.0', backends: ready.provider.backends }, tick());
    return ready;
  }

  /** One run of `seconds` at 10 a second, start to receipt; returns the receipt id. */
  async function earn(who: { provider: ProviderRecord; session: SessionRecord }, seconds: number): Promise<string> {
    const providerId = who.provider.providerId;
    await suite.store.touchSession(who.session.sessionId, tick(), { state: 'available', reason: 'owner-away', ownerPresent: false });
    const job = await suite.store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', tick(0));
    const [offer] = await suite.store.matchQueuedJobs(tick(0), MATCH);
    expect(offer?.providerId).toBe(providerId);
    await suite.store.answerOffer(offer!.offerId, providerId, true, null, tick(0));
    await suite.store.recordJobStatus(jobStatus(job.jobId, providerId, 'started'), tick(0));
    await suite.store.recordJobStatus(jobStatus(job.jobId, providerId, 'finished'), tick(seconds));
    const row = await suite.database.db.selectFrom('receipts').select('receipt_id').where('job_id', '=', job.jobId).executeTakeFirstOrThrow();
    return row.receipt_id;
  }

  /** receipt id → the batch stamped on it. */
  async function stamps(): Promise<Record<string, string | null>> {
    const rows = await suite.database.db.selectFrom('receipts').select(['receipt_id', 'payout_batch_id']).execute();
    return Object.fromEntries(rows.map((row) => [row.receipt_id, row.payout_batch_id]));
  }

  const intent = (batchId: string, providerIds: string[], wallet = WALLET) =>
    suite.payouts.createIntent(batchId, MINT, providerIds.map((providerId) => ({ providerId, recipient: wallet })), 0n, tick());

  /** Signed, confirmed and booked, under a signature of its own. */
  async function pay(batchId: string): Promise<void> {
    const signature = `${'5'.repeat(87)}${'23456789'[(signatures += 1)]}`;
    expect(await suite.payouts.recordSignature(batchId, null, { signature, wireBase64: 'AA==', lastValidBlockHeight: 100n }, tick())).toBe(true);
    await suite.payouts.markConfirmed(batchId, signature, 7n, tick());
    expect(await suite.payouts.markPaid(batchId, tick())).not.toEqual([]);
  }

  it('an intent stamps the receipts whose amounts it reserved; receipts issued after it are not', async () => {
    const a = await provider(1);
    const first = await earn(a, 5);
    const second = await earn(a, 7);
    expect(await stamps()).toEqual({ [first]: null, [second]: null });
    const batch = await intent('po_1', [a.provider.providerId]);
    expect(batch?.items[0]?.amount).toBe(120n);
    const third = await earn(a, 3);
    expect(await stamps()).toEqual({ [first]: 'po_1', [second]: 'po_1', [third]: null });
  });

  it("a reversed batch's receipts go back to payable and into the next batch", async () => {
    const a = await provider(1);
    const first = await earn(a, 5);
    await intent('po_1', [a.provider.providerId]);
    const second = await earn(a, 2);
    await suite.payouts.markFailed('po_1', 'the transaction failed on chain', tick());
    expect(await stamps()).toEqual({ [first]: null, [second]: null });
    const retry = await intent('po_2', [a.provider.providerId]);
    expect(retry?.items[0]?.amount).toBe(70n);
    expect(await stamps()).toEqual({ [first]: 'po_2', [second]: 'po_2' });
  });

  it("stamps only the batch's own providers: another provider, or one under the threshold, keeps its receipts payable", async () => {
    const a = await provider(1);
    const b = await provider(2);
    await suite.store.touchSession(b.session.sessionId, tick(), { state: 'waiting', reason: 'owner-active', ownerPresent: true });
    const ofA = await earn(a, 5);
    await suite.store.touchSession(a.session.sessionId, tick(), { state: 'waiting', reason: 'owner-active', ownerPresent: true });
    const ofB = await earn(b, 1);
    await suite.payouts.createIntent('po_1', MINT, [a, b].map((p) => ({ providerId: p.provider.providerId, recipient: WALLET })), 20n, tick());
    expect(await stamps()).toEqual({ [ofA]: 'po_1', [ofB]: null });
  });

  it('the interval rule over what the provider is sent, and the migration backfill, give the stamped batch', async () => {
    const a = await provider(1);
    const b = await provider(2, OTHER_WALLET);
    const aBusy = () => suite.store.touchSession(a.session.sessionId, tick(), { state: 'waiting', reason: 'owner-active', ownerPresent: true });
    const bBusy = () => suite.store.touchSession(b.session.sessionId, tick(), { state: 'waiting', reason: 'owner-active', ownerPresent: true });
    // Receipts and batches of two providers interleave, so posting ids of one provider are not consecutive.
    await bBusy();
    await earn(a, 1);
    await earn(a, 2);
    await intent('po_a1', [a.provider.providerId]);
    await earn(a, 3);
    await aBusy();
    await earn(b, 4);
    await intent('po_b1', [b.provider.providerId], OTHER_WALLET);
    await bBusy();
    await earn(a, 5);
    await suite.payouts.markFailed('po_a1', 'expired', tick());
    await intent('po_a2', [a.provider.providerId]);
    await pay('po_a2');
    await earn(a, 6);
    await intent('po_a3', [a.provider.providerId]);
    await suite.payouts.markFailed('po_a3', 'expired', tick());
    await earn(a, 7);
    await intent('po_a4', [a.provider.providerId]);
    await earn(a, 8);

    const stamped = await stamps();
    const earnings = await suite.store.earningsOf(a.provider.providerId, 100, tick());
    expect(earnings.receipts).toHaveLength(7);
    expect(earnings.payouts.map((p) => [p.batchId, p.state])).toEqual([['po_a4', 'pending'], ['po_a3', 'failed'], ['po_a2', 'paid'], ['po_a1', 'failed']]);
    expect(earnings.payouts.every((p) => /^[0-9]+$/.test(p.reservePostingId ?? ''))).toBe(true);
    const byRule = Object.fromEntries(earnings.receipts.map((r) => [r.body.receiptId, payoutForReceipt(settlePostingIdOf(r), earnings.payouts)]));
    const own = Object.fromEntries(Object.entries(stamped).filter(([id]) => id in byRule));
    expect(byRule).toEqual(own);
    // Every kind of answer occurs: a paid batch, a pending one, and still payable.
    expect(new Set(Object.values(byRule))).toEqual(new Set(['po_a2', 'po_a4', null]));

    await suite.database.db.updateTable('receipts').set({ payout_batch_id: null }).execute();
    await stampEarlierReceipts(suite.database.db);
    expect(await stamps()).toEqual(stamped);
  });

  it('a settle waiting for an intent holding the payable balance gets a later posting id than the intent', async () => {
    const a = await provider(1);
    await earn(a, 1);
    await suite.store.touchSession(a.session.sessionId, tick(), { state: 'available', reason: 'owner-away', ownerPresent: false });
    const job = await suite.store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', tick(0));
    const [offer] = await suite.store.matchQueuedJobs(tick(0), MATCH);
    await suite.store.answerOffer(offer!.offerId, a.provider.providerId, true, null, tick(0));
    await suite.store.recordJobStatus(jobStatus(job.jobId, a.provider.providerId, 'started'), tick(0));
    let finishing: Promise<unknown> = Promise.resolve();
    const heldId = await suite.database.db.transaction().execute(async (trx) => {
      // What an intent does: the payable row first, then a posting id of its own while holding it.
      await trx.selectFrom('ledger_balances').select('account').where('account', '=', accounts.payable(a.provider.providerId)).forUpdate().execute();
      finishing = suite.store.recordJobStatus(jobStatus(job.jobId, a.provider.providerId, 'finished'), tick(2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return (await postToLedger(trx, holdPosting('lock-probe', 'probe', 0n), tick(0))).postingId;
    });
    await finishing;
    const receipt = await suite.database.db.selectFrom('receipts').select('receipt').where('job_id', '=', job.jobId).executeTakeFirstOrThrow();
    expect(BigInt(settlePostingIdOf(receipt.receipt))).toBeGreaterThan(BigInt(heldId));
  });

  describe('statement', () => {
    it('lists every receipt oldest first, a page at a time, with its batch, state and (once on chain) signature', async () => {
      const a = await provider(1);
      const first = await earn(a, 1);
      const second = await earn(a, 2);
      await intent('po_1', [a.provider.providerId]);
      await pay('po_1');
      const third = await earn(a, 3);
      await intent('po_2', [a.provider.providerId]);
      const fourth = await earn(a, 4);

      const page1 = await suite.store.statementOf(a.provider.providerId, { after: null, limit: 3 });
      expect(page1).toMatchObject({ providerId: a.provider.providerId, payoutAddress: WALLET });
      expect(page1?.receipts.map((r) => r.receiptId)).toEqual([first, second, third]);
      expect(page1?.nextCursor).toBe(third);
      expect(page1?.receipts[0]).toMatchObject({ seconds: 1, ratePerSecond: '10', amount: '10', attempt: 1, payoutBatchId: 'po_1', payoutState: 'paid' });
      expect(page1?.receipts[0]?.payoutSignature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{88}$/);
      expect(page1?.receipts[2]).toMatchObject({ payoutBatchId: 'po_2', payoutState: 'intent', payoutSignature: null });

      const page2 = await suite.store.statementOf(a.provider.providerId, { after: page1!.nextCursor, limit: 3 });
      expect(page2?.receipts).toEqual([expect.objectContaining({ receiptId: fourth, payoutBatchId: null, payoutState: null, payoutSignature: null, amount: '40' })]);
      expect(page2?.nextCursor).toBeNull();
      const exact = await suite.store.statementOf(a.provider.providerId, { after: null, limit: 4 });
      expect(exact?.nextCursor).toBeNull();
    });

    it('is null for an unknown provider and refuses a cursor or page size that is not valid', async () => {
      const a = await provider(1);
      const b = await provider(2);
      await suite.store.touchSession(a.session.sessionId, tick(), { state: 'waiting', reason: 'owner-active', ownerPresent: true });
      const ofB = await earn(b, 1);
      expect(await suite.store.statementOf('prv_nobody', { after: null, limit: 10 })).toBeNull();
      await expect(suite.store.statementOf(a.provider.providerId, { after: ofB, limit: 10 })).rejects.toThrow(/not a receipt of provider/);
      await expect(suite.store.statementOf(a.provider.providerId, { after: null, limit: 501 })).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(suite.store.statementOf(a.provider.providerId, { after: null, limit: 0 })).rejects.toMatchObject({ code: 'invalid-input' });
    });
  });
});
