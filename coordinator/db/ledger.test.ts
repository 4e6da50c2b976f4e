import { describe, expect, it } from 'vitest';
import { verifyReceipt, type JobReceipt } from '../../protocol/receipts.js';
import { auditCoordinator } from '../audit.js';
import { accounts } from '../domain/ledger.js';
import { testEngines } from '../test-support/postgres-engines.js';
import { balancesOf } from './ledger-queries.js';
import type { JobStatusInput } from './store.js';
import { at, jobRequest, readyProvider } from './test-support/fixtures.js';
import { jobStatus, MATCH, MINT, useStoreSuite, WALLET } from './test-support/store-suite.js';

/** Statuses carry a client counter the coordinator must ignore: it meters what it saw itself. */
const status = (jobId: string, providerId: string, kind: JobStatusInput['status']) => jobStatus(jobId, providerId, kind, { workedSeconds: 999 });

describe.each(testEngines())('ledger and metering on $name', ({ start }) => {
  const suite = useStoreSuite({ start });

  const balances = (...names: string[]) => suite.database.db.transaction().execute((trx) => balancesOf(trx, names));
  const audit = () => auditCoordinator({ db: suite.database.db, coordinatorPublicKey: suite.issuer.publicKey, chain: null });

  /** A job (10 base units a second, `budget`) running on a fresh provider since at(start). */
  async function runningJob(options: { budget?: string; start?: number } = {}) {
    const { provider, session } = await readyProvider(suite.store, { key: 1 });
    const job = await suite.store.submitJob({ ...jobRequest({ perSecond: '10' }), budget: options.budget ?? '1000000' }, 'buyer', at(0));
    const [offer] = await suite.store.matchQueuedJobs(at(0), MATCH);
    await suite.store.answerOffer(offer!.offerId, provider.providerId, true, null, at(0));
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'started'), at(options.start ?? 0));
    return { job, provider, session };
  }

  it('holds the budget at submission, pays each confirmed second, signs a receipt and refunds the rest', async () => {
    const { job, provider, session } = await runningJob();
    expect(await balances(accounts.escrow(job.jobId), accounts.funding('buyer'))).toEqual(new Map([[accounts.escrow(job.jobId), 1_000_000n], [accounts.funding('buyer'), -1_000_000n]]));
    // The session was last seen at 20 s: a pass at 25 s pays 20 s, not 25.
    await suite.store.touchSession(session.sessionId, at(20));
    await suite.store.meterRunningJobs(at(25), 100);
    expect((await balances(accounts.pending(provider.providerId))).get(accounts.pending(provider.providerId))).toBe(200n);
    // Frozen from 30 s to 50 s: not paid.
    await suite.store.touchSession(session.sessionId, at(30));
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'frozen'), at(30));
    await suite.store.touchSession(session.sessionId, at(45));
    await suite.store.meterRunningJobs(at(45), 100);
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'thawed'), at(50));
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'finished'), at(60));

    const earnings = await suite.store.earningsOf(provider.providerId, 10, at(100));
    expect(earnings.summary).toEqual({ pending: '0', payable: '400', inFlight: '0', paid: '0' });
    const receipt = earnings.receipts[0] as JobReceipt;
    expect(receipt.body).toMatchObject({ jobId: job.jobId, attempt: 1, providerId: provider.providerId, outcome: 'finished', seconds: 40, ratePerSecond: '10', amount: '400' });
    expect(receipt.body.ledgerEntryIds.length).toBeGreaterThanOrEqual(3);
    expect(verifyReceipt(receipt, suite.issuer.publicKey)).toEqual({ ok: true });
    expect((await balances(accounts.escrow(job.jobId))).get(accounts.escrow(job.jobId))).toBe(0n);
    expect((await balances(accounts.funding('buyer'))).get(accounts.funding('buyer'))).toBe(-400n);
    expect(await audit()).toMatchObject({ ok: true, violations: [] });
  });

  it('a final status sent twice is receipted and paid once', async () => {
    const { job, provider } = await runningJob();
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'finished'), at(10));
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'finished'), at(20));
    const earnings = await suite.store.earningsOf(provider.providerId, 10, at(100));
    expect(earnings.receipts).toHaveLength(1);
    expect(earnings.summary.payable).toBe('100');
    expect((await audit()).ok).toBe(true);
  });

  it('stops paying when the budget is spent, and says so', async () => {
    const { job, provider, session } = await runningJob({ budget: '155' });
    await suite.store.touchSession(session.sessionId, at(60));
    const pass = await suite.store.meterRunningJobs(at(60), 100);
    expect(pass.budgetSpent).toEqual([{ jobId: job.jobId, providerId: provider.providerId }]);
    expect((await balances(accounts.pending(provider.providerId))).get(accounts.pending(provider.providerId))).toBe(150n);
    await suite.store.cancelJob(job.jobId, 'The job’s budget is spent.', at(61));
    const earnings = await suite.store.earningsOf(provider.providerId, 10, at(100));
    expect(earnings.receipts[0]?.body).toMatchObject({ outcome: 'cancelled', seconds: 15, amount: '150' });
    expect((await balances(accounts.funding('buyer'))).get(accounts.funding('buyer'))).toBe(-150n);
    expect((await audit()).ok).toBe(true);
  });

  it('a provider that vanished is paid up to its last sign of life, and the job goes back to the queue with its escrow', async () => {
    const { job, provider, session } = await runningJob();
    await suite.store.touchSession(session.sessionId, at(33));
    await suite.store.requeueJobsOfProvider(provider.providerId, 'gone', at(120));
    const earnings = await suite.store.earningsOf(provider.providerId, 10, at(100));
    expect(earnings.receipts[0]?.body).toMatchObject({ outcome: 'interrupted', seconds: 33, amount: '330' });
    expect((await balances(accounts.escrow(job.jobId))).get(accounts.escrow(job.jobId))).toBe(1_000_000n - 330n);
    expect((await audit()).ok).toBe(true);
  });

  it('a cancelled queued job gets its whole budget back', async () => {
    const job = await suite.store.submitJob(jobRequest(), 'buyer', at(0));
    await suite.store.cancelJob(job.jobId, 'no longer needed', at(1));
    expect((await balances(accounts.funding('buyer'), accounts.escrow(job.jobId))).get(accounts.funding('buyer'))).toBe(0n);
    expect((await audit()).ok).toBe(true);
  });

  describe('payout batches', () => {
    async function payableProvider(): Promise<string> {
      const { job, provider } = await runningJob();
      await suite.store.enrolProvider({ devicePublicKey: provider.devicePublicKey, payoutAddress: WALLET, gpus: provider.gpus, minPricePerGpuHour: provider.minPricePerGpuHour, appVersion: '0.1.0', backends: provider.backends }, at(1));
      await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'finished'), at(12));
      return provider.providerId;
    }

    it('reserves at the intent, books paid once, and never pays a balance twice', async () => {
      const providerId = await payableProvider();
      expect(await suite.payouts.payableBalances(0n, 10)).toEqual([{ providerId, recipient: WALLET, amount: 120n }]);
      const batch = await suite.payouts.createIntent('po_1', MINT, [{ providerId, recipient: WALLET }], 0n, at(20));
      expect(batch?.items).toEqual([{ providerId, recipient: WALLET, amount: 120n }]);
      expect(await suite.payouts.payableBalances(0n, 10)).toEqual([]);
      expect(await suite.payouts.createIntent('po_2', MINT, [{ providerId, recipient: WALLET }], 0n, at(21))).toBeNull();
      expect(await suite.payouts.recordSignature('po_1', null, { signature: '5'.repeat(88), wireBase64: 'AA==', lastValidBlockHeight: 100n }, at(22))).toBe(true);
      // Another instance that saw the batch unsigned cannot record (and so never broadcasts) a second transaction.
      expect(await suite.payouts.recordSignature('po_1', null, { signature: '6'.repeat(88), wireBase64: 'AA==', lastValidBlockHeight: 100n }, at(22))).toBe(false);
      await expect(suite.payouts.markPaid('po_1', at(23))).rejects.toThrow(/not confirmed/);
      await suite.payouts.markConfirmed('po_1', '5'.repeat(88), 7n, at(23));
      expect(await suite.payouts.markPaid('po_1', at(24))).toHaveLength(1);
      expect(await suite.payouts.markPaid('po_1', at(25))).toEqual([]);
      const earnings = await suite.store.earningsOf(providerId, 10, at(100));
      expect(earnings.summary).toEqual({ pending: '0', payable: '0', inFlight: '0', paid: '120' });
      expect(earnings.payouts[0]).toMatchObject({ batchId: 'po_1', state: 'paid', amount: '120', transferAmount: '120', recipient: WALLET, signature: '5'.repeat(88) });
      expect(await suite.payouts.unsettledBatches()).toEqual([]);
      expect((await audit()).ok).toBe(true);
    });

    it('a failed batch makes the amount payable again', async () => {
      const providerId = await payableProvider();
      await suite.payouts.createIntent('po_1', MINT, [{ providerId, recipient: WALLET }], 0n, at(20));
      await suite.payouts.markFailed('po_1', 'insufficient funds', at(21));
      expect((await suite.store.earningsOf(providerId, 10, at(100))).summary).toEqual({ pending: '0', payable: '120', inFlight: '0', paid: '0' });
      expect((await audit()).ok).toBe(true);
    });

    it('respects the threshold, and skips providers without a wallet', async () => {
      const providerId = await payableProvider();
      expect(await suite.payouts.payableBalances(121n, 10)).toEqual([]);
      expect(await suite.payouts.payableBalances(120n, 10)).toHaveLength(1);
      await suite.database.db.updateTable('providers').set({ payout_address: '' }).where('provider_id', '=', providerId).execute();
      expect(await suite.payouts.payableBalances(0n, 10)).toEqual([]);
    });

    it('one instance at a time holds the payout lease', async () => {
      expect(await suite.payouts.acquireLease('payouts', 'a', at(0), 60_000)).toBe(true);
      expect(await suite.payouts.acquireLease('payouts', 'b', at(1), 60_000)).toBe(false);
      expect(await suite.payouts.acquireLease('payouts', 'a', at(30), 60_000)).toBe(true);
      expect(await suite.payouts.acquireLease('payouts', 'b', at(100), 60_000)).toBe(true);
      // Embedded PGlite: a lease left by a killed process is taken over at once.
      expect(await suite.payouts.acquireLease('payouts', 'c', at(101), 60_000, true)).toBe(true);
    });
  });

  it('the audit names a tampered ledger', async () => {
    const { job, provider } = await runningJob();
    await suite.store.recordJobStatus(status(job.jobId, provider.providerId, 'finished'), at(10));
    await suite.database.db.updateTable('ledger_entries').set({ amount: '101' }).where('account', '=', accounts.payable(provider.providerId)).execute();
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => v.rule)).toEqual(expect.arrayContaining(['ledger-balanced', 'balances-match']));
  });
});
