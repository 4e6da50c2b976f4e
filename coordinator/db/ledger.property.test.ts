/**
 * Property: whatever order job events, preemptions, retries, metering passes and duplicate messages arrive
 * in, the ledger stays balanced, every run's receipt pays exactly the seconds metered for it, no run is paid
 * for more seconds than it lasted, and nothing stays pending once every run has ended.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCoordinator } from '../audit.js';
import { accounts } from '../domain/ledger.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';
import { testReceiptIssuer } from '../test-support/receipts.js';
import type { CoordinatorDatabase } from './database.js';
import { KyselyStore } from './kysely-store.js';
import { balancesOf } from './ledger-queries.js';
import type { ReceiptIssuer } from './run-money.js';
import type { CoordinatorStore, JobStatusInput } from './store.js';
import { at, jobRequest, readyProvider } from './test-support/fixtures.js';

type Step =
  | { kind: 'wait'; seconds: number }
  | { kind: 'heartbeat' }
  | { kind: 'status'; status: JobStatusInput['status']; times: number }
  | { kind: 'meter' }
  | { kind: 'provider-gone' }
  | { kind: 'retry' }
  | { kind: 'cancel' };

// Weighted so that runs usually start and live through several heartbeats and metering passes before something ends them.
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('meter' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom<JobStatusInput['status']>('started', 'started', 'frozen', 'thawed'), times: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom<JobStatusInput['status']>('finished', 'failed', 'interrupted'), times: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('provider-gone' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const) }) },
);

describe.each(testEngines())('ledger property on $name', ({ name, start }) => {
  let target: EngineTarget;
  let database: CoordinatorDatabase;
  let store: CoordinatorStore;
  let issuer: ReceiptIssuer;

  beforeAll(async () => {
    target = await start();
    database = await target.open();
    issuer = await testReceiptIssuer();
    store = new KyselyStore(database, { receiptIssuer: issuer });
  });
  afterAll(async () => {
    await store?.close();
    await target?.stop();
  });

  async function play(steps: Step[], budget: string): Promise<void> {
    await target.reset();
    let clock = 0;
    const { provider, session } = await readyProvider(store, { key: 1, now: at(0) });
    const job = await store.submitJob({ ...jobRequest({ perSecond: '7' }), budget }, 'buyer', at(0));
    let sessionId = session.sessionId;
    const takeOffer = async () => {
      const offers = await store.matchQueuedJobs(at(clock), { limit: 10, offerTtlMs: 30_000 });
      for (const offer of offers) await store.answerOffer(offer.offerId, provider.providerId, true, null, at(clock));
    };
    await takeOffer();
    for (const step of steps) {
      switch (step.kind) {
        case 'wait':
          clock += step.seconds;
          break;
        case 'heartbeat':
          await store.touchSession(sessionId, at(clock)).catch(() => undefined);
          break;
        case 'status':
          for (let i = 0; i < step.times; i += 1) {
            await store.recordJobStatus({ jobId: job.jobId, providerId: provider.providerId, status: step.status, reportedAt: at(clock), exitCode: 0, workedSeconds: 100_000, outputDigest: null, message: null }, at(clock));
          }
          break;
        case 'meter':
          for (const spent of (await store.meterRunningJobs(at(clock), 100)).budgetSpent) await store.cancelJob(spent.jobId, 'budget spent', at(clock));
          break;
        case 'provider-gone':
          await store.requeueJobsOfProvider(provider.providerId, 'gone', at(clock));
          break;
        case 'retry': {
          // The provider comes back with a new session and takes the job again when it is queued.
          sessionId = (await store.openSession({ providerId: provider.providerId, instanceId: 'test', resumeSessionId: null }, at(clock))).session.sessionId;
          await store.touchSession(sessionId, at(clock), { state: 'available', reason: 'owner-away', ownerPresent: false });
          await takeOffer();
          break;
        }
        case 'cancel':
          await store.cancelJob(job.jobId, 'cancelled by the buyer', at(clock));
          break;
      }
    }
    // Every run ends: the provider goes away for good, the job is cancelled.
    clock += 5;
    await store.requeueJobsOfProvider(provider.providerId, 'end of test', at(clock));
    await store.cancelJob(job.jobId, 'end of test', at(clock));

    const report = await auditCoordinator({ db: database.db, coordinatorPublicKey: issuer.publicKey, chain: null });
    expect(report.violations).toEqual([]);
    const runs = await database.db.selectFrom('job_attempts').selectAll().execute();
    const receipts = await database.db.selectFrom('receipts').selectAll().execute();
    for (const run of runs) {
      const mine = receipts.filter((r) => r.job_id === run.job_id && r.attempt_no === run.attempt_no);
      expect(mine.length).toBe(run.started_at ? 1 : 0);
      if (!run.started_at || !run.finished_at) continue;
      const lasted = Math.floor((run.finished_at.getTime() - run.started_at.getTime()) / 1000);
      expect(run.metered_seconds).toBeLessThanOrEqual(lasted);
      expect(mine[0]?.seconds).toBe(run.metered_seconds);
    }
    const paidSeconds = receipts.reduce((sum, r) => sum + r.seconds, 0);
    const money = await database.db.transaction().execute((trx) => balancesOf(trx, [accounts.pending(provider.providerId), accounts.payable(provider.providerId), accounts.funding('buyer'), accounts.escrow(job.jobId)]));
    expect(money.get(accounts.pending(provider.providerId))).toBe(0n);
    expect(money.get(accounts.payable(provider.providerId))).toBe(BigInt(paidSeconds) * 7n);
    expect(money.get(accounts.escrow(job.jobId))).toBe(0n);
    expect(money.get(accounts.funding('buyer'))).toBe(-BigInt(paidSeconds) * 7n);
    expect(BigInt(paidSeconds) * 7n).toBeLessThanOrEqual(BigInt(budget));
  }

  it('keeps the ledger balanced and pays each second once, whatever the order of events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 40 }), fc.constantFrom('1000000', '500', '70'), (steps, budget) => play(steps, budget)),
      { numRuns: name === 'pglite' ? 40 : 25 },
    );
  }, 240_000);
});
