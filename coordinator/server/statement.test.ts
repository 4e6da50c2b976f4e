/** The statement admin route (GET /v1/admin/providers/:providerId/statement) against a real coordinator, both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../protocol/network-admin-client.js';
import { ProviderStatementSchema } from '../../protocol/network.js';
import type { CoordinatorDatabase } from '../db/database.js';
import { KyselyPayoutStore } from '../db/payout-store.js';
import type { JobStatusInput } from '../db/store.js';
import { jobRequest, readyProvider } from '../db/test-support/fixtures.js';
import { startTestCoordinator, testAdmin, type TestCoordinator } from '../test-support/coordinators.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';

const WALLET = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const MINT = 'So11111111111111111111111111111111111111112';
const SIGNATURE = '4'.repeat(88);

describe.each(testEngines())('the statement route ($name)', ({ start }) => {
  let database: EngineTarget;
  let second: CoordinatorDatabase;
  let coordinator: TestCoordinator;
  let admin: AdminClient;
  let providerId = '';
  const receiptIds: string[] = [];

  /** Times a little ahead of the coordinator's clock, one second apart, so receipts are ordered. */
  let seconds = 0;
  const later = () => new Date(Date.now() + (seconds += 1) * 1000);

  beforeAll(async () => {
    database = await start();
    second = await database.open();
    coordinator = await startTestCoordinator(database, { maintenance: { matching: false } });
    admin = testAdmin(coordinator);
    const { store } = coordinator;
    const { provider, session } = await readyProvider(store, { key: 1, now: later() });
    providerId = provider.providerId;
    await store.enrolProvider({ devicePublicKey: provider.devicePublicKey, payoutAddress: WALLET, gpus: provider.gpus, minPricePerGpuHour: provider.minPricePerGpuHour, appVersion: '0.1.0', backends: provider.backends }, later());
    const status = (jobId: string, kind: JobStatusInput['status']): JobStatusInput => ({ jobId, providerId, status: kind, reportedAt: new Date(), exitCode: null, workedSeconds: null, outputDigest: null, message: null });
    for (const length of [2, 3, 4]) {
      await store.touchSession(session.sessionId, later(), { state: 'available', reason: 'owner-away', ownerPresent: false });
      const job = await store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', later());
      const [offer] = await store.matchQueuedJobs(later(), { limit: 10, offerTtlMs: 60_000 });
      await store.answerOffer(offer!.offerId, providerId, true, null, later());
      await store.recordJobStatus(status(job.jobId, 'started'), later());
      seconds += length - 1;
      await store.recordJobStatus(status(job.jobId, 'finished'), later());
      if (length === 3) {
        // The first two receipts are paid (their batch is confirmed and booked); the third stays payable.
        const payouts = new KyselyPayoutStore(second);
        await payouts.createIntent('po_paid', MINT, [{ providerId, recipient: WALLET }], 0n, later());
        await payouts.recordSignature('po_paid', null, { signature: SIGNATURE, wireBase64: 'AA==', lastValidBlockHeight: 1n }, later());
        await payouts.markConfirmed('po_paid', SIGNATURE, 5n, later());
        await payouts.markPaid('po_paid', later());
      }
    }
    const rows = await second.db.selectFrom('receipts').select('receipt_id').orderBy('issued_at').execute();
    receiptIds.push(...rows.map((row) => row.receipt_id));
  });
  afterAll(async () => {
    await coordinator?.close();
    await second?.close();
    await database?.stop();
  });

  it('pages through every receipt, oldest first, with the payout holding each', async () => {
    const first = await admin.statement(providerId, { limit: 2 });
    expect(first).toMatchObject({ providerId, payoutAddress: WALLET, nextCursor: receiptIds[1] });
    expect(first.receipts.map((r) => [r.receiptId, r.amount, r.payoutBatchId, r.payoutState, r.payoutSignature])).toEqual([
      [receiptIds[0], '20', 'po_paid', 'paid', SIGNATURE],
      [receiptIds[1], '30', 'po_paid', 'paid', SIGNATURE],
    ]);
    const rest = await admin.statement(providerId, { after: first.nextCursor!, limit: 2 });
    expect(rest.receipts.map((r) => [r.receiptId, r.amount, r.payoutBatchId, r.payoutState, r.payoutSignature])).toEqual([[receiptIds[2], '40', null, null, null]]);
    expect(rest.nextCursor).toBeNull();
    const whole = await admin.wholeStatement(providerId, 1);
    expect(whole.receipts.map((r) => r.receiptId)).toEqual(receiptIds);
    expect(ProviderStatementSchema.parse(whole).receipts[0]).toMatchObject({ jobId: expect.any(String), attempt: 1, seconds: 2, ratePerSecond: '10' });
  });

  it('names an unknown provider (404) and refuses a bad page size, cursor or query (400)', async () => {
    await expect(admin.statement('prv_nobody')).rejects.toMatchObject({ status: 404, code: 'unknown-provider' });
    await expect(admin.statement(providerId, { limit: 501 })).rejects.toMatchObject({ status: null, code: 'bad-request' });
    const get = (query: string) => fetch(`${coordinator.url}/v1/admin/providers/${providerId}/statement${query}`, { headers: { authorization: `Bearer ${coordinator.adminToken}` } });
    for (const query of ['?limit=0', '?limit=501', '?limit=two', '?page=2', '?after=..%2F']) {
      const answer = await get(query);
      expect(answer.status, query).toBe(400);
      expect(await answer.json()).toMatchObject({ error: { code: 'malformed' } });
    }
    const foreign = await get('?after=rc_not_a_receipt_of_this_provider');
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: { code: 'malformed', message: expect.stringMatching(/not a receipt of provider/) } });
    expect((await fetch(`${coordinator.url}/v1/admin/providers/${providerId}/statement`)).status).toBe(401);
  });
});
