/**
 * The payout engine against a real local Solana and the real store, on both engines: many providers (some
 * sharing a wallet) paid in as many transactions as the size limit needs; two instances at once pay each
 * balance once; a transaction that never reached the cluster is re-signed only after its blockhash expired,
 * and still lands exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { address, generateKeyPairSigner } from '@solana/kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditCoordinator } from '../audit.js';
import { rpcAuditChain } from '../chain/audit-chain.js';
import { ensureLocalTreasury } from '../chain/local-treasury.js';
import type { PayoutChain } from '../chain/payout-chain.js';
import { createSolanaPayoutChain } from '../chain/solana-payout-chain.js';
import { ataOf, startTestChain, type TestChain } from '../chain/test-support/local-chain.js';
import type { CoordinatorDatabase } from '../db/database.js';
import { KyselyStore } from '../db/kysely-store.js';
import { KyselyPayoutStore } from '../db/payout-store.js';
import type { ReceiptIssuer } from '../db/run-money.js';
import { at, deviceKey, jobRequest, readyProvider } from '../db/test-support/fixtures.js';
import { nodeTimers } from '../server/timers.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';
import { testReceiptIssuer } from '../test-support/receipts.js';
import { DEFAULT_PAYOUT_OPTIONS, PayoutEngine, type PayoutOptions } from './payout-engine.js';

let counter = 0;
const newId = (prefix: string) => `${prefix}_${(counter += 1).toString().padStart(6, '0')}`;

describe.each(testEngines())('payout engine on $name', ({ start }) => {
  let target: EngineTarget;
  let database: CoordinatorDatabase;
  let store: KyselyStore;
  let issuer: ReceiptIssuer;
  let chain: TestChain;
  let payoutChain: PayoutChain;

  beforeAll(async () => {
    target = await start();
    database = await target.open();
    issuer = await testReceiptIssuer();
    store = new KyselyStore(database, { receiptIssuer: issuer });
    chain = await startTestChain();
    const treasury = await ensureLocalTreasury({ rpcUrl: chain.url, dataDir: mkdtempSync(join(tmpdir(), 'offhours-treasury-')) });
    payoutChain = await createSolanaPayoutChain({ rpcUrl: chain.url, treasurySigner: treasury.treasurySigner, mint: treasury.mint, cluster: 'localnet' });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await target?.stop();
    await chain?.cleanUp();
  });
  beforeEach(async () => {
    await target.reset();
  });

  /** `count` providers, each having run a job for i+1 seconds at 10 units/s; every third shares the previous one's wallet. */
  async function payableProviders(count: number): Promise<Map<string, bigint>> {
    const owed = new Map<string, bigint>();
    let wallet = '';
    for (let i = 0; i < count; i += 1) {
      if (i % 3 !== 2) wallet = (await generateKeyPairSigner()).address;
      const { provider } = await readyProvider(store, { key: i + 1, now: at(0) });
      await store.enrolProvider({ devicePublicKey: deviceKey(i + 1), payoutAddress: wallet, gpus: provider.gpus, minPricePerGpuHour: provider.minPricePerGpuHour, appVersion: '0.1.0', backends: ['webgpu'] }, at(0));
      const job = await store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', at(0));
      const [offer] = await store.matchQueuedJobs(at(0), { limit: 1, offerTtlMs: 30_000 });
      await store.answerOffer(offer!.offerId, provider.providerId, true, null, at(0));
      const report = { jobId: job.jobId, providerId: provider.providerId, reportedAt: at(0), exitCode: 0, workedSeconds: null, outputDigest: null, message: null };
      await store.recordJobStatus({ ...report, status: 'started' }, at(1));
      await store.recordJobStatus({ ...report, status: 'finished' }, at(2 + i));
      await store.expireStaleSessions(at(10_000), 1_000);
      owed.set(wallet, (owed.get(wallet) ?? 0n) + BigInt(10 * (i + 1)));
    }
    return owed;
  }

  function engine(chainPort: PayoutChain, options: Partial<PayoutOptions> = {}, instanceId = 'instance-a'): PayoutEngine {
    return new PayoutEngine({
      store: new KyselyPayoutStore(database),
      chain: chainPort,
      clock: () => new Date(),
      timers: nodeTimers(),
      newId,
      instanceId,
      options: { ...DEFAULT_PAYOUT_OPTIONS, pollMs: 20, confirmWaitMs: 10_000, ...options },
      log: () => {},
    });
  }

  async function tokenBalance(owner: string): Promise<bigint> {
    const ata = await ataOf(address(owner), address(payoutChain.mint));
    const info = await chain.rpc.getAccountInfo(ata, { encoding: 'base64' }).send();
    return info.value ? BigInt((await chain.rpc.getTokenAccountBalance(ata).send()).value.amount) : 0n;
  }

  async function expectPaidExactly(owed: Map<string, bigint>): Promise<void> {
    for (const [wallet, amount] of owed) expect(await tokenBalance(wallet)).toBe(amount);
    const report = await auditCoordinator({ db: database.db, coordinatorPublicKey: issuer.publicKey, chain: rpcAuditChain(chain.url) });
    expect(report.violations).toEqual([]);
    expect(await new KyselyPayoutStore(database).payableBalances(0n, 100)).toEqual([]);
  }

  it('pays every wallet what it is owed, in as many transactions as fit, and two instances at once pay each balance once', async () => {
    const owed = await payableProviders(30);
    const first = engine(payoutChain, {}, 'instance-a');
    const second = engine(payoutChain, {}, 'instance-b');
    await Promise.all([first.runCycle(), second.runCycle()]);
    await first.runCycle();
    await expectPaidExactly(owed);
    const batches = await database.db.selectFrom('payout_batches').select(['batch_id', 'state']).execute();
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.every((batch) => batch.state === 'paid')).toBe(true);
  }, 120_000);

  it('a transaction that never reached the cluster is signed again only once its blockhash expired, and lands once', async () => {
    const owed = await payableProviders(2);
    let delivered = false;
    // The same chain, but the first broadcasts are lost on the way (a dropped packet, a crash before sending).
    const lossy: PayoutChain = Object.assign(Object.create(payoutChain) as PayoutChain, {
      broadcast: (wire: string) => (delivered ? payoutChain.broadcast(wire) : Promise.resolve()),
    });
    const payouts = engine(lossy, { confirmWaitMs: 300 });
    await payouts.runCycle();
    const [batch] = await new KyselyPayoutStore(database).unsettledBatches();
    expect(batch?.signatures).toHaveLength(1);
    // Still within its blockhash's life: resumed by re-broadcasting the same transaction, never a new one.
    delivered = false;
    await payouts.runCycle();
    expect((await new KyselyPayoutStore(database).unsettledBatches())[0]?.signatures).toHaveLength(1);
    chain.advance(70_000);
    delivered = true;
    await payouts.runCycle();
    const signatures = await database.db.selectFrom('payout_signatures').select('signature').execute();
    expect(signatures).toHaveLength(2);
    await expectPaidExactly(owed);
  }, 120_000);
});
